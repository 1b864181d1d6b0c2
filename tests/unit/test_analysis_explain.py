"""explain_difference: terms and actors add up to the total; clear errors."""

from __future__ import annotations

import pandas as pd
import pytest

from escalade.analysis.explain import explain_difference
from escalade.errors import UsageError


def _terms() -> pd.DataFrame:
    rows = []
    values = {
        ("a", "m1"): {("x", "t1"): 10.0, ("x", "t2"): -2.0, ("y", "t1"): 4.0},
        ("a", "m2"): {("x", "t1"): 6.0, ("x", "t2"): -2.0, ("y", "t1"): 3.0},
        ("b", "m1"): {("x", "t1"): 3.0, ("x", "t2"): 0.0, ("y", "t1"): 5.0},
        ("b", "m2"): {("x", "t1"): 1.0, ("x", "t2"): 0.0, ("y", "t1"): 1.0},
    }
    for (strategy, mindset), parts in values.items():
        for (actor, term), mean in parts.items():
            rows.append(
                {
                    "strategy": strategy,
                    "mindset": mindset,
                    "actor": actor,
                    "side": "s",
                    "kind": "per_round",
                    "term": term,
                    "mean": mean,
                    "sd": 1.0,
                    "n": 100,
                }
            )
    rows.append({**rows[0], "side": "other", "actor": "z", "mean": 1000.0})
    return pd.DataFrame(rows)


def test_terms_and_actors_add_up_over_mindsets() -> None:
    out = explain_difference(_terms(), "a", "b", side="s")
    # a: (12 + 7) / 2 = 9.5 on average; b: (8 + 2) / 2 = 5.
    total = out["total"].iloc[0]
    assert (total["a"], total["b"], total["difference"]) == (9.5, 5.0, 4.5)
    by_term = out["by_term"].set_index("term")["difference"]
    assert by_term.to_dict() == {"t1": 6.5, "t2": -2.0}
    assert out["by_actor"]["difference"].sum() == pytest.approx(4.5)
    assert (out["by_term"]["ci_low"] < out["by_term"]["difference"]).all()


def test_one_mindset() -> None:
    out = explain_difference(_terms(), "a", "b", side="s", mindset="m2")
    assert out["total"]["difference"].iloc[0] == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"a": "nope", "b": "b"}, "^a: expected a strategy among a, b"),
        ({"a": "a", "b": "b", "mindset": "m9"}, "^mindset: expected one of m1, m2"),
    ],
)
def test_clear_errors(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        explain_difference(_terms(), side="s", **kwargs)
