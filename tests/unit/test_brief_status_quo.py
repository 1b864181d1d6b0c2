"""The brief compares with the status quo only when it was run, and reads well with one mindset."""

from __future__ import annotations

import pandas as pd

from escalade.report.brief import brief_paragraphs
from escalade.results import ResultSet


def _run(strategies: list[str], mindsets: list[str]) -> ResultSet:
    utility = {"calibrated_strike": 1.0, "coercive_pressure": 0.5, "status_quo": -1.0}
    cells = pd.DataFrame(
        [
            {"strategy": s, "mindset": m, "utility": utility[s], "utility_ci_low": utility[s] - 1,
             "utility_ci_high": utility[s] + 1, "n": 100}
            for s in strategies for m in mindsets
        ]
    )  # fmt: skip
    if "status_quo" in strategies:
        cells["vs_status_quo"] = cells["utility"] - utility["status_quo"]
    else:
        cells["vs_status_quo"] = float("nan")
    comparison = pd.DataFrame(
        {"strategy": strategies, "max_regret": [0.0] * len(strategies)}
    ).sort_values("strategy", key=lambda s: s.map(utility), ascending=False)
    meta = {
        "scenario_id": "pulwama-balakot-2019",
        "focal_side": "ind",
        "status_quo": "status_quo",
        "strategies": strategies,
        "mindsets": mindsets,
        "n": 100,
        "horizon": 21,
    }
    return ResultSet("run", meta, {"cells": cells, "comparison": comparison})


def test_no_status_quo_sentence_when_it_was_not_run() -> None:
    paragraphs = dict(brief_paragraphs(_run(["calibrated_strike", "coercive_pressure"], ["m"])))
    answer = paragraphs["Answer"]
    assert "NA" not in answer and "Against the status quo" not in answer
    assert "shown relative to the status quo" not in answer
    assert "the status quo was not among the strategies run" in answer


def test_status_quo_sentence_when_it_was_run() -> None:
    rs = _run(["calibrated_strike", "status_quo"], ["m1", "m2"])
    answer = dict(brief_paragraphs(rs))["Answer"]
    assert "Against the status quo (*status_quo*) it gains +2 u." in answer
    assert "shown relative to the status quo" in answer


def test_one_mindset_reads_naturally() -> None:
    question = dict(brief_paragraphs(_run(["calibrated_strike", "status_quo"], ["tft"])))[
        "Question"
    ]
    assert "which of 1 mindsets" not in question
    assert "with one mindset of the other side (*tft*)" in question
    two = dict(brief_paragraphs(_run(["calibrated_strike", "status_quo"], ["a", "b"])))
    assert "not knowing which of 2 mindsets drives the other side (*a*, *b*)" in two["Question"]


def test_one_strategy_reads_naturally() -> None:
    """A new user's run with one strategy read "Which of 1 strategies should side ... choose"."""
    question = dict(brief_paragraphs(_run(["calibrated_strike"], ["a", "b"])))["Question"]
    assert "1 strategies" not in question and "Which of" not in question
    assert question.startswith(
        "How does the one strategy of side **ind** (*calibrated_strike*) fare, not knowing "
        "which of 2 mindsets drives the other side (*a*, *b*)?"
    )


def _with_total(rs: ResultSet) -> ResultSet:
    total = pd.DataFrame({"difference": [2.0], "ci_low": [1.5], "ci_high": [2.5]})
    return ResultSet(rs.kind, dict(rs.metadata), {**rs.tables, "explain_total": total})


def test_no_second_status_quo_sentence_when_the_runner_up_is_the_status_quo() -> None:
    """Karabakh 2020 ranked by Russia: "beats status_quo by +1.17 u ... Against the status quo
    (status_quo) it gains +1.17 u" said the same thing twice."""
    answer = dict(brief_paragraphs(_with_total(_run(["calibrated_strike", "status_quo"], ["m"]))))
    assert "it beats **status_quo** by +2 u" in answer["Answer"]
    assert "Against the status quo" not in answer["Answer"]
    three = _with_total(_run(["calibrated_strike", "coercive_pressure", "status_quo"], ["m"]))
    answer = dict(brief_paragraphs(three))["Answer"]
    assert "beats **coercive_pressure**" in answer and "Against the status quo" in answer


def test_a_top_strategy_without_regret_is_not_called_the_highest_everywhere() -> None:
    """Korea 2017: a tie under one mindset made "the highest under every mindset" wrong."""
    paragraphs = dict(brief_paragraphs(_run(["calibrated_strike", "coercive_pressure"], ["m"])))
    answer = paragraphs["Answer"]
    assert "no strategy has a higher expected utility under any mindset" in answer
    assert "the highest expected utility" not in answer
