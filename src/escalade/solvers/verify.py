r"""Verification of strategy profiles: expected payoffs, best responses, regret.

For a profile :math:`\sigma` and player :math:`i`, the *regret* is
:math:`\max_{\sigma_i'} U_i(\sigma_i', \sigma_{-i}) - U_i(\sigma)`: what
the player gains by a unilateral deviation to a best response. A profile is a
Nash equilibrium iff every regret is 0 (up to rounding). For two-player
constant-sum games, *exploitability* is half the sum of the two regrets
(OpenSpiel's ``NashConv / 2``); it equals the amount by which each player's
strategy can be exploited when both are optimal.

Best responses in extensive games are computed exactly by backward induction
over the player's own sequences (Koller, Megiddo & von Stengel 1994): the
other players' and chance's behaviour is fixed, each terminal weighted by the
probability that they lead to it, and at each of the player's information
sets the action with the highest continuation value is chosen, deepest
information sets first. This needs perfect recall.
"""

from __future__ import annotations

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.errors import UnsupportedGameError
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import BehaviorProfile, MixedProfile, Profile, check_profile
from escalade.game.types import GameType

__all__ = [
    "best_response_values",
    "expected_payoffs",
    "exploitability",
    "reach_from_edges",
    "reach_probabilities",
    "regret",
]

Game = ExtensiveFormGame | NormalFormGame


def reach_probabilities(
    game: ExtensiveFormGame, profile: BehaviorProfile, *, exclude_player: int | None = None
) -> FloatArray:
    """Return the probability of reaching every node under ``profile``.

    With ``exclude_player`` set, that player's own action probabilities are
    treated as 1 (the reach of chance and the other players only).
    """
    check_profile(game, profile)
    edge = np.ones(game.n_nodes)
    pk = game.parent_kind
    edge[pk == NodeKind.CHANCE] = game.prob[pk == NodeKind.CHANCE]
    dec = np.flatnonzero(pk == NodeKind.DECISION)
    edge[dec] = profile.probabilities[game.edge_slot[dec]]
    if exclude_player is not None:
        mine = dec[game.player[game.parent[dec]] == exclude_player]
        edge[mine] = 1.0
    return reach_from_edges(game, edge)


def reach_from_edges(game: ExtensiveFormGame, edge: FloatArray) -> FloatArray:
    """The product of ``edge`` (one probability per node's incoming edge) down the tree.

    Nodes are stored level by level, so one pass per level multiplies each node's
    edge by its parent's reach (the root's reach is 1).
    """
    reach = np.empty(game.n_nodes)
    reach[0] = 1.0
    ls = game.level_start
    for d in range(1, ls.size - 1):
        lo, hi = int(ls[d]), int(ls[d + 1])
        reach[lo:hi] = reach[game.parent[lo:hi]] * edge[lo:hi]
    return reach


def _terminal_nodes(game: ExtensiveFormGame) -> IntArray:
    t = np.flatnonzero(game.kind == NodeKind.TERMINAL)
    return t[np.argsort(game.terminal[t])]


def expected_payoffs(game: Game, profile: Profile) -> FloatArray:
    """Return each player's expected payoff under ``profile``, shape ``(n_players,)``."""
    if isinstance(game, NormalFormGame):
        check_profile(game, profile)
        assert isinstance(profile, MixedProfile)
        return np.array(
            [
                _strategy_values(game, profile, i) @ profile.strategies[i]
                for i in range(game.n_players)
            ]
        )
    assert isinstance(profile, BehaviorProfile)
    reach = reach_probabilities(game, profile)
    nodes = _terminal_nodes(game)
    return np.asarray(reach[nodes] @ game.payoffs, dtype=np.float64)


def _strategy_values(game: NormalFormGame, profile: MixedProfile, i: int) -> FloatArray:
    """Player ``i``'s payoff of each pure strategy against the others' mix."""
    table = np.moveaxis(game.payoffs[i], i, 0)
    others = [j for j in range(game.n_players) if j != i]
    for j in reversed(others):
        table = table @ profile.strategies[j]
    return np.asarray(table, dtype=np.float64)


def _own_depth(parent_infoset: IntArray) -> IntArray:
    depth = np.zeros(parent_infoset.size, dtype=np.int64)
    cur = parent_infoset.copy()
    while np.any(cur >= 0):
        live = cur >= 0
        depth[live] += 1
        cur[live] = parent_infoset[cur[live]]
    return depth


def _extensive_br_value(game: ExtensiveFormGame, profile: BehaviorProfile, p: int) -> float:
    reach = reach_probabilities(game, profile, exclude_player=p)
    nodes = _terminal_nodes(game)
    contrib = reach[nodes] * game.payoffs[:, p]
    seq = game.last_sequence[p, nodes]
    slot_value = np.zeros(game.n_slots)
    np.add.at(slot_value, seq[seq > 0] - 1, contrib[seq > 0])
    root = float(contrib[seq == 0].sum())
    mine = np.flatnonzero(game.infoset_player == p)
    if mine.size == 0:
        return root
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    parent_seq = np.zeros(game.n_infosets, dtype=np.int64)
    parent_seq[game.infoset[dec]] = game.last_sequence[game.player[dec], dec]
    parent_inf = np.where(parent_seq > 0, game.slot_infoset[np.maximum(parent_seq - 1, 0)], -1)
    parent_inf[np.setdiff1d(np.arange(game.n_infosets), mine)] = -1
    depth = _own_depth(parent_inf)[mine]
    starts = game.infoset_offset[:-1]
    for d in range(int(depth.max()), -1, -1):
        hs = mine[depth == d]
        best = np.maximum.reduceat(slot_value, starts)[hs]
        ps = parent_seq[hs]
        np.add.at(slot_value, ps[ps > 0] - 1, best[ps > 0])
        root += float(best[ps == 0].sum())
    return root


def best_response_values(game: Game, profile: Profile) -> FloatArray:
    """Return each player's best-response payoff against the others' strategies.

    Raises
    ------
    UnsupportedGameError
        For an extensive game without perfect recall.
    """
    if isinstance(game, NormalFormGame):
        check_profile(game, profile)
        assert isinstance(profile, MixedProfile)
        return np.array([_strategy_values(game, profile, i).max() for i in range(game.n_players)])
    if not game.has_perfect_recall:
        raise UnsupportedGameError(
            "regret: exact best responses need perfect recall, and this game does not have it"
        )
    assert isinstance(profile, BehaviorProfile)
    return np.array([_extensive_br_value(game, profile, p) for p in range(game.n_players)])


def regret(game: Game, profile: Profile) -> FloatArray:
    """Return each player's regret (gain from a unilateral best-response deviation).

    Parameters
    ----------
    game : ExtensiveFormGame or NormalFormGame
        The game.
    profile : BehaviorProfile or MixedProfile
        A profile of that game.

    Returns
    -------
    ndarray of float64, shape (n_players,)
        Non-negative up to rounding; all zero at a Nash equilibrium.
    """
    return np.maximum(best_response_values(game, profile) - expected_payoffs(game, profile), 0.0)


def exploitability(game: Game, profile: Profile) -> float:
    """Return ``NashConv / 2`` of a two-player constant-sum game.

    Raises
    ------
    UnsupportedGameError
        If the game is not a two-player zero-sum (constant-sum) game.
    """
    flags = game.game_type
    if GameType.TWO_PLAYER not in flags or GameType.ZERO_SUM not in flags:
        raise UnsupportedGameError(
            "exploitability is defined here for two-player zero-sum games only"
        )
    return float(regret(game, profile).sum() / 2.0)
