"""The smallest plotly.js bundle that draws a report's figures.

Two partial bundles of plotly.js ship with escalade (``data/plotly``, from the npm
packages ``plotly.js-basic-dist-min`` and ``plotly.js-cartesian-dist-min``, the
same plotly.js version as the installed ``plotly`` package; MIT licence). A page
embeds the first bundle whose trace modules cover every trace type its figures
use, and the full plotly.js of the ``plotly`` package only when neither does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

__all__ = ["BUNDLES", "bundle_for", "plotly_js", "trace_types"]

#: Partial bundles, smallest first: (name, file in ``data/plotly``, trace types it draws).
BUNDLES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("basic", "plotly-basic.min.js", frozenset({"bar", "pie", "scatter"})),
    (
        "cartesian",
        "plotly-cartesian.min.js",
        frozenset(
            {
                "bar",
                "box",
                "contour",
                "heatmap",
                "histogram",
                "histogram2d",
                "histogram2dcontour",
                "image",
                "pie",
                "scatter",
                "scatterternary",
                "violin",
            }
        ),
    ),
)
FULL = "full"


def trace_types(figures: Iterable[go.Figure | Mapping[str, Any]]) -> frozenset[str]:
    """The trace types used by ``figures`` (a trace without ``type`` is a scatter)."""
    found: set[str] = set()
    for figure in figures:
        if isinstance(figure, go.Figure):
            found.update(str(t.type or "scatter") for t in figure.data)
        else:
            found.update(str(t.get("type") or "scatter") for t in figure.get("data") or ())
    return frozenset(found)


def bundle_for(types: Iterable[str]) -> str:
    """The name of the smallest bundle that draws every trace type in ``types``.

    ``"basic"`` or ``"cartesian"`` (a partial bundle), else ``"full"``.
    """
    wanted = frozenset(types)
    for name, _, covers in BUNDLES:
        if wanted <= covers:
            return name
    return FULL


@cache
def plotly_js(name: str) -> str:
    """The source of bundle ``name`` (``"basic"``, ``"cartesian"`` or ``"full"``)."""
    for bundle, filename, _ in BUNDLES:
        if bundle == name:
            path = resources.files("escalade").joinpath("data", "plotly", filename)
            return path.read_text(encoding="utf-8")
    if name != FULL:
        raise ValueError(f"unknown plotly.js bundle {name!r}")
    return str(get_plotlyjs())
