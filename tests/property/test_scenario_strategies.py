"""The shipped Hypothesis strategy generates valid scenarios that compile and round-trip."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.scenario.dump import dump_scenario
from escalade.testing.strategies import scenario_texts


@settings(max_examples=80, deadline=None)
@given(scenario_texts())
def test_generated_scenarios_are_valid(text: str) -> None:
    scenario = loads_scenario(text, file="generated.yaml")
    compiled = compile_scenario(scenario)
    assert compiled.horizon == scenario.spec.calendar.horizon
    assert all(0 <= o.actor < len(compiled.actors) for o in compiled.options)
    draws = compiled.draw_uncertainties(np.full((3, len(compiled.uncertainties)), 0.5))
    assert np.all(np.isfinite(draws))
    assert loads_scenario(dump_scenario(scenario)).content_hash == scenario.content_hash
