from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.report.text import (
    format_value,
    mapping_table,
    percent,
    render_text,
    sig,
    table_to_text,
)


def ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": ["indecision", "graduated", "decisive"],
            "mindset": ["cautious", "opportunist", "resolved"],
            "expected_utility": [0.123456, -1.5, np.nan],
            "p_threshold": [0.05, 0.5, 0.951],
            "n": np.array([1000, 1000, 1000], dtype="int64"),
            "robust": [True, False, True],
        }
    )


def test_table_snapshot(golden) -> None:
    text = table_to_text(
        ranking(), "Strategies by mindset", {"p_threshold": ".1%", "n": ",d"}, width=100
    )
    golden("report_text_ranking.txt", text)


def test_table_is_deterministic_and_truncates() -> None:
    df = pd.DataFrame({"x": range(10)})
    first = table_to_text(df, max_rows=3, width=40)
    assert first == table_to_text(df, max_rows=3, width=40)
    assert "\x1b[" not in first  # no colour codes
    assert "│ 2 │" in first and "│ 3 │" not in first and "…" in first


def test_mapping_snapshot(golden) -> None:
    text = render_text(
        mapping_table({"seed": 7, "versions": {"numpy": "2.0"}, "missing": None}, "Run"),
        width=60,
    )
    golden("report_text_mapping.txt", text)


def test_format_value() -> None:
    assert format_value(np.float64(2.0) / 3) == "0.6667"
    assert format_value(pd.NA) == "NA" and format_value(float("nan"), ".2f") == "NA"
    assert format_value(np.int64(1234567), ",d") == "1,234,567"
    assert format_value("text", ".2f") == "text"  # a format that does not apply is ignored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-700.7437260969525, "-701"),
        (0.0019170472812529342, "0.00192"),
        (35912.4, "35,900"),
        (-1380.2, "-1,380"),
        (2.0, "2"),
        (12.34, "12.3"),
        (0.0, "0"),
        (float("nan"), "NA"),
        (3.2e12, "3.20e+12"),
    ],
)
def test_sig_three_significant_digits(value: float, expected: str) -> None:
    assert sig(value) == expected


def test_sig_signed_and_percent() -> None:
    assert sig(12.5, signed=True) == "+12.5"
    assert sig(-12.5, signed=True) == "-12.5"
    assert [percent(p) for p in (0.0, 1.0, 0.995, 0.0123, 0.0004, 0.9996)] == [
        "0%",
        "100%",
        "99.5%",
        "1.23%",
        "<0.1%",
        ">99.9%",
    ]
    assert format_value(1234.567, "sig") == "1,230"
    assert format_value(0.25, "pct") == "25%"
