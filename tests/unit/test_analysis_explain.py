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
        # the Israel–Iran trial: a strategy against itself gave "0 (95% interval -0.309 to
        # +0.309)", an interval of pure noise
        ({"a": "a", "b": "a"}, "^b: expected a strategy other than `a`, found 'a' twice"),
    ],
)
def test_clear_errors(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        explain_difference(_terms(), side="s", **kwargs)


def _cells(terms: pd.DataFrame, actor: str, half: float) -> pd.DataFrame:
    """A ``cells`` table for ``actor``'s own utility, with interval half-width ``half``."""
    mine = terms[terms["actor"] == actor].groupby(["strategy", "mindset"], as_index=False)
    own = mine.agg(utility=("mean", "sum"), n=("n", "first"))
    return own.assign(utility_ci_low=own["utility"] - half, utility_ci_high=own["utility"] + half)


def test_one_actor_split_is_the_total_interval_included() -> None:
    """Ranked by one actor, its by-actor row repeats the total (not its summed parts' errors)."""
    terms = _terms()
    out = explain_difference(terms, "a", "b", side="s", cells=_cells(terms, "x", 0.05), actor="x")
    (row,) = out["by_actor"].to_dict(orient="records")
    total = out["total"].iloc[0]
    assert row["actor"] == "x"
    for column in ("difference", "ci_low", "ci_high"):
        assert row[column] == pytest.approx(total[column])


def test_actors_use_their_own_utility_standard_error() -> None:
    """Each actor's interval comes from its utility's error (times its weight), not its terms'."""
    terms = _terms()
    own = terms.groupby(["strategy", "mindset", "actor", "side"], as_index=False).agg(
        mean=("mean", "sum"), n=("n", "first")
    )
    utilities = own.assign(sd=0.5)
    weights = pd.DataFrame({"actor": ["x", "y"], "weight": ["2", "1 (default)"]})
    cells = _cells(terms, "x", 0.05)
    out = explain_difference(
        terms, "a", "b", side="s", cells=cells, utilities=utilities, weights=weights
    )
    rows = out["by_actor"].set_index("actor")
    # x: 2 * ((8 + 4) / 2 - (3 + 1) / 2) = 8; each cell's se 2 * 0.5 / 10 = 0.1, so the
    # difference's se is sqrt(4 * 0.1**2) / 2 = 0.1 (its two terms' summed errors would give 0.2).
    se_x = 0.1
    assert rows.loc["x", "difference"] == pytest.approx(8.0)
    assert rows.loc["x", "ci_high"] - rows.loc["x", "difference"] == pytest.approx(1.959964 * se_x)
