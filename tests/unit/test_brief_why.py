"""The brief's "Why" calls a term a gain or a loss only when its interval excludes zero."""

from __future__ import annotations

import pandas as pd

from escalade.report.brief import _why
from escalade.results import ResultSet
from escalade.results import tablenames as tn


def _rs(by_term: pd.DataFrame) -> ResultSet:
    comparison = pd.DataFrame({"strategy": ["calibrated", "massive"]})
    return ResultSet(
        "run", {"scenario_id": "t"}, {tn.EXPLAIN_BY_TERM: by_term, tn.COMPARISON: comparison}
    )


def test_a_term_within_the_noise_is_not_called_a_gain() -> None:
    # the Israel–Iran trial: "gains from ..., rung of north +0.000113 u" (interval -0.012 to 0.013)
    by_term = pd.DataFrame(
        {
            "term": ["israel_deterrence", "us_israel_friction", "rung of direct", "rung of north"],
            "difference": [1.8, -0.978, 0.0616, 0.000113],
            "ci_low": [1.77, -0.981, 0.0164, -0.0123],
            "ci_high": [1.82, -0.975, 0.107, 0.0125],
        }
    )
    text = _why(_rs(by_term))
    assert text is not None
    assert "gains from israel_deterrence +1.8 u, rung of direct +0.0616 u;" in text
    assert "losses on us_israel_friction -0.978 u" in text
    assert "within the sampling noise (95% interval across 0): rung of north." in text
    assert "+0.000113" not in text


def test_without_intervals_the_sign_decides_as_before() -> None:
    by_term = pd.DataFrame({"term": ["x", "y"], "difference": [1.0, -0.5]})
    text = _why(_rs(by_term))
    assert text is not None and "gains from x +1 u; losses on y -0.5 u." in text


def test_terms_not_named_are_counted_with_their_sum() -> None:
    """The Yom Kippur trial: the third loss (rung of sinai) was left out, yet the sentence said
    the terms add up to the total; the unnamed ones are now counted and summed."""
    by_term = pd.DataFrame(
        {
            "term": ["a", "b", "c", "d", "x", "y", "z"],
            "difference": [5.0, 4.0, 3.0, 2.0, -1.5, -1.0, -0.5],
        }
    )
    text = _why(_rs(by_term))
    assert text is not None
    assert "gains from a +5 u, b +4 u, c +3 u; losses on x -1.5 u, y -1 u" in text
    assert "; 2 smaller terms +1.5 u. The terms add up to the total difference." in text
    one = _why(_rs(by_term.iloc[:4]))
    assert one is not None and "; 1 smaller term +2 u." in one
