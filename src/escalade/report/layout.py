"""The reports' shared figure look: palette, dashes, font, layout and trace helpers.

Every report figure goes through :func:`apply_layout`, so titles, legends and
margins sit the same way in all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from escalade.errors import UsageError

__all__ = [
    "DASHES",
    "FONT",
    "LEGEND",
    "NUMBER_FORMAT",
    "PALETTE",
    "SYMBOLS",
    "apply_layout",
    "band",
    "colours",
    "new_figure",
    "require_columns",
    "rgba",
    "scale",
    "trace",
    "unique",
    "with_traces",
]

PALETTE: tuple[str, ...] = tuple(qualitative.Safe)
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS: tuple[str, ...] = ("circle", "square", "diamond", "triangle-up", "x", "cross")
NUMBER_FORMAT = ",.3~r"
"""d3 format of the values figures show (utilities, regrets): 3 significant digits,
thousands separated, no SI prefix ("-951m") and no exponent, as :func:`escalade.report.text.sig`."""
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}


def require_columns(df: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    """Raise :class:`~escalade.errors.UsageError` naming ``where`` if ``df`` lacks a column."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UsageError(
            f"{where}: expected the columns {missing} in the table, found "
            f"{[str(c) for c in df.columns]}"
        )


def rgba(hex_colour: str, alpha: float) -> str:
    """``hex_colour`` (``#rrggbb`` or ``rgb(...)``) as ``rgba(...)`` with opacity ``alpha``."""
    if hex_colour.startswith("rgb("):
        return hex_colour.replace("rgb(", "rgba(").replace(")", f", {alpha})")
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def colours(keys: Sequence[object]) -> dict[object, str]:
    """The palette's colours for ``keys``, in order (cycling past the palette's length)."""
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A trace as a plain mapping (``type`` = ``kind``): figures take them without re-validation."""
    return {"type": kind, **props}


def with_traces(
    fig: go.Figure,
    traces: Sequence[Mapping[str, Any]],
    rows: Sequence[int] | None = None,
    cols: Sequence[int] | None = None,
) -> go.Figure:
    """``fig`` with ``traces`` added, each in subplot (row, col) of a ``make_subplots`` grid.

    Builds a new figure once instead of validating the trace tuple per addition.
    """
    placed = [dict(t) for t in traces]
    if rows is not None and cols is not None:
        ncols = len(fig._grid_ref[0]) if getattr(fig, "_grid_ref", None) else 1
        for t, row, col in zip(placed, rows, cols, strict=True):
            k = (row - 1) * ncols + col
            t["xaxis"], t["yaxis"] = ("x", "y") if k == 1 else (f"x{k}", f"y{k}")
    return go.Figure(data=[*fig.data, *placed], layout=fig.layout, _validate=False)


def new_figure(data: object = None) -> go.Figure:
    """An empty figure without a template.

    The report's look (plotly's ``plotly_white`` layout) is set once per page
    (:mod:`escalade.report.html`), not copied into every figure.
    """
    # Built from validated trace objects; the figure skips re-validating its whole trace tuple
    # on every addition (quadratic in the number of traces).
    traces = [data] if isinstance(data, Mapping) else data
    return go.Figure(data=traces, layout={"template": {}}, _validate=False)


LEGEND: dict[str, Any] = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
}
"""Legends go below the plot, at the figure's bottom edge: however many rows they take, they
never cover the title, a subplot title, an axis title or the data (plotly makes room)."""


def apply_layout(fig: go.Figure, title: str | None, *, height: int = 420) -> go.Figure:
    """Give ``fig`` the reports' common layout: title, font, height, margins, legend below.

    Parameters
    ----------
    fig : Figure
        The figure, changed in place.
    title : str, optional
        The figure title, at the top left.
    height : int
        The figure's height in pixels; with a legend, the plot area gives up the rows it needs.

    Returns
    -------
    Figure
        ``fig``.
    """
    fig.update_layout(
        title={"text": title} if title else None,
        font=FONT,
        height=height,
        margin={"l": 60, "r": 20, "t": 60 if title else 30, "b": 50},
        legend=LEGEND,
    )
    return fig


def line_width(k: int, n: int) -> float:
    """Width of the ``k``-th of ``n`` lines drawn over one another: from 5 px down to 2 px.

    A line drawn later is narrower, so one that runs on the very same values as an
    earlier line leaves that line's edges visible on both sides.
    """
    return 2.0 + 3.0 * (n - 1 - k) / max(1, n - 1)


def scale(colours: Sequence[str]) -> list[list[object]]:
    """An explicit colour scale (plotly.js reads some named scales the other way round)."""
    last = max(1, len(colours) - 1)
    return [[k / last, c] for k, c in enumerate(colours)]


def unique(series: pd.Series) -> list[object]:
    """The distinct values of ``series`` in their first order."""
    return list(dict.fromkeys(series.tolist()))


def band(
    x: pd.Series, low: pd.Series, high: pd.Series, colour: str, alpha: float
) -> dict[str, Any]:
    """A filled band between two curves (no hover, no legend entry)."""
    return trace(
        "scatter",
        x=[*x, *x[::-1]],
        y=[*high, *low[::-1]],
        fill="toself",
        fillcolor=rgba(colour, alpha),
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
    )
