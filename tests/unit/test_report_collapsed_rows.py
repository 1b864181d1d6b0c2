"""The summary line of a collapsed table counts its rows in words that agree with the count."""

from __future__ import annotations

import pandas as pd

from escalade.report.html import ReportDocument, Section, TableBlock, render_html


def _summary(n: int) -> str:
    block = TableBlock(pd.DataFrame({"actor": ["usa"] * n}), "By actor", collapse=True)
    html = render_html(
        ReportDocument("t", sections=(Section("s", "S", (block,)),)), include_plotlyjs=False
    )
    return html.split("<summary>", 1)[1].split("</summary>", 1)[0]


def test_one_row_is_a_row_not_rows() -> None:
    # Berlin 1961 trial: the brief's by-actor table of a one-actor side read "(1 rows)".
    assert _summary(1) == "By actor (1 row)"
    assert _summary(3) == "By actor (3 rows)"
