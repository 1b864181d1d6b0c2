"""Report figures in real headless Chromium: legends clear of titles, axes and the plot area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser import assert_plots_rendered, open_file, screenshot
from test_report_browser import ladder_tables

from escalade.report import figures
from escalade.report.html import FigureBlock, ReportDocument, Section, write_html

pytestmark = pytest.mark.browser

STRATEGIES = ("status_quo", "one_carrier", "two_carriers")
MINDSETS = ("reactive", "opportunist")

# Each plot's boxes: the figure title, subplot titles, axis titles, the plot areas, the legend.
_BOXES_JS = """
const box = (el) => { const r = el.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom]; };
return Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => ({
  id: plot.id,
  title: Array.from(plot.querySelectorAll('.gtitle')).map(box),
  annotations: Array.from(plot.querySelectorAll('.annotation')).map(box),
  axis_titles: Array.from(plot.querySelectorAll('.xtitle, .ytitle')).map(box),
  plots: Array.from(plot.querySelectorAll('.cartesianlayer .subplot .bg, .nsewdrag')).map(box),
  legend: Array.from(plot.querySelectorAll('.legend .bg')).map(box),
}));
"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def _curves() -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for i, strategy in enumerate(STRATEGIES):
        for j, mindset in enumerate(MINDSETS):
            for r in range(11):
                p = 0.0 if i == 0 else min(1.0, 0.015 * r * i * (j + 1))
                rows.append(
                    {
                        "strategy": strategy,
                        "mindset": mindset,
                        "round": r,
                        "threshold": "brink",
                        "probability": p,
                        "ci_low": max(0.0, p - 0.03),
                        "ci_high": min(1.0, p + 0.03),
                    }
                )
    return pd.DataFrame(rows)


def _fan() -> pd.DataFrame:
    """Two strategies with the very same quantiles: the second must not hide the first."""
    rows = [
        {"strategy": s, "round": r, "q05": 1, "q25": 1, "q50": 1 + 2 * (r > 0), "q75": 3, "q95": 4}
        for s in STRATEGIES
        for r in range(11)
    ]
    return pd.DataFrame(rows)


def _document() -> ReportDocument:
    heat = pd.DataFrame(
        [
            {"strategy": s, "mindset": m, "value": (i - 1) * 0.5 - j * 0.25}
            for i, s in enumerate(STRATEGIES)
            for j, m in enumerate(MINDSETS)
        ]
    )
    usage = pd.DataFrame(
        [
            {"strategy": s, "mindset": m, "option": o, "usage_rate": (i + j + k) / 8}
            for i, s in enumerate(STRATEGIES)
            for j, m in enumerate(MINDSETS)
            for k, o in enumerate(("raise_alert", "missile_tests", "blockade_ports"))
        ]
    )
    blocks = (
        FigureBlock(
            figures.threshold_curves(
                _curves(), "Probability a threshold has been crossed, by round"
            )
        ),
        FigureBlock(figures.fan_chart(_fan(), "Rung of diplomacy over time — mindset reactive")),
        FigureBlock(figures.option_usage(usage, "Option usage")),
        FigureBlock(figures.comparison_heatmap(heat, "Expected utility", centre=0.0)),
        FigureBlock(figures.ladder_figure(*ladder_tables(), title="Ladder")),
    )
    return ReportDocument(title="Layout", sections=(Section("s", "Figures", blocks),))


def test_legends_clear_titles_axes_and_plots(chromium, tmp_path: Path) -> None:
    path = write_html(_document(), tmp_path / "layout.html")
    open_file(chromium, path)
    assert_plots_rendered(chromium, 5)
    found = chromium.execute_script(_BOXES_JS)
    clashes = []
    legends = 0
    for plot in found:
        for legend in plot["legend"]:
            legends += 1
            for kind in ("title", "annotations", "axis_titles", "plots"):
                clashes += [(plot["id"], kind) for other in plot[kind] if _overlap(legend, other)]
    screenshot(chromium, tmp_path / "figure-layout.png")
    assert legends >= 3
    assert clashes == []
