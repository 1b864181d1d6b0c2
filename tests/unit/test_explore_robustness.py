"""Robustness from a sweep: payoff tables, joint satisficing, input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.errors import UsageError
from escalade.explore.designs import sample
from escalade.explore.examples import toy_crisis_model
from escalade.explore.experiments import run_experiments
from escalade.explore.robustness import payoff_table, regret, robustness_table, satisficing_joint


@pytest.fixture(scope="module")
def result():
    model = toy_crisis_model()
    design = sample(model.uncertainties, design="lhs", n=200, seed=4)
    return run_experiments(model, design, seed=8, replications=5)


def test_payoff_table_averages_replications(result):
    table = payoff_table(result, "gain")
    assert table.shape == (200, 3)
    assert list(table.columns) == ["stance=hold", "stance=graduated", "stance=strike"]
    rows = (result.experiments["scenario"] == 7) & (result.experiments["policy"] == "stance=hold")
    assert table.loc[7, "stance=hold"] == pytest.approx(result.outcomes.loc[rows, "gain"].mean())
    worst = payoff_table(result, "gain", aggregate="min")
    assert (worst <= table + 1e-12).all().all()


def test_war_risk_grows_with_stance(result):
    summary = robustness_table(payoff_table(result, "war"), direction="minimize", threshold=0.2)
    means = summary.set_index("strategy")["mean"]
    assert means["stance=hold"] < means["stance=graduated"] < means["stance=strike"]
    assert summary.set_index("strategy").loc["stance=hold", "minimax_regret"]


def test_joint_satisficing(result):
    joint = satisficing_joint(result, {"war": ("<=", 0.0), "gain": (">=", 0.0)})
    assert list(joint["strategy"]) == ["stance=hold", "stance=graduated", "stance=strike"]
    assert (joint["n"] == 1000).all()
    out = result.outcomes
    mask = (out["war"] <= 0) & (out["gain"] >= 0) & (result.experiments["policy"] == "stance=hold")
    assert joint["satisficing"].iloc[0] == pytest.approx(mask.sum() / 1000)


def test_errors(result):
    with pytest.raises(UsageError, match="outcome: expected one of war, gain, found 'x'"):
        payoff_table(result, "x")
    with pytest.raises(UsageError, match="aggregate"):
        payoff_table(result, "war", aggregate="sum")
    with pytest.raises(UsageError, match="expected finite values, found nan at experiment 1"):
        regret(pd.DataFrame({"a": [1.0, np.nan]}), direction="maximize")
    with pytest.raises(UsageError, match="at least one experiment"):
        regret(pd.DataFrame(), direction="maximize")
    with pytest.raises(UsageError, match="expected '>=' or '<='"):
        satisficing_joint(result, {"war": ("<", 0.0)})
    with pytest.raises(UsageError, match="found 'nope'"):
        satisficing_joint(result, {"nope": (">=", 0.0)})
