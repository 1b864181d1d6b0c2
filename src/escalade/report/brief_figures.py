"""The brief's figures: robustness shares, the explain bars, the tornado, escalation risk.

Drawing only: the tables arrive computed (:mod:`escalade.analysis.sweep`,
:mod:`escalade.analysis.explain`, :mod:`escalade.analysis.brief`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from escalade.report.figures import (
    PALETTE,
    apply_layout,
    new_figure,
    require_columns,
    trace,
    with_traces,
)
from escalade.report.layout import NUMBER_FORMAT

__all__ = ["difference_bars", "moved_parameters", "risk_dots", "share_bars", "tornado"]

_BLUE, _RED, _GREY = "#2166ac", "#b2182b", "#6b7480"


def _compact(fig: go.Figure, title: str | None, rows: int) -> go.Figure:
    apply_layout(fig, title, height=max(220, 34 * rows + 110))
    fig.update_layout(margin={"l": 10, "r": 20, "t": 50 if title else 20, "b": 45})
    fig.update_yaxes(automargin=True)
    return fig


def share_bars(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Share of uncertainty draws in which each strategy is best (columns as ``robustness``)."""
    require_columns(df, ("strategy", "share_best", "ci_low", "ci_high"), "share_bars")
    fig = new_figure(
        trace(
            "bar",
            x=df["share_best"],
            y=df["strategy"].astype(str),
            orientation="h",
            marker={"color": [PALETTE[i % len(PALETTE)] for i in range(len(df))]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": df["ci_high"] - df["share_best"],
                "arrayminus": df["share_best"] - df["ci_low"],
                "color": "#333",
            },
            hovertemplate="%{y}: best in %{x:.1%} of draws<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(range=[0, 1.02], tickformat=".0%", title="share of draws where best")
    fig.update_yaxes(autorange="reversed")
    return _compact(fig, title, len(df))


def difference_bars(
    df: pd.DataFrame, label: str, title: str | None = None, *, unit: str = "u"
) -> go.Figure:
    """Horizontal bars of ``difference`` with its interval, one per ``label`` row."""
    require_columns(df, (label, "difference", "ci_low", "ci_high"), "difference_bars")
    colours = [_BLUE if d >= 0 else _RED for d in df["difference"]]
    fig = new_figure(
        trace(
            "bar",
            x=df["difference"],
            y=df[label].astype(str),
            orientation="h",
            marker={"color": colours},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": df["ci_high"] - df["difference"],
                "arrayminus": df["difference"] - df["ci_low"],
                "color": "#333",
            },
            hovertemplate="%{y}: %{x:" + NUMBER_FORMAT + "} " + unit + "<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line={"color": "#333", "width": 1})
    fig.update_xaxes(title=f"difference ({unit})", tickformat=NUMBER_FORMAT)
    fig.update_yaxes(autorange="reversed")
    return _compact(fig, title, len(df))


def moved_parameters(df: pd.DataFrame) -> pd.Series:
    """Whether each parameter's range ends move the advantage off ``base`` (columns as ``oat``).

    A move smaller than rounding (1e-9 of the largest advantage, at least 1e-9) is
    no move: an uncertainty that shifts both strategies' utilities alike leaves
    their difference unchanged up to the last bits of the float sums.
    """
    require_columns(df, ("parameter", "advantage", "base"), "moved_parameters")
    scale = max(1.0, float(np.nanmax(np.abs(df[["advantage", "base"]].to_numpy(float)), initial=0)))
    moved = (df["advantage"] - df["base"]).abs() > 1e-9 * scale
    return moved.groupby(df["parameter"], sort=False).any()


def tornado(df: pd.DataFrame, title: str | None = None, *, unit: str = "u") -> go.Figure:
    """One-at-a-time sweeps: the advantage at each end of each range (columns as ``oat``)."""
    require_columns(df, ("parameter", "level", "advantage", "base"), "tornado")
    base = float(df["base"].iloc[0]) if len(df) else 0.0
    wide = df.pivot_table(index="parameter", columns="level", values="advantage", sort=False)
    swing = (wide.max(axis=1) - wide.min(axis=1)).sort_values(ascending=False)
    fig = new_figure()
    traces = []
    drawn = _visible_levels(wide.loc[swing.index] - base)
    for level, colour in (("low", "#92c5de"), ("high", "#f4a582")):
        if level not in wide.columns:
            continue
        values = wide.loc[swing.index, level]
        traces.append(
            trace(
                "bar",
                x=values - base,
                y=list(swing.index),
                base=base,
                orientation="h",
                name=f"{level} end of range",
                showlegend=level in drawn,  # no legend entry for bars nobody can see
                marker={"color": colour},
                customdata=values,  # the advantage itself: x is its distance from the base
                hovertemplate=f"%{{y}} at its {level} end: %{{customdata:{NUMBER_FORMAT}}} "
                f"{unit}<extra></extra>",
            )
        )
    fig = with_traces(fig, traces)
    fig.add_vline(x=base, line={"color": "#333", "width": 1, "dash": "dot"})
    side = _zero_line_or_zoom(fig, wide.to_numpy(dtype=float, na_value=base), base)
    fig.update_layout(barmode="overlay")
    # Short: the printed brief's column is narrow (the caption says whose advantage it is).
    axis_title = f"advantage over the runner-up ({unit})"
    if side:  # in the title, not an annotation: the printed brief keeps no top margin
        axis_title += f"<br>0 (no advantage) is off the chart, to the {side}"
    fig.update_layout(meta={"zero_off_chart": side})  # for the caption: is the red line drawn?
    fig.update_xaxes(title=axis_title, tickformat=NUMBER_FORMAT, automargin=True)
    fig.update_yaxes(autorange="reversed")
    return _compact(fig, title, len(swing))


def _zero_line_or_zoom(fig: go.Figure, values: np.ndarray, base: float) -> str | None:
    """Draw the red line at 0, or zoom on the bars when 0 would squeeze them.

    When 0 lies farther from the bars than the bars span (every end keeps the
    advantage on one side), an axis reaching 0 leaves the bars a sliver at its
    edge. The axis then spans the bars alone; the side 0 lies on is returned
    (``"left"`` or ``"right"``), None when the red line at 0 is drawn.
    """
    finite = values[np.isfinite(values)]
    lo = float(min(finite.min(initial=base), base))
    hi = float(max(finite.max(initial=base), base))
    span = hi - lo
    gap = lo if lo > 0 else (-hi if hi < 0 else 0.0)
    if gap <= span:
        fig.add_vline(x=0, line={"color": _RED, "width": 2})
        return None
    pad = 0.25 * span + 0.02 * gap
    fig.update_xaxes(range=[lo - pad, hi + pad])
    return "left" if lo > 0 else "right"


def _visible_levels(widths: pd.DataFrame) -> set[str]:
    """The levels (``low``, ``high``) with a bar someone can see.

    Bars overlay (``high`` drawn over ``low``): a bar of zero width is invisible,
    and a ``low`` bar is hidden under a ``high`` bar as long in the same direction.
    """
    low = widths["low"].fillna(0.0) if "low" in widths else pd.Series(0.0, widths.index)
    high = widths["high"].fillna(0.0) if "high" in widths else pd.Series(0.0, widths.index)
    tiny = 1e-12 * max(1.0, float(np.abs(widths.to_numpy(dtype=float, na_value=0.0)).max()))
    covered = (np.sign(low) == np.sign(high)) & (high.abs() >= low.abs())
    out = set()
    if ((low.abs() > tiny) & ~covered).any():
        out.add("low")
    if (high.abs() > tiny).any():
        out.add("high")
    return out


def risk_dots(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Probability of each threshold per strategy, dot and interval (columns as ``risk``)."""
    require_columns(df, ("strategy", "threshold", "probability", "ci_low", "ci_high"), "risk_dots")
    fig = new_figure()
    strategies = list(dict.fromkeys(df["strategy"]))
    traces = []
    for k, strategy in enumerate(strategies):
        part = df[df["strategy"] == strategy]
        traces.append(
            trace(
                "scatter",
                x=part["probability"],
                y=part["threshold"].astype(str),
                mode="markers",
                name=str(strategy),
                marker={"size": 10, "color": PALETTE[k % len(PALETTE)]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": part["ci_high"] - part["probability"],
                    "arrayminus": part["probability"] - part["ci_low"],
                },
                hovertemplate="%{y}: %{x:.1%}<extra>" + str(strategy) + "</extra>",
                cliponaxis=False,  # a dot at 0% or 100% is drawn whole
            )
        )
    fig = with_traces(fig, traces)
    # Padding wider than a dot's radius at the printed brief's width (about 250 px of plot).
    fig.update_xaxes(range=[-0.05, 1.05], tickformat=".0%", title="probability during the horizon")
    fig.update_yaxes(autorange="reversed")
    # meta.rows: the printed brief keeps a row per threshold however far the legend of
    # strategies wraps in its narrow column (it took the plot's height)
    fig.update_layout(meta={"rows": df["threshold"].nunique()})
    return _compact(fig, title, df["threshold"].nunique() + 1)
