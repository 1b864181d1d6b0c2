"""All Nash equilibria of a small bimatrix game, degenerate games included.

:func:`equilibria` runs support enumeration
(:mod:`escalade.solvers.support_enumeration`: supports of equal size, all the
equilibria of a non-degenerate game) and then tests the game for degeneracy:
a pure strategy with more than one pure best response, or an equilibrium
found whose players have more pure best responses than the other's support
has strategies. A degenerate game (common in estimated meta-games: two
strategies that never differ in play give identical payoffs) may have
equilibria with supports of unequal size, and continua of them; then every
pair of supports is tried with two linear programs (one per player) that look
for a mix with exactly that support making the other's support best
responses. Each equilibrium found this way is a point in the relative
interior of a polytope of equilibria with those supports, whose dimension is
reported (0: an isolated point).

The two programs are small (a player's support of ``k`` strategies: a polytope
in ``k`` dimensions with at most ``k`` plus the other's strategy count
facets), so by default (``method="vertex"``) they are not solved by a general
LP solver but by enumerating the polytope's vertices: every choice of ``k``
linearly independent tight constraints (the equalities plus inequalities
held tight), solved in one batched call, kept when it satisfies the others.
The polytope has a mix with exactly the support wanted if and only if the
centroid of its vertices has (every point of it is a convex combination of
the vertices, all non-negative), and the centroid, a point of its relative
interior, is the equilibrium reported; the polytope's dimension is the rank
of the vertices' differences. A program with more than
:data:`MAX_BASES` candidate bases falls back on the LP (``method="lp"``,
SciPy's HiGHS: maximise the smallest weight, then one LP per tight
inequality for its dimension). Before either, a support pair is dropped
when a strategy in one support is strictly dominated against the other
support (it cannot be a best response to any mix there).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import linprog

from escalade._types import FloatArray
from escalade.solvers.support_enumeration import (
    degeneracy,
    equal_support_candidates,
    indifferent_mix,
)

__all__ = ["BimatrixEquilibrium", "Equilibria", "equilibria", "same_support_equilibrium"]

MAX_DEGENERATE_PAIRS = 200_000
"""Support pairs tried at most in a degenerate game (beyond: equal sizes only, said)."""

MAX_BASES = 3_000
"""Candidate vertex bases at most per support program (beyond: the LP)."""

Method = Literal["vertex", "lp"]


@dataclass(frozen=True)
class BimatrixEquilibrium:
    """One equilibrium: both mixes and the dimension of its set (0 when isolated)."""

    row: FloatArray
    col: FloatArray
    dimension: int = 0


@dataclass(frozen=True)
class Equilibria:
    """What :func:`equilibria` found, and whether the game is degenerate."""

    found: tuple[BimatrixEquilibrium, ...]
    degenerate: bool
    note: str


def _vertices(eq: FloatArray, eq_rhs: FloatArray, ub: FloatArray, tol: float) -> FloatArray | None:
    """Vertices of the bounded polytope ``{x : eq x = eq_rhs, ub x <= 0}``, shape (v, k).

    None when there are more than :data:`MAX_BASES` bases to try (the caller
    falls back on the LP); an empty array when the polytope is empty.
    """
    k = eq.shape[1]
    kept = list(range(len(eq)))
    if len(eq) > 1 and (len(eq) > k or np.linalg.matrix_rank(eq, tol=1e-9) < len(eq)):
        kept = [0]  # independent equalities, in order (the first is sum x = 1)
        for i in range(1, len(eq)):
            if np.linalg.matrix_rank(eq[[*kept, i]], tol=1e-9) > len(kept):
                kept.append(i)
    free = k - len(kept)
    if math.comb(len(ub), free) > MAX_BASES:
        return None
    bases = np.array(list(itertools.combinations(range(len(ub)), free)), dtype=int)
    bases = bases.reshape(len(bases), free)
    mats = np.concatenate(
        [np.broadcast_to(eq[kept], (len(bases), len(kept), k)), ub[bases]], axis=1
    )
    rhs = np.zeros((len(bases), k))
    rhs[:, : len(kept)] = eq_rhs[kept]
    # regular: |det| not negligible against the product of the row norms (Hadamard's bound)
    bound = np.prod(np.linalg.norm(mats, axis=2), axis=1)
    regular = np.abs(np.linalg.det(mats)) > 1e-10 * bound
    if not regular.any():
        return np.zeros((0, k))
    points = np.linalg.solve(mats[regular], rhs[regular][..., None])[..., 0]
    ok = np.all(points @ ub.T <= tol, axis=1) & np.all(
        np.abs(points @ eq.T - eq_rhs) <= max(tol, 1e-9), axis=1
    )
    out: FloatArray = points[ok]
    return out


def _dominated(pay: FloatArray, mine: list[int], theirs: list[int], tol: float) -> bool:
    """Whether a column in ``theirs`` is strictly worse than another on every row of ``mine``."""
    sub = pay[mine]
    return bool(np.any(np.all(sub[:, :, None] > sub[:, None, theirs] + tol, axis=0)))


def _exact_support_mix(
    pay: FloatArray, mine: list[int], theirs: list[int], tol: float, method: Method = "vertex"
) -> tuple[FloatArray, int] | None:
    """A mix with support exactly ``mine`` (of ``pay``'s rows) making ``theirs`` best replies.

    ``pay[i, j]`` is the *other* player's payoff. Returns the mix (a relative
    interior point) and the dimension of the set of such mixes, or None.
    """
    if _dominated(pay, mine, theirs, tol):
        return None
    if method == "vertex":
        k, n = len(mine), pay.shape[1]
        diffs = pay[mine] - pay[mine][:, [theirs[0]]]  # (k, n)
        eq = np.vstack([np.ones(k), diffs[:, theirs[1:]].T])
        eq_rhs = np.zeros(len(eq))
        eq_rhs[0] = 1.0
        others = [j for j in range(n) if j not in theirs]
        verts = _vertices(eq, eq_rhs, np.vstack([diffs[:, others].T, -np.eye(k)]), tol)
        if verts is not None:
            if len(verts) == 0 or verts.mean(axis=0).min() <= tol:
                return None
            x = np.zeros(pay.shape[0])
            x[mine] = np.clip(verts.mean(axis=0), 0.0, None)
            x /= x.sum()
            rank = np.linalg.matrix_rank(verts[1:] - verts[0], tol=1e-9) if len(verts) > 1 else 0
            return x, int(rank)
    return _exact_support_mix_lp(pay, mine, theirs, tol)


def _exact_support_mix_lp(
    pay: FloatArray, mine: list[int], theirs: list[int], tol: float
) -> tuple[FloatArray, int] | None:
    """:func:`_exact_support_mix` by SciPy's LP (HiGHS): the largest smallest weight."""
    m, n = pay.shape
    k = len(mine)
    sub = pay[mine]  # (k, n)
    first = theirs[0]
    # variables: x (k), t; maximise t
    eq = [np.append(np.ones(k), 0.0)]
    eq += [np.append(sub[:, j] - sub[:, first], 0.0) for j in theirs[1:]]
    ub = [np.append(sub[:, j] - sub[:, first], 0.0) for j in range(n) if j not in theirs]
    ub += [np.append(-np.eye(k)[i], 1.0) for i in range(k)]  # t <= x_i
    a_ub, a_eq = np.array(ub), np.array(eq)
    b_eq = np.append(1.0, np.zeros(len(eq) - 1))
    bounds = [(0.0, None)] * k + [(None, 1.0)]
    res = linprog(
        np.append(np.zeros(k), -1.0),
        A_ub=a_ub,
        b_ub=np.zeros(len(ub)),
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    if res.status != 0 or -res.fun <= tol:
        return None
    x = np.zeros(m)
    x[mine] = np.clip(res.x[:k], 0.0, None)
    x /= x.sum()
    values = x @ pay
    rows = [np.ones(k)] + [sub[:, j] - sub[:, first] for j in theirs[1:]]
    for j in range(n):
        if j in theirs or values[j] < values[first] - tol:
            continue
        # tight here: an implicit equality unless some mix of the set makes it slack
        slack = linprog(
            np.append(sub[:, j] - sub[:, first], 0.0),
            A_ub=a_ub[: len(ub) - k],
            b_ub=np.zeros(len(ub) - k),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=[(0.0, None)] * k + [(0.0, 0.0)],
            method="highs",
        )
        if slack.status != 0 or -slack.fun <= tol:
            rows.append(sub[:, j] - sub[:, first])
    return x, k - int(np.linalg.matrix_rank(np.array(rows), tol=1e-9))


class _Envelope:
    """The upper envelope of the other player's payoffs over the mixes on ``mine``.

    The vertices of ``{(x, u) : x >= 0 on mine, sum x = 1, x . pay[:, j] <= u}``
    and, per vertex, the other's pure best responses there. The mixes on
    ``mine`` making a set ``theirs`` best responses are the face where every
    column of ``theirs`` is tight: the convex hull of the vertices tight on all
    of them (a bounded face of a pointed polyhedron is the hull of its
    vertices). One enumeration per support serves every support of the other.
    """

    def __init__(self, pay: FloatArray, mine: list[int], tol: float) -> None:
        k, n = len(mine), pay.shape[1]
        ub = np.zeros((k + n, k + 1))
        ub[:k, :k] = -np.eye(k)
        ub[k:, :k] = pay[mine].T
        ub[k:, k] = -1.0
        eq = np.append(np.ones(k), 0.0)[None, :]
        points = _vertices(eq, np.ones(1), ub, tol)
        self.mine, self.size, self.tol = mine, pay.shape[0], tol
        self.points = None if points is None else points[:, :k]
        self.labels = None if points is None else points[:, :k] @ pay[mine] >= points[:, k:] - tol

    def face(self, theirs: list[int]) -> FloatArray | None:
        """The vertices of the mixes with support exactly ``mine`` making ``theirs`` best replies.

        None when there is no such mix: the face is empty or the centroid of its
        vertices (a point of its relative interior) gives some strategy of ``mine``
        no weight.
        """
        assert self.points is not None and self.labels is not None
        verts = self.points[self.labels[:, theirs].all(axis=1)]
        if len(verts) == 0 or verts.mean(axis=0).min() <= self.tol:
            return None
        return verts

    def point(self, verts: FloatArray) -> tuple[FloatArray, int]:
        """The centroid of a face's vertices as a full mix, and the face's dimension."""
        x = np.zeros(self.size)
        x[self.mine] = np.clip(verts.mean(axis=0), 0.0, None)
        rank = np.linalg.matrix_rank(verts[1:] - verts[0], tol=1e-9) if len(verts) > 1 else 0
        return x / x.sum(), int(rank)


def _all_supports(
    a: FloatArray, b: FloatArray, tol: float, method: Method
) -> list[BimatrixEquilibrium]:
    m, n = a.shape
    row_sets = [list(s) for k in range(1, m + 1) for s in itertools.combinations(range(m), k)]
    col_sets = [list(s) for k in range(1, n + 1) for s in itertools.combinations(range(n), k)]
    rows_env = {tuple(r): _Envelope(b, r, tol) for r in row_sets} if method == "vertex" else {}
    cols_env = {tuple(c): _Envelope(a.T, c, tol) for c in col_sets} if method == "vertex" else {}
    if method == "vertex" and all(
        e.points is not None for e in (*rows_env.values(), *cols_env.values())
    ):
        return _faces(row_sets, col_sets, rows_env, cols_env)
    out: list[BimatrixEquilibrium] = []
    for rows in row_sets:
        for cols in col_sets:
            x = _exact_support_mix(b, rows, cols, tol, method)
            if x is None:
                continue
            y = _exact_support_mix(a.T, cols, rows, tol, method)
            if y is None:
                continue
            out.append(BimatrixEquilibrium(x[0], y[0], x[1] + y[1]))
    return out


def _faces(
    row_sets: list[list[int]],
    col_sets: list[list[int]],
    rows_env: dict[tuple[int, ...], _Envelope],
    cols_env: dict[tuple[int, ...], _Envelope],
) -> list[BimatrixEquilibrium]:
    out: list[BimatrixEquilibrium] = []
    for rows in row_sets:
        x_env = rows_env[tuple(rows)]
        for cols in col_sets:
            x_face = x_env.face(cols)
            if x_face is None:
                continue
            y_env = cols_env[tuple(cols)]
            y_face = y_env.face(rows)
            if y_face is None:
                continue
            (x, dx), (y, dy) = x_env.point(x_face), y_env.point(y_face)
            out.append(BimatrixEquilibrium(x, y, dx + dy))
    return out


def _unique_candidates(
    a: FloatArray, b: FloatArray, tol: float
) -> list[tuple[FloatArray, FloatArray]]:
    unique: list[tuple[FloatArray, FloatArray]] = []
    for x, y in equal_support_candidates(a, b, tol):
        if not any(
            np.allclose(x, u, atol=1e-8) and np.allclose(y, v, atol=1e-8) for u, v in unique
        ):
            unique.append((x, y))
    return unique


def equilibria(
    a: FloatArray, b: FloatArray, *, tol: float = 1e-9, method: Method = "vertex"
) -> Equilibria:
    """Every Nash equilibrium of the bimatrix game ``(a, b)`` (see module docstring).

    Parameters
    ----------
    a, b : ndarray, shape (m, n)
        Row and column payoffs.
    tol : float
        Payoff ties and non-negativity tolerance.
    method : {"vertex", "lp"}
        How a degenerate game's support programs are solved: by vertex
        enumeration (default, fast on small games) or by SciPy's LP (the
        reference; slower by the solver's call overhead).

    Examples
    --------
    >>> import numpy as np
    >>> mp = np.array([[1.0, -1.0], [-1.0, 1.0]])
    >>> found = equilibria(mp, -mp)
    >>> found.found[0].row.tolist(), found.degenerate
    ([0.5, 0.5], False)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()), 1.0)
    tol = tol * scale
    unique: list[tuple[FloatArray, FloatArray]] = []
    reason = degeneracy(a, b, [], tol)  # pure strategies first: then no need for candidates
    if not reason:
        unique = _unique_candidates(a, b, tol)
        reason = degeneracy(a, b, unique, tol)
    if not reason:
        return Equilibria(tuple(BimatrixEquilibrium(x, y) for x, y in unique), False, "")
    m, n = a.shape
    if (2**m - 1) * (2**n - 1) > MAX_DEGENERATE_PAIRS:
        note = (
            f"degenerate game ({reason}): supports of unequal size not tried "
            f"({m}x{n} is too large); equilibria may be missing"
        )
        unique = unique or _unique_candidates(a, b, tol)
        return Equilibria(tuple(BimatrixEquilibrium(x, y) for x, y in unique), True, note)
    found = _all_supports(a, b, tol, method)
    continua = sum(1 for e in found if e.dimension > 0)
    note = (
        f"degenerate game ({reason}): every pair of supports tried; "
        f"{continua} of {len(found)} equilibria lie in continua (a representative point each)"
    )
    return Equilibria(tuple(found), True, note)


def same_support_equilibrium(
    a: FloatArray, b: FloatArray, row: FloatArray, col: FloatArray, *, tol: float = 1e-9
) -> bool:
    """Whether ``(a, b)`` has an equilibrium with the supports of ``(row, col)``.

    The robustness test of an estimated equilibrium: in a resampled game the
    same supports still carry an equilibrium (for a pure profile: the profile
    itself is still one). The profile itself is tried first (still an
    equilibrium: yes); then supports of equal size by their indifference
    mixes, then (as supports of unequal size) by the exact-support programs,
    which also settle degenerate games, where the indifference system may be
    singular or its solution not the only one.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()), 1.0)
    tol = tol * scale
    row_pay, col_pay = a @ col, row @ b
    if row_pay.max() <= row @ row_pay + tol and col_pay.max() <= col_pay @ col + tol:
        return True
    rows = [int(i) for i in np.flatnonzero(row > 0)]
    cols = [int(j) for j in np.flatnonzero(col > 0)]
    if len(rows) == len(cols):
        y_s = indifferent_mix(a[np.ix_(rows, cols)], tol)
        x_s = indifferent_mix(b[np.ix_(rows, cols)].T, tol)
        if x_s is not None and y_s is not None:
            x, y = np.zeros(a.shape[0]), np.zeros(a.shape[1])
            x[rows], y[cols] = x_s, y_s
            row_pay, col_pay = a @ y, x @ b
            if row_pay.max() <= x @ row_pay + tol and col_pay.max() <= col_pay @ y + tol:
                return True
    return (
        _exact_support_mix(b, rows, cols, tol) is not None
        and _exact_support_mix(a.T, cols, rows, tol) is not None
    )
