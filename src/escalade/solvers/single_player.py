"""One player with imperfect information: the best plan, by induction over information sets.

A one-player game with chance moves and perfect recall (a decision problem
under uncertainty, such as a scenario's game with ``private="chance"`` and one
player) is solved exactly by backward induction over the player's information
sets (Kuhn 1953; e.g. Maschler, Solan & Zamir, *Game Theory*, 2013, ch. 6):
the information sets are taken from the player's last move back to its first;
at each, the value of an action is the mean, over the set's nodes weighted by
the probability that chance reaches them, of the value of the node the action
leads to, the later information sets already playing their chosen actions.
Perfect recall makes the weights independent of the player's own earlier
choices, so each choice is optimal for every plan that reaches it.

Ties (deterministic): among the actions within ``tie_tol`` of the best mean
value, the lowest action index is chosen. With one node per information set
this is backward induction (``spe``) and gives the same plan.
"""

from __future__ import annotations

import time

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.errors import UnsupportedGameError
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.profiles import BehaviorProfile
from escalade.game.types import GameType, check_supported
from escalade.solvers._common import finish
from escalade.solvers.result import SolveResult
from escalade.solvers.verify import reach_from_edges, reach_probabilities

__all__ = ["METHOD", "solve", "supports"]

METHOD = "single"

supports: frozenset[GameType] = frozenset(GameType) - {
    GameType.SIMULTANEOUS,
    GameType.TWO_PLAYER,
    GameType.N_PLAYER,
}


def _own_depth(game: ExtensiveFormGame) -> IntArray:
    """Decision nodes above each node (the player's moves so far)."""
    depth = np.zeros(game.n_nodes, dtype=np.int64)
    ls = game.level_start
    step = (game.kind == NodeKind.DECISION).astype(np.int64)
    for d in range(1, ls.size - 1):
        nodes = np.arange(ls[d], ls[d + 1])
        depth[nodes] = depth[game.parent[nodes]] + step[game.parent[nodes]]
    return depth


def _values(game: ExtensiveFormGame, choice: IntArray) -> FloatArray:
    """Node values when each information set plays ``choice`` (0 where still -1)."""
    values = np.zeros(game.n_nodes)
    term = game.kind == NodeKind.TERMINAL
    values[term] = game.payoffs[game.terminal[term], 0]
    ls, fc, nc = game.level_start, game.first_child, game.n_children
    for d in range(ls.size - 3, -1, -1):
        nodes = np.arange(ls[d], ls[d + 1])
        chance = nodes[game.kind[nodes] == NodeKind.CHANCE]
        for n in chance:  # few chance nodes per level compared with the leaves
            kids = slice(fc[n], fc[n] + nc[n])
            values[n] = float(game.prob[kids] @ values[kids])
        dec = nodes[game.kind[nodes] == NodeKind.DECISION]
        values[dec] = values[fc[dec] + np.maximum(choice[game.infoset[dec]], 0)]
    return values


def _choose(
    game: ExtensiveFormGame, choice: IntArray, sets: IntArray, q: FloatArray, tie_tol: float
) -> None:
    """Set ``choice`` of information sets ``sets`` from the slots' mean values ``q``."""
    off = game.infoset_offset
    for h in sets:
        row = q[off[h] : off[h + 1]]
        choice[h] = int(np.flatnonzero(row >= row.max() - tie_tol)[0])


def induce(game: ExtensiveFormGame, *, tie_tol: float = 1e-12) -> tuple[FloatArray, IntArray]:
    """Return ``(values, choice)``: node values and each information set's chosen action."""
    edge = np.where(game.parent_kind == NodeKind.CHANCE, game.prob, 1.0)
    weight = reach_from_edges(game, edge)
    depth = _own_depth(game)
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    choice = np.full(game.n_infosets, -1, dtype=np.int64)
    into = np.flatnonzero(game.parent_kind == NodeKind.DECISION)
    for level in np.unique(depth[dec])[::-1]:
        values = _values(game, choice)
        kids = into[depth[game.parent[into]] == level]
        total = np.zeros(game.n_slots)
        np.add.at(total, game.edge_slot[kids], weight[game.parent[kids]] * values[kids])
        mass = np.zeros(game.n_infosets)
        here = dec[depth[dec] == level]
        np.add.at(mass, game.infoset[here], weight[here])
        q = total / np.maximum(mass[game.slot_infoset], np.finfo(float).tiny)
        _choose(game, choice, np.unique(game.infoset[here]), q, tie_tol)
    return _values(game, choice), choice


def solve(game: ExtensiveFormGame, *, tie_tol: float = 1e-12, verify: bool = True) -> SolveResult:
    """Solve a one-player game with perfect recall (see the module docstring).

    Parameters
    ----------
    game : ExtensiveFormGame
        A one-player game tree; chance moves and information sets allowed.
    tie_tol : float
        Actions within this distance of the best mean value count as tied;
        the lowest action index among them wins.
    verify : bool
        Compute the regret of the result (``diagnostics.max_regret``).

    Returns
    -------
    SolveResult
        One pure behaviour profile (the optimal plan), its expected payoff,
        ``node_values`` and ``path`` (the nodes reached with positive probability).

    Raises
    ------
    UnsupportedGameError
        For normal-form games, more than one player, or imperfect recall.
    """
    flags = getattr(game, "game_type", frozenset({GameType.SIMULTANEOUS}))
    check_supported(flags, supports, METHOD)
    if not game.has_perfect_recall:
        raise UnsupportedGameError(
            "single: expected a game with perfect recall (the player remembers its own "
            "moves), found one without; hint: method 'gambit-logit' (the gambit extra)"
        )
    started = time.perf_counter()
    values, choice = induce(game, tie_tol=tie_tol)
    probs = np.zeros(game.n_slots)
    probs[game.infoset_offset[:-1] + np.maximum(choice, 0)] = 1.0
    profile = BehaviorProfile(probs)
    path = np.flatnonzero(reach_probabilities(game, profile) > 0).astype(np.int64)
    return finish(
        game,
        METHOD,
        {"tie_tol": tie_tol},
        [profile],
        started=started,
        verify=verify,
        node_values=values[:, None],
        path=path,
    )
