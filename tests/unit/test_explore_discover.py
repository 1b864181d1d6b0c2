"""`explore --discover COND` states the condition, in the terminal and in explore.html."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from escalade.analysis.explore import check_requests, discover_sentence
from escalade.cli import main
from escalade.errors import UsageError
from escalade.report.explore_report import explore_report
from escalade.report.html import render_html
from escalade.results import ResultSet
from escalade.results import tablenames as tn

TAIWAN = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "taiwan-1996.yaml"
QUICK = ["--n", "20", "--trajectories", "2", "--workers", "1", "--no-store"]


def test_the_condition_is_stated_in_the_terminal_and_the_report(tmp_path: Path, capsys) -> None:
    args = ["explore", str(TAIWAN), *QUICK, "--out", str(tmp_path)]
    assert main([*args, "--discover", "lee_vote<0.5"]) == 0
    out = capsys.readouterr().out
    assert "The condition lee_vote<0.5 holds in 12 of the 120 experiments (10.0%)." in out
    assert "PRIM boxes where lee_vote<0.5 holds" in out
    html = (tmp_path / "explore.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="discovery">') :]
    assert "The condition <code>lee_vote&lt;0.5</code> holds in 12 of the 120" in section
    assert "in which <code>lee_vote&lt;0.5</code> concentrates" in section
    assert "the condition of interest" not in section
    assert "Boxes where lee_vote&lt;0.5 holds" in section


def test_a_condition_that_never_holds_says_so() -> None:
    table = pd.DataFrame(
        [{"condition": "peak_rung>9", "cases": 0, "experiments": 96, "share_of_interest": 0.0,
          "boxes": 0}]
    )  # fmt: skip
    rs = ResultSet("explore", {"scenario_id": "t"}, {tn.DISCOVER: table})
    html = render_html(explore_report(rs), include_plotlyjs=False)
    section = html[html.index('<section id="discovery">') :]
    assert "<code>peak_rung&gt;9</code> holds in none of the 96 experiments: no box" in section
    assert discover_sentence("x>1", 5, 5).endswith("holds in all 5 experiments: no box to find.")


def test_a_result_set_stored_before_the_condition_still_reads() -> None:
    boxes = pd.DataFrame(
        [{"box": 0, "parameter": "p", "low": 0.0, "high": 1.0, "limits": "[0.0, 1.0]",
          "coverage": 0.5, "density": 0.9, "mass": 0.2}]
    )  # fmt: skip
    rs = ResultSet("explore", {"scenario_id": "t"}, {tn.PRIM_BOXES: boxes})
    html = render_html(explore_report(rs), include_plotlyjs=False)
    assert "in which the condition of interest concentrates" in html


def test_a_malformed_condition_gets_an_example_from_the_scenario() -> None:
    """Yom Kippur 1973: the hint read "e.g. 'ukraine_position<0'", another scenario's outcome."""
    outcomes = ["peak_superpower", "israel_end"]
    with pytest.raises(UsageError, match=r"hint: e\.g\. 'israel_end<0'"):
        check_requests(outcomes, ["a", "b"], "israel_end", None)
    with pytest.raises(UsageError, match=r"hint: e\.g\. 'peak_superpower<0'"):
        check_requests(outcomes, ["a", "b"], "israel ends badly", None)
