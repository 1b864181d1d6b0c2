r"""α-Rank: strategies ranked by an evolutionary process, no equilibrium selection needed.

Omidshafiei et al. 2019, "α-Rank: Multi-agent evaluation by evolution",
*Scientific Reports* 9:9937. Each population of ``m`` individuals plays a
monomorphic strategy; a mutant strategy of one population fixates with the
probability

.. math::

   \rho(\Delta) = \frac{1 - e^{-\alpha\Delta}}{1 - e^{-m\alpha\Delta}}
   \qquad (\rho(0) = 1/m),

where :math:`\Delta` is the mutant's payoff minus the resident's against the
other populations' current strategies (multi-population), or, for one
population of a symmetric game, the mutant's payoff against the resident minus
the resident's against the mutant (the paper's large-population form). The
chain over strategy profiles moves to each single-population deviation with
probability :math:`\eta\rho` (:math:`\eta` one over the number of
deviations); its stationary distribution is the ranking.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from escalade._types import FloatArray
from escalade.errors import UsageError

__all__ = ["alpha_rank", "fixation", "stationary"]


def fixation(delta: FloatArray | float, alpha: float, m: int) -> FloatArray:
    r"""The fixation probability :math:`\rho(\Delta)`, computed without overflow."""
    d = np.asarray(delta, dtype=float) * alpha
    out = np.full(d.shape, 1.0 / m)
    pos, neg = d > 1e-14, d < -1e-14
    out[pos] = -np.expm1(-d[pos]) / -np.expm1(-m * d[pos])
    z = -d[neg]  # > 0: rho = e^{-(m-1) z} (1 - e^{-z}) / (1 - e^{-m z})
    out[neg] = np.exp(-(m - 1) * z) * (-np.expm1(-z)) / (-np.expm1(-m * z))
    return out


def stationary(transition: FloatArray) -> FloatArray:
    """The stationary distribution of a row-stochastic matrix (least squares, unique chains)."""
    k = transition.shape[0]
    system = np.vstack([transition.T - np.eye(k), np.ones((1, k))])
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    pi, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    pi = np.clip(pi, 0.0, None)
    out: FloatArray = pi / pi.sum()
    return out


def alpha_rank(
    payoffs: Sequence[FloatArray],
    *,
    alpha: float = 10.0,
    m: int = 50,
    single_population: bool = False,
) -> FloatArray:
    """The α-Rank stationary distribution over strategy profiles.

    Parameters
    ----------
    payoffs : sequence of ndarray
        One payoff table per population, each of shape ``(n_1, ..., n_k)``;
        with ``single_population``, one square table ``M[mutant, resident]``.
    alpha : float
        Ranking intensity (selection strength), > 0.
    m : int
        Population size, >= 2.
    single_population : bool
        One population playing a symmetric two-player game.

    Returns
    -------
    ndarray
        Mass of each profile, shape ``(n_1, ..., n_k)`` (or ``(n,)`` for one
        population); it sums to 1.

    Examples
    --------
    >>> import numpy as np
    >>> rps = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    >>> alpha_rank([rps], single_population=True).round(4).tolist()
    [0.3333, 0.3333, 0.3333]
    """
    if not alpha > 0 or m < 2:
        raise UsageError(f"alpha_rank: expected alpha > 0 and m >= 2, found {alpha}, {m}")
    tables = [np.asarray(p, dtype=float) for p in payoffs]
    if single_population:
        table = tables[0]
        if len(tables) != 1 or table.ndim != 2 or table.shape[0] != table.shape[1]:
            raise UsageError("alpha_rank: one population needs one square payoff table")
        k = table.shape[0]
        if k == 1:
            return np.ones(1)
        c = fixation(table.T - table, alpha, m) / (k - 1)  # c[s, r]: resident s -> mutant r
        np.fill_diagonal(c, 0.0)
        np.fill_diagonal(c, 1.0 - c.sum(axis=1))
        return stationary(c)
    shape = tables[0].shape
    if len(tables) != len(shape) or any(t.shape != shape for t in tables):
        raise UsageError(
            f"alpha_rank: expected {len(shape)} tables of shape {shape}, "
            f"found {[t.shape for t in tables]}"
        )
    profiles = list(itertools.product(*(range(s) for s in shape)))
    index = {p: i for i, p in enumerate(profiles)}
    deviations = sum(s - 1 for s in shape)
    c = np.zeros((len(profiles), len(profiles)))
    if deviations == 0:
        return np.ones(shape)
    for p in profiles:
        for pop, size in enumerate(shape):
            for s in range(size):
                if s == p[pop]:
                    continue
                q = (*p[:pop], s, *p[pop + 1 :])
                delta = tables[pop][q] - tables[pop][p]
                c[index[p], index[q]] = float(fixation(delta, alpha, m)) / deviations
        c[index[p], index[p]] = 1.0 - c[index[p]].sum()
    return stationary(c).reshape(shape)
