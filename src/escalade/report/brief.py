"""The one-page brief at the top of a run report, and its plain-text twin for the terminal.

Rendering only: the question, the answer, how robust it is, why, what would
change it, the escalation risk and what the numbers rest on, written from
the run's tables (``comparison``, ``cells``, ``explain_*``, ``robustness``,
``flip_box``, ``oat``, ``risk``, ``provenance``; see
:mod:`escalade.workflows.run`). :func:`brief_paragraphs` is shared by the
HTML brief (:func:`brief_section`) and :func:`brief_text`.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import pandas as pd

from escalade.analysis.brief import fold_thresholds, threshold_peaks
from escalade.analysis.run import sides_disagree
from escalade.errors import EscaladeError
from escalade.report.brief_figures import (
    difference_bars,
    moved_parameters,
    risk_dots,
    share_bars,
    tornado,
)
from escalade.report.html import FigureBlock, Markdown, Section, TableBlock
from escalade.report.text import COMMON_RUNG, percent, shown, sig
from escalade.results import ResultSet
from escalade.results import tablenames as tn
from escalade.scenario import loads_scenario

__all__ = [
    "UNIT",
    "brief_paragraphs",
    "brief_section",
    "brief_text",
    "fixed_uncertainties",
    "side_views",
]

UNIT = "u"
"""The unit of utilities: the scenario's own utility units."""

_TORNADO_ROWS = 8
"""How many uncertainties the brief's tornado shows: those that move it most (room for 8)."""


def _names(values: Any) -> str:
    return ", ".join(f"*{v}*" for v in values)


def _question(rs: ResultSet) -> str:
    prov = rs.provenance
    strategies, mindsets = prov.strategies, prov.mindsets
    other = (
        f"with one mindset of the other side ({_names(mindsets)})"
        if len(mindsets) == 1
        else f"not knowing which of {len(mindsets)} mindsets drives the other side "
        f"({_names(mindsets)})"
    )
    side, names = f"side **{shown(prov.focal_side, '?')}**", _names(strategies)
    if len(strategies) == 1:  # nothing to choose between
        ask = f"How does the one strategy of {side} ({names}) fare, {other}?"
    else:
        ask = f"Which of {len(strategies)} strategies should {side} choose ({names}), {other}?"
    ranked = f" Strategies are {prov.ranked_by}." if prov.ranked_by and len(strategies) > 1 else ""
    return (
        f"{ask} Each strategy × mindset cell is "
        f"{prov.n or 0:,} simulated trajectories of {shown(prov.horizon, '?')} rounds.{ranked}"
    )


def fixed_uncertainties(rs: ResultSet) -> list[tuple[str, float]]:
    """The run's uncertainties fixed to one value (an override, or a one-value ``choice``).

    Read from the scenario text stored with the run; empty without one.
    """
    if not rs.scenario_text:
        return []
    try:
        scenario = loads_scenario(rs.scenario_text)
    except EscaladeError:  # an old or damaged text: the brief goes without the line
        return []
    fixed = []
    for u in scenario.spec.uncertainties:
        values = getattr(u, "values", None)
        if u.dist == "choice" and values is not None and len(values) == 1:
            fixed.append((u.id, float(values[0])))
    return fixed


def _fixed(rs: ResultSet) -> str | None:
    fixed = fixed_uncertainties(rs)
    if not fixed:
        return None
    named = ", ".join(f"`{name}` = {sig(value)}" for name, value in fixed)
    if len(fixed) == 1:
        return f"{named}: every trajectory of this run uses this value, not a draw from a range."
    return f"{named}: every trajectory of this run uses these values, not draws from ranges."


def _interval(row: pd.Series) -> str:
    low, high = sig(row["ci_low"], signed=True), sig(row["ci_high"], signed=True)
    return f"{sig(row['difference'], signed=True)} {UNIT} (95% interval {low} to {high})"


def _answer(rs: ResultSet) -> str:
    comparison, total = rs.get(tn.COMPARISON), rs.get(tn.EXPLAIN_TOTAL)
    if comparison.empty:
        return "The run has no strategies to compare."
    top = comparison.iloc[0]
    if len(comparison) == 1:
        return _one_strategy(top)
    text = f"Choose **{top['strategy']}**: "
    if float(top["max_regret"]) <= 0:
        # max regret 0: no strategy does better under any mindset (another may tie under one)
        text += "no strategy has a higher expected utility under any mindset"
    else:
        text += (
            f"it has the smallest maximum regret over the mindsets ({sig(top['max_regret'])} "
            f"{UNIT}, under *{_worst_regret_mindset(rs, str(top['strategy']))}*)"
        )
    second = None
    if len(comparison) > 1 and not total.empty:
        row = total.iloc[0]
        second = comparison.iloc[1]["strategy"]
        text += f"; on average over the mindsets it beats **{second}** by {_interval(row)}"
        if float(row["ci_low"]) <= 0 <= float(row["ci_high"]):
            text += " — within the noise: raise N (trajectories per cell) to separate them"
    text += "."
    quo = rs.provenance.status_quo
    # When the runner-up is the status quo, the sentence before has said it already.
    if quo and quo not in (top["strategy"], second) and _status_quo_run(rs):
        cells = rs.get(tn.CELLS)
        gain = cells[cells["strategy"] == top["strategy"]]["vs_status_quo"].mean()
        text += f" Against the status quo (*{quo}*) it gains {sig(gain, signed=True)} {UNIT}."
    return text


def _one_strategy(top: Any) -> str:
    """The answer of a run of one strategy: its level, as there is nothing to choose between."""
    text = f"**{top['strategy']}** is the only strategy run: there is nothing to choose between."
    if "mean_utility" not in top.index:
        return text
    text += (
        f" Its expected utility is {sig(top['mean_utility'])} {UNIT} on average over the mindsets"
    )
    if {"worst_utility", "worst_mindset"} <= set(top.index):
        text += f" (worst {sig(top['worst_utility'])} {UNIT}, under *{top['worst_mindset']}*)"
    return text + "."


def _status_quo_run(rs: ResultSet) -> bool:
    """Whether the run compares with its status quo (it was among the strategies run)."""
    cells = rs.get(tn.CELLS)
    return (
        not cells.empty
        and "vs_status_quo" in cells.columns
        and bool(cells["vs_status_quo"].notna().all())
    )


def _worst_regret_mindset(rs: ResultSet, strategy: str) -> str:
    cells = rs.get(tn.CELLS)
    if cells.empty:
        return "?"
    best = cells.groupby("mindset")["utility"].transform("max")
    regret = (best - cells["utility"])[cells["strategy"] == strategy]
    if regret.empty:
        return "?"
    mindsets = cells.loc[cells["strategy"] == strategy, "mindset"].to_numpy()
    return str(mindsets[int(regret.to_numpy().argmax())])


def _units(rs: ResultSet) -> str:
    prov = rs.provenance
    whose = (
        f"actor {prov.rank_by}'s utility terms"
        if prov.rank_kind == "actor"
        else f"the utility terms of side {prov.rank_by}'s actors, each actor times the "
        "side's weight for it"
        if prov.rank_kind == "side"
        else "the focal side's actors' weighted terms"
    )
    shown_as = (
        "they are shown relative to the status quo"
        if _status_quo_run(rs)
        else "the status quo was not among the strategies run, so they are compared with each other"
    )
    if len(rs.get(tn.COMPARISON)) == 1:
        shown_as = "with one strategy run, its level alone says little: run it with others"
    return (
        f"Utilities are in the scenario's utility units ({UNIT}): the discounted sum, over the "
        f"horizon, of {whose}. Only differences between strategies mean something; {shown_as}."
    )


def _robustness(rs: ResultSet) -> str | None:
    table = rs.get(tn.ROBUSTNESS)
    if table.empty:
        return None
    ordered = table.sort_values("share_best", ascending=False, kind="stable")
    head = ordered.iloc[0]
    others = "; ".join(
        f"*{r.strategy}* {percent(r.share_best)}" for r in ordered.iloc[1:].itertuples()
    )
    trajectories = shown(rs.provenance.sweep_trajectories, "?")
    text = (
        f"Across {int(head['draws'])} draws of the uncertainties (Latin hypercube, "
        f"{trajectories} trajectories per draw and cell, every mindset), "
        f"**{head['strategy']}** is best in {percent(head['share_best'])} of draws "
        f"(95% interval {percent(head['ci_low'])} to {percent(head['ci_high'])})"
        + (f"; {others}." if others else ".")
    )
    comparison = rs.get(tn.COMPARISON)
    headline = str(comparison.iloc[0]["strategy"]) if not comparison.empty else None
    if headline is not None and headline != head["strategy"]:
        text += (
            f" The two disagree for two reasons. The draws spread each uncertainty evenly over "
            f"its range, where the answer above draws it from its distribution, so the ends of "
            f"the ranges count more (see what would change it). And each draw averages only "
            f"{trajectories} trajectories per cell, so a strategy whose losses come from rare "
            f"catastrophes looks best in every draw where the catastrophe was not drawn, while "
            f"the answer above weighs it by its probability (raise the sweep's trajectories "
            "per point and cell)."
        )
        text += _disagreeing_cell(rs, headline, str(head["strategy"]))
    return text


def _disagreeing_cell(rs: ResultSet, headline: str, swept: str) -> str:
    """The mindset in which the sweep's favourite most often beats the answer, as a sentence."""
    by_mindset = rs.get(tn.ROBUST_MINDSET)
    if by_mindset.empty:
        return ""
    shares = by_mindset.pivot_table(index="mindset", columns="strategy", values="share_best")
    if headline not in shares or swept not in shares:
        return ""
    gap = (shares[swept] - shares[headline]).sort_values(ascending=False)
    mindset = str(gap.index[0])
    ours, theirs = shares[swept].to_dict()[mindset], shares[headline].to_dict()[mindset]
    return (
        f" The cell that explains it most: under *{mindset}*, {swept} is best in "
        f"{percent(float(ours))} of draws and {headline} in {percent(float(theirs))}."
    )


def _why(rs: ResultSet) -> str | None:
    by_term, comparison = rs.get(tn.EXPLAIN_BY_TERM), rs.get(tn.COMPARISON)
    if by_term.empty or len(comparison) < 2:
        return None
    a, b = comparison.iloc[0]["strategy"], comparison.iloc[1]["strategy"]
    low, high = _term_interval(by_term)
    all_gains = by_term[(by_term["difference"] > 0) & (low > 0)]
    all_costs = by_term[(by_term["difference"] < 0) & (high < 0)]
    gains, costs = all_gains.head(3), all_costs.head(2)
    unnamed = pd.concat([all_gains.iloc[3:], all_costs.iloc[2:]])
    noise = by_term[(by_term["difference"] != 0) & (low <= 0) & (high >= 0)]
    text = f"**{a}** against **{b}**, term by term: "
    parts = [f"{r.term} {sig(r.difference, signed=True)} {UNIT}" for r in gains.itertuples()]
    text += ("gains from " + ", ".join(parts)) if parts else "no term gains"
    if not costs.empty:
        text += "; losses on " + ", ".join(
            f"{r.term} {sig(r.difference, signed=True)} {UNIT}" for r in costs.itertuples()
        )
    if not noise.empty:
        names = ", ".join(str(t) for t in noise["term"].head(3))
        more = f" and {len(noise) - 3} more" if len(noise) > 3 else ""
        text += f"; within the sampling noise (95% interval across 0): {names}{more}"
    if not unnamed.empty:  # named or not, every term is in the sum the sentence claims
        count = f"{len(unnamed)} smaller term{'s' if len(unnamed) > 1 else ''}"
        text += f"; {count} {sig(float(unnamed['difference'].sum()), signed=True)} {UNIT}"
    return text + ". The terms add up to the total difference."


def _term_interval(by_term: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each term's 95% interval (the difference itself where the table has none)."""
    if {"ci_low", "ci_high"} <= set(by_term.columns):
        low = by_term["ci_low"].fillna(by_term["difference"])
        return low, by_term["ci_high"].fillna(by_term["difference"])
    return by_term["difference"], by_term["difference"]


def _flip(rs: ResultSet) -> str | None:
    robustness, box, comparison = rs.get(tn.ROBUSTNESS), rs.get(tn.FLIP_BOX), rs.get(tn.COMPARISON)
    if robustness.empty or comparison.empty:
        return None
    top = comparison.iloc[0]["strategy"]
    share = robustness.set_index("strategy")["share_best"].get(top, float("nan"))
    if share >= 1.0:
        return f"In no draw does another strategy beat **{top}**."
    text = f"**{top}** is not best in {percent(1 - share)} of draws. "
    if box.empty:
        return text + "PRIM finds no region of the uncertainties where that concentrates."
    limits = "; ".join(_limit(r) for r in box.itertuples())
    first = box.iloc[0]
    return text + (
        f"They concentrate where {limits}: that box holds {percent(first['coverage'])} of them "
        f"and {percent(first['density'])} of the draws inside it flip the choice."
    )


def _limit(r: Any) -> str:
    """One restricted uncertainty of a PRIM box: an interval, or the categories kept."""
    values = getattr(r, "values", "")
    if isinstance(values, str) and values:
        kept = values.replace(", ", " or ")
        return f"`{r.parameter}` is {kept} (of {sig(r.range_low)} to {sig(r.range_high)})"
    return (
        f"`{r.parameter}` in [{sig(r.low)}, {sig(r.high)}] (of {sig(r.range_low)} to "
        f"{sig(r.range_high)})"
    )


def _tornado_text(rs: ResultSet) -> str | None:
    """The one-at-a-time sweeps against the run's ranking (the top strategy ahead).

    "Flips" is always read against the run's answer: an end of a range flips
    the ranking where the runner-up comes out ahead. When the runner-up is
    already ahead with every uncertainty at its centre, that is said first.
    """
    oat = rs.get(tn.OAT)
    if oat.empty:
        return None
    per = ""
    if "trajectories" in oat.columns:
        per = f" ({int(oat['trajectories'].iloc[0]):,} trajectories per point and cell)"
    base = float(oat["base"].iloc[0])

    def named(rows: Any) -> str:
        return ", ".join(f"`{r.parameter}` at {sig(r.value)}" for r in rows.itertuples())

    flat = _unchanged(oat)
    if base < 0:
        ahead = oat[oat["advantage"] >= 0]
        text = (
            f"With every uncertainty at its central value, the one-at-a-time sweep{per} puts "
            f"the runner-up ahead (advantage {sig(base)}): the top strategy's lead comes from "
            "the spread of the uncertainties, not from their central values, or these few "
            "trajectories are noise (more sweep trajectories, `--sweep-trajectories`, tell "
            "which)."
        )
        if ahead.empty:
            return text + " No single uncertainty at either end of its range puts it ahead." + flat
        return text + f" One at a time, these put it ahead: {named(ahead)}." + flat
    behind = oat[oat["advantage"] < 0]
    if behind.empty and not moved_parameters(oat).any():
        return (
            "One at a time, no uncertainty at either end of its range changes the advantage of "
            "the top strategy over the runner-up: they shift both strategies alike."
        )
    if behind.empty:
        return (
            "One at a time, no uncertainty at either end of its range flips the ranking of the "
            "top two (tornado chart below)." + flat
        )
    return f"One at a time, these flip the ranking of the top two: {named(behind)}." + flat


def _unchanged(oat: pd.DataFrame) -> str:
    """A sentence naming the uncertainties whose range ends change nothing (not in the chart)."""
    names = [str(p) for p, changed in moved_parameters(oat).items() if not changed]
    if not names:
        return ""
    subject = "it does" if len(names) == 1 else "they do"
    return f" Not charted, as {subject} not move it: {_first_names([f'`{n}`' for n in names])}."


def _first_names(names: list[str], shown: int = 4) -> str:
    """``a, b, c, d and 3 more``: the first ``shown`` names of a list the brief cannot spell out.

    The brief prints on one page; the report's own tables list every name.
    """
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def side_views(by_side: pd.DataFrame, strategy: Any, mindset: Any, threshold: Any, p: Any) -> str:
    """Each side's view of a threshold in one cell, when the two views disagree (else "").

    Parameters
    ----------
    by_side : DataFrame
        The rows of ``thresholds_by_side`` where the sides disagree (:func:`sides_disagree`).
    strategy, mindset, threshold
        The cell and the threshold.
    p : float
        The probability on the common rung: a side whose view gives it is named first.

    Returns
    -------
    str
        E.g. ``"; as pakistan sees it; as india sees it: 3.6%"``.
    """
    if by_side.empty:
        return ""
    rows = by_side[
        (by_side["strategy"] == strategy)
        & (by_side["mindset"] == mindset)
        & (by_side["threshold"] == threshold)
    ]
    same = [str(r.side) for r in rows.itertuples() if abs(float(r.probability) - float(p)) < 1e-12]
    views = [f"as {side} sees it" for side in same] + [
        f"as {r.side} sees it: {percent(r.probability)}"
        for r in rows.itertuples()
        if str(r.side) not in same
    ]
    return "".join(f"; {v}" for v in views)


def _lowest_text(lowest: str, p: Any, n_strategies: int) -> str:
    """Which strategies keep a threshold's risk lowest, or that every strategy gives the same.

    With one strategy run there is nothing to rank: only its mean over the mindsets.
    """
    names, mean = lowest.split(", "), f"({percent(p)} on average over the mindsets)."
    if n_strategies == 1:
        return f"{percent(p)} on average over the mindsets."
    if n_strategies > 1 and len(names) >= n_strategies:
        return f"every strategy gives the same probability {mean}"
    listed = " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
    return f"{listed} {'keep' if len(names) > 1 else 'keeps'} it lowest {mean}"


def _risk_sentence(thresholds: pd.DataFrame, peak: Any, view: str) -> str:
    """A threshold's highest probability, its cell and the strategies that keep it lowest.

    When every cell has the same probability, that is all there is to say.
    """
    cells = thresholds.loc[thresholds["threshold"] == peak.threshold, "probability"]
    p = percent(peak.probability)
    if len(cells) > 1 and float(cells.max() - cells.min()) <= 1e-12:
        return (
            f"`{peak.threshold}` is crossed in {p} of trajectories, the same in every strategy × "
            f"mindset cell{view}."
        )
    lowest = _lowest_text(str(peak.lowest), peak.lowest_probability, thresholds.strategy.nunique())
    return (
        f"`{peak.threshold}` is crossed in up to {p} of trajectories (in the {peak.strategy} × "
        f"{peak.mindset} cell{view}); {lowest}"
    )


def _risk_text(rs: ResultSet) -> str | None:
    thresholds = rs.get(tn.THRESHOLDS)
    if thresholds.empty:
        return None
    _, folded = fold_thresholds(thresholds)
    never = folded[folded["state"] == "never"]["threshold"].tolist()
    always = folded[folded["state"] == "always"]["threshold"].tolist()
    by_side = sides_disagree(rs.get(tn.THRESHOLDS_BY_SIDE))
    peaks = list(threshold_peaks(thresholds).itertuples())
    views = [side_views(by_side, r.strategy, r.mindset, r.threshold, r.probability) for r in peaks]
    risks = [_risk_sentence(thresholds, r, view) for r, view in zip(peaks, views, strict=True)]
    parts = []
    if never:
        parts.append(f"never crossed in any cell: {_first_names(list(map(str, never)), 3)}")
    if always:
        shown = _first_names(list(map(str, always)), 3)
        parts.append(f"crossed in every trajectory of every cell: {shown}")
    if parts:
        risks.append("Thresholds left out of the chart — " + "; ".join(parts) + ".")
    if not risks:
        return None
    # whose view: said where the sides' views differ (the chart's caption says it always)
    lead = f"Thresholds are read {COMMON_RUNG}. " if any(views) else ""
    return lead + " ".join(risks)


def _provenance(rs: ResultSet) -> str | None:
    table = rs.get(tn.PROVENANCE)
    if table.empty:
        return None
    counts = dict(zip(table["kind"], table["count"], strict=True))
    total = sum(int(v) for v in counts.values())
    return (
        f"The scenario's {total} assumptions: {counts.get('quoted', 0)} quoted from a source, "
        f"{counts.get('sourced', 0)} sourced without a quote, {counts.get('uncertainty', 0)} "
        f"drawn from uncertainty ranges, {counts.get('judgement', 0)} the analyst's judgement, "
        f"{counts.get('structural', 0)} structural, {counts.get('unsourced', 0)} unsourced "
        "(details in *Assumptions and sources*)."
    )


def brief_paragraphs(rs: ResultSet) -> list[tuple[str, str]]:
    """The brief as (heading, Markdown paragraph) pairs, in reading order."""
    items = [
        ("Question", _question(rs)),
        ("Fixed for this run", _fixed(rs)),
        ("Answer", _answer(rs) + " " + _units(rs)),
        ("How robust", _robustness(rs)),
        ("Why", _why(rs)),
        ("What would change it", " ".join(p for p in (_flip(rs), _tornado_text(rs)) if p)),
        (
            "Escalation risk",
            _risk_text(rs) or f"Probability of each threshold {COMMON_RUNG}, per strategy:",
        ),
        ("What it rests on", _provenance(rs)),
    ]
    return [(h, p) for h, p in items if p]


def _figures(rs: ResultSet) -> dict[str, FigureBlock]:
    out: dict[str, FigureBlock] = {}
    robustness = rs.get(tn.ROBUSTNESS)
    if not robustness.empty:
        out["How robust"] = FigureBlock(share_bars(robustness), "Share of draws where best")
    by_term = rs.get(tn.EXPLAIN_BY_TERM)
    shown = by_term[by_term["difference"].abs() > 0].head(10) if not by_term.empty else by_term
    if not shown.empty:
        out["Why"] = FigureBlock(
            difference_bars(shown, "term"), "Difference of the top two by utility term (95%)"
        )
    oat = rs.get(tn.OAT)
    keep: list[str] = []
    if not oat.empty:
        swing = oat.groupby("parameter")["advantage"].agg(lambda s: s.max() - s.min())
        moved = moved_parameters(oat)
        swing = swing[moved[moved].index]
        keep = list(swing.sort_values(ascending=False).head(_TORNADO_ROWS).index)
        cut = f" (the {len(keep)} of {len(swing)} uncertainties that move it most)"
    if keep:
        figure = tornado(oat[oat["parameter"].isin(keep)])
        side = (figure.layout.meta or {}).get("zero_off_chart")
        zero = (
            f"0, where the runner-up would be better, is off the chart to the {side}"
            if side
            else "left of the red line at 0: the runner-up is better"
        )
        out["What would change it"] = FigureBlock(
            figure,
            f"One-at-a-time sweeps{cut if len(swing) > len(keep) else ''}: the top strategy's "
            f"advantage at each end of each range ({zero}; dotted line: every uncertainty at its "
            f"central value, {sig(float(oat['base'].iloc[0]), signed=True)} {UNIT}; the answer "
            "averages over the draws)",
        )
    risk = rs.get(tn.RISK)
    if not risk.empty:
        out["Escalation risk"] = FigureBlock(
            risk_dots(risk),
            "Probability of crossing each threshold, common rung (mean over mindsets, 95%)",
        )
    return out


def brief_section(rs: ResultSet) -> Section:
    """The brief as the report's first section."""
    figures = _figures(rs)
    blocks: list[Any] = []
    for heading, paragraph in brief_paragraphs(rs):
        blocks.append(Markdown(f"**{heading}.** {paragraph}"))
        if heading in figures:
            blocks.append(figures[heading])
    by_actor = rs.get(tn.EXPLAIN_BY_ACTOR)
    if not by_actor.empty:
        blocks.append(
            TableBlock(
                by_actor,
                "Difference of the top two by actor (u, 95% interval)",
                dict.fromkeys(("a", "b", "difference", "ci_low", "ci_high"), "sig"),
                collapse=True,
                download="explain_by_actor.csv",
            )
        )
    return Section("brief", "Brief", tuple(blocks))


def _plain(markdown: str) -> str:
    return re.sub(r"\*\*|\*|`", "", markdown)


def brief_text(rs: ResultSet, width: int = 100) -> str:
    """The brief as plain text for the terminal (wrapped at ``width``)."""
    lines = []
    for heading, paragraph in brief_paragraphs(rs):
        lines += [*textwrap.wrap(f"{heading}. {_plain(paragraph)}", width=width), ""]
    return "\n".join(lines)
