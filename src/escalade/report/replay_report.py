"""The report of ``escalade replay``: how a scenario scored against the record, what it learnt.

Rendering only: every number comes from the tables of
:func:`escalade.analysis.replay_tables.replay_tables`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from escalade.report.figures import bars, new_figure, trace
from escalade.report.html import FigureBlock, Markdown, ReportDocument, Section, TableBlock
from escalade.report.layout import DASHES, PALETTE, apply_layout
from escalade.report.sources import link_sources, observed_sources_section, short_quote
from escalade.report.text import COMMON_RUNG, shown
from escalade.results import ResultSet
from escalade.results import tablenames as tn

__all__ = ["never_produced", "replay_report"]

QUOTE_CHARS = 60
"""A quote in the forecast-vs-record table longer than this is cut at a word."""


def _verdict(rs: ResultSet) -> Section:
    prov = rs.provenance
    scores = rs.get(tn.SCORES)
    lines = [
        f"**{prov.title}** replayed against "
        f"*{shown(prov.observed_file)}* ({shown(prov.n_observations, '0')} observations, "
        f"conditioned on those known by {shown(prov.as_of)}).",
        "",
    ]
    if not scores.empty and not math.isnan(float(scores.iloc[0]["brier"])):
        own = scores.iloc[0]
        lines.append(
            f"The scenario's forecasts, from its prior alone, scored a Brier score of "
            f"**{own['brier']:.3f}** and a log loss of **{own['log']:.3f}** (lower is better)."
        )
        for _, row in scores.iloc[1:].iterrows():
            verdict = "better" if own["brier"] < row["brier"] else "not better"
            lines.append(
                f"- {row['forecast']}: Brier {row['brier']:.3f}, log {row['log']:.3f} "
                f"(the scenario is {verdict} by Brier)"
            )
    lines += _never_produced(rs.get(tn.OBSERVATIONS))
    evidence = prov.log_evidence
    if evidence.get("value") is not None:
        se = evidence.get("se")
        lines += [
            "",
            f"Log marginal likelihood of the record: {evidence['value']:.3f} (Monte Carlo "
            f"standard error {'n/a' if se is None else format(se, '.3f')}).",
        ]
    return Section("verdict", "How the scenario scored", (Markdown("\n".join(lines)),))


def _posterior(rs: ResultSet) -> Section:
    post = rs.get(tn.POSTERIOR)
    blocks: list[Any] = [
        Markdown(
            "Prior and posterior probability of each mindset of the other side and each "
            "strategy of the focal side, from the marginal likelihood of the record under every "
            "strategy x mindset cell. A posterior far from the prior means the record "
            "discriminates; equal bars mean the record cannot tell them apart."
        )
    ]
    for part in ("mindsets", "strategies"):
        mine = post[post["of"] == part] if not post.empty else post
        if mine.empty:
            continue
        blocks.append(FigureBlock(_beliefs(mine, part)))
    cells = rs.get(tn.CELLS)
    if not cells.empty:
        blocks.append(
            TableBlock(
                cells,
                "Every cell: prior, log evidence (standard error), posterior",
                formats={"prior": "pct", "posterior": "pct", "log_evidence": ".3f", "se": ".3f"},
                download="cells.csv",
            )
        )
    return Section("posterior", "What the record says about mindsets and strategies", tuple(blocks))


def _beliefs(post: pd.DataFrame, part: str) -> go.Figure:
    """Prior and posterior probability of each mindset (or strategy), side by side."""
    label = {"mindsets": "mindset", "strategies": "strategy"}.get(part, part)
    tidy = post.melt(id_vars=["id"], value_vars=["prior", "posterior"], var_name="belief")
    tidy = tidy.rename(columns={"id": label, "value": "probability"})
    fig = bars(tidy, label, "probability", color="belief", title=f"{part}: prior vs posterior")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return fig


def _ranges(df: pd.DataFrame, title: str) -> go.Figure:
    traces = []
    for k, side in enumerate(("prior", "posterior")):
        mid = df[f"{side}_median"]
        traces.append(
            trace(
                "scatter",
                x=mid,
                y=[i + (0.15 if k else -0.15) for i in range(len(df))],
                mode="markers",
                name=side,
                marker={"color": PALETTE[k], "size": 9},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": df[f"{side}_q95"] - mid,
                    "arrayminus": mid - df[f"{side}_q05"],
                    "color": PALETTE[k],
                },
                hovertemplate="median %{x:.3~g}<extra>" + side + "</extra>",
            )
        )
    fig = new_figure(traces)
    fig.update_xaxes(title=f"value of {title} (median, 5% to 95%)")
    fig.update_yaxes(tickvals=list(range(len(df))), ticktext=list(df["id"]))
    return apply_layout(fig, title, height=max(260, 60 * len(df) + 160))


def _parameters(rs: ResultSet) -> Section:
    blocks: list[Any] = [
        Markdown(
            "Medians and 90% ranges (5% to 95%) of each uncertainty under the prior and after "
            "conditioning on the record; the shift is the change of the mean, also in prior "
            "standard deviations."
        )
    ]
    unc = rs.get(tn.UNCERTAINTIES)
    if not unc.empty:
        for _, row in unc.iterrows():  # one panel each: the scales differ
            blocks.append(FigureBlock(_ranges(pd.DataFrame([row]), f"{row['id']}")))
        unc = _wrapping(unc)
        blocks.append(TableBlock(unc, "Uncertainties: prior vs posterior", formats=_sig(unc)))
    thresholds = _wrapping(rs.get(tn.THRESHOLDS))
    if not thresholds.empty:
        blocks.append(
            TableBlock(
                thresholds,
                f"Probability of reaching each threshold {COMMON_RUNG} by the horizon: prior vs "
                "conditioned on the record to the as-of date",
                formats={"prior": "pct", "as of": "pct"},
            )
        )
    outcomes = _wrapping(rs.get(tn.OUTCOMES))
    if not outcomes.empty:
        blocks.append(
            TableBlock(outcomes, "Outcomes: prior vs conditioned", formats=_sig(outcomes))
        )
    return Section("parameters", "Prior and posterior ranges, re-forecast", tuple(blocks))


def _wrapping(df: pd.DataFrame) -> pd.DataFrame:
    """Headers such as ``prior_median`` as ``prior median``, which may wrap.

    Twelve one-word headers made the prior-vs-posterior tables wider than the
    page (1,280 px), with a horizontal scroll bar; wrapped, they fit.
    """
    return df.rename(columns={c: c.replace("_", " ") for c in df.columns if c != "id"})


def _sig(df: pd.DataFrame) -> dict[str, str]:
    return {c: "sig" for c in df.columns if c != "id"}


def _cited(obs: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """The observations with their source linked to its row and their quote shortened."""
    obs = obs.rename(columns={"forecast_as_of": "forecast as of"})  # a header that may wrap
    if "quote" not in obs.columns:  # stored before observations kept their source
        return obs
    quotes = [short_quote(q, QUOTE_CHARS) if isinstance(q, str) and q else "" for q in obs["quote"]]
    return link_sources(obs.assign(quote=quotes), "source", known)


def never_produced(obs: pd.DataFrame) -> list[str]:
    """Ids of the yes/no facts the prior got flatly wrong: forecast 0 but held, or 1 but not."""
    if obs.empty or not {"kind", "forecast", "observed"} <= set(obs.columns):
        return []
    facts = obs[obs["kind"] != "variable"]
    forecast = pd.to_numeric(facts["forecast"], errors="coerce")
    observed = pd.to_numeric(facts["observed"], errors="coerce")
    wrong = ((forecast == 0.0) & (observed == 1)) | ((forecast == 1.0) & (observed == 0))
    return [str(i) for i in facts.loc[wrong, "id"]]


def _never_produced(obs: pd.DataFrame) -> list[str]:
    """Lines naming the facts the scenario could not follow (they dominate the log score)."""
    ids = never_produced(obs)
    if not ids:
        return []
    return [
        "",
        f"**{len(ids)} fact{'s' if len(ids) != 1 else ''} the scenario never produced**: "
        f"{', '.join(ids)}. In none of the prior's simulated trajectories (any cell) did "
        f"{'it' if len(ids) == 1 else 'they'} go as the record says (forecast 0 for a fact "
        "that held, or 1 for one that did not), so each weighs heavily in the log score. "
        "This is where the model cannot follow the record; common causes are its timing "
        "(one move per actor and round, so a move and the answer to it cannot fall in the "
        "same week), a move that no policy of any cell chooses, or a threshold no trajectory "
        "reaches.",
    ]


def _all_conditioned(obs: pd.DataFrame) -> pd.DataFrame | None:
    """``obs`` without its as-of columns when every fact is on or before the as-of date.

    Those columns are then the same in every row (``conditioned`` true, no as-of forecast)
    and only crowd the quotes out of view; None when some fact lies after the date.
    """
    if not {"conditioned", "forecast as of"} <= set(obs.columns) or obs.empty:
        return None
    if not obs["conditioned"].astype(bool).all() or obs["forecast as of"].notna().any():
        return None
    return obs.drop(columns=["conditioned", "forecast as of"])


_CITATION_COLUMNS = ("source", "quote", "note")


def _without_empty_citations(obs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """``obs`` without its source, quote and note columns when no fact fills them.

    Returns the table and the sentence that says what its citation columns hold.
    """
    present = [c for c in _CITATION_COLUMNS if c in obs.columns]
    empty = all(obs[c].isna().all() or (obs[c].astype(str).str.strip() == "").all()
                for c in present)  # fmt: skip
    if not present or not empty:
        return obs, (
            "then the source the record cites for it (linked to the Sources section), its "
            "quote, and the notes (the source's, then the observation's own)."
        )
    return obs.drop(columns=present), (
        "no fact of the record cites a source, quotes one or carries a note, so those columns "
        "are left out."
    )


def _record(rs: ResultSet) -> Section:
    sources = rs.get(tn.SOURCES)
    obs = _cited(rs.get(tn.OBSERVATIONS), set(sources["id"].astype(str)) if len(sources) else set())
    before = _all_conditioned(obs)
    after = (
        "and for facts after the as-of date the forecast conditioned on the record up to that date"
        if before is None
        else "(every fact is on or before the as-of date: none has a forecast conditioned on "
        "the record, so those columns are left out)"
    )
    obs = obs if before is None else before
    obs, cited = _without_empty_citations(obs)
    blocks: list[Any] = [
        Markdown(
            "Each observed fact, the probability the scenario gave it before anything was known "
            "(forecast), what happened (observed: 1 held, 0 did not; a variable's value), the "
            f"Brier score and log loss of the forecast {after}; {cited}"
        ),
        TableBlock(
            obs,
            "Forecast vs record",
            formats={"forecast": ".3f", "brier": ".3f", "log": ".3f", "forecast as of": ".3f"},
            download="observations.csv",
        ),
    ]
    scores = rs.get(tn.SCORES)
    if not scores.empty:
        blocks.append(TableBlock(scores, "Scores (means over yes/no facts)", formats=_sig(scores)))
    rel = rs.get(tn.RELIABILITY)
    if not rel.empty:
        used = rel[rel["count"] > 0].reset_index(drop=True)  # no stray "index" column
        blocks.append(
            TableBlock(
                used, "Reliability: forecasts in bins vs observed frequency", formats=_sig(used)
            )
        )
    return Section("record", "Forecast vs record", tuple(blocks))


def _ess(rs: ResultSet) -> Section:
    ess = rs.get(tn.ESS)
    if ess.empty:
        return Section("ess", "Effective sample size", ())
    fig = _ess_figure(ess)
    note = Markdown(
        "The share of particles that carry the weight after each round with observations "
        "(resampled below one half). Values near 0 mean few trajectories of that cell agree "
        "with the record: its evidence is estimated from few particles."
    )
    return Section("ess", "Effective sample size", (note, FigureBlock(fig)))


def _ess_figure(ess: pd.DataFrame) -> go.Figure:
    """ESS per cell over the rounds with observations: colour the strategy, dash the mindset.

    Rounds without an observation have no ESS; the line joins the rounds that have one.
    """
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(pd.unique(ess["strategy"]))}
    dashes = {m: DASHES[i % len(DASHES)] for i, m in enumerate(pd.unique(ess["mindset"]))}
    traces = []
    for (s, m), part in ess.groupby(["strategy", "mindset"], sort=False):
        seen = part.dropna(subset=["ess"]).sort_values("round")
        traces.append(
            trace(
                "scatter",
                x=seen["round"],
                y=seen["ess"],
                mode="lines+markers",
                name=f"{s} / {m}",
                line={"color": colours[s], "dash": dashes[m], "width": 2},
                marker={"color": colours[s]},
                connectgaps=True,
                hovertemplate="round %{x}: %{y:.0%}<extra>" + f"{s} / {m}" + "</extra>",
            )
        )
    fig = new_figure(traces)
    fig.update_xaxes(title="round")
    fig.update_yaxes(title="ESS / particles", range=[0, 1.05], tickformat=".0%")
    return apply_layout(fig, "Effective sample size after weighting, per cell and round")


def replay_report(rs: ResultSet) -> ReportDocument:
    """The report document of a ``replay`` result set."""
    prov = rs.provenance
    notes = {
        "particles per cell": shown(prov.particles),
        "replicate filters per cell": shown(prov.replicates),
        "seed": shown(prov.seed),
        "observation-error rate ε": shown(prov.epsilon),
        "as of": shown(prov.as_of),
        "scenario hash": shown(prov.scenario_hash),
        "escalade": shown(prov.escalade_build),
    }
    return ReportDocument(
        title=f"Replay of {shown(prov.scenario_id)}",
        subtitle=f"against {shown(prov.observed_file)}",
        sections=tuple(
            s
            for s in (
                _verdict(rs),
                _posterior(rs),
                _record(rs),
                _parameters(rs),
                _ess(rs),
                observed_sources_section(rs),
            )
            if s is not None
        ),
        method_notes=notes,
    )
