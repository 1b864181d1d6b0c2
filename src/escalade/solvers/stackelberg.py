r"""The leader's optimal mixed commitment in a bimatrix game (strong Stackelberg).

The leader (rows, payoffs :math:`A`) commits to a mixed strategy :math:`x`;
the follower (columns, payoffs :math:`B`) sees it and best-responds, breaking
ties in the leader's favour. For each follower response :math:`j` one linear
program finds the best commitment that makes :math:`j` a best response:

.. math::

   \max_x\; x^T A_{\cdot j} \quad\text{s.t.}\quad x^T B_{\cdot j} \ge x^T B_{\cdot j'}
   \;\forall j',\quad \mathbf 1^T x = 1,\ x \ge 0,

and the leader's value is the best of these (Conitzer & Sandholm 2006,
"Computing the optimal strategy to commit to", *EC'06*, §4). Committing to a
mixed strategy is worth at least every Nash payoff of the leader (von Stengel
& Zamir 2010, "Leadership games with convex strategy sets", *GEB* 69).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from escalade._types import FloatArray
from escalade.errors import UsageError

__all__ = ["Commitment", "stackelberg"]


@dataclass(frozen=True)
class Commitment:
    """The leader's optimal commitment.

    Parameters
    ----------
    leader_mix : ndarray
        The leader's committed mixed strategy.
    response : int
        The follower's best response (ties broken in the leader's favour).
    leader_value, follower_value : float
        Both payoffs at the commitment and response.
    by_response : ndarray
        The leader's best value inducing each response (``-inf`` where no
        commitment makes that response a best response).
    """

    leader_mix: FloatArray
    response: int
    leader_value: float
    follower_value: float
    by_response: FloatArray


VERTEX_LIMIT = 2_000
"""Up to this many candidate vertices per LP, the LP is solved by enumerating them."""


def _by_vertices(gain: FloatArray, upper: FloatArray) -> tuple[float, FloatArray | None]:
    """Maximise ``gain @ x`` on the simplex cut by ``upper @ x <= 0`` (small: every vertex).

    A vertex has ``m - 1`` of the inequalities (``upper`` rows and ``x_i >= 0``)
    tight besides ``sum(x) = 1``; a bounded LP's optimum is at a vertex.
    """
    m = gain.shape[0]
    rows = np.vstack([upper, -np.eye(m)])
    best, arg = -np.inf, None
    tol = 1e-9 * max(1.0, float(np.abs(upper).max(initial=0.0)))
    for tight in itertools.combinations(range(rows.shape[0]), m - 1):
        system = np.vstack([rows[list(tight)], np.ones((1, m))])
        rhs = np.zeros(m)
        rhs[-1] = 1.0
        try:
            x = np.linalg.solve(system, rhs)
        except np.linalg.LinAlgError:
            continue
        if (rows @ x).max(initial=-np.inf) > tol or not np.isfinite(x).all():
            continue
        value = float(gain @ x)
        if value > best + 1e-12:
            best, arg = value, x
    return best, arg


def stackelberg(a: FloatArray, b: FloatArray) -> Commitment:
    """Solve for the leader's optimal mixed commitment (rows lead, see module docstring).

    Parameters
    ----------
    a, b : ndarray, shape (m, n)
        The leader's and the follower's payoffs.

    Returns
    -------
    Commitment

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[2.0, 4.0], [1.0, 3.0]])
    >>> b = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> round(stackelberg(a, b).leader_value, 6)
    3.5
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 2 or a.shape != b.shape or 0 in a.shape:
        raise UsageError(
            f"stackelberg: expected two payoff matrices of one shape, found {a.shape}, {b.shape}"
        )
    m, n = a.shape
    values = np.full(n, -np.inf)
    mixes: list[FloatArray | None] = [None] * n
    small = math.comb(n - 1 + m, m - 1) <= VERTEX_LIMIT
    for j in range(n):
        # x^T (B[:, j'] - B[:, j]) <= 0 for every j'
        upper = (b - b[:, [j]]).T
        if small:
            values[j], mixes[j] = _by_vertices(a[:, j], np.delete(upper, j, axis=0))
            continue
        res = linprog(
            -a[:, j],
            A_ub=upper,
            b_ub=np.zeros(n),
            A_eq=np.ones((1, m)),
            b_eq=[1.0],
            bounds=[(0.0, None)] * m,
            method="highs",
        )
        if res.status == 0:
            values[j] = -float(res.fun)
            mixes[j] = np.clip(np.asarray(res.x, dtype=float), 0.0, None)
    best = int(np.argmax(values))
    mix = mixes[best]
    assert mix is not None  # some response is always inducible
    mix = mix / mix.sum()
    return Commitment(
        leader_mix=mix,
        response=best,
        leader_value=float(mix @ a[:, best]),
        follower_value=float(mix @ b[:, best]),
        by_response=values,
    )
