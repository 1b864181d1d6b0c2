"""Per-side views in run results: which rows the report draws and lists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from escalade.analysis.run import rungs_with_sides, sides_disagree
from escalade.engine import simulate
from escalade.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"


def quantiles(arena: str, side: str | None, q50: int) -> dict[str, object]:
    row: dict[str, object] = {"strategy": "s", "mindset": "m", "arena": arena, "round": 1}
    if side is not None:
        row["side"] = side
    row |= {"q05": q50, "q25": q50, "q50": q50, "q75": q50, "q95": q50, "mean": float(q50)}
    return row


def test_rungs_with_sides_splits_only_the_arenas_where_views_differ() -> None:
    rungs = pd.DataFrame([quantiles("a", None, 12), quantiles("b", None, 4)])
    sides = pd.DataFrame(
        [
            quantiles("a", "west", 12),
            quantiles("a", "east", 14),
            quantiles("b", "west", 4),
            quantiles("b", "east", 4),
        ]
    )
    drawn = rungs_with_sides(rungs, sides)
    assert sorted(drawn[drawn["arena"] == "a"]["side"]) == ["east", "west"]
    assert drawn[drawn["arena"] == "b"]["side"].isna().all()
    assert rungs_with_sides(rungs, sides[sides["arena"] == "b"]).equals(rungs)
    assert rungs_with_sides(rungs, pd.DataFrame()).equals(rungs)


def test_rungs_with_sides_keeps_the_arenas_in_the_scenario_order() -> None:
    """A split arena listed first stays first (the report drew it after the others)."""
    rungs = pd.DataFrame([quantiles("military", None, 5), quantiles("sanctions", None, 2)])
    sides = pd.DataFrame(
        [
            quantiles("military", "west", 5),
            quantiles("military", "east", 3),
            quantiles("sanctions", "west", 2),
            quantiles("sanctions", "east", 2),
        ]
    )
    drawn = rungs_with_sides(rungs, sides)
    assert list(pd.unique(drawn["arena"])) == ["military", "sanctions"]
    assert list(drawn["side"].iloc[:2]) == ["west", "east"]


def test_sides_disagree_keeps_thresholds_seen_differently() -> None:
    table = pd.DataFrame(
        {
            "strategy": ["s"] * 4,
            "mindset": ["m"] * 4,
            "threshold": ["t", "t", "u", "u"],
            "side": ["west", "east", "west", "east"],
            "probability": [0.1, 0.4, 0.3, 0.3],
        }
    )
    assert list(sides_disagree(table)["threshold"]) == ["t", "t"]


def test_a_perceived_step_makes_the_sides_disagree_in_the_results() -> None:
    """`deep_strikes` is rung 16 to Russia and 14 to NATO: the views part after round 2."""
    result = simulate(
        load_scenario(SCENARIOS / "nuclear-exchange.yaml"), strategy="deep", n=256, seed=4
    )
    by_side = result.tables()["rungs_by_side"]
    after = by_side[by_side["round"] == 3].set_index("side")
    assert after.loc["east", "q05"] >= 16
    assert after.loc["west", "q05"] < after.loc["east", "q05"]
