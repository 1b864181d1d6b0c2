"""The report of ``escalade run``: a :class:`ReportDocument` from a run's tables.

Rendering only: every number shown comes from the ``ResultSet`` tables written
by :func:`escalade.analysis.run.run_tables` (see that module for the columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from escalade.report.figures import (
    comparison_heatmap,
    fan_chart,
    ladder_figure,
    option_usage,
    threshold_curves,
)
from escalade.report.html import FigureBlock, Markdown, ReportDocument, Section, TableBlock
from escalade.results import ResultSet

__all__ = ["run_report"]

_PCT = "{:.1%}"
_NUM = "{:.3g}"


def _table(rs: ResultSet, name: str) -> pd.DataFrame:
    return rs.tables[name] if name in rs.tables else pd.DataFrame()


def _summary(rs: ResultSet) -> Section:
    meta = rs.metadata
    scenario = _table(rs, "scenario")
    lines = [f"**{meta.get('scenario_title', meta.get('scenario_id', ''))}**", ""]
    if meta.get("scenario_description"):
        lines += [str(meta["scenario_description"]), ""]
    comparison = _table(rs, "comparison")
    if not comparison.empty:
        best = comparison.iloc[0]
        lines.append(
            f"Across {meta.get('n_mindsets', '?')} adversary mindsets, the strategy with the "
            f"smallest maximum regret is **{best['strategy']}** (max regret "
            f"{best['max_regret']:.3g}; worst case {best['worst_utility']:.3g} under "
            f"*{best['worst_mindset']}*). Expected utilities are for side "
            f"*{meta.get('focal_side', '?')}*, with 95% intervals from "
            f"{meta.get('n', '?'):,} trajectories per cell."
        )
    blocks: list[Any] = [Markdown("\n".join(lines))]
    if not scenario.empty:
        blocks.append(TableBlock(scenario, "What the scenario contains"))
    return Section("summary", "Summary", tuple(blocks))


def _ladders(rs: ResultSet) -> Section:
    rungs, thresholds, options = (
        _table(rs, "ladder_rungs"),
        _table(rs, "ladder_thresholds"),
        _table(rs, "ladder_options"),
    )
    blocks: list[Any] = []
    for arena in list(dict.fromkeys(rungs.get("arena", pd.Series(dtype=str)))):
        mine = rungs[rungs["arena"] == arena]
        opts = options[options["arena"] == arena]
        if not opts.empty:
            low, high = int(opts["rung"].min()), int(opts["rung"].max())
            mine = mine[
                (mine["index"] >= min(low, int(mine["index"].min())) - 2)
                & (mine["index"] <= high + 3)
            ]
        fig = ladder_figure(
            mine[["index", "name", "group"]].reset_index(drop=True),
            thresholds[thresholds["arena"] == arena][["id", "name", "rung"]].reset_index(drop=True),
            opts.drop(columns=["arena"]).reset_index(drop=True),
            title=f"{arena}: options on the escalation ladder (as the target side perceives them)",
        )
        blocks.append(FigureBlock(fig, f"Arena {arena}"))
    return Section("ladders", "Escalation ladders and options", tuple(blocks))


def _comparison(rs: ResultSet) -> Section:
    cells = _table(rs, "cells")
    comparison = _table(rs, "comparison")
    blocks: list[Any] = []
    if not cells.empty:
        heat = cells.rename(columns={"utility": "value"})[["strategy", "mindset", "value"]]
        blocks.append(
            FigureBlock(
                comparison_heatmap(
                    heat, "Expected utility of the focal side", value_label="utility"
                ),
                "Strategy × mindset: expected utility",
            )
        )
        blocks.append(
            TableBlock(
                cells,
                "Expected utility per strategy and mindset (95% interval)",
                {"utility": _NUM, "utility_ci_low": _NUM, "utility_ci_high": _NUM},
            )
        )
    if not comparison.empty:
        blocks.append(
            TableBlock(
                comparison,
                "Ranking: mean over mindsets, worst case, maximum regret",
                {"mean_utility": _NUM, "worst_utility": _NUM, "max_regret": _NUM},
            )
        )
    thresholds = _table(rs, "thresholds")
    if not thresholds.empty:
        blocks.append(
            TableBlock(
                thresholds,
                "Probability of crossing each threshold during the horizon (95% Wilson interval)",
                {"probability": _PCT, "ci_low": _PCT, "ci_high": _PCT},
            )
        )
    outcomes = _table(rs, "outcomes")
    if not outcomes.empty:
        blocks.append(
            TableBlock(
                outcomes, "Outcomes (95% interval)", {"mean": _NUM, "ci_low": _NUM, "ci_high": _NUM}
            )
        )
    return Section("comparison", "Strategies compared", tuple(blocks))


def _dynamics(rs: ResultSet) -> Section:
    blocks: list[Any] = []
    rungs = _table(rs, "rungs_by_round")
    if not rungs.empty:
        for (arena, mindset), group in rungs.groupby(["arena", "mindset"], sort=False):
            blocks.append(
                FigureBlock(
                    fan_chart(
                        group.reset_index(drop=True),
                        f"Rung of {arena} over time — mindset {mindset}",
                    ),
                    f"Median, 50% and 90% bands of the {arena} rung, per strategy",
                )
            )
    by_round = _table(rs, "thresholds_by_round")
    if not by_round.empty:
        blocks.append(
            FigureBlock(
                threshold_curves(by_round, "Probability a threshold has been crossed, by round"),
                "Cumulative threshold-crossing probability with 95% intervals",
            )
        )
    usage = _table(rs, "options")
    if not usage.empty:
        blocks.append(
            FigureBlock(
                option_usage(usage, "Option usage"), "Share of trajectories using each option"
            )
        )
    return Section("dynamics", "Escalation over time", tuple(blocks))


def _assumptions(rs: ResultSet) -> Section:
    table = _table(rs, "assumptions")
    counts = table["kind"].value_counts().to_dict() if not table.empty else {}
    text = "Every number in the scenario and what it rests on: " + ", ".join(
        f"{v} {k}" for k, v in sorted(counts.items())
    )
    blocks: list[Any] = [Markdown(text)]
    if not table.empty:
        blocks.append(TableBlock(table, "Key assumptions with their sources and quotes"))
    return Section("assumptions", "Assumptions and sources", tuple(blocks))


def _notes(meta: Mapping[str, Any]) -> dict[str, str]:
    keys = (
        ("n", "trajectories per strategy × mindset"),
        ("seed", "root seed"),
        ("horizon", "rounds"),
        ("escalade", "escalade version"),
        ("scenario_hash", "scenario hash (SHA-256)"),
        ("created", "created (UTC)"),
        ("intervals", "intervals"),
    )
    return {label: str(meta[key]) for key, label in keys if key in meta}


def run_report(rs: ResultSet) -> ReportDocument:
    """Build the HTML report document of a ``run`` result set."""
    meta = rs.metadata
    return ReportDocument(
        title=f"escalade run — {meta.get('scenario_title', meta.get('scenario_id', ''))}",
        subtitle=f"scenario {meta.get('scenario_id', '')} · run {meta.get('run_id', '')}".strip(),
        sections=(_summary(rs), _ladders(rs), _comparison(rs), _dynamics(rs), _assumptions(rs)),
        method_notes=_notes(meta),
    )
