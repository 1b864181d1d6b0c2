"""On generated scenarios with random side weights, every side's utility is the weighted sum.

With literal weights the side's mean is sum(weight x actor mean), to rounding; with weights drawn
per trajectory (``$u0 * 3``) it is not, but in both cases the weighted utility terms of its actors
add up to it (what `explain` splits).
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.engine import simulate
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.testing.strategies import scenario_data


@st.composite
def weighted(draw: st.DrawFn) -> tuple[str, dict[str, float | str]]:
    data = scenario_data(max_horizon=3)
    scenario = draw(data)
    weights: dict[str, float | str] = {}
    for side in scenario["sides"]:
        own = [a["id"] for a in scenario["actors"] if a["side"] == side["id"]]
        chosen = draw(st.lists(st.sampled_from(own), unique=True)) if own else []
        side["weights"] = {
            a: draw(st.sampled_from([0.0, 0.25, 2.0, 3.5, "$u0 * 3"])) for a in chosen
        }
        weights.update(side["weights"])
    return yaml.safe_dump(scenario, sort_keys=False), weights


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weighted(), st.integers(0, 2**32))
def test_sides_are_weighted_sums(case: tuple[str, dict[str, float | str]], seed: int) -> None:
    text, weights = case
    compiled = compile_scenario(loads_scenario(text, file="generated.yaml"))
    result = simulate(compiled, n=8, seed=seed, keep_traces=0)
    actors = result.utilities().set_index("actor")
    sides = result.sides().set_index("side")["mean"]
    terms = result.utility_terms()
    for side in compiled.sides:
        mine = actors[actors["side"] == side]
        given = [weights.get(str(a), 1.0) for a in mine.index]
        scale = 1.0 + sum(abs(float(m)) for m in mine["mean"]) * 4
        if all(isinstance(w, float) for w in given):
            expected = sum(float(w) * float(m) for w, m in zip(given, mine["mean"], strict=True))
            assert abs(float(sides[side]) - expected) <= 1e-9 * scale
        weighted_terms = terms[terms["side"] == side]["weighted_mean"].sum()
        assert abs(float(sides[side]) - weighted_terms) <= 1e-9 * scale
