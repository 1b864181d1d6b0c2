"""The brief's "how robust" paragraph says why the sweep and the answer can disagree."""

from __future__ import annotations

import pandas as pd

from escalade.report.brief import _robustness
from escalade.results import ResultSet


def _result(headline: str) -> ResultSet:
    robustness = pd.DataFrame(
        {
            "strategy": ["bold", "careful"],
            "share_best": [0.6, 0.4],
            "ci_low": [0.5, 0.3],
            "ci_high": [0.7, 0.5],
            "draws": [200, 200],
        }
    )
    other = "careful" if headline == "bold" else "bold"
    comparison = pd.DataFrame({"strategy": [headline, other]})
    meta = {"sweep_trajectories": 2}
    by_mindset = pd.DataFrame(
        {
            "strategy": ["bold", "careful", "bold", "careful"],
            "mindset": ["calm", "calm", "angry", "angry"],
            "share_best": [0.55, 0.45, 0.9, 0.1],
        }
    )
    tables = {"robustness": robustness, "comparison": comparison, "robust_mindset": by_mindset}
    return ResultSet("run", meta, tables)


def _robust(rs: ResultSet) -> str:
    text = _robustness(rs)
    assert text is not None
    return text


def test_a_disagreement_names_the_rare_catastrophe_reason() -> None:
    text = _robust(_result("careful"))
    assert "**bold** is best in 60" in text
    assert "2 trajectories per cell" in text
    assert "rare catastrophes" in text and "raise the sweep's trajectories per point" in text
    # The cell where the sweep's favourite most often wins is named.
    assert "under *angry*, bold is best in 90" in text and "careful in 10" in text


def test_no_explanation_when_they_agree() -> None:
    text = _robust(_result("bold"))
    assert "disagree" not in text
