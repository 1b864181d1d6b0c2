"""The ladder figure in real Chromium: every rung it draws has its name (Su-24 trial).

Rung 0 of the compact ladder ("0 · Peacetime competition") had a grid line and no label: at
-40° its label reached past the figure's left edge, and Plotly hides such labels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import assert_plots_rendered, screenshot

from escalade.analysis.scenario_tables import ladder_tables
from escalade.report.html import FigureBlock, ReportDocument, Section, write_html
from escalade.report.ladder import ladder_panel
from escalade.results import tablenames as tn
from escalade.scenario import loads_scenario

pytestmark = pytest.mark.browser

SCENARIO = """
schema_version: 2
id: lad
title: Ladder
calendar: {start: 2015-11-24, step: month, horizon: 2}
sides: [{id: ankara, name: A}, {id: moscow, name: M}]
actors:
  - {id: tur, name: T, side: ankara}
  - {id: rus, name: R, side: moscow}
arenas:
  - {id: air, name: Air, ladder: compact, parties: [ankara, moscow], initial: 3}
options:
  - {id: consult, actor: tur, arena: air, rung: 1}
  - {id: strike, actor: rus, arena: air, rung: 6}
"""

_TICKS_JS = """
const svg = document.querySelector('.js-plotly-plot .main-svg').getBoundingClientRect();
return Array.from(document.querySelectorAll('.js-plotly-plot .xtick text')).map((el) => {
  const r = el.getBoundingClientRect();
  return {text: el.textContent, left: r.left - svg.left, shown: r.width > 0};
});
"""


def test_every_drawn_rung_has_its_label(chromium, tmp_path: Path) -> None:
    tables = ladder_tables(loads_scenario(SCENARIO, file="lad.yaml"))
    fig = ladder_panel(
        tables[tn.LADDER_RUNGS], tables[tn.LADDER_THRESHOLDS], tables[tn.LADDER_OPTIONS]
    )
    doc = ReportDocument(title="Ladder", sections=(Section("s", "S", (FigureBlock(fig, "L"),)),))
    path = write_html(doc, tmp_path / "ladder.html")
    chromium.get(path.resolve().as_uri())
    assert_plots_rendered(chromium, 1)
    ticks = chromium.execute_script(_TICKS_JS)
    screenshot(chromium, tmp_path / "ladder-ticks.png")
    texts = [t["text"] for t in ticks if t["shown"]]
    assert texts[0] == "0 · Peacetime competition", texts
    assert len(texts) == len(fig.layout.xaxis.tickvals), texts
    assert all(t["left"] >= 0 for t in ticks if t["shown"]), ticks
