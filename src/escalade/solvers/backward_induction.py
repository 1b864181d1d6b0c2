"""Backward induction: the subgame-perfect equilibrium of perfect-information games.

In a finite game of perfect information (every information set is a single
node), possibly with chance moves, backward induction (Zermelo 1913; Kuhn
1953) gives a subgame-perfect equilibrium: the value of a terminal node is its
payoff vector; a chance node's value is the probability-weighted mean of its
children's; a decision node's value is that of the child that maximises the
mover's own component.

The computation is vectorised over the breadth-first levels of the flat tree
(:mod:`escalade.game.extensive`): one NumPy pass per level, no Python work per
node.

Tie-breaking (deterministic): among the children whose value for the mover is
within ``tie_tol`` (default 1e-12) of the maximum, the lowest action index is
chosen.
"""

from __future__ import annotations

import time

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.profiles import BehaviorProfile
from escalade.game.types import ALL_TYPES, GameType, check_supported
from escalade.solvers._common import finish
from escalade.solvers.result import SolveResult
from escalade.solvers.verify import reach_probabilities

__all__ = ["METHOD", "induce", "solve", "supports"]

METHOD = "spe"

supports: frozenset[GameType] = ALL_TYPES - {
    GameType.SIMULTANEOUS,
    GameType.IMPERFECT_INFORMATION,
}


def induce(game: ExtensiveFormGame, *, tie_tol: float = 1e-12) -> tuple[FloatArray, IntArray]:
    """Return ``(values, choice)``: node values and the chosen child of each decision node.

    ``values`` has shape ``(n_nodes, n_players)``; ``choice[i]`` is the index
    of the chosen child (``-1`` at chance and terminal nodes).
    """
    n, n_pl = game.n_nodes, game.n_players
    values = np.zeros((n, n_pl))
    term = game.kind == NodeKind.TERMINAL
    values[term] = game.payoffs[game.terminal[term]]
    choice = np.full(n, -1, dtype=np.int64)
    ls, kind, fc = game.level_start, game.kind, game.first_child
    mover = game.player
    for d in range(ls.size - 3, -1, -1):
        lo, hi, c_lo, c_hi = int(ls[d]), int(ls[d + 1]), int(ls[d + 1]), int(ls[d + 2])
        inner = lo + np.flatnonzero(kind[lo:hi] != NodeKind.TERMINAL)
        if inner.size == 0:
            continue
        seg = fc[inner] - c_lo
        kids = values[c_lo:c_hi]
        is_dec = kind[inner] == NodeKind.DECISION
        # chance: probability-weighted sums of the children's values
        weighted = kids * game.prob[c_lo:c_hi, None]
        chance_val = np.add.reduceat(weighted, seg, axis=0)
        # decision: the mover's component of each child, maximised per segment
        owner = np.repeat(np.where(is_dec, mover[inner], 0), game.n_children[inner])
        own = kids[np.arange(c_hi - c_lo), owner]
        best = np.maximum.reduceat(own, seg)
        hit = own >= np.repeat(best, game.n_children[inner]) - tie_tol
        idx = np.where(hit, np.arange(c_hi - c_lo), c_hi - c_lo)
        first = np.minimum.reduceat(idx, seg)
        dec_val = kids[first]
        values[inner] = np.where(is_dec[:, None], dec_val, chance_val)
        choice[inner[is_dec]] = first[is_dec] - seg[is_dec]
    return values, choice


def solve(game: ExtensiveFormGame, *, tie_tol: float = 1e-12, verify: bool = True) -> SolveResult:
    """Solve a perfect-information game by backward induction.

    Parameters
    ----------
    game : ExtensiveFormGame
        A game in which every information set has one node (chance allowed).
    tie_tol : float
        Children within this distance of the best value count as tied; the
        lowest action index among them wins.
    verify : bool
        Compute the regret of the result (``diagnostics.max_regret``).

    Returns
    -------
    SolveResult
        One pure behaviour profile, its payoffs, ``node_values`` (every
        node's value) and ``path`` (the nodes reached with positive
        probability).

    Raises
    ------
    UnsupportedGameError
        For normal-form games or games with imperfect information.
    """
    flags = getattr(game, "game_type", frozenset({GameType.SIMULTANEOUS}))
    check_supported(flags, supports, METHOD)
    started = time.perf_counter()
    values, choice = induce(game, tie_tol=tie_tol)
    probs = np.zeros(game.n_slots)
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    probs[game.infoset_offset[game.infoset[dec]] + choice[dec]] = 1.0
    profile = BehaviorProfile(probs)
    reach = reach_probabilities(game, profile)
    path = np.flatnonzero(reach > 0).astype(np.int64)
    return finish(
        game,
        METHOD,
        {"tie_tol": tie_tol},
        [profile],
        started=started,
        verify=verify,
        node_values=values,
        path=path,
    )
