"""Sensitivity wrappers: guards on designs, policies and incomplete sweeps."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import UsageError
from escalade.explore.designs import sample
from escalade.explore.examples import toy_crisis_model
from escalade.explore.experiments import run_experiments
from escalade.explore.model import FunctionModel
from escalade.explore.parameters import RealParameter
from escalade.explore.sensitivity import morris_indices, sobol_indices

X = (RealParameter("a", 0, 1), RealParameter("b", 0, 1))


def linear(params, rng, n):
    return {"y": 3 * params["a"] + params["b"], "flat": np.ones(n)}


MODEL = FunctionModel(linear, X, ["y", "flat"])


def test_linear_model_indices_and_constant_outcome():
    design = sample(X, design="sobol", n=1024, seed=1, sensitivity=True)
    res = run_experiments(MODEL, design, seed=1)
    si = sobol_indices(res, design)
    y = si.indices[si.indices["outcome"] == "y"].set_index("parameter")
    assert y.loc["a", "S1"] == pytest.approx(0.9, abs=0.03)
    assert y.loc["b", "ST"] == pytest.approx(0.1, abs=0.03)
    flat = si.indices[si.indices["outcome"] == "flat"]
    assert (flat[["S1", "ST"]] == 0).all().all()
    assert len(si.second_order) == 2  # one pair per outcome
    again = sobol_indices(res, design)
    assert si.indices.equals(again.indices)  # seeded bootstrap


def test_wrong_design_is_refused():
    lhs = sample(X, design="lhs", n=16, seed=1)
    res = run_experiments(MODEL, lhs, seed=1)
    with pytest.raises(UsageError, match=r"cannot be analysed with 'sobol'.*sensitivity=True"):
        sobol_indices(res, lhs)
    with pytest.raises(UsageError, match="cannot be analysed with 'morris'"):
        morris_indices(res, lhs)


def test_policy_choice_and_unknown_outcome():
    model = toy_crisis_model()
    design = sample(model.uncertainties, design="morris", n=10, seed=1)
    res = run_experiments(model, design, seed=1, replications=2)
    with pytest.raises(UsageError, match="holds 3 policies"):
        morris_indices(res, design)
    table = morris_indices(res, design, policy="stance=strike", outcomes=["gain"])
    assert list(table["parameter"]) == ["resolve", "p_accident"]
    assert set(table["outcome"]) == {"gain"}
    with pytest.raises(UsageError, match="found 'nope'"):
        morris_indices(res, design, policy="nope")
    with pytest.raises(UsageError, match="outcome: expected one of war, gain"):
        morris_indices(res, design, policy="stance=hold", outcomes=["loss"])


def test_incomplete_sweep_is_refused():
    design = sample(X, design="sobol", n=1024, seed=1, sensitivity=True)
    res = run_experiments(MODEL, design, seed=1, chunk_size=1024, skip={0})
    with pytest.raises(UsageError, match="finish the sweep"):
        sobol_indices(res, design)
