"""Values a user fixes an uncertainty to are checked against its support."""

from __future__ import annotations

import pytest

from escalade.errors import UsageError
from escalade.scenario import load_scenario
from escalade.scenario.distributions import value_problem
from escalade.scenario.schema import ChoiceSpec, UniformSpec
from escalade.web.registry import with_overrides

SOURCE = {"ref": "r", "note": "judgement"}


def test_choice_values_only() -> None:
    u = ChoiceSpec.model_validate(
        {"id": "redline", "dist": "choice", "values": [13, 14, 16], "source": SOURCE}
    )
    assert value_problem(u, 14) is None
    problem = value_problem(u, 15)
    assert problem is not None
    assert "redline" in problem and "[13, 14, 16]" in problem and "found 15" in problem


def test_range_of_continuous() -> None:
    u = UniformSpec.model_validate(
        {"id": "strike_success", "dist": "uniform", "low": 0.1, "high": 0.6, "source": SOURCE}
    )
    assert value_problem(u, 0.1) is None and value_problem(u, 0.6) is None
    problem = value_problem(u, 1.5)
    assert problem is not None
    assert "strike_success" in problem and "[0.1, 0.6]" in problem and "found 1.5" in problem


def test_with_overrides_refuses_a_choice_value_not_listed() -> None:
    scenario = load_scenario("dprk-troops-2024")
    with pytest.raises(UsageError, match=r"deployment_size.*\[2000, 5000, 10000\].*found 3000"):
        with_overrides(scenario, {"deployment_size": 3000})
    fixed = with_overrides(scenario, {"deployment_size": 5000})
    (u,) = [u for u in fixed.spec.uncertainties if u.id == "deployment_size"]
    assert u.values == [5000]
