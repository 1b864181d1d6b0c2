from __future__ import annotations

import pandas as pd
import pytest

from escalade.errors import UsageError
from escalade.report import brief_figures, figures
from escalade.report.html import FigureBlock
from escalade.report.run_report import run_report
from escalade.results import ResultSet


def test_ladder_places_options_and_thresholds() -> None:
    rungs = pd.DataFrame({"index": [2, 0, 1], "name": ["c", "a", "b"], "group": ["g2", "g1", "g1"]})
    thresholds = pd.DataFrame({"id": ["t"], "name": ["Line"], "rung": [2]})
    options = pd.DataFrame(
        {
            "id": ["o1", "o2", "o3"],
            "actor": ["west", "east", "west"],
            "rung": [0, 2, 1],
            "perceived_by": [None, "west", None],
        }
    )
    fig = figures.ladder_figure(rungs, thresholds, options, title="Ladder")
    names = [t.name for t in fig.data]
    assert names == ["rungs", "west", "east"]
    assert list(fig.data[0].text) == ["a", "b", "c"]  # sorted by index
    west = fig.data[1]
    assert list(west.y) == [0, 1] and list(west.text) == ["o1", "o3"]
    assert list(fig.data[2].marker.symbol) == ["circle-open"]  # perceived differently
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [s.y0 for s in lines] == [1.5]
    assert {a.text for a in fig.layout.annotations} >= {"Line", "g1", "g2"}


def test_fan_chart_has_two_bands_and_a_median_per_strategy() -> None:
    df = pd.DataFrame(
        {
            "strategy": ["a", "a", "b", "b"],
            "round": [1, 0, 0, 1],
            "q05": [0, 0, 0, 0],
            "q25": [1, 1, 1, 1],
            "q50": [3, 2, 2, 2],
            "q75": [3, 3, 3, 3],
            "q95": [4, 4, 4, 4],
        }
    )
    fig = figures.fan_chart(df, "Fan")
    assert len(fig.data) == 6
    median = fig.data[2]
    assert median.name == "a" and list(median.x) == [0, 1] and list(median.y) == [2, 3]
    assert fig.data[0].fill == "toself" and list(fig.data[0].y) == [4, 4, 0, 0]


def test_threshold_curves_one_panel_per_threshold() -> None:
    rows = [
        {
            "strategy": s,
            "mindset": m,
            "round": r,
            "threshold": t,
            "probability": 0.1 * r,
            "ci_low": 0.0,
            "ci_high": 0.2 * r,
        }
        for s in ("a", "b")
        for m in ("x", "y")
        for t in ("T1", "T2")
        for r in (0, 1)
    ]
    fig = figures.threshold_curves(pd.DataFrame(rows))
    assert [a.text for a in fig.layout.annotations] == ["T1", "T2"]
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 8 and sum(bool(t.showlegend) for t in lines) == 4
    assert {t.line.dash for t in lines} == {"solid", "dash"}


def test_option_usage_heatmap_bars_prim() -> None:
    usage = pd.DataFrame(
        {
            "strategy": ["a", "b"],
            "mindset": ["x", "x"],
            "option": ["o", "o"],
            "usage_rate": [0.5, 1],
        }
    )
    assert [t.type for t in figures.option_usage(usage).data] == ["bar", "bar"]
    heat = pd.DataFrame(
        {"strategy": ["s2", "s1", "s2"], "mindset": ["m1", "m1", "m2"], "value": [1.0, 2.0, 3.0]}
    )
    fig = figures.comparison_heatmap(heat)
    assert list(fig.data[0].y) == ["s2", "s1"] and list(fig.data[0].x) == ["m1", "m2"]
    assert fig.data[0].z[0].tolist() == [1.0, 3.0] and pd.isna(fig.data[0].z[1][1])
    sobol = pd.DataFrame({"p": ["x1", "x2"], "S1": [0.3, 0.4], "conf": [0.01, 0.02]})
    bar = figures.bars(sobol, "p", "S1", "conf").data[0]
    assert list(bar.error_y.array) == [0.01, 0.02]
    prim = pd.DataFrame({"coverage": [1, 0.5], "density": [0.2, 0.9], "n_restricted": [0, 2]})
    assert list(figures.prim_trajectory(prim).data[0].marker.color) == [0, 2]


def test_missing_columns_are_named() -> None:
    with pytest.raises(UsageError, match=r"fan_chart: expected the columns \['q05'"):
        figures.fan_chart(pd.DataFrame({"strategy": [], "round": []}))
    with pytest.raises(UsageError, match="bars: expected the columns"):
        figures.bars(pd.DataFrame({"a": [1]}), "a", "b")


def test_a_heatmap_of_values_relative_to_a_baseline_is_centred_on_it() -> None:
    """Gains and losses keep their colours: 0 is the scale's middle, the range symmetric."""
    heat = pd.DataFrame(
        {"strategy": ["a", "a", "b"], "mindset": ["x", "y", "x"], "value": [0.5, 1.0, 4.0]}
    )
    cell = figures.comparison_heatmap(heat, centre=0.0).data[0]
    assert (cell.zmid, cell.zmin, cell.zmax) == (0.0, -4.0, 4.0)
    assert cell.colorscale[0][1] == "rgb(103,0,31)"  # red: the lowest values, losses


def test_regret_is_drawn_light_at_zero_and_dark_at_the_largest() -> None:
    heat = pd.DataFrame(
        {"strategy": ["a", "a", "b"], "mindset": ["x", "y", "x"], "value": [0.0, 1.0, 4.0]}
    )
    cell = figures.comparison_heatmap(heat, sequential_scale=True).data[0]
    assert cell.zmin == 0.0 and cell.zmid is None
    light, dark = cell.colorscale[0][1], cell.colorscale[-1][1]
    assert sum(map(int, light[4:-1].split(","))) > 600 > sum(map(int, dark[4:-1].split(",")))


def test_the_run_report_centres_utility_relative_to_the_status_quo_on_zero() -> None:
    cells = pd.DataFrame(
        {
            "strategy": ["a", "a", "b", "b"],
            "mindset": ["x", "y", "x", "y"],
            "utility": [1.0, 2.0, 3.0, 4.0],
            "utility_ci_low": 0.0,
            "utility_ci_high": 5.0,
            "vs_status_quo": [0.0, -0.5, 2.0, 1.5],
        }
    )
    doc = run_report(ResultSet("run", {"scenario_id": "t"}, {"cells": cells}))
    (heat,) = [
        b.figure.data[0]
        for s in doc.sections
        for b in s.blocks
        if isinstance(b, FigureBlock) and b.figure.data[0].type == "heatmap"
    ]
    assert (heat.zmid, heat.zmin, heat.zmax) == (0.0, -2.0, 2.0)


def test_fan_chart_medians_on_the_same_rungs_stay_visible() -> None:
    """Each strategy's median differs in dash, marker and width, the later ones narrower."""
    rows = [
        {"strategy": s, "round": r, "q05": 1, "q25": 1, "q50": 3, "q75": 3, "q95": 4}
        for s in ("status_quo", "one_carrier", "two_carriers")
        for r in range(3)
    ]
    fig = figures.fan_chart(pd.DataFrame(rows), "Fan")
    medians = [t for t in fig.data if t.mode == "lines+markers"]
    assert len({t.line.dash for t in medians}) == 3
    assert len({t.marker.symbol for t in medians}) == 3
    widths = [t.line.width for t in medians]
    assert widths == sorted(widths, reverse=True) and widths[-1] < widths[0]
    assert fig.layout.xaxis.title.text == figures.ROUNDS_AXIS
    assert fig.layout.yaxis.title.text == "rung"


def test_round_axes_say_what_they_count() -> None:
    """Tables count rounds completed (0 = the start); traces number rounds from 0: the axis says so.

    The user's strike in trace round 8 peaked at 9 on an axis titled "round".
    """
    assert figures.ROUNDS_AXIS.startswith("rounds completed")
    assert "round r ends at r + 1" in figures.ROUNDS_AXIS
    rows = [
        {"strategy": "s", "mindset": "m", "round": r, "threshold": "t", "probability": 0.1,
         "ci_low": 0.0, "ci_high": 0.2}
        for r in range(3)
    ]  # fmt: skip
    fig = figures.threshold_curves(pd.DataFrame(rows))
    assert fig.layout.xaxis.title.text == figures.ROUNDS_AXIS
    assert "after %{x} rounds" in fig.data[1].hovertemplate


def test_legends_sit_below_the_plot_in_every_report_figure() -> None:
    rows = [
        {"strategy": "a", "mindset": "x", "round": r, "threshold": "T", "probability": 0.1,
         "ci_low": 0.0, "ci_high": 0.2}
        for r in range(2)
    ]  # fmt: skip
    fig = figures.threshold_curves(pd.DataFrame(rows), "Crossing")
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")


def test_utility_values_are_plain_numbers_without_si_prefixes() -> None:
    """-0.951 reads "-0.951", not "-951m" (d3's ~s); 35,900 is not "35.9k"."""
    cells = pd.DataFrame(
        {
            "strategy": ["a", "b"],
            "mindset": ["x", "x"],
            "utility": [1.0, 2.0],
            "utility_ci_low": 0.0,
            "utility_ci_high": 5.0,
            "vs_status_quo": [0.0, -0.951],
        }
    )
    doc = run_report(ResultSet("run", {"scenario_id": "t"}, {"cells": cells}))
    (heat,) = [
        b.figure.data[0]
        for s in doc.sections
        for b in s.blocks
        if isinstance(b, FigureBlock) and b.figure.data[0].type == "heatmap"
    ]
    assert heat.texttemplate == "%{z:,.3~r}" and heat.colorbar.tickformat == ",.3~r"
    diff = pd.DataFrame(
        {"term": ["t"], "difference": [-0.951], "ci_low": [-1.0], "ci_high": [-0.9]}
    )
    oat = pd.DataFrame(
        {"parameter": ["p", "p"], "level": ["low", "high"], "advantage": [0.5, 1.5], "base": 1.0}
    )
    for fig in (brief_figures.difference_bars(diff, "term"), brief_figures.tornado(oat)):
        spec = fig.to_json()
        assert "~s" not in spec and ",.3~r" in spec
        assert fig.layout.xaxis.tickformat == ",.3~r"
    bars = figures.bars(pd.DataFrame({"k": ["a"], "v": [35912.4]}), "k", "v")
    assert ",.3~r" in bars.data[0].hovertemplate


def _crossing_rows(thresholds: list[str]) -> pd.DataFrame:
    rows = [
        {"strategy": "s", "mindset": "m", "round": r, "threshold": t, "probability": 0.1,
         "ci_low": 0.0, "ci_high": 0.2}
        for t in thresholds
        for r in range(3)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _titled_axes(fig) -> dict[str, str]:
    layout = fig.layout.to_plotly_json()
    return {
        name: axis["title"]["text"]
        for name, axis in layout.items()
        if name.startswith("xaxis") and axis.get("title", {}).get("text")
    }


def test_threshold_panels_share_one_rounds_axis_title() -> None:
    """The long x-axis title sat under every panel and the three overprinted each other."""
    three = figures.threshold_curves(_crossing_rows(["a", "b", "c"]))
    assert _titled_axes(three) == {"xaxis2": figures.ROUNDS_AXIS}  # the middle panel's
    four = figures.threshold_curves(_crossing_rows(["a", "b", "c", "d"]))  # 2 rows x 3 columns
    assert _titled_axes(four) == {"xaxis5": figures.ROUNDS_AXIS}  # bottom row, middle column
    # the empty cell under the title is drawn (an empty trace) with its title alone
    (empty,) = [t for t in four.data if t.xaxis == "x5"]
    assert empty.mode == "none" and not empty.showlegend and len(empty.x) == 0
    assert four.layout.yaxis5.visible is False and four.layout.xaxis5.showticklabels is False
    assert not [t for t in four.data if t.xaxis == "x6"]


def _oat_rows(base: float, ends: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = [
        {"parameter": p, "level": level, "advantage": v, "base": base}
        for p, (low, high) in ends.items()
        for level, v in (("low", low), ("high", high))
    ]
    return pd.DataFrame(rows)


def test_tornado_far_from_zero_zooms_on_its_bars() -> None:
    """An advantage of 1.35 moving by 0.08 sat on an axis from 0: a sliver at the edge."""
    far = brief_figures.tornado(_oat_rows(1.35, {"a": (1.42, 1.34), "b": (1.38, 1.35)}))
    low, high = far.layout.xaxis.range
    assert 1.25 < low < 1.34 and 1.42 < high < 1.5  # the bars fill the axis; 0 is not on it
    assert not far.layout.shapes[1:]  # only the dotted base line, no red line at 0 off the axis
    assert "off the chart, to the left" in far.layout.xaxis.title.text
    below = brief_figures.tornado(_oat_rows(-2.0, {"a": (-1.9, -2.1)}))
    assert "to the right" in below.layout.xaxis.title.text
    near = brief_figures.tornado(_oat_rows(0.05, {"a": (0.2, -0.1)}))
    assert near.layout.xaxis.range is None and "off the chart" not in near.layout.xaxis.title.text
    assert near.layout.shapes[1].x0 == 0  # the red line at 0, where a flip shows


def test_the_peeling_colour_bar_counts_in_whole_dimensions() -> None:
    """Karabakh 2020: a box of one restricted dimension had a colour bar of 0, 0.2, ..., 1."""
    prim = pd.DataFrame({"coverage": [1, 1], "density": [0.5, 1.0], "n_restricted": [0, 1]})
    assert figures.prim_trajectory(prim).data[0].marker.colorbar.dtick == 1


def test_fan_chart_rung_axis_ticks_whole_rungs_only() -> None:
    # A rung moving between 1 and 2 drew ticks 1.2, 1.4, 1.6 on its axis (Berlin 1961 trial).
    df = pd.DataFrame(
        {
            "strategy": ["a", "a"],
            "round": [0, 1],
            "q05": [1, 1],
            "q25": [1, 1],
            "q50": [1, 2],
            "q75": [1, 2],
            "q95": [2, 2],
        }
    )
    axis = figures.fan_chart(df, "Fan").layout.yaxis
    assert (axis.tickmode, axis.dtick) == ("linear", 1)
    wide = df.assign(q95=[44, 44])  # Kahn's ladder: a tick every few rungs, still whole
    assert figures.fan_chart(wide, "Fan").layout.yaxis.dtick == 6


def test_a_heatmap_of_levels_has_no_diverging_middle() -> None:
    """Yom Kippur 1973: the game report's payoff heatmaps drew utility levels (all negative
    for one side) on a red-white-blue scale whose white sat at the data's midpoint, so -80
    looked like a gain and the colour bar's 0 was light blue."""
    heat = pd.DataFrame(
        {"strategy": ["a", "a", "b"], "mindset": ["x", "y", "x"], "value": [-372.0, -80.9, -164.0]}
    )
    cell = figures.comparison_heatmap(heat, value_label="utility").data[0]
    assert cell.zmid is None
    light, dark = cell.colorscale[0][1], cell.colorscale[-1][1]
    assert sum(map(int, light[4:-1].split(","))) > 600 > sum(map(int, dark[4:-1].split(",")))
    reds = [
        c
        for _, c in cell.colorscale
        if int(c[4:-1].split(",")[0]) > 200 > int(c[4:-1].split(",")[2])
    ]
    assert not reds  # one hue: nothing red
