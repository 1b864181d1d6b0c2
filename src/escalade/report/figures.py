"""Plotly figures built from tidy tables: drawing only, no statistics.

Every builder takes a tidy :class:`pandas.DataFrame` whose columns are named in
its docstring, checks that they are there, and returns a
:class:`plotly.graph_objects.Figure`. Quantiles, probabilities, intervals and
rates arrive computed (by :mod:`escalade.analysis`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import diverging, sequential
from plotly.subplots import make_subplots

from escalade.report.ladder_figure import ladder_figure
from escalade.report.layout import (
    DASHES,
    FONT,
    NUMBER_FORMAT,
    PALETTE,
    SYMBOLS,
    apply_layout,
    line_width,
    new_figure,
    require_columns,
    trace,
    with_traces,
)
from escalade.report.layout import band as _band
from escalade.report.layout import colours as _colours
from escalade.report.layout import scale as _scale
from escalade.report.layout import unique as _unique

__all__ = [
    "DASHES",
    "FONT",
    "PALETTE",
    "ROUNDS_AXIS",
    "apply_layout",
    "bars",
    "comparison_heatmap",
    "fan_chart",
    "ladder_figure",
    "new_figure",
    "option_usage",
    "peaks_above",
    "prim_trajectory",
    "require_columns",
    "threshold_curves",
    "trace",
    "with_traces",
]

ROUNDS_AXIS = "rounds completed (0 = the start; a trace's round r ends at r + 1)"
"""The x-axis title of figures over rounds: a table's ``round`` counts rounds completed.

A trace numbers rounds from 0 (round 0 is the first round played), so the state a
trace shows after its round ``r`` is drawn at ``r + 1``.
"""


def fan_chart(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Draw quantile fans of a quantity over rounds, one fan per strategy.

    Parameters
    ----------
    df : DataFrame
        Columns ``strategy``, ``round``, ``q05``, ``q25``, ``q50``, ``q75``, ``q95``;
        optional ``side`` (per-side rungs: one line per side, dashed by side) and
        ``peak_q50``, ``peak_q95`` (the median and 95% of each round's highest rung:
        drawn as a thin dotted line with open triangles, for a strategy whose peaks
        rise above its rungs after the round; see :func:`peaks_above`).
    title : str, optional
        The figure title.
    """
    columns = ("strategy", "round", "q05", "q25", "q50", "q75", "q95")
    require_columns(df, columns, "fan_chart")
    strategies = _unique(df["strategy"])
    colours, n = _colours(strategies), len(strategies)
    sides = _unique(df["side"]) if "side" in df.columns else [None]
    traces: list[dict[str, Any]] = []
    keys = ["strategy"] if sides == [None] else ["strategy", "side"]
    parts = {tuple(key): part.sort_values("round") for key, part in df.groupby(keys, sort=False)}
    for i, strategy in enumerate(strategies):
        for k, side in enumerate(sides):
            part = parts.get((strategy,) if side is None else (strategy, side), df.iloc[:0])
            group = str(strategy) if side is None else f"{strategy} ({side})"
            for low, high, alpha in (("q05", "q95", 0.15), ("q25", "q75", 0.3)):
                band = _band(part["round"], part[low], part[high], colours[strategy], alpha)
                traces.append({**band, "legendgroup": group, "name": f"{group} {low}-{high}"})
            # Strategies differ in colour, width, marker and (without sides) dash, so a median
            # on the very same rungs as another's stays visible; sides differ in dash.
            dash = DASHES[(i if side is None else k) % len(DASHES)]
            traces.append(
                trace(
                    "scatter",
                    x=part["round"],
                    y=part["q50"],
                    mode="lines+markers",
                    line={"color": colours[strategy], "width": line_width(i, n), "dash": dash},
                    marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 4 + line_width(i, n)},
                    name=group,
                    legendgroup=group,
                    hovertemplate="after %{x} rounds: median %{y}<extra>" + group + "</extra>",
                )
            )
            if peaks_above(part):
                traces.append(_peak_trace(part, group, colours[strategy]))
    layout = {
        "template": {},
        "xaxis": {"title": {"text": ROUNDS_AXIS}},
        "yaxis": {"title": {"text": "rung"}, **_rung_ticks(df)},
    }
    fig = go.Figure(data=traces, layout=layout, _validate=False)
    return apply_layout(fig, title)


def peaks_above(df: pd.DataFrame) -> bool:
    """Whether a rung table's round peaks ever rise above its quantiles after the round.

    Parameters
    ----------
    df : DataFrame
        Rows of ``rungs_by_round`` or ``rungs_by_side``; without ``peak_q50`` and
        ``peak_q95`` (runs stored before they existed) the answer is False.
    """
    if not {"peak_q50", "peak_q95"} <= set(df.columns):
        return False
    above = (df["peak_q50"] > df["q50"]) | (df["peak_q95"] > df["q95"])
    return bool(above.any())


def _peak_trace(part: pd.DataFrame, group: str, colour: str) -> dict[str, Any]:
    """The median and 95% of the round peaks: one dotted line each, in one legend entry."""
    rounds = [*part["round"], None, *part["round"]]
    labels = ["median"] * len(part) + [""] + ["95th percentile"] * len(part)
    return trace(
        "scatter",
        x=rounds,
        y=[*part["peak_q50"], None, *part["peak_q95"]],
        text=labels,
        mode="lines+markers",
        line={"color": colour, "width": 1.5, "dash": "dot"},
        marker={"symbol": "triangle-up-open", "size": 7},
        name=f"{group} highest rung in the round",
        legendgroup=group,
        hovertemplate="round ending at %{x}: %{text} of its highest rung %{y}<extra>"
        + group
        + "</extra>",
    )


def _rung_ticks(df: pd.DataFrame) -> dict[str, Any]:
    """Ticks on whole rungs only (an axis spanning two rungs would read 1.2, 1.4 and so on)."""
    peaks = [c for c in ("peak_q95",) if c in df.columns]
    values = pd.concat([df[c] for c in ("q05", "q50", "q95", *peaks)]).dropna()
    span = float(values.max() - values.min()) if not values.empty else 0.0
    return {"tickmode": "linear", "tick0": 0, "dtick": max(1, math.ceil(span / 8))}


def threshold_curves(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Draw the probability of having crossed each threshold by each round.

    One panel per threshold; colour is the strategy, dash the mindset, the band
    the interval.

    Parameters
    ----------
    df : DataFrame
        Columns ``strategy``, ``mindset``, ``round``, ``threshold``,
        ``probability``, ``ci_low``, ``ci_high``.
    title : str, optional
        The figure title.
    """
    columns = ("strategy", "mindset", "round", "threshold", "probability", "ci_low", "ci_high")
    require_columns(df, columns, "threshold_curves")
    panels = _unique(df["threshold"])
    ncols = min(3, max(1, len(panels)))
    nrows = -(-len(panels) // ncols) if panels else 1
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=[str(p) for p in panels],
        shared_yaxes=True,
        figure=new_figure(),
    )
    colours = _colours(_unique(df["strategy"]))
    dashes = {m: DASHES[i % len(DASHES)] for i, m in enumerate(_unique(df["mindset"]))}
    # Lines drawn earlier are wider: one on the same values as a later line peeks out.
    order = list(dict.fromkeys(zip(df["strategy"], df["mindset"], strict=True)))
    traces: list[dict[str, Any]] = []
    rows: list[int] = []
    cols: list[int] = []
    for k, panel in enumerate(panels):
        row, col = k // ncols + 1, k % ncols + 1
        for (strategy, mindset), unsorted in df[df["threshold"] == panel].groupby(
            ["strategy", "mindset"], sort=False
        ):
            part = unsorted.sort_values("round")
            colour, name = colours[strategy], f"{strategy} / {mindset}"
            width = line_width(order.index((strategy, mindset)), len(order))
            band = _band(part["round"], part["ci_low"], part["ci_high"], colour, 0.12)
            band["legendgroup"] = name
            line = trace(
                "scatter",
                x=part["round"],
                y=part["probability"],
                mode="lines",
                line={"color": colour, "dash": dashes[mindset], "width": width},
                name=name,
                legendgroup=name,
                showlegend=k == 0,
                hovertemplate="after %{x} rounds: %{y:.1%}<extra>" + name + "</extra>",
            )
            traces += [band, line]
            rows += [row, row]
            cols += [col, col]
    if traces:
        fig = with_traces(fig, traces, rows, cols)
    fig.update_yaxes(range=[0, 1], tickformat=".0%")
    fig = _shared_rounds_title(fig, len(panels), nrows, ncols)
    return apply_layout(fig, title, height=320 * nrows + 80)


def _shared_rounds_title(fig: go.Figure, n_panels: int, nrows: int, ncols: int) -> go.Figure:
    """One x-axis title for a grid of panels, under the bottom row's middle column.

    On every panel, the long :data:`ROUNDS_AXIS` titles overprint their neighbours. When that
    cell of the grid is empty, an empty trace makes plotly draw its axis: the title alone.
    """
    middle = (nrows - 1) * ncols + (ncols + 1) // 2
    suffix = "" if middle == 1 else str(middle)
    if middle > n_panels:
        empty = trace("scatter", x=[], y=[], mode="none", showlegend=False, hoverinfo="skip")
        fig = with_traces(fig, [{**empty, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}])
        fig.layout[f"yaxis{suffix}"].visible = False
        fig.layout[f"xaxis{suffix}"].update(
            showgrid=False, showticklabels=False, zeroline=False, showline=False, ticks=""
        )
    fig.layout[f"xaxis{suffix}"].title = ROUNDS_AXIS
    return fig


def option_usage(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Draw how often each option is used, per strategy, one panel per mindset.

    Parameters
    ----------
    df : DataFrame
        Columns ``strategy``, ``mindset``, ``option``, ``usage_rate`` (in [0, 1]).
    title : str, optional
        The figure title.
    """
    require_columns(df, ("strategy", "mindset", "option", "usage_rate"), "option_usage")
    mindsets = _unique(df["mindset"])
    fig = make_subplots(
        rows=1,
        cols=max(1, len(mindsets)),
        subplot_titles=[str(m) for m in mindsets],
        shared_yaxes=True,
        figure=new_figure(),
    )
    colours = _colours(_unique(df["strategy"]))
    bars_: list[dict[str, Any]] = []
    columns: list[int] = []
    for k, mindset in enumerate(mindsets):
        for strategy, part in df[df["mindset"] == mindset].groupby("strategy", sort=False):
            columns.append(k + 1)
            bars_.append(
                trace(
                    "bar",
                    x=part["usage_rate"],
                    y=part["option"].astype(str),
                    orientation="h",
                    name=str(strategy),
                    marker={"color": colours[strategy]},
                    legendgroup=str(strategy),
                    showlegend=k == 0,
                    hovertemplate="%{y}: %{x:.1%}<extra>" + str(strategy) + "</extra>",
                )
            )
    if bars_:
        fig = with_traces(fig, bars_, [1] * len(bars_), columns)
    fig.update_layout(barmode="group")
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    height = max(360, 22 * df["option"].nunique() * max(1, df["strategy"].nunique()) // 2 + 140)
    return apply_layout(fig, title, height=height)


def comparison_heatmap(
    df: pd.DataFrame,
    title: str | None = None,
    *,
    value_label: str = "value",
    value_format: str = NUMBER_FORMAT,
    centre: float | None = None,
    sequential_scale: bool = False,
) -> go.Figure:
    """Draw a strategy x mindset heatmap with the values written in the cells.

    Parameters
    ----------
    df : DataFrame
        Columns ``strategy``, ``mindset``, ``value``.
    title : str, optional
        The figure title.
    value_label : str
        What the value is (colour bar title).
    value_format : str
        d3 format of the cell labels and the colour bar (default
        :data:`~escalade.report.layout.NUMBER_FORMAT`: plain numbers, no SI prefix).
    centre : float, optional
        A diverging red-blue scale centred on this value (e.g. 0 for values relative to a
        baseline: losses red, gains blue), its range symmetric around it. Without it (and
        without ``sequential_scale``) a one-hue scale spans the data, light for the lowest
        value and dark for the highest: levels such as expected utilities have no middle
        that a diverging scale's white could mark (it sat wherever the data's midpoint fell).
    sequential_scale : bool
        A light-to-dark scale from 0 (or the lowest value, if negative) up: for values where
        0 is best, such as regret.
    """
    require_columns(df, ("strategy", "mindset", "value"), "comparison_heatmap")
    strategies, mindsets = _unique(df["strategy"]), _unique(df["mindset"])
    grid = df.pivot_table(index="strategy", columns="mindset", values="value", sort=False)
    grid = grid.reindex(index=strategies, columns=mindsets)
    fig = new_figure(
        trace(
            "heatmap",
            z=grid.to_numpy(),
            x=[str(m) for m in mindsets],
            y=[str(s) for s in strategies],
            colorbar={"title": {"text": value_label}, "tickformat": value_format},
            texttemplate="%{z:" + value_format + "}",
            hovertemplate="%{y} vs %{x}: %{z:" + value_format + "}<extra></extra>",
            **_heat_scale(grid.to_numpy(dtype=float), centre, sequential_scale),
        )
    )
    fig.update_xaxes(title="mindset", side="bottom")
    fig.update_yaxes(title="strategy", autorange="reversed")
    return apply_layout(fig, title, height=max(300, 60 * len(strategies) + 140))


def _heat_scale(values: np.ndarray, centre: float | None, seq: bool) -> dict[str, Any]:
    """The heatmap's colour scale and range (see :func:`comparison_heatmap`)."""
    finite = values[np.isfinite(values)]
    if seq:
        low = min(0.0, float(finite.min())) if finite.size else 0.0
        return {"colorscale": _scale(sequential.OrRd), "zmin": low}
    if centre is None:
        return {"colorscale": _scale(sequential.Blues)}
    spread = float(np.abs(finite - centre).max()) if finite.size else 0.0
    spread = spread or 1.0
    return {
        "colorscale": _scale(diverging.RdBu),
        "zmid": centre,
        "zmin": centre - spread,
        "zmax": centre + spread,
    }


def bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    error: str | None = None,
    *,
    color: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """Draw a bar chart, with error bars and grouping when given (e.g. Sobol or Morris indices).

    Parameters
    ----------
    df : DataFrame
        The tidy table.
    x, y : str
        The category column and the value column.
    error : str, optional
        A column of symmetric error half-widths (e.g. ``S1_conf``).
    color : str, optional
        A column whose values make groups of bars side by side.
    title : str, optional
        The figure title.
    """
    require_columns(df, [c for c in (x, y, error, color) if c is not None], "bars")
    fig = new_figure()
    groups = [(None, df)] if color is None else list(df.groupby(color, sort=False))
    colours = _colours([g for g, _ in groups])
    for group, part in groups:
        fig.add_trace(
            trace(
                "bar",
                x=part[x].astype(str),
                y=part[y],
                error_y=None if error is None else {"type": "data", "array": part[error]},
                name=y if group is None else str(group),
                marker={"color": colours[group]},
                showlegend=group is not None,
                hovertemplate="%{x}: %{y:"
                + NUMBER_FORMAT
                + "}<extra>"
                + (y if group is None else str(group))
                + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=x)
    fig.update_yaxes(title=y)
    return apply_layout(fig, title)


def prim_trajectory(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Draw a PRIM peeling trajectory: density against coverage, coloured by box size.

    Parameters
    ----------
    df : DataFrame
        Columns ``coverage``, ``density``, ``n_restricted`` (one row per box).
    title : str, optional
        The figure title.
    """
    require_columns(df, ("coverage", "density", "n_restricted"), "prim_trajectory")
    fig = new_figure(
        trace(
            "scatter",
            x=df["coverage"],
            y=df["density"],
            mode="lines+markers",
            line={"color": "#999", "width": 1},
            marker={
                "size": 9,
                "color": df["n_restricted"],
                "colorscale": _scale(sequential.Viridis),
                # a count: whole-number ticks (0, 1, 2), not 0.2, 0.4, ... between them
                "colorbar": {"title": {"text": "restricted<br>dimensions"}, "dtick": 1},
            },
            customdata=df["n_restricted"],
            hovertemplate="coverage %{x:.2f}, density %{y:.2f}, "
            "%{customdata} restricted<extra></extra>",
            name="peeling trajectory",
        )
    )
    fig.update_xaxes(title="coverage", range=[0, 1.02], tickformat=".0%")
    fig.update_yaxes(title="density", range=[0, 1.02], tickformat=".0%")
    return apply_layout(fig, title)
