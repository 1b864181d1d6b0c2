"""Comparing the focal side's strategies across adversary mindsets.

Input: one row per (strategy, mindset) cell with the focal side's expected
utility and its 95% interval. Output: tidy tables for the report and the
terminal.

- *Per mindset*: strategies ranked by expected utility (1 = best).
- *Overall*: the mean over mindsets (each mindset weighted equally), the worst
  case over mindsets (maximin, Wald 1950) and the maximum regret, where the
  regret of a strategy under a mindset is the best expected utility any
  strategy reaches under that mindset minus its own (Savage 1951). The
  minimax-regret strategy has the smallest maximum regret.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["compare_strategies", "rank_by_mindset", "regret_table"]

_CELL_COLUMNS = ("strategy", "mindset", "utility", "utility_ci_low", "utility_ci_high")


def _check(cells: pd.DataFrame) -> None:
    missing = [c for c in _CELL_COLUMNS if c not in cells.columns]
    if missing:
        raise ValueError(f"cells table lacks columns {missing}")


def rank_by_mindset(cells: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank`` (1 = highest expected utility) within each mindset."""
    _check(cells)
    out = cells.copy()
    out["rank"] = (
        out.groupby("mindset", sort=False)["utility"]
        .rank(ascending=False, method="min")
        .astype(int)
    )
    return out.sort_values(["mindset", "rank", "strategy"], kind="stable").reset_index(drop=True)


def regret_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Return the regret of every (strategy, mindset) cell."""
    _check(cells)
    out = cells[["strategy", "mindset", "utility"]].copy()
    best = out.groupby("mindset", sort=False)["utility"].transform("max")
    out["regret"] = best - out["utility"]
    return out.reset_index(drop=True)


def compare_strategies(cells: pd.DataFrame) -> pd.DataFrame:
    """Return one row per strategy: mean, worst case, max regret and their ranks.

    Columns: ``strategy, mean_utility, worst_utility, worst_mindset, max_regret,
    rank_mean, rank_worst, rank_regret, minimax_regret`` (True for the
    minimax-regret choice; ties share it), sorted by ``rank_regret`` then
    ``rank_worst``.
    """
    _check(cells)
    regrets = regret_table(cells)
    rows = []
    for strategy, group in cells.groupby("strategy", sort=False):
        worst = group.sort_values("utility", kind="stable").iloc[0]
        rows.append(
            {
                "strategy": strategy,
                "mean_utility": float(group["utility"].mean()),
                "worst_utility": float(worst["utility"]),
                "worst_mindset": str(worst["mindset"]),
                "max_regret": float(regrets.loc[regrets["strategy"] == strategy, "regret"].max()),
            }
        )
    table = pd.DataFrame(rows)
    table["rank_mean"] = table["mean_utility"].rank(ascending=False, method="min").astype(int)
    table["rank_worst"] = table["worst_utility"].rank(ascending=False, method="min").astype(int)
    table["rank_regret"] = table["max_regret"].rank(ascending=True, method="min").astype(int)
    table["minimax_regret"] = table["rank_regret"] == 1
    return table.sort_values(["rank_regret", "rank_worst", "strategy"], kind="stable").reset_index(
        drop=True
    )
