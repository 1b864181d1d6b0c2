"""The brief's "Escalation risk" paragraph states the risk of every threshold that is crossed."""

from __future__ import annotations

import pandas as pd

from escalade.analysis.brief import threshold_peaks
from escalade.report.brief import brief_paragraphs
from escalade.report.html import TableBlock
from escalade.report.run_report import run_report
from escalade.results import ResultSet


def _thresholds() -> pd.DataFrame:
    """brink: crossed in 6% to 16.6% of the cells' trajectories; war never; calm always."""
    brink = {
        ("status_quo", "reactive"): 0.0,
        ("status_quo", "opportunist"): 0.166,
        ("one_carrier", "reactive"): 0.06,
        ("one_carrier", "opportunist"): 0.12,
        ("two_carriers", "reactive"): 0.0,
        ("two_carriers", "opportunist"): 0.06,
    }
    rows = []
    for (strategy, mindset), p in brink.items():
        for threshold, prob in (("brink", p), ("war", 0.0), ("calm", 1.0)):
            rows.append(
                {"strategy": strategy, "mindset": mindset, "threshold": threshold,
                 "arena": "strait", "rung": 7, "probability": prob,
                 "ci_low": max(0.0, prob - 0.02), "ci_high": min(1.0, prob + 0.02)}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_threshold_peaks_names_the_worst_cell_and_the_safest_strategy() -> None:
    (row,) = threshold_peaks(_thresholds()).itertuples()
    assert (row.threshold, row.probability) == ("brink", 0.166)
    assert (row.strategy, row.mindset) == ("status_quo", "opportunist")
    assert row.lowest == "two_carriers" and abs(row.lowest_probability - 0.03) < 1e-12


def test_the_escalation_risk_paragraph_states_the_risk() -> None:
    rs = ResultSet("run", {"scenario_id": "taiwan-1996"}, {"thresholds": _thresholds()})
    text = dict(brief_paragraphs(rs))["Escalation risk"]
    assert text.startswith("`brink` is crossed in up to 16.6% of trajectories")  # views agree
    assert "status_quo × opportunist" in text
    assert "two_carriers keeps it lowest (3% on average over the mindsets)" in text
    assert "never crossed in any cell: war" in text
    assert "crossed in every trajectory of every cell: calm" in text


def _by_side(blue: float, red: float) -> pd.DataFrame:
    """Each side's view of brink in the status_quo × opportunist cell (the others agree)."""
    rows = []
    for (strategy, mindset), p in (
        (("status_quo", "opportunist"), (blue, red)),
        (("one_carrier", "reactive"), (0.06, 0.06)),
    ):
        for side, prob in zip(("blue", "red"), p, strict=True):
            rows.append(
                {"strategy": strategy, "mindset": mindset, "threshold": "brink",
                 "arena": "strait", "side": side, "rung": 7, "probability": prob,
                 "ci_low": prob, "ci_high": prob}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_the_escalation_risk_says_whose_view_when_the_sides_disagree() -> None:
    tables = {"thresholds": _thresholds(), "thresholds_by_side": _by_side(0.036, 0.166)}
    rs = ResultSet("run", {"scenario_id": "taiwan-1996"}, tables)
    text = dict(brief_paragraphs(rs))["Escalation risk"]
    assert "(in the status_quo × opportunist cell; as red sees it; as blue sees it: 3.6%)" in text
    assert text.startswith("Thresholds are read on the common rung (the higher of the two views)")


def test_the_escalation_risk_gives_both_views_when_neither_is_the_common_rung() -> None:
    tables = {"thresholds": _thresholds(), "thresholds_by_side": _by_side(0.1, 0.12)}
    rs = ResultSet("run", {"scenario_id": "taiwan-1996"}, tables)
    text = dict(brief_paragraphs(rs))["Escalation risk"]
    assert "cell; as blue sees it: 10%; as red sees it: 12%)" in text


def test_the_report_threshold_table_says_it_is_the_common_rung() -> None:
    rs = ResultSet("run", {"scenario_id": "taiwan-1996"}, {"thresholds": _thresholds()})
    captions = [
        b.caption
        for s in run_report(rs).sections
        for b in s.blocks
        if isinstance(b, TableBlock) and "threshold" in b.caption
    ]
    assert captions and all("on the common rung (the higher of the two" in c for c in captions)


def _tied(lowest: tuple[str, ...]) -> pd.DataFrame:
    """brink crossed in 40% under 'hard' whatever the strategy, except 'spoiler' (60%)."""
    rows = []
    for strategy in ("a", "b", "c", "spoiler"):
        for mindset, p in (("hard", 0.4), ("soft", 0.0)):
            prob = p if strategy in lowest else p + 0.2
            rows.append(
                {"strategy": strategy, "mindset": mindset, "threshold": "brink",
                 "arena": "strait", "rung": 7, "probability": prob,
                 "ci_low": 0.0, "ci_high": 1.0}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_several_strategies_tied_lowest_are_listed_with_commas() -> None:
    # Su-24 trial: "status_quo and regret_june and early_regret keep it lowest"
    rs = ResultSet("run", {"scenario_id": "su24"}, {"thresholds": _tied(("a", "b", "c"))})
    text = dict(brief_paragraphs(rs))["Escalation risk"]
    assert "a, b and c keep it lowest (20% on average over the mindsets)." in text
    assert " and b and " not in text


def test_a_threshold_every_strategy_ties_on_says_so() -> None:
    rs = ResultSet(
        "run", {"scenario_id": "su24"}, {"thresholds": _tied(("a", "b", "c", "spoiler"))}
    )
    text = dict(brief_paragraphs(rs))["Escalation risk"]
    assert "every strategy gives the same probability (20% on average over the mindsets)." in text
    assert "keep it lowest" not in text


def test_a_threshold_the_same_in_every_cell_names_no_cell() -> None:
    # the Israel–Iran trial: accidents alone crossed it, 11.1% in all six cells, and the brief
    # named "the status_quo × measured cell" as if that one were worst
    rows = [
        {"strategy": s, "mindset": m, "threshold": "armed_conflict", "arena": "north",
         "rung": 6, "probability": 0.111, "ci_low": 0.098, "ci_high": 0.126}
        for s in ("status_quo", "calibrated", "massive")
        for m in ("measured", "reactive")
    ]  # fmt: skip
    rs = ResultSet("run", {"scenario_id": "iran"}, {"thresholds": pd.DataFrame(rows)})
    text = dict(brief_paragraphs(rs))["Escalation risk"]
    assert (
        "`armed_conflict` is crossed in 11.1% of trajectories, the same in every strategy × "
        in text
    )
    assert "mindset cell. Thresholds" in text or text.endswith("mindset cell.")
    assert "every strategy gives the same" not in text  # said once is enough
    assert "status_quo × measured" not in text


def test_one_strategy_run_is_described_not_chosen() -> None:
    # the Israel–Iran trial, `run --strategies calibrated`: "Choose calibrated: it has the highest
    # expected utility under every mindset" and "calibrated keeps it lowest"
    comparison = pd.DataFrame(
        {"strategy": ["calibrated"], "mean_utility": [-15.3], "worst_utility": [-18.9],
         "worst_mindset": ["measured"], "max_regret": [0.0]}
    )  # fmt: skip
    thresholds = _thresholds()
    thresholds = thresholds[thresholds["strategy"] == "one_carrier"]
    rs = ResultSet(
        "run", {"scenario_id": "iran"}, {"comparison": comparison, "thresholds": thresholds}
    )
    paragraphs = dict(brief_paragraphs(rs))
    answer = paragraphs["Answer"]
    assert answer.startswith("**calibrated** is the only strategy run: there is nothing to choose")
    assert (
        "Its expected utility is -15.3 u on average over the mindsets (worst -18.9 u, under "
        in answer
    )
    assert "*measured*)." in answer and "Choose" not in answer
    assert "with one strategy run, its level alone says little" in answer
    risk = paragraphs["Escalation risk"]
    assert "keeps it lowest" not in risk
    assert "(in the one_carrier × opportunist cell); 9% on average over the mindsets." in risk
