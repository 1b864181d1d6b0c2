"""The report of ``escalade explore``: robustness, sensitivity and scenario discovery.

Rendering only: the tables come from :mod:`escalade.workflows.explore`
(``robustness``, ``sensitivity``, ``warnings``, ``oat``, ``prim_boxes``,
``prim_trajectory``, plus the ``experiments`` and ``outcomes`` of the sweep).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from escalade.analysis.explore import discover_sentence, ranked_strategies, when_beats_sentence
from escalade.report.brief_figures import moved_parameters, tornado
from escalade.report.figures import bars, comparison_heatmap, prim_trajectory
from escalade.report.html import FigureBlock, Markdown, ReportDocument, Section, TableBlock
from escalade.report.sources import sources_section
from escalade.report.text import shown, sig, subtitle
from escalade.results import ResultSet
from escalade.results import tablenames as tn

__all__ = ["boxes_view", "explore_report", "robustness_view"]

_PCT = "pct"
_SHARES = dict.fromkeys(("coverage", "density", "mass"), _PCT)


def _table(
    df: pd.DataFrame, caption: str, formats: dict[str, str] | None = None, **kw: Any
) -> TableBlock:
    """A table whose numbers show 3 significant digits, as in the run report (or ``formats``)."""
    numbers = {str(c): "sig" for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    return TableBlock(df, caption, {**numbers, **(formats or {})}, **kw)


def boxes_view(boxes: pd.DataFrame) -> pd.DataFrame:
    """A box table with its limits as text: ``low to high`` (3 significant digits).

    A categorical dimension shows the set of values allowed; ``low`` and ``high`` are
    folded into ``limits``.
    """
    text = []
    for row in boxes.to_dict("records"):
        values = json.loads(str(row.get("limits", "[]")))
        low, high = row.get("low"), row.get("high")
        if "low" not in boxes.columns and _is_range(values):  # stored before low/high were
            low, high = values
        if low is not None and pd.notna(low):
            text.append(f"{sig(low)} to {sig(high)}")
        else:
            shown_values = (sig(v) if isinstance(v, float) else str(v) for v in values)
            text.append("{" + ", ".join(shown_values) + "}")
    view = boxes.drop(columns=[c for c in ("low", "high") if c in boxes.columns])
    return view.assign(limits=text)


def _is_range(values: Any) -> bool:
    return (
        isinstance(values, list)
        and len(values) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    )


_DESIGNS = {
    "lhs": "a Latin hypercube design",
    "sobol": "a Sobol (Saltelli) design",
    "morris": "a Morris design",
    "factorial": "a full factorial design",
    "given": "a given design",
}


def _design_name(kind: object) -> str:
    """``a Latin hypercube design`` for ``lhs``: the design's name, not its flag."""
    return _DESIGNS.get(str(kind), f"a {shown(kind, '?')} design")


def _summary(rs: ResultSet) -> Section:
    prov = rs.provenance
    robustness = rs.get(tn.ROBUSTNESS)
    lines = [f"**{prov.title}**", ""]
    lines.append(
        f"{len(rs.get(tn.EXPERIMENTS)):,} experiments: {_design_name(prov.design)} of "
        f"{shown(prov.n, '?')} points over {len(prov.parameters)} uncertainties × "
        f"{len(prov.strategies)} strategies × {len(prov.mindsets)} mindsets, "
        f"{shown(prov.trajectories, '?')} trajectories each. Outcome compared: "
        f"*{shown(prov.outcome, '?')}*."
    )
    if _one_strategy(rs):
        lines.append(
            "\nOne strategy was swept, so there is nothing to rank it against: regret is 0 by "
            "definition. The sensitivity and discovery sections below are what this sweep tells."
        )
    elif not robustness.empty:
        chosen = robustness[robustness["minimax_regret"]]
        if not chosen.empty:
            lines.append(
                f"\nThe strategy with the smallest maximum regret over all experiments is "
                f"**{chosen.iloc[0]['strategy']}**."
            )
    return Section("summary", "Summary", (Markdown("\n".join(lines)),))


def _one_strategy(rs: ResultSet) -> bool:
    """Whether the sweep compared a single strategy (nothing to rank, regret 0)."""
    named = {str(s) for s in rs.provenance.strategies}
    for table in (tn.ROBUSTNESS, tn.REGRET_BY_MINDSET):
        frame = rs.get(table)
        if not frame.empty and "strategy" in frame.columns:
            named |= set(frame["strategy"].astype(str))
    return len(named) == 1


def _in_file_order(table: pd.DataFrame, rs: ResultSet) -> pd.DataFrame:
    """``table``'s rows with strategies and mindsets in the scenario's order, not sorted by name."""
    out = table
    for column, named in (
        ("mindset", rs.provenance.mindsets),
        ("strategy", rs.provenance.strategies),
    ):
        order = {str(v): i for i, v in enumerate(named or ())}
        if order and column in out.columns:
            rank = out[column].astype(str).map(order).fillna(len(order))
            out = out.iloc[rank.argsort(kind="stable")]
    return out.reset_index(drop=True)


def _robustness(rs: ResultSet) -> Section | None:
    if _one_strategy(rs):
        return None  # one strategy: regret is 0 by definition, nothing to rank
    table = rs.get(tn.ROBUSTNESS)
    blocks: list[Any] = []
    regret = rs.get(tn.REGRET_BY_MINDSET)
    if not regret.empty:
        heat = _in_file_order(regret.rename(columns={"mean_regret": "value"}), rs)
        blocks.append(
            FigureBlock(
                comparison_heatmap(
                    heat,
                    "Mean regret per strategy and mindset",
                    value_label="regret (0 = best)",
                    sequential_scale=True,
                ),
                "Regret against the best strategy in each experiment, averaged per mindset",
            )
        )
    if not table.empty:
        # Regrets only: levels (mean, worst, tens of u) on the same axis flattened them to
        # slivers; the levels are in the table below.
        named = {"mean_regret": "mean regret", "max_regret": "maximum regret"}
        long = table.rename(columns=named).melt(
            id_vars=["strategy"],
            value_vars=list(named.values()),
            var_name="measure",
            value_name="regret (u)",
        )
        blocks.append(
            FigureBlock(
                bars(long, "strategy", "regret (u)", color="measure", title="Regret per strategy"),
                "Mean and maximum regret over all experiments and mindsets "
                "(0 = the best strategy in every experiment; levels in the table below)",
            )
        )
        blocks.append(_table(robustness_view(table), "Robustness of each strategy"))
    return Section("robustness", "Which strategy holds up", tuple(blocks))


_ROBUSTNESS_NAMES = {
    "mean": "mean (u)",
    "worst": "worst (u)",
    "best": "best (u)",
    "max_regret": "max regret (u)",
    "mean_regret": "mean regret (u)",
    "minimax_regret": "minimax regret",
    "maximin": "maximin",
}


def robustness_view(table: pd.DataFrame) -> pd.DataFrame:
    """The robustness table as the run report writes its ranking: named columns, yes or blank.

    ``max_regret`` reads ``max regret (u)``, and the flags ``minimax_regret`` and
    ``maximin`` read ``yes`` where they hold and nothing elsewhere (not True/False).
    """
    view = table.copy()
    for flag in ("minimax_regret", "maximin"):
        if flag in view.columns:
            view[flag] = view[flag].map(lambda b: "yes" if bool(b) else "")
    return view.rename(columns=_ROBUSTNESS_NAMES)


def _sensitivity_figure(table: pd.DataFrame, label: str) -> FigureBlock:
    """Sobol (S1, ST with intervals) or Morris (μ*) bars of one strategy's indices."""
    if "ST" in table.columns:
        long = pd.concat(
            [
                table[["parameter", key, f"{key}_conf"]]
                .rename(columns={key: "value", f"{key}_conf": "conf"})
                .assign(index=key)
                for key in ("S1", "ST")
            ],
            ignore_index=True,
        )
        return FigureBlock(
            bars(long, "parameter", "value", "conf", color="index", title=f"Sobol indices{label}"),
            f"First-order (S1) and total (ST) Sobol indices with their bootstrap intervals{label}"
            " (the strategy's utility averaged over the mindsets)",
        )
    return FigureBlock(
        bars(table, "parameter", "mu_star", title=f"Morris μ*{label}"),
        f"Morris elementary effects (μ*){label}",
    )


def _sensitivity(rs: ResultSet) -> Section | None:
    table = rs.get(tn.SENSITIVITY)
    if table.empty:
        return None
    blocks: list[Any] = [
        Markdown(f"**Warning.** {w}") for w in rs.get(tn.WARNINGS).get("warning", [])
    ]
    names = list(pd.unique(table["strategy"])) if "strategy" in table else [None]
    for name in names:
        part = table if name is None else table[table["strategy"] == name]
        blocks.append(_sensitivity_figure(part, f" — {name}" if name is not None else ""))
    blocks.append(_table(table, "Sensitivity indices"))
    return Section("sensitivity", "What matters most", tuple(blocks))


def _one_at_a_time(rs: ResultSet) -> Section | None:
    oat = rs.get(tn.OAT)
    if oat.empty:
        return None
    blocks: list[Any] = []
    # The ranking's top and runner-up, not the first two strategies in file order.
    swept = set(oat["strategy"])
    ranking = [s for s in ranked_strategies(rs.get(tn.ROBUSTNESS)) if s in swept]
    if len(ranking) >= 2:
        a, b = ranking[0], ranking[1]
        keys = ["parameter", "level", "value"]
        wide = oat.pivot(index=keys, columns="strategy", values="mean").reset_index()
        wide["advantage"] = wide[a] - wide[b]
        base = float(wide.loc[wide["level"] == "base", "advantage"].iloc[0])
        rows = wide[wide["level"] != "base"].assign(base=base)
        blocks.append(_oat_figure(rows[["parameter", "level", "value", "advantage", "base"]], a, b))
    blocks.append(
        _table(
            oat,
            "One at a time: mean outcome over the mindsets",
            collapse=True,
            download="one_at_a_time.csv",
        )
    )
    return Section("oat", "One uncertainty at a time", tuple(blocks))


def _oat_figure(rows: pd.DataFrame, a: str, b: str) -> FigureBlock | Markdown:
    """The tornado of the uncertainties that move ``a``'s advantage over ``b``; else a sentence."""
    moved = moved_parameters(rows)
    still = [str(p) for p, m in moved.items() if not m]
    if not moved.any():
        return Markdown(
            f"No uncertainty alone, at either end of its range, changes the advantage of {a} over "
            f"{b} ({sig(float(rows['base'].iloc[0]))} with every uncertainty at its nominal "
            "value): each shifts both strategies alike. The table below has each level."
        )
    caption = f"Advantage of {a} over {b} with each uncertainty alone at the ends of its range"
    if still:
        subject = "it does" if len(still) == 1 else "they do"
        caption += f"; not charted, as {subject} not move it: " + ", ".join(still)
    return FigureBlock(tornado(rows[rows["parameter"].isin(moved[moved].index)]), caption)


def _discovery(rs: ResultSet) -> Section | None:
    boxes = rs.get(tn.PRIM_BOXES)
    trajectory = rs.get(tn.PRIM_TRAJECTORY)
    asked = rs.get(tn.DISCOVER)
    if boxes.empty and trajectory.empty and asked.empty:
        return None
    blocks: list[Any] = []
    raw, condition = "", "the condition of interest"  # stored before the condition was
    if not asked.empty:
        row = asked.iloc[0]
        raw = str(row["condition"])
        condition = f"`{raw}`"
        sentence = discover_sentence(raw, int(row["cases"]), int(row["experiments"]))
        blocks.append(Markdown(sentence.replace(raw, condition, 1)))
    if not boxes.empty or not trajectory.empty:
        blocks.append(
            Markdown(
                f"PRIM boxes: ranges of the uncertainties in which {condition} concentrates "
                "(coverage: share of the cases inside the box; density: share of the box that "
                "are cases)."
            )
        )
    if not trajectory.empty:
        first = trajectory[trajectory["box"] == 0].rename(columns={"res_dim": "n_restricted"})
        blocks.append(
            FigureBlock(
                prim_trajectory(first, "Peeling trajectory of the first box"),
                f"Coverage against density (cases: {raw})" if raw else "Coverage against density",
            )
        )
    if not boxes.empty:
        caption = f"Boxes where {raw} holds" if raw else "Boxes"
        blocks.append(_table(boxes_view(boxes), caption, _SHARES))
    return Section("discovery", "When does it go wrong", tuple(blocks))


def _when_beats(rs: ResultSet) -> Section | None:
    pair = rs.get(tn.WHEN_BEATS)
    boxes = rs.get(tn.CART_WHEN_BEATS)
    if pair.empty and boxes.empty:
        return None
    blocks: list[Any] = []
    if not pair.empty:
        row = pair.iloc[0]
        a, b = str(row["a"]), str(row["b"])
        blocks.append(Markdown(when_beats_sentence(a, b, float(row["share"]), int(row["cases"]))))
    else:  # a result set stored before the pair was
        a, b = "the first strategy of the pair", "the second"
    if not boxes.empty:
        text = (
            f"Classification-tree (CART) leaves where {b} does better than {a}, each design "
            "point and mindset counted once (coverage: share of those cases inside the box; "
            f"density: share of the box where {b} does better)."
        )
        blocks += [
            Markdown(text),
            _table(boxes_view(boxes), "Boxes", _SHARES),
        ]
    return Section("when-beats", "When does one strategy beat another", tuple(blocks))


def explore_report(rs: ResultSet) -> ReportDocument:
    """Build the HTML report document of an ``explore`` result set."""
    prov = rs.provenance
    sections = [_summary(rs)]
    optional = (
        _robustness(rs),
        _sensitivity(rs),
        _one_at_a_time(rs),
        _discovery(rs),
        _when_beats(rs),
        sources_section(rs),
    )
    sections += [s for s in optional if s is not None]
    notes = {
        label: str(value)
        for value, label in (
            (prov.seed, "root seed"),
            (prov.design, "design"),
            (prov.n, "design points"),
            (prov.trajectories, "trajectories per experiment"),
            (prov.escalade_build, "escalade version"),
            (prov.scenario_hash, "scenario hash (SHA-256)"),
            (prov.created, "created (UTC)"),
        )
        if value is not None
    }
    return ReportDocument(
        title=f"escalade explore — {prov.title}",
        subtitle=subtitle(prov),
        sections=tuple(sections),
        method_notes=notes,
    )
