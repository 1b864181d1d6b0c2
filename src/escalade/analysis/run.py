"""The tables of ``escalade run``: every strategy × mindset cell, compared.

:func:`run_tables` takes the per-cell tables of the engine's
``SimulationResult.tables()`` and returns the run's tables (all tidy, with
``strategy`` and ``mindset`` columns where they vary):

``cells``               strategy, mindset, utility, utility_ci_low, utility_ci_high, n,
                        vs_status_quo (utility minus the status quo's under that mindset);
                        the utility of the side or actor ranked by (:mod:`.ranking`)
``comparison``          :func:`escalade.analysis.strategies.compare_strategies`
``outcomes``            strategy, mindset, outcome, direction, mean, ci_low, ci_high
``thresholds``          strategy, mindset, threshold, probability, ci_low, ci_high
``thresholds_by_round`` strategy, mindset, round, threshold, probability, ci_low, ci_high
``options``             strategy, mindset, option, usage_rate, success_rate, mean_times
``utilities``           strategy, mindset, actor, side, mean, ci_low, ci_high
``rungs_by_round``      strategy, mindset, arena, round, q05, q25, q50, q75, q95, mean,
                        peak_q50, peak_q95 (of each round's highest rung)
``rungs_by_side``       strategy, mindset, arena, side, round, q05, …, q95 (each side's view)
``thresholds_by_side``  strategy, mindset, threshold, arena, side, probability, ci_low, ci_high
``utility_terms``       strategy, mindset, actor, side, kind, term, mean, sd, ci_low, ci_high, n,
                        weighted_mean, weighted_sd (the term as its side's utility counts it)
``side_weights``        side, actor, weight, source (each actor's weight in its side's utility)
plus the scenario tables of :mod:`escalade.analysis.scenario_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from escalade.analysis.ranking import RankBy, rank_by, side_weight_table
from escalade.analysis.scenario_tables import (
    assumption_table,
    ladder_tables,
    scenario_table,
    source_tables,
)
from escalade.analysis.strategies import compare_strategies
from escalade.results import tablenames as tn
from escalade.scenario import Scenario

__all__ = [
    "CELL_TABLES",
    "focal_side",
    "run_tables",
    "rungs_with_sides",
    "sides_disagree",
    "status_quo",
]

CELL_TABLES = (
    tn.OUTCOMES,
    tn.THRESHOLDS,
    tn.THRESHOLDS_BY_ROUND,
    tn.OPTIONS,
    tn.UTILITIES,
    tn.RUNGS_BY_ROUND,
    tn.RUNGS_BY_SIDE,
    tn.THRESHOLDS_BY_SIDE,
    tn.UTILITY_TERMS,
    tn.EVENTS,
    tn.ACCIDENTS,
)

Cell = tuple[str, str]


def focal_side(scenario: Scenario) -> str:
    """The side whose strategies are compared (the side of the first strategy)."""
    if scenario.strategies:
        return scenario.strategies[0].side
    return scenario.spec.sides[0].id


def status_quo(scenario: Scenario) -> str | None:
    """The status-quo strategy: one whose id or name says so, else the first declared."""
    for s in scenario.strategies:
        text = f"{s.id} {s.name or ''}".lower().replace("_", " ").replace("-", " ")
        if "status quo" in text:
            return s.id
    return scenario.strategies[0].id if scenario.strategies else None


def _relative(cells: pd.DataFrame, reference: str | None) -> pd.DataFrame:
    if reference is None or reference not in set(cells["strategy"]):
        return cells.assign(vs_status_quo=float("nan"))
    base = cells[cells["strategy"] == reference].set_index("mindset")["utility"]
    return cells.assign(vs_status_quo=cells["utility"] - cells["mindset"].map(base))


def _stack(cells: Mapping[Cell, Mapping[str, pd.DataFrame]], name: str) -> pd.DataFrame:
    frames = []
    for (strategy, mindset), tables in cells.items():
        if name not in tables:
            continue
        frame = tables[name].copy()
        frame.insert(0, "mindset", mindset)
        frame.insert(0, "strategy", strategy)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["strategy", "mindset"])
    return pd.concat(frames, ignore_index=True)


def _cell_table(cells: Mapping[Cell, Mapping[str, pd.DataFrame]], rank: RankBy) -> pd.DataFrame:
    """One row per cell: the utility of the side or actor ranked by, with its interval."""
    table, column = ("sides", "side") if rank.kind == "side" else ("utilities", "actor")
    rows = []
    for (strategy, mindset), tables in cells.items():
        found = tables[table]
        matches = found[found[column] == rank.id].to_dict(orient="records")
        if not matches:
            raise ValueError(f"no utility for {column} {rank.id!r} in cell ({strategy}, {mindset})")
        row = matches[0]
        rows.append(
            {
                "strategy": strategy,
                "mindset": mindset,
                "utility": float(row["mean"]),
                "utility_ci_low": float(row["ci_low"]),
                "utility_ci_high": float(row["ci_high"]),
                "n": int(row["n"]),
            }
        )
    return pd.DataFrame(rows)


def run_tables(
    scenario: Scenario,
    cells: Mapping[Cell, Mapping[str, pd.DataFrame]],
    *,
    side: str | None = None,
    rank: RankBy | None = None,
) -> dict[str, pd.DataFrame]:
    """Combine per-cell engine tables into the tables of a run (see module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario that was run.
    cells : mapping
        ``(strategy, mindset) -> SimulationResult.tables()``; each must contain a
        ``sides`` table (side, mean, ci_low, ci_high, n) of the sides' weighted
        utility and a ``utilities`` table (actor, mean, ...) of each actor's.
    side : str, optional
        The side ranked by (default: :func:`focal_side`); ignored when ``rank`` is given.
    rank : RankBy, optional
        The side or actor whose utility ``cells`` and ``comparison`` use
        (:func:`escalade.analysis.ranking.rank_by`).
    """
    rank = rank or rank_by(scenario, None, side or focal_side(scenario))
    cell_table = _relative(_cell_table(cells, rank), status_quo(scenario))
    tables: dict[str, pd.DataFrame] = {
        tn.CELLS: cell_table,
        tn.COMPARISON: compare_strategies(cell_table),
    }
    for name in CELL_TABLES:
        tables[name] = _stack(cells, name)
    tables.update(ladder_tables(scenario))
    tables[tn.SCENARIO] = scenario_table(scenario)
    tables[tn.ASSUMPTIONS] = assumption_table(scenario)
    tables.update(source_tables(scenario))
    tables[tn.SIDE_WEIGHTS] = side_weight_table(scenario)
    return tables


def rungs_with_sides(rungs: pd.DataFrame, sides: pd.DataFrame) -> pd.DataFrame:
    """The rung quantiles to draw, with each side's view where the two sides disagree.

    Arenas whose two views ever differ get one row per side (a ``side``
    column); the others keep the common rung.

    Parameters
    ----------
    rungs : DataFrame
        The ``rungs_by_round`` table of a run.
    sides : DataFrame
        The ``rungs_by_side`` table (may be empty, for runs stored before it existed).
    """
    if rungs.empty or sides.empty or "side" not in sides.columns:
        return rungs
    columns = ["q05", "q25", "q50", "q75", "q95"]
    keys = [k for k in ("strategy", "mindset", "round") if k in sides.columns]
    split = [
        arena
        for arena, group in sides.groupby("arena", sort=False)
        if (group.groupby(keys)[columns].nunique() > 1).any().any()
    ]
    if not split:
        return rungs
    both = [rungs[~rungs["arena"].isin(split)], sides[sides["arena"].isin(split)]]
    merged = pd.concat(both, ignore_index=True)
    # Keep the arenas in the order of the run's table (the scenario's), not split ones last.
    order = {arena: i for i, arena in enumerate(pd.unique(rungs["arena"]))}
    rank = merged["arena"].map(order).fillna(len(order))
    return merged.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def sides_disagree(by_side: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``thresholds_by_side`` where the two sides' probabilities differ.

    Parameters
    ----------
    by_side : DataFrame
        The ``thresholds_by_side`` table of a run (may be empty).
    """
    if by_side.empty or "side" not in by_side.columns:
        return by_side
    keys = [k for k in ("strategy", "mindset", "threshold") if k in by_side.columns]
    spread = by_side.groupby(keys)["probability"].transform("nunique")
    return by_side[spread > 1].reset_index(drop=True)
