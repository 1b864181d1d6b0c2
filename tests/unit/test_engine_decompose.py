"""The utility decomposition: each actor's parts add up to its utility."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalade.engine import simulate
from escalade.engine.decompose import part_count, part_labels, part_offsets
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

DATA = Path(__file__).parents[1] / "data" / "scenarios"


@pytest.mark.parametrize(
    ("scenario", "strategy", "mindset", "nonzero"),
    [
        ("kursk-mini", "graduated", "opportunist", 1),
        ("dprk-troops-2024", "decisive", "dominance", 20),
    ],
)
def test_parts_add_up_to_each_actors_utility(
    scenario: str, strategy: str, mindset: str, nonzero: int
) -> None:
    result = simulate(scenario, strategy=strategy, mindset=mindset, n=300, seed=3)
    terms = result.utility_terms()
    utilities = result.utilities().set_index("actor")["mean"]
    summed = terms.groupby("actor", sort=False)["mean"].sum()
    assert set(summed.index) == set(utilities.index)
    scale = max(1.0, float(np.abs(utilities).max()))
    np.testing.assert_allclose(summed.loc[utilities.index], utilities, atol=1e-9 * scale)
    # Not all parts are zero: the decomposition carries information.
    assert (terms["mean"].abs() > 0).sum() >= nonzero


def test_labels_follow_the_offsets() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    labels, offsets = part_labels(compiled), part_offsets(compiled)
    assert len(labels) == part_count(compiled) == offsets[-1]
    usa = labels[offsets[0] : offsets[1]]
    assert [lab["kind"] for lab in usa] == ["per_round", "per_round", "costs", "threshold"]
    assert [lab["term"] for lab in usa][:2] == ["ukraine_position", "rung of ukraine"]
    assert {lab["actor"] for lab in usa} == {"usa"}


def test_option_costs_are_negative_and_thresholds_once() -> None:
    result = simulate("kursk-mini", strategy="graduated", mindset="opportunist", n=400, seed=1)
    terms = result.utility_terms().set_index(["actor", "term"])
    assert terms.loc[("usa", "option costs"), "mean"] <= 0
    # The nuclear-use threshold is worth -100 once; its mean lies in [-100, 0].
    value = terms.loc[("usa", "ukraine.no_nuclear_use"), "mean"]
    assert -100.0 <= value <= 0.0


def test_a_variable_weighted_per_round_and_at_the_end_is_two_named_terms() -> None:
    """india weighs deterrence per round and in ``final``: two terms, two names (brief bars)."""
    scenario = load_scenario(DATA / "india-pakistan-2019.yaml")
    labels = part_labels(compile_scenario(scenario))
    names = [lab["term"] for lab in labels if lab["actor"] == "india"]
    assert "deterrence" in names and "deterrence (final)" in names
    assert len(names) == len(set(names))
