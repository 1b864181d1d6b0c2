"""The scenario batch model: levers, outcomes, and the same numbers on every executor."""

from __future__ import annotations

import pandas as pd
import pytest

from escalade.engine.executors import ProcessExecutor
from escalade.errors import UsageError
from escalade.explore.designs import sample
from escalade.explore.experiments import run_experiments
from escalade.explore.parameters import RealParameter
from escalade.explore.scenario import DEFAULT_LEVER, ScenarioModel
from escalade.scenario import load_scenario, loads_scenario


@pytest.fixture(scope="module")
def model() -> ScenarioModel:
    return ScenarioModel(
        load_scenario("dprk-troops-2024"), trajectories=4, mindsets=("dominance", "mirror")
    )


def test_shape_of_the_model(model: ScenarioModel) -> None:
    assert [lever.name for lever in model.levers] == ["strategy", "mindset"]
    assert len(model.uncertainties) == len(model.scenario.spec.uncertainties) == 29
    names = {o.name for o in model.outcomes}
    assert {"ukraine_position", "utility_west", "p_ukraine.no_nuclear_use"} <= names


def test_same_numbers_in_process_and_on_a_pool(model: ScenarioModel) -> None:
    design = sample(model.uncertainties, design="lhs", n=24, seed=3)
    local = run_experiments(model, design, seed=9, chunk_size=64)
    with ProcessExecutor(2) as pool:
        remote = run_experiments(model, design, seed=9, chunk_size=64, executor=pool)
    pd.testing.assert_frame_equal(local.outcomes, remote.outcomes)
    assert len(local.outcomes) == 24 * len(model.strategies) * 2


def test_vary_and_errors() -> None:
    scenario = load_scenario("kursk-mini")
    varied = ScenarioModel(scenario, vary=(RealParameter("strike_effect", 0.0, 2.0),))
    assert varied.uncertainties[0].bounds == (0.0, 2.0)
    with pytest.raises(UsageError, match="expected an uncertainty of kursk-mini"):
        ScenarioModel(scenario, vary=(RealParameter("nope", 0.0, 1.0),))
    with pytest.raises(UsageError, match="trajectories: expected 1 to 100,000"):
        ScenarioModel(scenario, trajectories=0)
    with pytest.raises(UsageError, match="strategies: expected ids among"):
        ScenarioModel(scenario, strategies=("nope",))


def test_scenario_without_strategies_or_mindsets_runs_on_a_pool() -> None:
    """Issue 18: the 'default' lever failed validation when the model was rebuilt in a worker."""
    text = load_scenario("kursk-mini").text
    bare = loads_scenario(text[: text.index("strategies:")] + text[text.index("outcomes:") :])
    assert not bare.strategies and not bare.mindsets
    plain = ScenarioModel(bare, trajectories=4)
    assert plain.strategies == plain.mindsets == (DEFAULT_LEVER,)
    design = sample(plain.uncertainties, design="lhs", n=6, seed=3)
    local = run_experiments(plain, design, seed=9, chunk_size=4)
    with ProcessExecutor(2) as pool:
        remote = run_experiments(plain, design, seed=9, chunk_size=4, executor=pool)
    pd.testing.assert_frame_equal(local.outcomes, remote.outcomes)
    with pytest.raises(UsageError, match="mindsets: expected ids among none"):
        ScenarioModel(bare, mindsets=("cautious",))
