"""The terminal threshold table of `escalade run` leaves out what the report leaves out."""

from __future__ import annotations

import io

import pandas as pd
from rich.console import Console

from escalade.cli.run import _print_thresholds
from escalade.report.html import render_html
from escalade.report.run_report import run_report
from escalade.results import ResultSet


def _thresholds() -> pd.DataFrame:
    rows = []
    for strategy, p in (("hold", 0.2), ("push", 0.6)):
        for threshold, rung, prob in (
            ("violence", 5, p),
            ("armed_conflict", 7, 0.0),  # the lowest never crossed: the old table kept it
            ("central_war", 9, 0.0),
            ("protest", 1, 1.0),
        ):
            rows.append(
                {"strategy": strategy, "mindset": "m", "threshold": threshold, "arena": "a",
                 "rung": rung, "probability": prob, "ci_low": max(0.0, prob - 0.1),
                 "ci_high": min(1.0, prob + 0.1)}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_the_terminal_leaves_out_never_and_always_crossed_thresholds_as_the_report() -> None:
    out = io.StringIO()
    _print_thresholds(Console(file=out, width=200, color_system=None), _thresholds())
    text = out.getvalue()
    assert "violence" in text and "20.0% [10.0%–30.0%]" in text
    header = next(line for line in text.splitlines() if "strategy" in line)
    assert "violence" in header and "armed_conflict" not in header and "protest" not in header
    notes = [
        "2 thresholds never crossed in any cell: armed_conflict, central_war.",
        "1 threshold always crossed: protest.",
    ]
    for note in notes:
        assert note in text
    html = render_html(
        run_report(ResultSet("run", {"scenario_id": "t"}, {"thresholds": _thresholds()})),
        include_plotlyjs=False,
    )
    for note in notes:  # the same line in the report
        assert note in html
