"""Sobol' indices of the Ishigami function (a = 7, b = 0.1).

Closed form: Ishigami & Homma (1990); values as tabulated in Saltelli et al.
(2008), *Global Sensitivity Analysis: The Primer*, and SALib's
``test_functions/Ishigami.py``: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424,
0.2437. The analytic S13 = ST1 - S1 = 0.2437 is the only non-zero S2.
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.explore.designs import sample
from escalade.explore.examples import ISHIGAMI_S1, ISHIGAMI_ST, ishigami_model
from escalade.explore.experiments import run_experiments
from escalade.explore.sensitivity import morris_indices, sobol_indices


@pytest.fixture(scope="module")
def sobol():
    model = ishigami_model()
    design = sample(model.uncertainties, design="sobol", n=2**13, seed=2024, sensitivity=True)
    result = run_experiments(model, design, seed=1)
    return sobol_indices(result, design, seed=5)


def test_first_and_total_order_within_confidence_intervals(sobol):
    table = sobol.indices.set_index("parameter")
    for j, name in enumerate(["x1", "x2", "x3"]):
        row = table.loc[name]
        assert abs(row["S1"] - ISHIGAMI_S1[j]) <= row["S1_conf"], (name, row.to_dict())
        assert abs(row["ST"] - ISHIGAMI_ST[j]) <= row["ST_conf"], (name, row.to_dict())
        assert row["S1_conf"] < 0.05 and row["ST_conf"] < 0.05


def test_second_order_only_x1_x3(sobol):
    s2 = sobol.second_order.set_index(["parameter_1", "parameter_2"])
    assert abs(s2.loc[("x1", "x3"), "S2"] - 0.2437) <= 2 * s2.loc[("x1", "x3"), "S2_conf"]
    assert abs(s2.loc[("x1", "x2"), "S2"]) <= 2 * s2.loc[("x1", "x2"), "S2_conf"]


def test_json_shape(sobol):
    js = sobol.to_json()
    assert set(js) == {"y"}
    assert set(js["y"]) == {"x1", "x2", "x3"}
    assert set(js["y"]["x1"]) == {"S1", "S1_conf", "ST", "ST_conf"}
    assert js["y"]["x2"]["S1"] == pytest.approx(ISHIGAMI_S1[1], abs=0.05)


def test_morris_ranks_x1_first_and_x3_interacting():
    model = ishigami_model()
    design = sample(model.uncertainties, design="morris", n=200, seed=3, num_levels=4)
    result = run_experiments(model, design, seed=1)
    table = morris_indices(result, design, seed=1).set_index("parameter")
    # x3 acts only through the interaction with x1: mu near 0, sigma large
    assert abs(table.loc["x3", "mu"]) < table.loc["x3", "sigma"]
    assert table.loc["x1", "mu_star"] > table.loc["x3", "mu_star"] > 0
    assert np.all(table["mu_star_conf"] > 0)
