"""The three small crises of schema 2 (tests/data/scenarios, examples/) load lint-clean and show
what they are written for, without pseudo-actors."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.engine import simulate
from escalade.scenario import load_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "scenarios"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = ("cuba-quarantine", "failed-strike", "nuclear-exchange")


@pytest.mark.parametrize("name", NAMES)
def test_lint_clean_and_the_same_in_examples(name: str) -> None:
    scenario = load_scenario(DATA / f"{name}.yaml")
    assert scenario.warnings == ()
    assert (EXAMPLES / f"{name}.yaml").read_text() == (DATA / f"{name}.yaml").read_text()


def usage(result: object, option: str) -> float:
    table = result.options().set_index("option")  # type: ignore[attr-defined]
    return float(table.loc[option, "usage_rate"])


def test_a_failed_strike_still_draws_the_counter_strike() -> None:
    result = simulate(load_scenario(DATA / "failed-strike.yaml"), n=2048, seed=1)
    options = result.options().set_index("option")
    assert options.loc["air_strike", "success_rate"] < 0.6
    assert usage(result, "counter_strike") == 1.0


def test_the_quarantine_keeps_its_peak_and_the_sides_disagree() -> None:
    result = simulate(load_scenario(DATA / "cuba-quarantine.yaml"), n=2048, seed=1)
    tables = result.tables()
    thresholds = tables["thresholds"].set_index("threshold")["probability"]
    assert thresholds["brink"] == 1.0  # DEFCON 2 is reached even where the ships turn back
    outcomes = tables["outcomes"].set_index("outcome")["mean"]
    assert outcomes["west_view"] > outcomes["east_view"]  # the submarine moved only the West's view
    assert 0 < usage(result, "turn_back") < 1  # Moscow's line is private and uncertain


def test_the_exchange_costs_for_the_rest_of_the_horizon() -> None:
    result = simulate(
        load_scenario(DATA / "nuclear-exchange.yaml"), strategy="deep", n=2048, seed=1
    )
    terms = result.tables()["utility_terms"]
    terminal = terms[(terms["actor"] == "nato") & (terms["kind"] == "terminal")]
    assert len(terminal) == 1 and float(terminal["mean"].iloc[0]) < 0
