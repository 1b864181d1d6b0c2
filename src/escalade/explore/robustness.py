"""Robustness of strategies across experiments: regret, satisficing, maximin.

Everything here works on a *payoff table*: rows are experiments (states of
the world), columns are strategies (policies), cells are the value of one
outcome, and the outcome has a direction (``"maximize"`` or
``"minimize"``). :func:`payoff_table` builds one from an
:class:`~escalade.explore.experiments.ExploreResult`.

Measures (Savage 1951; Lempert, Popper & Bankes 2003, *Shaping the Next One
Hundred Years*, RAND MR-1626; McPhail et al. 2018, "Robustness metrics",
*Earth's Future* 6:169–191, doi:10.1002/2017EF000649):

* **regret** of strategy ``s`` in experiment ``e``: the distance from the best
  strategy in ``e`` — ``max_s' v(e, s') - v(e, s)`` when maximising;
* **minimax regret**: the strategy whose largest regret is smallest;
* **maximin**: the strategy whose worst value is best;
* **satisficing**: the share of experiments in which a strategy meets a
  threshold (``v >= t`` when maximising, ``v <= t`` when minimising).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from escalade.errors import UsageError
from escalade.explore.experiments import ExploreResult

__all__ = [
    "Direction",
    "maximin",
    "minimax_regret",
    "payoff_table",
    "regret",
    "regret_long",
    "robustness_table",
    "satisficing",
    "satisficing_joint",
]

Direction = Literal["maximize", "minimize"]
Aggregate = Literal["mean", "median", "min", "max"]


def _sign(direction: str) -> float:
    if direction == "maximize":
        return 1.0
    if direction == "minimize":
        return -1.0
    raise UsageError(f"direction: expected 'maximize' or 'minimize', found {direction!r}")


def _check_table(table: pd.DataFrame) -> pd.DataFrame:
    if table.shape[0] == 0 or table.shape[1] == 0:
        raise UsageError(
            f"payoff table: expected at least one experiment and one strategy, "
            f"found shape {table.shape}"
        )
    values = table.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        bad = np.argwhere(~np.isfinite(values))[0]
        raise UsageError(
            f"payoff table: expected finite values, found {values[bad[0], bad[1]]} "
            f"at experiment {table.index[bad[0]]!r}, strategy {table.columns[bad[1]]!r}"
        )
    return table.astype(np.float64)


def payoff_table(
    result: ExploreResult, outcome: str, *, aggregate: Aggregate = "mean"
) -> pd.DataFrame:
    """Pivot one outcome into a payoff table (scenario × policy).

    Replications of a scenario under a policy are aggregated with
    ``aggregate``. Columns keep the order in which policies were run.
    """
    if outcome not in result.outcomes.columns:
        raise UsageError(
            f"outcome: expected one of {', '.join(result.outcomes.columns)}, found {outcome!r}"
        )
    if aggregate not in ("mean", "median", "min", "max"):
        raise UsageError(f"aggregate: expected mean, median, min or max, found {aggregate!r}")
    frame = pd.DataFrame(
        {
            "scenario": result.experiments["scenario"].to_numpy(),
            "policy": result.experiments["policy"].to_numpy(),
            "value": result.outcomes[outcome].to_numpy(dtype=np.float64),
        }
    )
    order = list(pd.unique(frame["policy"]))
    table = frame.pivot_table(index="scenario", columns="policy", values="value", aggfunc=aggregate)
    table = table[order]
    table.columns.name = "strategy"
    if table.isna().any().any():
        raise UsageError(
            f"outcome {outcome!r}: some scenarios were not run under every policy "
            "(hint: finish the sweep first)"
        )
    return table


def regret(table: pd.DataFrame, *, direction: Direction) -> pd.DataFrame:
    """Regret of every strategy in every experiment (same shape as ``table``)."""
    sign = _sign(direction)
    values = _check_table(table) * sign
    return values.rsub(values.max(axis=1), axis=0)


def regret_long(table: pd.DataFrame, *, direction: Direction) -> pd.DataFrame:
    """Tidy regret: columns ``experiment, strategy, value, regret`` (for heatmaps)."""
    reg = regret(table, direction=direction)
    rows, cols = table.shape
    return pd.DataFrame(
        {
            "experiment": np.repeat(table.index.to_numpy(), cols),
            "strategy": np.tile(table.columns.to_numpy(), rows),
            "value": table.to_numpy(dtype=np.float64).ravel(),
            "regret": reg.to_numpy().ravel(),
        }
    )


def satisficing(table: pd.DataFrame, *, threshold: float, direction: Direction) -> pd.Series:
    """Share of experiments in which each strategy meets ``threshold``."""
    sign = _sign(direction)
    values = _check_table(table)
    met = values >= threshold if sign > 0 else values <= threshold
    return met.mean(axis=0).rename("satisficing")


def minimax_regret(table: pd.DataFrame, *, direction: Direction) -> str:
    """The strategy with the smallest maximum regret (first one on ties)."""
    return str(regret(table, direction=direction).max(axis=0).idxmin())


def maximin(table: pd.DataFrame, *, direction: Direction) -> str:
    """The strategy with the best worst case (first one on ties)."""
    sign = _sign(direction)
    values = _check_table(table) * sign
    return str(values.min(axis=0).idxmax())


def robustness_table(
    table: pd.DataFrame, *, direction: Direction, threshold: float | None = None
) -> pd.DataFrame:
    """One row per strategy with every robustness measure.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy, mean, worst, best, max_regret, mean_regret``,
        ``satisficing`` (when ``threshold`` is given), and the flags
        ``minimax_regret`` and ``maximin`` marking the chosen strategies.
    """
    sign = _sign(direction)
    values = _check_table(table)
    reg = regret(values, direction=direction)
    worst = values.min(axis=0) if sign > 0 else values.max(axis=0)
    best = values.max(axis=0) if sign > 0 else values.min(axis=0)
    out = pd.DataFrame(
        {
            "strategy": [str(c) for c in values.columns],
            "mean": values.mean(axis=0).to_numpy(),
            "worst": worst.to_numpy(),
            "best": best.to_numpy(),
            "max_regret": reg.max(axis=0).to_numpy(),
            "mean_regret": reg.mean(axis=0).to_numpy(),
        }
    )
    if threshold is not None:
        out["satisficing"] = satisficing(
            values, threshold=threshold, direction=direction
        ).to_numpy()
    out["minimax_regret"] = out["strategy"] == minimax_regret(values, direction=direction)
    out["maximin"] = out["strategy"] == maximin(values, direction=direction)
    return out


def satisficing_joint(
    result: ExploreResult, thresholds: Mapping[str, tuple[Literal[">=", "<="], float]]
) -> pd.DataFrame:
    """Share of evaluations per policy that meet *every* threshold.

    Parameters
    ----------
    result : ExploreResult
        A sweep.
    thresholds : mapping
        ``{outcome: (">=" or "<=", value)}``.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy, satisficing, n``.
    """
    if not thresholds:
        raise UsageError("thresholds: expected at least one outcome threshold")
    met = np.ones(len(result.outcomes), dtype=bool)
    for outcome, (op, value) in thresholds.items():
        if outcome not in result.outcomes.columns:
            raise UsageError(
                f"thresholds: expected outcomes among {', '.join(result.outcomes.columns)}, "
                f"found {outcome!r}"
            )
        if op not in (">=", "<="):
            raise UsageError(f"thresholds[{outcome!r}]: expected '>=' or '<=', found {op!r}")
        column = result.outcomes[outcome].to_numpy(dtype=np.float64)
        met &= column >= value if op == ">=" else column <= value
    frame = pd.DataFrame({"strategy": result.experiments["policy"].to_numpy(), "met": met})
    grouped = frame.groupby("strategy", sort=False)["met"]
    return pd.DataFrame({"satisficing": grouped.mean(), "n": grouped.size()}).reset_index()
