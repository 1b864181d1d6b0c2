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
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from escalade._types import FloatArray
from escalade.solvers.support_enumeration import _candidates, _indifferent_mix

__all__ = ["BimatrixEquilibrium", "Equilibria", "equilibria", "same_support_equilibrium"]

MAX_DEGENERATE_PAIRS = 200_000
"""Support pairs tried at most in a degenerate game (beyond: equal sizes only, said)."""


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


def _best(values: FloatArray, tol: float) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = values >= values.max() - tol
    return out


def _degenerate(
    a: FloatArray, b: FloatArray, pairs: list[tuple[FloatArray, FloatArray]], tol: float
) -> str:
    m, n = a.shape
    for i in range(m):
        if _best(b[i], tol).sum() > 1:
            return f"row {i} has {int(_best(b[i], tol).sum())} pure best responses"
    for j in range(n):
        if _best(a[:, j], tol).sum() > 1:
            return f"column {j} has {int(_best(a[:, j], tol).sum())} pure best responses"
    for x, y in pairs:
        if _best(x @ b, tol).sum() > (x > 0).sum() or _best(a @ y, tol).sum() > (y > 0).sum():
            return "an equilibrium has more pure best responses than support strategies"
    return ""


def _exact_support_mix(
    pay: FloatArray, mine: list[int], theirs: list[int], tol: float
) -> tuple[FloatArray, int] | None:
    """A mix with support exactly ``mine`` (of ``pay``'s rows) making ``theirs`` best replies.

    ``pay[i, j]`` is the *other* player's payoff. Returns the mix (a relative
    interior point) and the dimension of the set of such mixes, or None.
    """
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


def _all_supports(a: FloatArray, b: FloatArray, tol: float) -> list[BimatrixEquilibrium]:
    m, n = a.shape
    row_sets = [list(s) for k in range(1, m + 1) for s in itertools.combinations(range(m), k)]
    col_sets = [list(s) for k in range(1, n + 1) for s in itertools.combinations(range(n), k)]
    out: list[BimatrixEquilibrium] = []
    for rows in row_sets:
        for cols in col_sets:
            x = _exact_support_mix(b, rows, cols, tol)
            if x is None:
                continue
            y = _exact_support_mix(a.T, cols, rows, tol)
            if y is None:
                continue
            out.append(BimatrixEquilibrium(x[0], y[0], x[1] + y[1]))
    return out


def equilibria(a: FloatArray, b: FloatArray, *, tol: float = 1e-9) -> Equilibria:
    """Every Nash equilibrium of the bimatrix game ``(a, b)`` (see module docstring).

    Parameters
    ----------
    a, b : ndarray, shape (m, n)
        Row and column payoffs.
    tol : float
        Payoff ties and non-negativity tolerance.

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
    pairs = _candidates(a, b, tol)
    unique: list[tuple[FloatArray, FloatArray]] = []
    for x, y in pairs:
        if not any(
            np.allclose(x, u, atol=1e-8) and np.allclose(y, v, atol=1e-8) for u, v in unique
        ):
            unique.append((x, y))
    reason = _degenerate(a, b, unique, tol)
    if not reason:
        return Equilibria(tuple(BimatrixEquilibrium(x, y) for x, y in unique), False, "")
    m, n = a.shape
    if (2**m - 1) * (2**n - 1) > MAX_DEGENERATE_PAIRS:
        note = (
            f"degenerate game ({reason}): supports of unequal size not tried "
            f"({m}x{n} is too large); equilibria may be missing"
        )
        return Equilibria(tuple(BimatrixEquilibrium(x, y) for x, y in unique), True, note)
    found = _all_supports(a, b, tol)
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
    itself is still one).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()), 1.0)
    tol = tol * scale
    rows = [int(i) for i in np.flatnonzero(row > 0)]
    cols = [int(j) for j in np.flatnonzero(col > 0)]
    if len(rows) == len(cols):
        y_s = _indifferent_mix(a[np.ix_(rows, cols)], tol)
        x_s = _indifferent_mix(b[np.ix_(rows, cols)].T, tol)
        if x_s is None or y_s is None:
            return False
        x, y = np.zeros(a.shape[0]), np.zeros(a.shape[1])
        x[rows], y[cols] = x_s, y_s
        row_pay, col_pay = a @ y, x @ b
        return bool(row_pay.max() <= x @ row_pay + tol and col_pay.max() <= col_pay @ y + tol)
    return (
        _exact_support_mix(b, rows, cols, tol) is not None
        and _exact_support_mix(a.T, cols, rows, tol) is not None
    )
