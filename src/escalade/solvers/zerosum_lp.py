r"""Sequence-form linear program for two-player zero-sum extensive games.

With perfect recall, a player's mixed strategy is equivalent to a
*realization plan* :math:`x` over their sequences (Koller, Megiddo & von
Stengel 1994, "Fast algorithms for finding randomized strategies in game
trees", STOC; von Stengel 1996, *Games Econ. Behav.* 14). Plans satisfy
:math:`E x = e, x \ge 0`, where :math:`E` has one row for the empty sequence
and one per information set (``-x[parent] + sum_a x[parent a] = 0``);
likewise :math:`F y = f, y \ge 0` for the second player. With the sparse
sequence-form payoff matrix :math:`A` (chance-weighted payoffs of player 1 per
pair of final sequences), player 1's maxmin plan solves

.. math:: \max_{x, q} f^T q \quad \text{s.t.} \quad F^T q - A^T x \le 0,\;
          E x = e,\; x \ge 0,

and player 2's minmax plan the dual-shaped
:math:`\min_{y, p} e^T p` s.t. :math:`A y - E^T p \le 0,\ F y = f,\ y \ge 0`.
The second is the LP dual of the first, so only one is solved, with
``scipy.optimize.linprog(method="highs-ds")`` on sparse matrices: the other
player's plan is read from its inequality duals. The LP solved is the one with
fewer inequality rows (they are the opponent's sequences). Plans are turned
into behaviour strategies by ``b(h, a) = x[parent(h) a] / x[parent(h)]``
(uniform at information sets the player's own plan never reaches).

Constant-sum games are accepted: the value of player 2 is the constant minus
player 1's value.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from escalade._types import FloatArray, IntArray
from escalade.errors import SolverError, UnsupportedGameError
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.profiles import BehaviorProfile
from escalade.game.types import GameType, check_supported
from escalade.solvers._common import TWO_PLAYER_ZERO_SUM, finish
from escalade.solvers.result import SolveResult
from escalade.solvers.verify import reach_from_edges

__all__ = ["METHOD", "solve", "supports"]

METHOD = "zerosum-lp"

supports: frozenset[GameType] = TWO_PLAYER_ZERO_SUM


def _chance_reach(game: ExtensiveFormGame) -> FloatArray:
    edge = np.where(game.parent_kind == NodeKind.CHANCE, game.prob, 1.0)
    return reach_from_edges(game, edge)


class _Seq:
    """One player's sequences: local index per global slot, and the constraint matrix."""

    def __init__(self, game: ExtensiveFormGame, p: int) -> None:
        self.infosets: IntArray = np.flatnonzero(game.infoset_player == p)
        slots = [
            np.arange(game.infoset_offset[h], game.infoset_offset[h + 1]) for h in self.infosets
        ]
        self.slots: IntArray = np.concatenate(slots) if slots else np.zeros(0, dtype=np.int64)
        self.local: IntArray = np.zeros(game.n_slots + 1, dtype=np.int64)  # global seq -> local
        self.local[self.slots + 1] = np.arange(1, self.slots.size + 1)
        self.size = self.slots.size + 1
        dec = np.flatnonzero(game.kind == NodeKind.DECISION)
        first = np.full(game.n_infosets, -1, dtype=np.int64)
        first[game.infoset[dec][::-1]] = dec[::-1]
        self.parent_seq: IntArray = self.local[game.last_sequence[p, first[self.infosets]]]
        rows, cols, vals = [0], [0], [1.0]
        for r, h in enumerate(self.infosets.tolist(), start=1):
            rows.append(r)
            cols.append(int(self.parent_seq[r - 1]))
            vals.append(-1.0)
            lo, hi = int(game.infoset_offset[h]), int(game.infoset_offset[h + 1])
            rows.extend([r] * (hi - lo))
            cols.extend(self.local[np.arange(lo, hi) + 1].tolist())
            vals.extend([1.0] * (hi - lo))
        self.matrix = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(len(self.infosets) + 1, self.size)
        )
        self.rhs = np.zeros(len(self.infosets) + 1)
        self.rhs[0] = 1.0

    def behaviour(self, game: ExtensiveFormGame, plan: FloatArray, out: FloatArray) -> None:
        for r, h in enumerate(self.infosets.tolist()):
            lo, hi = int(game.infoset_offset[h]), int(game.infoset_offset[h + 1])
            mass = plan[self.parent_seq[r]]
            x = np.clip(plan[self.local[np.arange(lo, hi) + 1]], 0.0, None)
            out[lo:hi] = x / x.sum() if mass > 1e-12 and x.sum() > 0 else 1.0 / (hi - lo)


def _payoff_matrix(game: ExtensiveFormGame, s0: _Seq, s1: _Seq) -> sparse.csr_matrix:
    term = np.flatnonzero(game.kind == NodeKind.TERMINAL)
    w = _chance_reach(game)[term] * game.payoffs[game.terminal[term], 0]
    r = s0.local[game.last_sequence[0, term]]
    c = s1.local[game.last_sequence[1, term]]
    keep = w != 0
    return sparse.csr_matrix((w[keep], (r[keep], c[keep])), shape=(s0.size, s1.size))


def _lp(
    c: FloatArray, a_ub: sparse.spmatrix, a_eq: sparse.spmatrix, b_eq: FloatArray, n_nonneg: int
) -> tuple[FloatArray, FloatArray]:
    """Solve ``min c.z`` s.t. ``a_ub z <= 0``, ``a_eq z = b_eq``.

    Returns ``z`` and the negated inequality duals (the opponent's plan).
    """
    n_free = c.size - n_nonneg
    bounds = [(0.0, None)] * n_nonneg + [(None, None)] * n_free
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(a_ub.shape[0]),
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs-ds",
    )
    if res.status != 0:
        raise SolverError(f"zerosum-lp: HiGHS did not find an optimum ({res.message})")
    duals = -np.asarray(res.ineqlin.marginals, dtype=np.float64)
    return np.asarray(res.x, dtype=np.float64), duals


def _maxmin(a: sparse.csr_matrix, s0: _Seq, s1: _Seq) -> tuple[FloatArray, FloatArray, float]:
    """Player 1's LP ``max q0`` s.t. ``F^T q - A^T x <= 0, E x = e``: plans ``x``, ``y``, value."""
    m0, m1 = s0.matrix.shape[0], s1.matrix.shape[0]
    c = np.zeros(s0.size + m1)
    c[s0.size] = -1.0
    ub = sparse.hstack([-a.T, s1.matrix.T]).tocsr()
    eq = sparse.hstack([s0.matrix, sparse.csr_matrix((m0, m1))]).tocsr()
    z, y = _lp(c, ub, eq, s0.rhs, s0.size)
    return z[: s0.size], y, float(z[s0.size])


def _minmax(a: sparse.csr_matrix, s0: _Seq, s1: _Seq) -> tuple[FloatArray, FloatArray, float]:
    """Player 2's LP ``min p0`` s.t. ``A y - E^T p <= 0, F y = f``: plans ``x``, ``y``, value."""
    m0, m1 = s0.matrix.shape[0], s1.matrix.shape[0]
    c = np.zeros(s1.size + m0)
    c[s1.size] = 1.0
    ub = sparse.hstack([a, -s0.matrix.T]).tocsr()
    eq = sparse.hstack([s1.matrix, sparse.csr_matrix((m1, m0))]).tocsr()
    z, x = _lp(c, ub, eq, s1.rhs, s1.size)
    return x, z[: s1.size], float(z[s1.size])


def solve(game: ExtensiveFormGame, *, verify: bool = True) -> SolveResult:
    """Solve a two-player zero-sum extensive game with perfect recall.

    Returns
    -------
    SolveResult
        One behaviour profile (both players' optimal strategies); its
        ``payoffs`` are the game value; ``diagnostics.extra`` holds the LP
        sizes and both LP values.

    Raises
    ------
    UnsupportedGameError
        For games that are not two-player zero-sum extensive games, or lack
        perfect recall.
    """
    flags = getattr(game, "game_type", frozenset({GameType.SIMULTANEOUS}))
    check_supported(flags, supports, METHOD)
    if not game.has_perfect_recall:
        raise UnsupportedGameError(
            "zerosum-lp needs perfect recall (a player forgets an own earlier move here)"
        )
    started = time.perf_counter()
    s0, s1 = _Seq(game, 0), _Seq(game, 1)
    a = _payoff_matrix(game, s0, s1)
    # One LP gives both plans: the other player's plan is its inequality duals.
    # The side with fewer inequality rows (the other player's sequences) is solved.
    first = s1.size <= s0.size
    x, y, value = _maxmin(a, s0, s1) if first else _minmax(a, s0, s1)
    probs = np.zeros(game.n_slots)
    s0.behaviour(game, x, probs)
    s1.behaviour(game, y, probs)
    extra = {
        "sequences_1": s0.size,
        "sequences_2": s1.size,
        "lp_of_player": 1 if first else 2,
        "value_lp": value,
    }
    return finish(
        game, METHOD, {}, [BehaviorProfile(probs)], started=started, verify=verify, extra=extra
    )
