"""Global sensitivity analysis: Sobol' indices and Morris elementary effects.

Both wrap SALib (Herman & Usher 2017; Iwanaga, Usher & Herman 2022) rather
than re-implement it, and return tidy tables.

* :func:`sobol_indices` — first-order (S1), total (ST) and second-order (S2)
  variance-based indices with bootstrap confidence intervals, estimated with
  the Saltelli (2010) and Jansen estimators as in SALib: Saltelli, A. et al.
  (2010), "Variance based sensitivity analysis of model output. Design and
  estimator for the total sensitivity index", *Computer Physics
  Communications* 181(2):259–270, doi:10.1016/j.cpc.2009.09.018; second order
  after Saltelli, A. (2002), *Computer Physics Communications*
  145(2):280–297, doi:10.1016/S0010-4655(02)00280-1. Needs a design drawn
  with ``sample(..., design="sobol", sensitivity=True)``.
* :func:`morris_indices` — the elementary-effects screening of Morris, M. D.
  (1991), "Factorial sampling plans for preliminary computational
  experiments", *Technometrics* 33(2):161–174, doi:10.2307/1269043, with the
  absolute mean ``mu_star`` of Campolongo, F., Cariboni, J. & Saltelli, A.
  (2007), "An effective screening design for sensitivity analysis of large
  models", *Environmental Modelling & Software* 22(10):1509–1518,
  doi:10.1016/j.envsoft.2006.10.004. Needs a ``design="morris"`` design.

With replications, each design row is represented by the mean of its
replications; with several policies, one policy is analysed at a time.
Bootstrap seeds come from :mod:`escalade.random` (stream ``BOOTSTRAP``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from escalade._types import FloatArray
from escalade.errors import UsageError
from escalade.explore.designs import Design
from escalade.explore.experiments import ExploreResult
from escalade.random import Stream, make_rng, validate_seed

__all__ = ["SobolIndices", "morris_indices", "sobol_indices", "sobol_warnings"]

MAX_WIDTH = 0.1
"""Widest bootstrap interval of a Sobol' index that passes without a warning."""
MIN_TRAJECTORIES = 64
"""Fewest trajectories per experiment before the simulation noise swamps the indices."""


@dataclass(frozen=True, eq=False)
class SobolIndices:
    """Sobol' indices of one or more outcomes.

    Attributes
    ----------
    indices : pandas.DataFrame
        Columns ``outcome, parameter, S1, S1_conf, ST, ST_conf``.
    second_order : pandas.DataFrame
        Columns ``outcome, parameter_1, parameter_2, S2, S2_conf`` (empty
        when the design has no second-order rows).
    conf_level : float
        Confidence level of the ``_conf`` half-widths.
    """

    indices: pd.DataFrame
    second_order: pd.DataFrame
    conf_level: float

    def to_json(self) -> dict[str, dict[str, dict[str, float]]]:
        """Return ``{outcome: {parameter: {S1, S1_conf, ST, ST_conf}}}``."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for row in self.indices.itertuples(index=False):
            out.setdefault(str(row.outcome), {})[str(row.parameter)] = {
                key: float(getattr(row, key)) for key in ("S1", "S1_conf", "ST", "ST_conf")
            }
        return out


def _outputs(
    result: ExploreResult,
    design: Design,
    outcomes: Sequence[str] | None,
    policy: str | Sequence[str] | None,
) -> dict[str, FloatArray]:
    """Mean outcome per design row, for one policy (or the mean of several), in design order."""
    exp = result.experiments
    policies = list(pd.unique(exp["policy"]))
    if policy is not None and not isinstance(policy, str):
        wanted = list(policy)
        unknown_policies = [p for p in wanted if p not in policies]
        if unknown_policies or not wanted:
            raise UsageError(
                f"policy: expected some of {', '.join(map(str, policies))}, "
                f"found {unknown_policies or wanted}"
            )
        rows = exp["policy"].isin(wanted).to_numpy()
        return _grouped(result, design, outcomes, rows)
    if policy is None:
        if len(policies) > 1:
            raise UsageError(
                f"policy: the result holds {len(policies)} policies; choose one of "
                f"{', '.join(map(str, policies))}"
            )
        policy = str(policies[0]) if policies else None
    elif policy not in policies:
        raise UsageError(
            f"policy: expected one of {', '.join(map(str, policies))}, found {policy!r}"
        )
    return _grouped(result, design, outcomes, (exp["policy"] == policy).to_numpy())


def _grouped(
    result: ExploreResult,
    design: Design,
    outcomes: Sequence[str] | None,
    rows: npt.NDArray[np.bool_],
) -> dict[str, FloatArray]:
    """Mean of each outcome over the selected experiments of each design row."""
    exp = result.experiments
    names = list(outcomes) if outcomes is not None else list(result.outcomes.columns)
    unknown = [n for n in names if n not in result.outcomes.columns]
    if unknown:
        raise UsageError(
            f"outcome: expected one of {', '.join(result.outcomes.columns)}, found {unknown[0]!r}"
        )
    grouped = result.outcomes.loc[rows, names].groupby(exp.loc[rows, "scenario"].to_numpy()).mean()
    if len(grouped) != design.n or not np.array_equal(grouped.index, np.arange(design.n)):
        raise UsageError(
            f"result: expected outcomes for all {design.n} design rows, found {len(grouped)} "
            "(hint: finish the sweep before the sensitivity analysis)"
        )
    return {n: grouped[n].to_numpy(dtype=np.float64) for n in names}


def _bootstrap_seed(seed: int, salt: int) -> int:
    return int(make_rng(validate_seed(seed), int(Stream.BOOTSTRAP), salt).integers(1, 2**31 - 1))


def _check_design(design: Design, method: str) -> None:
    if method not in design.analysable_by:
        hint = {
            "sobol": "sample(..., design='sobol', sensitivity=True)",
            "morris": "sample(..., design='morris')",
        }[method]
        raise UsageError(
            f"design: a {design.kind!r} design cannot be analysed with {method!r} "
            f"(hint: draw it with {hint})"
        )


def _sobol_one(
    design: Design, y: FloatArray, *, second: bool, num_resamples: int, conf: float, seed: int
) -> dict[str, Any]:
    from SALib.analyze import sobol as salib_sobol  # noqa: PLC0415 (heavy import)

    d = len(design.parameters)
    if np.ptp(y) <= np.finfo(float).eps:  # constant output: no variance to apportion
        zeros = np.zeros(d)
        return {"S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros,
                "S2": np.zeros((d, d)), "S2_conf": np.zeros((d, d))}  # fmt: skip
    result: dict[str, Any] = salib_sobol.analyze(
        dict(design.problem),
        y,
        calc_second_order=second,
        num_resamples=num_resamples,
        conf_level=conf,
        seed=seed,
    )
    return result


def sobol_indices(
    result: ExploreResult,
    design: Design,
    *,
    outcomes: Sequence[str] | None = None,
    policy: str | Sequence[str] | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int = 0,
) -> SobolIndices:
    """Sobol' first, total and second-order indices (see the module docstring).

    Parameters
    ----------
    result : ExploreResult
        A complete sweep over ``design``.
    design : Design
        A Saltelli design (``design="sobol", sensitivity=True``).
    outcomes : sequence of str, optional
        Outcomes to analyse; all by default.
    policy : str or sequence of str, optional
        The policy to analyse when the result holds several; with several, the
        outcome is their mean per design row (e.g. one strategy over every mindset).
    num_resamples, conf_level : int, float
        Bootstrap resamples and confidence level of the intervals.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    SobolIndices
    """
    _check_design(design, "sobol")
    ys = _outputs(result, design, outcomes, policy)
    second = bool(design.options.get("second_order", True))
    names = [p.name for p in design.parameters]
    first_rows: list[dict[str, Any]] = []
    pair_rows: list[dict[str, Any]] = []
    for k, (outcome, y) in enumerate(ys.items()):
        s = _sobol_one(
            design, y, second=second, num_resamples=num_resamples, conf=conf_level,
            seed=_bootstrap_seed(seed, k),
        )  # fmt: skip
        for j, name in enumerate(names):
            first_rows.append(
                {"outcome": outcome, "parameter": name}
                | {key: float(s[key][j]) for key in ("S1", "S1_conf", "ST", "ST_conf")}
            )
        if second:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    pair_rows.append(
                        {"outcome": outcome, "parameter_1": names[i], "parameter_2": names[j],
                         "S2": float(s["S2"][i, j]), "S2_conf": float(s["S2_conf"][i, j])}
                    )  # fmt: skip
    pair_cols = ["outcome", "parameter_1", "parameter_2", "S2", "S2_conf"]
    return SobolIndices(
        indices=pd.DataFrame(first_rows),
        second_order=pd.DataFrame(pair_rows, columns=pair_cols),
        conf_level=conf_level,
    )


def sobol_warnings(
    indices: pd.DataFrame, *, n: int | None = None, trajectories: int | None = None
) -> list[str]:
    """Plain-language warnings about Sobol' indices that cannot be trusted.

    One warning when any bootstrap interval (``S1_conf``/``ST_conf`` are half-widths) is
    wider than :data:`MAX_WIDTH`, naming what to raise (the design's sample size ``n``);
    one when the experiments average fewer than :data:`MIN_TRAJECTORIES` trajectories, so
    that the simulation noise inflates every index (``trajectories`` per experiment).

    Parameters
    ----------
    indices : DataFrame
        :attr:`SobolIndices.indices`.
    n : int, optional
        The design's base sample size (named in the warning).
    trajectories : int, optional
        Trajectories per experiment when experiments draw independent random numbers
        (None: a deterministic model, or experiments on common random numbers, as
        ``escalade explore`` runs them).
    """
    out: list[str] = []
    if not indices.empty:
        width = 2 * indices[["S1_conf", "ST_conf"]].max(axis=1)
        wide = indices[width > MAX_WIDTH]
        if not wide.empty:
            worst = float(width.max())
            names = ", ".join(dict.fromkeys(wide["parameter"].astype(str)))
            now = f" (now {n})" if n is not None else ""
            out.append(
                f"Sobol' intervals up to {worst:.2f} wide (more than {MAX_WIDTH}) for {names}: "
                f"the indices are noise at this sample size; raise `n`{now}: "
                + _needed_n(worst, n, indices["parameter"].nunique())
            )
    if trajectories is not None and trajectories < MIN_TRAJECTORIES:
        out.append(
            f"{trajectories} trajectories per experiment: the simulation noise inflates every "
            "index, even of parameters that cannot matter; raise the trajectories per "
            f"experiment to at least {MIN_TRAJECTORIES}."
        )
    return out


def _needed_n(worst: float, n: int | None, dimensions: int) -> str:
    """The sample size that brings the widest interval under :data:`MAX_WIDTH`.

    The intervals narrow as 1/√n, so an interval ``worst`` wide at ``n`` needs about
    ``n × (worst / MAX_WIDTH)²``, rounded up to a power of two (Saltelli's scheme
    balances best at one); "four times as many" halved the width only. ``n`` is the
    base sample, not the design's points (``n × (2D + 2)`` for ``dimensions`` D): the
    text names both, where it used to call the base sample "points".
    """
    factor = (worst / MAX_WIDTH) ** 2
    if not n:
        return f"about {math.ceil(factor)} times as many points bring them under {MAX_WIDTH}."
    needed = 2 ** math.ceil(math.log2(max(2 * n, n * factor)))
    points = needed * (2 * dimensions + 2)
    text = (
        f"the intervals narrow as 1/√n, so `n` {needed:,} (a design of {points:,} points) "
        f"brings them under {MAX_WIDTH}"
    )
    if needed > 4 * n:
        text += f" (`n` {4 * n:,} would halve them)"
    return text + "."


def morris_indices(
    result: ExploreResult,
    design: Design,
    *,
    outcomes: Sequence[str] | None = None,
    policy: str | Sequence[str] | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris elementary effects (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, parameter, mu, mu_star, sigma, mu_star_conf``.
    """
    from SALib.analyze import morris as salib_morris  # noqa: PLC0415 (heavy import)

    _check_design(design, "morris")
    ys = _outputs(result, design, outcomes, policy)
    names = [p.name for p in design.parameters]
    rows: list[dict[str, Any]] = []
    for k, (outcome, y) in enumerate(ys.items()):
        s = salib_morris.analyze(
            dict(design.problem),
            design.samples,
            y,
            num_resamples=num_resamples,
            conf_level=conf_level,
            num_levels=int(design.options.get("num_levels", 4)),
            seed=_bootstrap_seed(seed, k),
        )
        for j, name in enumerate(names):
            rows.append(
                {"outcome": outcome, "parameter": name}
                | {key: float(s[key][j]) for key in ("mu", "mu_star", "sigma", "mu_star_conf")}
            )
    return pd.DataFrame(
        rows, columns=["outcome", "parameter", "mu", "mu_star", "sigma", "mu_star_conf"]
    )
