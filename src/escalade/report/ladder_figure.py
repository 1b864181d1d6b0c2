"""The ladder figure: an arena's rungs as bands, its thresholds, and the options on their rungs.

Drawing only, from the tidy tables of :mod:`escalade.analysis` (re-exported by
:mod:`escalade.report.figures`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from escalade.report.layout import (
    PALETTE,
    apply_layout,
    new_figure,
    require_columns,
    trace,
)
from escalade.report.layout import colours as _colours
from escalade.report.layout import rgba as _rgba
from escalade.report.layout import unique as _unique

__all__ = ["ladder_figure"]


def _ladder_groups(fig: go.Figure, rungs: pd.DataFrame) -> None:
    group_colours = _colours(_unique(rungs["group"]))
    for group, members in rungs.groupby("group", sort=False):
        fig.add_hrect(
            y0=members["index"].min() - 0.5,
            y1=members["index"].max() + 0.5,
            fillcolor=_rgba(group_colours[group], 0.12),
            line_width=0,
            layer="below",
            annotation_text=str(group),
            annotation_position="right",
            annotation_font_size=11,
        )


def _ladder_options(fig: go.Figure, options: pd.DataFrame, actors: list[str]) -> None:
    perceived = options["perceived_by"] if "perceived_by" in options.columns else None
    for colour_index, actor in enumerate(actors):
        mine = options[options["actor"].astype(str) == actor]
        open_marker = [False] * len(mine) if perceived is None else perceived[mine.index].notna()
        fig.add_trace(
            trace(
                "scatter",
                x=[actor] * len(mine),
                y=mine["rung"],
                mode="markers+text",
                text=mine["id"].astype(str),
                textposition="middle right",
                marker={
                    "size": 12,
                    "color": PALETTE[colour_index % len(PALETTE)],
                    "symbol": ["circle-open" if o else "circle" for o in open_marker],
                    "line": {"width": 2},
                },
                name=actor,
                hovertemplate="%{text} (rung %{y})<extra>" + actor + "</extra>",
            )
        )


def ladder_figure(
    rungs: pd.DataFrame,
    thresholds: pd.DataFrame,
    options: pd.DataFrame,
    *,
    title: str | None = None,
) -> go.Figure:
    """Draw an escalation ladder vertically, thresholds as lines, options on their rungs.

    Parameters
    ----------
    rungs : DataFrame
        Columns ``index`` (0 = bottom), ``name``, ``group``.
    thresholds : DataFrame
        Columns ``id``, ``name``, ``rung`` (the index of the first rung above it).
    options : DataFrame
        Columns ``id``, ``actor``, ``rung``; optional ``perceived_by`` (an actor
        who sees the option on a different rung: drawn as an open marker).
    title : str, optional
        The figure title.
    """
    require_columns(rungs, ("index", "name", "group"), "ladder_figure(rungs)")
    require_columns(thresholds, ("id", "name", "rung"), "ladder_figure(thresholds)")
    require_columns(options, ("id", "actor", "rung"), "ladder_figure(options)")
    rungs = rungs.sort_values("index")
    actors = [str(a) for a in _unique(options["actor"])]
    fig = new_figure()
    _ladder_groups(fig, rungs)
    fig.add_trace(
        trace(
            "scatter",
            x=["rung"] * len(rungs),
            y=rungs["index"],
            mode="markers+text",
            text=rungs["name"],
            textposition="middle left",
            marker={"symbol": "line-ew-open", "size": 18, "color": "#555"},
            name="rungs",
            hovertemplate="rung %{y}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    _ladder_options(fig, options, actors)
    for row in thresholds.itertuples(index=False):
        fig.add_hline(
            y=row.rung - 0.5,  # type: ignore[operator]
            line={"color": "#b2182b", "width": 2, "dash": "dash"},
            annotation_text=str(row.name),
            annotation_position="top left",
            annotation_font={"color": "#b2182b", "size": 11},
        )
    fig.update_yaxes(tickmode="array", tickvals=rungs["index"], title="rung")
    fig.update_xaxes(categoryorder="array", categoryarray=["rung", *actors], title=None)
    return apply_layout(fig, title, height=max(420, 26 * len(rungs) + 120))
