"""The explore report names the pairs it compares: the ranking's top and runner-up (OAT)."""

from __future__ import annotations

import re

import pandas as pd

from escalade.report.explore_report import explore_report
from escalade.report.html import FigureBlock, render_html
from escalade.results import ResultSet
from escalade.workflows.explore import ExploreOptions, explore_scenario


def _robustness() -> pd.DataFrame:
    """Three strategies in file order; the last is the most robust, the middle the runner-up."""
    return pd.DataFrame(
        {
            "strategy": ["status_quo", "one_carrier", "two_carriers"],
            "outcome": "utility_us",
            "mean": [41.5, 52.2, 65.0],
            "worst": [31.2, 44.2, 56.7],
            "best": [51.7, 62.5, 83.3],
            "max_regret": [31.9, 21.6, 0.0],
            "mean_regret": [23.5, 12.8, 0.0],
            "minimax_regret": [False, False, True],
            "maximin": [False, False, True],
        }
    )


def _oat() -> pd.DataFrame:
    rows = []
    # carrier_effect moves the strategies by different amounts (so it moves the advantage);
    # lift moves them all alike (so it leaves every advantage as it was)
    for strategy, mean, shift in (
        ("status_quo", 41.6, 1.0),
        ("one_carrier", 52.8, 3.0),
        ("two_carriers", 65.5, 5.0),
    ):
        rows += [
            {"parameter": "", "level": "base", "value": float("nan"), "strategy": strategy,
             "mean": mean},
            {"parameter": "carrier_effect", "level": "low", "value": 0.5, "strategy": strategy,
             "mean": mean - shift},
            {"parameter": "carrier_effect", "level": "high", "value": 1.5, "strategy": strategy,
             "mean": mean + shift},
            {"parameter": "lift", "level": "low", "value": 0.1, "strategy": strategy,
             "mean": mean + 0.1 - 0.1 * 3},
            {"parameter": "lift", "level": "high", "value": 0.3, "strategy": strategy,
             "mean": mean + 0.3 - 0.1 * 3},
        ]  # fmt: skip
    return pd.DataFrame(rows)


def _captions(rs: ResultSet, section: str) -> list[str]:
    found = [s for s in explore_report(rs).sections if s.id == section]
    assert found, f"no {section} section"
    return [b.caption for b in found[0].blocks if isinstance(b, FigureBlock)]


def test_the_one_at_a_time_chart_compares_the_top_strategy_with_the_runner_up() -> None:
    tables = {
        "robustness": _robustness(),
        "oat": _oat(),
        "experiments": pd.DataFrame({"scenario": [0]}),
    }
    rs = ResultSet("explore", {"scenario_id": "taiwan-1996"}, tables)
    (caption,) = _captions(rs, "oat")
    assert caption.startswith("Advantage of two_carriers over one_carrier")
    # lift shifts every strategy alike (up to float rounding): named, not drawn as empty bars
    assert caption.endswith("not charted, as it does not move it: lift")


def test_no_uncertainty_moving_the_advantage_is_a_sentence_not_an_empty_chart() -> None:
    oat = _oat()
    oat = oat[oat["parameter"] != "carrier_effect"]
    tables = {"robustness": _robustness(), "oat": oat, "experiments": pd.DataFrame({"s": [0]})}
    rs = ResultSet("explore", {"scenario_id": "taiwan-1996"}, tables)
    assert _captions(rs, "oat") == []
    page = render_html(explore_report(rs))
    assert "No uncertainty alone, at either end of its range, changes the advantage" in page


def test_the_regret_heatmap_is_light_at_zero_regret() -> None:
    regret = pd.DataFrame(
        {
            "strategy": ["status_quo", "two_carriers"] * 2,
            "mindset": ["reactive"] * 2 + ["opportunist"] * 2,
            "mean_regret": [4.86, 0.0, 1.67, 0.0],
        }
    )
    rs = ResultSet("explore", {"scenario_id": "taiwan-1996"}, {"regret_by_mindset": regret})
    (section,) = [s for s in explore_report(rs).sections if s.id == "robustness"]
    heat = next(b.figure.data[0] for b in section.blocks if isinstance(b, FigureBlock))
    assert heat.type == "heatmap" and heat.zmin == 0.0 and heat.zmid is None
    assert heat.colorscale[0][1] == "rgb(255,247,236)"  # the lightest colour: no regret


def _tables_html(rs: ResultSet) -> str:
    html = render_html(explore_report(rs), include_plotlyjs=False)
    return "".join(re.findall(r"<table.*?</table>", html, re.S))


def test_explore_tables_show_three_significant_digits_like_the_run_report() -> None:
    robustness = _robustness().assign(mean=[4.8646875, 5.909375, 4.2375])
    robustness["mean_regret"] = [1.671875, 2.7165625, 1.0446875]
    boxes = pd.DataFrame(
        {
            "box": [0, 0],
            "parameter": ["prc_redline", "mindset"],
            "low": [0.006512345678, None],
            "high": [0.30198765, None],
            "limits": ["[0.006512345678, 0.30198765]", '["reactive"]'],
            "coverage": [0.8123456, 0.8123456],
            "density": [0.9, 0.9],
            "mass": [0.25, 0.25],
        }
    )
    tables = {"robustness": robustness, "prim_boxes": boxes, "experiments": pd.DataFrame()}
    html = _tables_html(ResultSet("explore", {"scenario_id": "taiwan-1996"}, tables))
    assert "4.86" in html and "1.67" in html and "2.72" in html
    assert "4.8646875" not in html and "1.671875" not in html
    assert "0.00651 to 0.302" in html and "{reactive}" in html
    assert "0.006512345678" not in html and "81.2%" in html


def test_the_explore_report_lists_the_scenario_sources(tmp_path) -> None:
    """A new user's explore.html had no Sources section, unlike the run and replay reports."""
    options = ExploreOptions(n=4, trajectories=2, store=None, out=tmp_path, workers=1)
    outcome = explore_scenario("kursk-mini", options)
    assert not outcome.tables["sources"].empty
    assert outcome.report is not None
    page = outcome.report.read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>\s*Sources", page)
    first = str(outcome.tables["sources"]["id"].iloc[0])
    assert f'id="source-{first}"' in page


def test_a_single_strategy_is_not_ranked_against_itself() -> None:
    robustness = pd.DataFrame(
        {"strategy": ["firm"], "mean": [1.0], "worst": [0.5], "max_regret": [0.0],
         "minimax_regret": [True]}
    )  # fmt: skip
    regret = pd.DataFrame({"strategy": ["firm"], "mindset": ["calm"], "mean_regret": [0.0]})
    tables = {"robustness": robustness, "regret_by_mindset": regret}
    doc = explore_report(ResultSet("explore", {"scenario_id": "t"}, tables))
    assert "robustness" not in [s.id for s in doc.sections]
    html = render_html(doc, include_plotlyjs=False)
    assert "One strategy was swept, so there is nothing to rank it against" in html
    assert "smallest maximum regret" not in html


def test_the_robustness_chart_draws_regrets_not_levels_on_one_axis() -> None:
    """Korea 2017: mean -73 and worst -118 beside a regret of 4 made the regret a sliver."""
    rs = ResultSet("explore", {"scenario_id": "korea-2017"}, {"robustness": _robustness()})
    (section,) = [s for s in explore_report(rs).sections if s.id == "robustness"]
    (chart,) = [b for b in section.blocks if isinstance(b, FigureBlock)]
    assert [t.name for t in chart.figure.data] == ["mean regret", "maximum regret"]
    assert list(chart.figure.data[1].y) == [31.9, 21.6, 0.0]
    assert chart.caption.startswith("Mean and maximum regret")
    assert chart.figure.layout.yaxis.title.text == "regret (u)"


def test_the_regret_heatmap_keeps_the_scenario_order_of_strategies() -> None:
    """Korea 2017: the table came sorted by name, so max_pressure was drawn above status_quo."""
    regret = pd.DataFrame(
        {
            "strategy": ["max_pressure", "max_pressure", "status_quo", "status_quo"],
            "mindset": ["calculating", "reactive"] * 2,
            "mean_regret": [1.35, 0.0, 0.605, 0.0],
        }
    )
    meta = {
        "scenario_id": "korea-2017",
        "strategies": ["status_quo", "max_pressure"],
        "mindsets": ["calculating", "reactive"],
    }
    rs = ResultSet("explore", meta, {"regret_by_mindset": regret})
    (section,) = [s for s in explore_report(rs).sections if s.id == "robustness"]
    heat = next(b.figure.data[0] for b in section.blocks if isinstance(b, FigureBlock))
    assert list(heat.y) == ["status_quo", "max_pressure"]
    assert list(heat.x) == ["calculating", "reactive"]
    assert heat.z[0][0] == 0.605


def test_the_summary_names_the_design_rather_than_its_flag() -> None:
    """Korea 2017: the summary read "a lhs design of 20 points"."""
    meta = {"scenario_id": "korea-2017", "design": "lhs", "n": 20}
    rs = ResultSet("explore", meta, {"experiments": pd.DataFrame({"s": [0]})})
    (summary,) = [s for s in explore_report(rs).sections if s.id == "summary"]
    text = " ".join(b.text for b in summary.blocks)
    assert "a Latin hypercube design of 20 points" in text and "a lhs design" not in text


def test_the_robustness_table_names_its_columns_like_the_run_report() -> None:
    """Yom Kippur 1973: the table showed max_regret, minimax_regret and True/False."""
    tables = {"robustness": _robustness(), "experiments": pd.DataFrame()}
    html = _tables_html(ResultSet("explore", {"scenario_id": "taiwan-1996"}, tables))
    assert "max regret (u)" in html and "minimax regret" in html and "worst (u)" in html
    assert "max_regret" not in html and "minimax_regret" not in html
    assert "True" not in html and "False" not in html and ">yes<" in html
