r"""Support enumeration: all Nash equilibria of a non-degenerate bimatrix game.

For a two-player game with payoff matrices :math:`A` (row) and :math:`B`
(column), a pair of supports :math:`I, J` of equal size :math:`k` yields an
equilibrium candidate when the column mix :math:`y` on :math:`J` makes every
row in :math:`I` indifferent (:math:`A_{IJ} y = v\mathbf 1`,
:math:`\mathbf 1^T y = 1`) and the row mix :math:`x` on :math:`I` makes every
column in :math:`J` indifferent (:math:`x^T B_{IJ} = u \mathbf 1^T`). The
candidate is an equilibrium when both mixes are non-negative and no strategy
outside the supports does better. In a non-degenerate game every equilibrium
has supports of equal size, so enumerating
:math:`\sum_k \binom{m}{k}\binom{n}{k}` pairs finds all of them (von Stengel
2007, "Equilibrium computation for two-player games in strategic and
extensive form", in *Algorithmic Game Theory*, §3.2). Degenerate games may
have equilibria (or continua) this method misses.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from escalade._types import FloatArray
from escalade.errors import GameTooLargeError
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import MixedProfile
from escalade.game.types import GameType, check_supported
from escalade.solvers._common import finish
from escalade.solvers.result import SolveResult

__all__ = [
    "METHOD",
    "degeneracy",
    "equal_support_candidates",
    "indifferent_mix",
    "solve",
    "supports",
    "undominated",
]

METHOD = "enummixed"

supports: frozenset[GameType] = frozenset(
    {
        GameType.SIMULTANEOUS,
        GameType.DETERMINISTIC,
        GameType.IMPERFECT_INFORMATION,
        GameType.ZERO_SUM,
        GameType.GENERAL_SUM,
        GameType.TWO_PLAYER,
    }
)


def indifferent_mix(payoff: FloatArray, tol: float) -> FloatArray | None:
    """Mix over the columns of ``payoff`` (k x k) making all its rows pay the same.

    None when the system is singular or the mix has a negative weight (beyond ``tol``).
    """
    k = payoff.shape[0]
    system = np.zeros((k + 1, k + 1))
    system[:k, :k] = payoff
    system[:k, k] = -1.0
    system[k, :k] = 1.0
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    try:
        sol = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(sol)) or np.any(sol[:k] < -tol):
        return None
    if np.abs(system @ sol - rhs).max() > 1e-9:
        return None
    return np.clip(sol[:k], 0.0, None)


def _best(values: FloatArray, tol: float) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = values >= values.max() - tol
    return out


def degeneracy(
    a: FloatArray,
    b: FloatArray,
    found: Sequence[tuple[FloatArray, FloatArray]],
    tol: float,
    labels: tuple[Sequence[str], Sequence[str]] | None = None,
) -> str:
    """Why the bimatrix game ``(a, b)`` is degenerate, or ``""`` when it is not.

    Degenerate: a pure strategy with more than one pure best response, or an
    equilibrium in ``found`` whose players have more pure best responses than
    the other's support has strategies. ``labels`` (the row and column
    strategies' names) name the strategy; without them it is ``row i`` or
    ``column j``.
    """
    rows, cols = labels if labels is not None else (None, None)
    m, n = a.shape
    for i in range(m):
        if _best(b[i], tol).sum() > 1:
            name = repr(rows[i]) if rows is not None else f"row {i}"
            return f"{name} has {int(_best(b[i], tol).sum())} pure best responses"
    for j in range(n):
        if _best(a[:, j], tol).sum() > 1:
            name = repr(cols[j]) if cols is not None else f"column {j}"
            return f"{name} has {int(_best(a[:, j], tol).sum())} pure best responses"
    for x, y in found:
        if _best(x @ b, tol).sum() > (x > 0).sum() or _best(a @ y, tol).sum() > (y > 0).sum():
            return "an equilibrium has more pure best responses than support strategies"
    return ""


def equal_support_candidates(
    a: FloatArray, b: FloatArray, tol: float
) -> list[tuple[FloatArray, FloatArray]]:
    """Every equilibrium ``(x, y)`` of ``(a, b)`` whose two supports have the same size.

    All the equilibria of a non-degenerate game (module docstring); a point
    may appear more than once.
    """
    m, n = a.shape
    found: list[tuple[FloatArray, FloatArray]] = []
    for k in range(1, min(m, n) + 1):
        for rows in itertools.combinations(range(m), k):
            for cols in itertools.combinations(range(n), k):
                ri, ci = list(rows), list(cols)
                y_s = indifferent_mix(a[np.ix_(ri, ci)], tol)
                if y_s is None:
                    continue
                x_s = indifferent_mix(b[np.ix_(ri, ci)].T, tol)
                if x_s is None:
                    continue
                x, y = np.zeros(m), np.zeros(n)
                x[ri], y[ci] = x_s, y_s
                row_pay, col_pay = a @ y, x @ b
                if row_pay.max() <= x @ row_pay + tol and col_pay.max() <= col_pay @ y + tol:
                    found.append((x, y))
    return found


def _dominated_rows(pay: FloatArray, tol: float) -> npt.NDArray[np.bool_]:
    """Rows of ``pay`` that another row beats by more than ``tol`` in every column."""
    better = np.all(pay[:, None, :] > pay[None, :, :] + tol, axis=2)  # better[k, i]: k beats i
    out: npt.NDArray[np.bool_] = better.any(axis=0)
    return out


def undominated(
    a: FloatArray, b: FloatArray, tol: float
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The rows and columns that iterated elimination of strictly dominated strategies keeps.

    A pure strategy that another pure strategy beats by more than ``tol`` against every
    strategy of the other player left is removed, for each player in turn, until none is.
    No Nash equilibrium plays a removed strategy, and the equilibria of the game that is
    left are those of the whole game.

    Examples
    --------
    >>> import numpy as np
    >>> pd = np.array([[3.0, 0.0], [5.0, 1.0]])  # the Prisoner's Dilemma: defect dominates
    >>> [r.tolist() for r in undominated(pd, pd.T, 1e-9)]
    [[1], [1]]
    """
    rows, cols = np.arange(a.shape[0]), np.arange(a.shape[1])
    while True:
        keep_rows = ~_dominated_rows(a[np.ix_(rows, cols)], tol)
        keep_cols = ~_dominated_rows(b[np.ix_(rows[keep_rows], cols)].T, tol)
        if keep_rows.all() and keep_cols.all():
            return rows, cols
        rows, cols = rows[keep_rows], cols[keep_cols]


def _check_pairs(shape: tuple[int, ...], kept: tuple[int, ...], max_supports: int) -> int:
    """The support pairs of the undominated ``kept`` game, refused beyond ``max_supports``."""
    m, n = kept
    pairs = sum(math.comb(m, k) * math.comb(n, k) for k in range(1, min(m, n) + 1))
    if pairs > max_supports:
        size = f"a {shape[0]}x{shape[1]} game"
        if tuple(shape) != tuple(kept):
            size += f" ({m}x{n} once strictly dominated strategies are removed)"
        raise GameTooLargeError(
            f"max_supports: {size} has {pairs:,} support pairs, more than the limit "
            f"{max_supports:,}; hint: "
            + (
                "raise `max_supports`"
                if pairs <= 100 * max_supports
                else "far too many to enumerate: solve the `zero_sum` abstraction (an LP), "
                "or make the game smaller (`horizon`, `players`)"
            )
            + ", or use another `method`",
            parameter="max_supports",
        )
    return pairs


def solve(
    game: NormalFormGame,
    *,
    tol: float = 1e-9,
    max_supports: int = 2_000_000,
    verify: bool = True,
) -> SolveResult:
    """Find every Nash equilibrium of a non-degenerate two-player normal-form game.

    Parameters
    ----------
    game : NormalFormGame
        A two-player game.
    tol : float
        Tolerance for non-negativity and best-response checks.
    max_supports : int
        Refuse games needing more support pairs than this.
    verify : bool
        Compute the regret of every equilibrium found.

    Raises
    ------
    UnsupportedGameError
        For extensive games or games with other than two players.
    GameTooLargeError
        When the number of support pairs exceeds ``max_supports``.
    """
    flags = getattr(game, "game_type", frozenset({GameType.SEQUENTIAL}))
    check_supported(flags, supports, METHOD)
    started = time.perf_counter()
    a, b = (np.asarray(p, dtype=float) for p in game.bimatrix())
    scale = max(float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)), 1.0)
    # A strictly dominated strategy is in no equilibrium: enumerate the supports of the rest.
    rows, cols = undominated(a, b, tol * scale)
    ra, rb = a[np.ix_(rows, cols)], b[np.ix_(rows, cols)]
    pairs = _check_pairs(game.shape, ra.shape, max_supports)
    equilibria: list[MixedProfile] = []
    for xs, ys in equal_support_candidates(ra, rb, tol):
        x, y = np.zeros(a.shape[0]), np.zeros(a.shape[1])
        x[rows], y[cols] = xs, ys
        if not any(
            np.allclose(x, e.strategies[0], atol=1e-8)
            and np.allclose(y, e.strategies[1], atol=1e-8)
            for e in equilibria
        ):
            equilibria.append(MixedProfile((x, y)))
    extra: dict[str, float | int | str] = {
        "support_pairs": pairs,
        "dominated": (a.shape[0] - len(rows)) + (a.shape[1] - len(cols)),
    }
    # Said, not silently missed: a degenerate game may have more equilibria, and sets of them.
    found = [(e.strategies[0][rows], e.strategies[1][cols]) for e in equilibria]
    labels = ([game.actions[0][i] for i in rows], [game.actions[1][j] for j in cols])
    reason = degeneracy(ra, rb, found, tol * scale, labels)
    if reason:
        extra["degenerate"] = reason
    return finish(
        game, METHOD, {"tol": tol}, equilibria, started=started, verify=verify, extra=extra
    )
