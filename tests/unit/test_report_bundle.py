"""Which plotly.js bundle a report embeds: the smallest that draws its trace types."""

from __future__ import annotations

import hashlib
from importlib import resources

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

from escalade.report.bundle import BUNDLES, bundle_for, plotly_js, trace_types
from escalade.report.html import FigureBlock, ReportDocument, Section, render_html


def _document(*figures: object) -> ReportDocument:
    blocks = tuple(FigureBlock(f, "") for f in figures)  # type: ignore[arg-type]
    return ReportDocument("t", sections=(Section("s", "S", blocks),))


def test_trace_types_of_figures_and_mappings() -> None:
    fig = go.Figure([go.Bar(x=[1], y=[2]), go.Heatmap(z=[[1]])])
    spec = {"data": [{"type": "box", "y": [1]}, {"x": [1], "y": [2]}]}
    assert trace_types([fig, spec]) == {"bar", "heatmap", "box", "scatter"}
    assert trace_types([{"layout": {}}]) == frozenset()


@pytest.mark.parametrize(
    ("types", "name"),
    [
        (set(), "basic"),
        ({"bar", "scatter"}, "basic"),
        ({"bar", "scatter", "heatmap"}, "cartesian"),
        ({"violin"}, "cartesian"),
        ({"heatmap", "scatter3d"}, "full"),
        ({"parcoords"}, "full"),
    ],
)
def test_smallest_bundle_that_covers(types: set[str], name: str) -> None:
    assert bundle_for(types) == name


def test_partial_bundles_are_the_installed_plotly_js_version() -> None:
    version = get_plotlyjs_version()
    for name, _, _ in BUNDLES:
        head = plotly_js(name)[:200]
        assert f"plotly.js ({name} - minified) v{version}\n" in head, head
    assert f"plotly.js v{version}\n" in plotly_js("full")[:200]
    with pytest.raises(ValueError, match="unknown"):
        plotly_js("tiny")


def test_vendored_files_are_listed_with_their_hash() -> None:
    """data/README.md names each vendored bundle with its SHA-256 (the record of what we ship)."""
    data = resources.files("escalade").joinpath("data")
    readme = data.joinpath("README.md").read_text(encoding="utf-8")
    for _, filename, _ in BUNDLES:
        digest = hashlib.sha256(data.joinpath("plotly", filename).read_bytes()).hexdigest()
        assert filename in readme and digest in readme, filename
    assert "MIT" in data.joinpath("plotly", "LICENSE").read_text(encoding="utf-8")


def test_report_embeds_the_smallest_bundle() -> None:
    bar = go.Figure(go.Bar(x=[1], y=[2]))
    heat = {"data": [{"type": "heatmap", "z": [[1, 2]]}], "layout": {}}
    polar = go.Figure(go.Scatterpolar(r=[1, 2], theta=[0, 90]))
    basic = render_html(_document(bar))
    cartesian = render_html(_document(bar, heat))
    full = render_html(_document(bar, heat, polar))
    assert "plotly.js (basic - minified) v" in basic
    assert "plotly.js (cartesian - minified) v" in cartesian
    assert "plotly.js (basic" not in cartesian
    assert "plotly.js v" in full and "minified) v" not in full
    assert len(basic) < len(cartesian) < len(full)
    assert "plotly.js" not in render_html(_document(bar), include_plotlyjs=False)
