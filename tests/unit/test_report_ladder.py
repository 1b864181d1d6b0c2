"""The ladder panel: which rungs are shown, and labels laid out apart."""

from __future__ import annotations

import pandas as pd

from escalade.analysis.scenario_tables import ladder_tables
from escalade.report.ladder import (
    CHAR_PX,
    PLOT_PX,
    _label_rows,
    _lines,
    _place,
    ladder_panel,
    shown_rungs,
)
from escalade.report.run_report import ladders_section
from escalade.results.resultset import ResultSet
from escalade.scenario import loads_scenario


def test_shown_rungs_are_the_used_ones_two_either_side_and_thresholds() -> None:
    assert shown_rungs([5, 7], [20, 6], low=0, high=44) == [3, 4, 5, 6, 7, 8, 9, 20]
    assert shown_rungs([0], [], low=0, high=10) == [0, 1, 2]
    assert shown_rungs([], [3], low=0, high=10) == [3]
    # A gap of one rung shows the rung (between shown rungs and at either end).
    assert shown_rungs([3], [6, 8, 10], low=0, high=12) == list(range(11))
    assert shown_rungs([5], [], low=0, high=8) == [3, 4, 5, 6, 7, 8]


def test_lines_never_put_two_meeting_boxes_on_one_line() -> None:
    boxes = [(0, 100), (50, 150), (120, 200), (300, 400), (90, 95)]
    lines = _lines(boxes)
    for i, a in enumerate(boxes):
        for j, b in enumerate(boxes[:i]):
            if lines[i] == lines[j]:
                assert a[1] + 4 < b[0] or a[0] > b[1] + 4
    assert lines[0] == 0 and lines[3] == 0  # far apart: the same line


def test_options_on_one_rung_go_on_separate_lines() -> None:
    placed = _place([("alpha", 2.0, 7), ("beta", 2.0, 7), ("gamma", 9.0, 14)], 60.0)
    assert [line for line, _ in placed] == [0, 1, 0]


def test_panel_labels_full_rung_names_and_perceived_rungs() -> None:
    rungs = pd.DataFrame({"index": range(16), "name": [f"rung number {i}" for i in range(16)]})
    thresholds = pd.DataFrame({"id": ["t"], "name": ["Big threshold"], "rung": [15]})
    options = pd.DataFrame(
        {
            "id": ["aid", "strike", "strike (east)"],
            "actor": ["usa", "usa", "usa"],
            "rung": [4, 5, 7],
            "perceived_by": [None, None, "east"],
        }
    )
    fig = ladder_panel(rungs, thresholds, options)
    ticks = list(fig.layout.xaxis.ticktext)
    assert "4 · rung number 4" in ticks and "15 · rung number 15" in ticks and "⋯" in ticks
    assert "1 · rung number 1" not in ticks  # more than two below the lowest option
    spec = fig.to_plotly_json()
    texts = [t for trace in spec["data"] for t in (trace.get("text") or ())]
    assert texts == ["aid", "strike (east sees 7)"]
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["Big threshold"]


def test_a_threshold_label_never_sits_across_another_thresholds_line() -> None:
    # the Israel–Iran trial: "Open regional war" (its line at 7.5, written leftwards) lay
    # between the lines at 6.5 and 7.5 on the top row, the 6.5 line running past it
    boxes = [(280.0, 480.0), (350.0, 520.0), (490.0, 600.0)]  # 3.5 left; 6.5, 7.5 right
    lines_x = [280.0, 520.0, 600.0]
    rows = _label_rows(boxes, lines_x)
    assert rows[2] > rows[1]  # below the 6.5 label: the 6.5 line has ended above it
    for i, (a, b) in enumerate(boxes):
        for j, x in enumerate(lines_x):
            if j != i and a - 4 < x < b + 4:
                assert rows[i] > rows[j], (i, j, rows)


def test_labels_spanning_each_others_lines_go_leftmost_first() -> None:
    boxes = [(256.7, 419.1), (214.5, 403.3), (387.6, 550.0), (480.7, 623.3)]  # the north arena
    assert _label_rows(boxes, [256.7, 403.3, 550.0, 623.3]) == [0, 1, 2, 3]


def test_an_option_label_crossed_by_a_threshold_line_keeps_a_white_halo() -> None:
    """Karabakh 2020: the dashed threshold lines ran through "arm_accept_truce" and others."""
    rungs = pd.DataFrame({"index": range(8), "name": [f"r{i}" for i in range(8)]})
    thresholds = pd.DataFrame({"id": ["war"], "name": ["Open war"], "rung": [3]})
    options = pd.DataFrame({"id": ["arm_accept_truce"], "actor": ["arm"], "rung": [2]})
    fig = ladder_panel(rungs, thresholds, options)
    (line,) = fig.layout.shapes
    assert line.x0 > 2 and line.layer == "below"  # the line passes right of the marker
    shadow = fig.data[0].textfont.shadow
    assert shadow is not None and shadow.count("#fff") >= 3


def test_an_actor_keeps_its_colour_in_every_arenas_panel() -> None:
    # The Yom Kippur trial: Israel (west) was red on the Sinai panel and the Soviet Union
    # (east) red on the superpower panel, as colours went by place within each panel.
    text = """
schema_version: 2
id: two-panels
title: Two arenas, actors in different orders
calendar: {start: 1973-10-06, step: day, horizon: 3}
sides: [{id: west}, {id: east}]
actors:
  - {id: usa, name: US, side: west}
  - {id: isr, name: Israel, side: west}
  - {id: sov, name: USSR, side: east}
arenas:
  - {id: sinai, ladder: compact, parties: [west, east], initial: 2}
  - {id: superpower, ladder: compact, parties: [west, east], initial: 1}
options:
  - {id: press, actor: usa, arena: sinai, rung: 3}
  - {id: cross, actor: isr, arena: sinai, rung: 6}
  - {id: alert, actor: usa, arena: superpower, rung: 9}
  - {id: threat, actor: sov, arena: superpower, rung: 9}
"""
    tables = ladder_tables(loads_scenario(text))
    section = ladders_section(ResultSet("run", {"seed": 1}, tables))
    colours: dict[str, set[str]] = {}
    for block in section.blocks:
        figure = getattr(block, "figure", None)
        for trace in figure.data if figure is not None else ():
            colours.setdefault(trace.name, set()).add(trace.marker.color)
    assert set(colours) == {"usa", "isr", "sov"}
    assert all(len(c) == 1 for c in colours.values()), colours  # one colour per actor
    assert len({next(iter(c)) for c in colours.values()}) == 3  # and a different one each


def test_actor_order_sets_the_colours() -> None:
    rungs = pd.DataFrame({"index": range(13), "name": [f"r{i}" for i in range(13)]})
    thresholds = pd.DataFrame({"id": [], "name": [], "rung": []})
    options = pd.DataFrame({"id": ["threat"], "actor": ["sov"], "rung": [9]})
    alone = ladder_panel(rungs, thresholds, options)
    ordered = ladder_panel(rungs, thresholds, options, actor_order=["usa", "isr", "sov"])
    assert alone.data[0].marker.color != ordered.data[0].marker.color


def test_an_option_on_the_top_rung_keeps_its_whole_label_in_view() -> None:
    """Falklands trial: `land_and_advance` on the ladder's last rung read `land_and_advar`,
    its label (written right of the marker) cut at the plot's right edge."""
    rungs = pd.DataFrame({"index": range(8), "name": [f"rung {i}" for i in range(8)]})
    thresholds = pd.DataFrame({"id": ["war"], "name": ["Shooting war"], "rung": [6]})
    options = pd.DataFrame(
        {"id": ["sail", "land_and_advance"], "actor": ["gbr", "gbr"], "rung": [3, 7]}
    )
    fig = ladder_panel(rungs, thresholds, options)
    low, high = fig.layout.xaxis.range
    trace = fig.data[0]
    x_top = max(trace.x)
    px = PLOT_PX / (high - low)  # pixels per unit of the axis as drawn
    label_end = x_top + (10 + CHAR_PX * len("land_and_advance")) / px
    assert high >= label_end, (high, label_end)
