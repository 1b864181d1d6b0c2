"""The report of ``escalade run``: a :class:`ReportDocument` from a run's tables.

Rendering only: every number shown comes from the ``ResultSet`` tables written
by :func:`escalade.analysis.run.run_tables` (see that module for the columns).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from escalade.analysis.brief import fold_thresholds, folded_notes
from escalade.analysis.run import rungs_with_sides, sides_disagree
from escalade.report.brief import brief_section
from escalade.report.figures import (
    comparison_heatmap,
    fan_chart,
    option_usage,
    peaks_above,
    threshold_curves,
)
from escalade.report.html import FigureBlock, Markdown, ReportDocument, Section, TableBlock
from escalade.report.ladder import ladder_panel
from escalade.report.sources import link_sources, sources_section
from escalade.report.text import COMMON_RUNG, first_outcome_note, percent, shown, sig, subtitle
from escalade.results import ResultSet
from escalade.results import tablenames as tn
from escalade.results.provenance import Provenance

__all__ = ["assumptions_section", "ladders_section", "run_report"]


def _summary(rs: ResultSet) -> Section:
    prov = rs.provenance
    scenario = rs.get(tn.SCENARIO)
    lines = [f"**{prov.title}**", ""]
    if prov.scenario_description:
        lines += [prov.scenario_description, ""]
    blocks: list[Any] = [Markdown("\n".join(lines))]
    if not scenario.empty:
        blocks.append(
            TableBlock(
                scenario, "What the scenario contains", collapse=True, download="scenario.csv"
            )
        )
    return Section("summary", "The scenario", tuple(blocks))


def _reached(rs: ResultSet, arena: str) -> list[int]:
    by_round = rs.get(tn.RUNGS_BY_ROUND)
    if by_round.empty or "arena" not in by_round.columns:
        return []
    mine = by_round[by_round["arena"] == arena]
    if mine.empty:
        return []
    return [int(mine["q05"].min()), int(mine["q95"].max())]


def ladders_section(rs: ResultSet) -> Section:
    """The ladder panels of a run (one per arena), also in the scenario report."""
    rungs, thresholds, options = (
        rs.get(tn.LADDER_RUNGS),
        rs.get(tn.LADDER_THRESHOLDS),
        rs.get(tn.LADDER_OPTIONS),
    )
    blocks: list[Any] = [
        Markdown(
            "One panel per arena: rungs from left (calm) to right (extreme), the rungs in use "
            "and two either side, plus the first rung above each threshold (dashed red lines); "
            "⋯ marks rungs left out. Each actor has a row; its options sit on their rungs as "
            "the acting side sees them, with the rung the other side perceives in parentheses."
        )
    ]
    # One colour per actor across the panels, in the order the actors first appear.
    actor_order = [str(a) for a in dict.fromkeys(options.get("actor", pd.Series(dtype=str)))]
    for arena in list(dict.fromkeys(rungs.get("arena", pd.Series(dtype=str)))):
        opts = options[options["arena"] == arena].drop(columns=["arena"])
        if opts.empty:
            continue
        fig = ladder_panel(
            rungs[rungs["arena"] == arena][["index", "name"]].reset_index(drop=True),
            thresholds[thresholds["arena"] == arena][["id", "name", "rung"]].reset_index(drop=True),
            opts.reset_index(drop=True),
            reached=_reached(rs, str(arena)),
            title=f"{arena}: options on the escalation ladder",
            actor_order=actor_order,
        )
        blocks.append(FigureBlock(fig, f"Arena {arena}"))
    return Section("ladders", "Escalation ladders and options", tuple(blocks))


def _cells_view(cells: pd.DataFrame) -> pd.DataFrame:
    view = cells[["strategy", "mindset"]].copy()
    view["utility (u)"] = cells["utility"].map(sig)
    view["95% interval"] = [
        f"{sig(lo)} to {sig(hi)}"
        for lo, hi in zip(cells["utility_ci_low"], cells["utility_ci_high"], strict=True)
    ]
    if "vs_status_quo" in cells.columns:
        view["vs status quo (u)"] = cells["vs_status_quo"].map(lambda v: sig(v, signed=True))
    return view


def _comparison_view(comparison: pd.DataFrame) -> pd.DataFrame:
    view = comparison[["strategy"]].copy()
    view["mean over mindsets (u)"] = comparison["mean_utility"].map(sig)
    view["worst case (u)"] = comparison["worst_utility"].map(sig)
    view["worst under"] = comparison["worst_mindset"]
    view["max regret (u)"] = comparison["max_regret"].map(sig)
    view["minimax regret"] = comparison["minimax_regret"].map(lambda b: "yes" if b else "")
    return view


def _threshold_blocks(rs: ResultSet) -> list[Any]:
    thresholds = rs.get(tn.THRESHOLDS)
    if thresholds.empty:
        return []
    keep, folded = fold_thresholds(thresholds)
    blocks: list[Any] = [Markdown(note) for note in folded_notes(folded)]
    if not keep.empty:
        view = keep[["strategy", "mindset", "threshold"]].copy()
        view["probability"] = keep["probability"].map(percent)
        view["95% interval"] = [
            f"{percent(lo)} to {percent(hi)}"
            for lo, hi in zip(keep["ci_low"], keep["ci_high"], strict=True)
        ]
        blocks.append(
            TableBlock(
                view,
                f"Probability of crossing each informative threshold {COMMON_RUNG} "
                "(95% Wilson interval)",
                collapse=len(view) > 12,
                download="thresholds.csv",
            )
        )
    sides = sides_disagree(rs.get(tn.THRESHOLDS_BY_SIDE))
    if not sides.empty:
        view = sides[["strategy", "mindset", "threshold", "side"]].copy()
        view["probability"] = sides["probability"].map(percent)
        blocks.append(
            TableBlock(
                view,
                "Where the two sides disagree: probability that each side sees the threshold "
                "crossed (its own view of the ladder)",
                collapse=len(view) > 12,
                download="thresholds_by_side.csv",
            )
        )
    return blocks


def _outcome_block(outcomes: pd.DataFrame) -> TableBlock:
    view = outcomes[["strategy", "mindset", "outcome", "direction"]].copy()
    view["mean"] = outcomes["mean"].map(sig)
    view["95% interval"] = [
        f"{sig(lo)} to {sig(hi)}"
        for lo, hi in zip(outcomes["ci_low"], outcomes["ci_high"], strict=True)
    ]
    return TableBlock(view, "Outcomes (mean, 95% interval)", collapse=True, download="outcomes.csv")


def _ranking_blocks(rs: ResultSet) -> list[Any]:
    """What the ranking is by, and the side weights (when given, or a side has several actors)."""
    ranked_by = rs.provenance.ranked_by
    blocks: list[Any] = []
    if ranked_by:
        blocks.append(Markdown(f"Strategies are {ranked_by}."))
    weights = rs.get(tn.SIDE_WEIGHTS)
    given = not weights.empty and (weights["weight"] != "1 (default)").any()
    if given or (not weights.empty and weights["side"].duplicated().any()):
        blocks.append(
            TableBlock(
                weights,
                "Each actor's weight in its side's utility (actors a side does not list weigh 1)",
                collapse=len(weights) > 12,
                download="side_weights.csv",
            )
        )
    return blocks


def _whose(rs: ResultSet) -> str:
    prov = rs.provenance
    if prov.rank_kind == "actor":
        return f"actor {prov.rank_by}"
    side = prov.rank_by if prov.rank_by is not None else shown(prov.focal_side)
    return f"side {side}".strip()


def _comparison(rs: ResultSet) -> Section:
    cells = rs.get(tn.CELLS)
    comparison = rs.get(tn.COMPARISON)
    blocks: list[Any] = _ranking_blocks(rs)
    if not cells.empty:
        relative = "vs_status_quo" in cells.columns and cells["vs_status_quo"].notna().all()
        column = "vs_status_quo" if relative else "utility"
        heat = cells.rename(columns={column: "value"})[["strategy", "mindset", "value"]]
        label = "u vs status quo" if relative else "utility (u)"
        blocks.append(
            FigureBlock(
                comparison_heatmap(
                    heat,
                    None,
                    value_label=label,
                    centre=0.0 if relative else None,
                ),
                f"Expected utility of {_whose(rs)}, relative to the status quo"
                if relative
                else f"Expected utility of {_whose(rs)}",
            )
        )
        blocks.append(
            TableBlock(
                _cells_view(cells),
                "Expected utility per strategy and mindset",
                collapse=len(cells) > 12,
                download="cells.csv",
            )
        )
    if not comparison.empty:
        blocks.append(
            TableBlock(
                _comparison_view(comparison),
                "Ranking over the mindsets: mean, worst case, maximum regret",
            )
        )
    blocks += _threshold_blocks(rs)
    outcomes = rs.get(tn.OUTCOMES)
    if not outcomes.empty:
        blocks.append(_outcome_block(outcomes))
        first = first_outcome_note(outcomes, rs.provenance.horizon)
        if first:
            blocks.append(Markdown(first))
    return Section("comparison", "Strategies compared", tuple(blocks))


PEAK_CAPTION = (
    "; dotted lines with open triangles: the median and 95th percentile of the highest rung "
    "reached during each round, above the bands where a rung was reached and walked back within "
    "the same round (threshold crossings and at: max outcomes count it)"
)
"""Added to a fan chart's caption when it draws the round peaks."""


def _dynamics(rs: ResultSet) -> Section:
    blocks: list[Any] = []
    rungs = rungs_with_sides(rs.get(tn.RUNGS_BY_ROUND), rs.get(tn.RUNGS_BY_SIDE))
    if not rungs.empty:
        for (arena, mindset), cell in rungs.groupby(["arena", "mindset"], sort=False):
            group = cell.dropna(axis=1, how="all").reset_index(drop=True)
            per = "per strategy and side" if "side" in group.columns else "per strategy"
            caption = f"Median, 50% and 90% bands of the {arena} rung after each round, {per}"
            if peaks_above(group):
                caption += PEAK_CAPTION
            blocks.append(
                FigureBlock(
                    fan_chart(group, f"Rung of {arena} over time — mindset {mindset}"), caption
                )
            )
    by_round = rs.get(tn.THRESHOLDS_BY_ROUND)
    informative, _ = fold_thresholds(rs.get(tn.THRESHOLDS))
    if not by_round.empty and not informative.empty:
        by_round = by_round[by_round["threshold"].isin(set(informative["threshold"]))]
        blocks.append(
            FigureBlock(
                threshold_curves(by_round, "Probability a threshold has been crossed, by round"),
                f"Cumulative threshold-crossing probability {COMMON_RUNG}, with 95% intervals "
                "(thresholds never or always crossed left out)",
            )
        )
    usage = rs.get(tn.OPTIONS)
    if not usage.empty:
        blocks.append(
            FigureBlock(
                option_usage(usage, "Option usage"), "Share of trajectories using each option"
            )
        )
        blocks += _refusals(usage)
    blocks += _chance(rs)
    return Section("dynamics", "Escalation over time", tuple(blocks))


def _chance(rs: ResultSet) -> list[Any]:
    """How often each event fired and each arena's accidents struck, per cell (collapsed)."""
    blocks: list[Any] = []
    events = rs.get(tn.EVENTS)
    if not events.empty and "rate" in events.columns:
        view = events[["strategy", "mindset", "event"]].assign(
            **{
                "fired in": [percent(v) for v in events["rate"]],
                "firings per trajectory": [sig(v) for v in events["mean_count"]],
            }
        )
        caption = "Events: the share of trajectories in which each fired"
        blocks.append(TableBlock(view, caption, collapse=True, download="events.csv"))
    accidents = rs.get(tn.ACCIDENTS)
    if not accidents.empty and "up_per_trajectory" in accidents.columns:
        struck = accidents[
            (accidents["up_per_trajectory"] > 0) | (accidents["down_per_trajectory"] > 0)
        ]
        if not struck.empty:
            view = struck[["strategy", "mindset", "arena"]].assign(
                **{
                    "up per trajectory": [sig(v) for v in struck["up_per_trajectory"]],
                    "down per trajectory": [sig(v) for v in struck["down_per_trajectory"]],
                }
            )
            caption = "Accidental moves of each arena's rung per trajectory"
            blocks.append(TableBlock(view, caption, collapse=True, download="accidents.csv"))
    return blocks


def _refusals(usage: pd.DataFrame) -> list[Any]:
    """The moves an ally refused (consent), which the usage chart shows as never used."""
    if "refused_per_trajectory" not in usage.columns:
        return []
    refused = usage[usage["refused_per_trajectory"] > 0]
    if refused.empty:
        return []
    options = list(dict.fromkeys(refused["option"].astype(str)))
    these, need, them = (
        ("this move", "it needs", "it")
        if len(options) == 1
        else ("these moves", "they need", "them")
    )
    text = (
        f"Refused: {', '.join(options)}. A policy chose {these}, and an actor whose consent "
        f"{need} refused {them}; a refused move is not used (it costs nothing and moves "
        "nothing), so the chart above counts it as not taken."
    )
    view = pd.DataFrame(
        {
            "strategy": refused["strategy"],
            "mindset": refused["mindset"],
            "option": refused["option"],
            "actor": refused.get("actor", ""),
            "refusals per trajectory": [sig(v) for v in refused["refused_per_trajectory"]],
            "used": [percent(v) for v in refused["usage_rate"]],
        }
    )
    return [Markdown(text), TableBlock(view, "Moves refused for want of consent")]


def assumptions_section(rs: ResultSet) -> Section:
    """The table of every number in the scenario and what it rests on.

    Its source ids link to their rows in the Sources section (:func:`sources_section`).
    """
    table = rs.get(tn.ASSUMPTIONS)
    counts = table["kind"].value_counts().to_dict() if not table.empty else {}
    text = "Every number in the scenario and what it rests on: " + ", ".join(
        f"{v} {k}" for k, v in sorted(counts.items())
    )
    blocks: list[Any] = [Markdown(text)]
    if not table.empty:
        # a number without a source, quote or note leaves those cells empty, not "NA"
        texts = [c for c in ("ref", "quote", "note") if c in table.columns]
        table = table.assign(
            **{c: table[c].astype(object).where(table[c].notna(), "") for c in texts}
        )
        blocks.append(
            TableBlock(
                link_sources(table, "ref", set(rs.get(tn.SOURCES).get("id", pd.Series()))),
                "Key assumptions with their sources and quotes",
                collapse=True,
                download="assumptions.csv",
            )
        )
    return Section("assumptions", "Assumptions and sources", tuple(blocks))


def _notes(prov: Provenance) -> dict[str, str]:
    values = (
        (prov.n, "trajectories per strategy × mindset"),
        (prov.seed, "root seed"),
        (prov.horizon, "rounds"),
        (prov.escalade_build, "escalade version"),
        (prov.scenario_hash, "scenario hash (SHA-256)"),
        (prov.created, "created (UTC)"),
        (prov.intervals, "intervals"),
    )
    return {label: str(value) for value, label in values if value is not None}


def run_report(rs: ResultSet) -> ReportDocument:
    """Build the HTML report document of a ``run`` result set."""
    prov = rs.provenance
    sources = sources_section(rs)
    return ReportDocument(
        title=f"escalade run — {prov.title}",
        subtitle=subtitle(prov),
        sections=(
            brief_section(rs),
            _comparison(rs),
            ladders_section(rs),
            _dynamics(rs),
            _summary(rs),
            assumptions_section(rs),
            *((sources,) if sources else ()),
        ),
        method_notes=_notes(prov),
    )
