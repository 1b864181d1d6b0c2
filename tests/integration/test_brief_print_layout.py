"""The printed brief (``?print=brief``) in real Chromium: nothing clipped, no dead legend."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from browser import assert_plots_rendered, screenshot

from escalade.report.brief_figures import risk_dots, tornado
from escalade.report.html import FigureBlock, ReportDocument, Section, write_html

pytestmark = pytest.mark.browser

# Per plot: its svg, its plot area, its axis titles, its markers, its legend entries.
_BOXES_JS = """
const box = (el) => { const r = el.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom]; };
return Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => ({
  svg: box(plot.querySelector('.main-svg')),
  area: box(plot.querySelector('.cartesianlayer .subplot .bg, .nsewdrag')),
  axis_titles: Array.from(plot.querySelectorAll('.xtitle, .ytitle')).map(box),
  axis_text: Array.from(plot.querySelectorAll('.xtitle')).map((el) => el.textContent),
  points: Array.from(plot.querySelectorAll('.scatterlayer .point')).map(box),
  legend: Array.from(plot.querySelectorAll('.legend .traces')).map((el) => el.textContent),
}));
"""


def _document() -> ReportDocument:
    """The user's brief: one sweep whose high end equals the base; a threshold crossed always."""
    oat = pd.DataFrame(
        {
            "parameter": ["strike_success", "strike_success"],
            "level": ["low", "high"],
            "advantage": [1.85, 0.5],
            "base": [0.5, 0.5],
        }
    )
    risk = pd.DataFrame(
        {
            "strategy": ["status_quo", "calibrated_strike", "coercive_pressure"],
            "threshold": ["nuclear_war_is_unthinkable"] * 3,
            "probability": [0.535, 1.0, 1.0],
            "ci_low": [0.49, 0.99, 0.99],
            "ci_high": [0.58, 1.0, 1.0],
        }
    )
    blocks = (
        FigureBlock(tornado(oat), "One-at-a-time sweeps"),
        FigureBlock(risk_dots(risk), "Probability of crossing each threshold"),
    )
    return ReportDocument(title="Brief", sections=(Section("brief", "Brief", blocks),))


def test_printed_brief_clips_nothing_and_shows_no_dead_legend(chromium, tmp_path: Path) -> None:
    path = write_html(_document(), tmp_path / "brief.html")
    chromium.set_window_size(794, 1123)  # A4 at 96 dpi, as `--pdf` prints it
    chromium.get(path.resolve().as_uri() + "?print=brief")
    try:
        assert_plots_rendered(chromium, 2)
        found = chromium.execute_script(_BOXES_JS)
        screenshot(chromium, tmp_path / "brief-print.png")
    finally:
        chromium.set_window_size(1280, 1600)
    tornado_plot, risk_plot = found
    for plot in found:
        left, _, right, _ = plot["svg"]
        for title in plot["axis_titles"]:
            assert left - 0.5 <= title[0] and title[2] <= right + 0.5, (plot["axis_text"], title)
    # A 100% dot lies wholly inside the plot area (it sat on, and was cut by, its edge).
    area = risk_plot["area"]
    assert len(risk_plot["points"]) == 3
    for point in risk_plot["points"]:
        assert area[0] <= point[0] and point[2] <= area[2] - 1, (point, area)
    # The high end equals the base (a zero-width bar): only the low end is in the legend.
    assert tornado_plot["legend"] == ["low end of range"]


_TICKS_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => {
  const r = plot.querySelector('.cartesianlayer .subplot .bg, .nsewdrag').getBoundingClientRect();
  return {ticks: Array.from(plot.querySelectorAll('.ytick text')).map((el) => el.textContent),
          height: r.bottom - r.top};
});
"""


def test_printed_risk_chart_keeps_a_row_per_threshold(chromium, tmp_path: Path) -> None:
    """Su-24 trial: four thresholds and four long strategy names left a sliver of a plot.

    The legend wrapped to four lines in the brief's narrow column and took the height of the
    plot, so two of the four thresholds lost their labels and the dots overlapped.
    """
    strategies = ["status_quo_no_apology", "regret_june", "early_regret", "tit_for_tat_trade"]
    thresholds = ["armed_conflict", "homeland_sanctuary", "embargo", "energy_war"]
    risk = pd.DataFrame(
        [
            {"strategy": s, "threshold": t, "probability": p, "ci_low": p, "ci_high": p}
            for k, s in enumerate(strategies)
            for t, p in zip(thresholds, (0.17 + k / 10, 0.01, 0.33, 0.33), strict=True)
        ]
    )
    doc = ReportDocument(
        title="Brief",
        sections=(Section("brief", "Brief", (FigureBlock(risk_dots(risk), "Risk"),)),),
    )
    path = write_html(doc, tmp_path / "brief.html")
    chromium.set_window_size(794, 1123)
    chromium.get(path.resolve().as_uri() + "?print=brief")
    try:
        assert_plots_rendered(chromium, 1)
        (plot,) = chromium.execute_script(_TICKS_JS)
        screenshot(chromium, tmp_path / "brief-risk.png")
    finally:
        chromium.set_window_size(1280, 1600)
    assert sorted(plot["ticks"]) == sorted(thresholds), plot
    assert plot["height"] >= 4 * 16, plot


_LEGEND_JS = """
const plot = document.querySelector('.js-plotly-plot');
const bg = plot.querySelector('.legend .bg').getBoundingClientRect();
return {
  bg: [bg.top, bg.bottom],
  entries: Array.from(plot.querySelectorAll('.legend .traces')).map((el) => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent, top: r.top, bottom: r.bottom};
  }),
  svg: [plot.querySelector('.main-svg').getBoundingClientRect().left,
        plot.querySelector('.main-svg').getBoundingClientRect().right],
  ticks: Array.from(plot.querySelectorAll('.ytick text')).map((el) => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent, left: r.left, right: r.right};
  }),
  scrollbar: plot.querySelectorAll('.legend .scrollbar').length > 0
    ? plot.querySelector('.legend .scrollbar').getBoundingClientRect().height : 0,
};
"""


def test_printed_risk_chart_shows_every_strategy_in_its_legend(chromium, tmp_path: Path) -> None:
    """Falklands trial: five strategies and three thresholds; the brief's legend scrolled.

    The legend of five long names wrapped to five lines in the narrow column, more than
    plotly's default maximum for a horizontal legend (half the figure's height), so the
    printed brief showed four names and a scroll bar and hid the fifth.
    """
    strategies = [
        "status_quo_diplomacy",
        "tez_and_wait",
        "graduated",
        "decisive",
        "escalate_mainland",
    ]
    thresholds = ["shooting_war", "armed_conflict", "homeland_sanctuary"]
    risk = pd.DataFrame(
        [
            {"strategy": s, "threshold": t, "probability": p, "ci_low": p, "ci_high": p}
            for k, s in enumerate(strategies)
            for t, p in zip(thresholds, (k / 5, 0.0, 0.2 * (k == 4)), strict=True)
        ]
    )
    doc = ReportDocument(
        title="Brief",
        sections=(Section("brief", "Brief", (FigureBlock(risk_dots(risk), "Risk"),)),),
    )
    path = write_html(doc, tmp_path / "brief.html")
    chromium.set_window_size(794, 1123)
    chromium.get(path.resolve().as_uri() + "?print=brief")
    try:
        assert_plots_rendered(chromium, 1)
        found = chromium.execute_script(_LEGEND_JS)
        screenshot(chromium, tmp_path / "brief-legend.png")
    finally:
        chromium.set_window_size(1280, 1600)
    assert [e["text"] for e in found["entries"]] == strategies
    assert found["scrollbar"] == 0, found
    top, bottom = found["bg"]
    for entry in found["entries"]:
        assert top - 0.5 <= entry["top"] and entry["bottom"] <= bottom + 0.5, (entry, found)
    # The room the legend takes is not taken from the thresholds' labels either.
    assert sorted(t["text"] for t in found["ticks"]) == sorted(thresholds)
    left, right = found["svg"]
    for tick in found["ticks"]:
        assert left - 0.5 <= tick["left"] and tick["right"] <= right + 0.5, (tick, found)
