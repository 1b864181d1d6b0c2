"""PRIM finds a planted box, and agrees step by step with EMA Workbench's PRIM.

Data: four uniform inputs; y = 1 inside x1 in [0.2, 0.5], x2 in [0.6, 0.9],
labels flipped with probability 0.05 (escalade.explore.examples.planted_box).
The EMA cross-check runs only where ``ema_workbench`` is importable (a
test-only dependency).
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

from escalade.explore.designs import sample
from escalade.explore.examples import planted_box_model
from escalade.explore.experiments import run_experiments
from escalade.explore.prim import Prim


@pytest.fixture(scope="module")
def data():
    model = planted_box_model()
    design = sample(model.uncertainties, design="lhs", n=3000, seed=3)
    result = run_experiments(model, design, seed=4)
    x = result.experiments[[p.name for p in model.uncertainties]].reset_index(drop=True)
    return x, result.outcomes["y"].to_numpy().astype(int)


def test_finds_the_planted_box(data):
    x, y = data
    prim = Prim(x, y, threshold=0.8)
    box = prim.find_box()
    assert box is not None
    # choose the last step that still restricts only the two true dimensions
    traj = box.trajectory
    two = traj.index[traj["res_dim"] == 2]
    box.select(int(two[-1]))
    limits = box.limits()
    assert set(limits) == {"x1", "x2"}
    np.testing.assert_allclose(limits["x1"], [0.2, 0.5], atol=0.05)
    np.testing.assert_allclose(limits["x2"], [0.6, 0.9], atol=0.05)
    assert box.density > 0.9
    stats, table = box.inspect()
    assert (table[["qp_lower", "qp_upper"]] < 1e-6).all().all()
    assert stats["density"] == box.density
    # the final box may restrict noise dimensions, but never significantly
    _, final = box.inspect(len(traj) - 1)
    noise = final.loc[final.index.isin(["x3", "x4"])]
    assert (noise[["qp_lower", "qp_upper"]].fillna(1) > 0.05).all().all()


def _ema_prim():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return importlib.import_module("ema_workbench.analysis.prim")
        except ImportError:
            pytest.skip("ema_workbench is not installed")


def _run_ema(x, y, **kwargs):
    ema_prim = _ema_prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prim = ema_prim.Prim(x, y, threshold=kwargs.pop("threshold"), **kwargs)
        first = prim.find_box()
        second = prim.find_box()
    return first, second


COLUMNS = ["coverage", "density", "mass", "res_dim", "n", "k"]


def test_same_trajectory_as_ema_workbench(data):
    x, y = data
    ema_box, _ = _run_ema(x, y, threshold=0.8)
    box = Prim(x, y, threshold=0.8).find_box()
    ours = box.trajectory[COLUMNS].to_numpy(dtype=float)
    theirs = ema_box.peeling_trajectory[COLUMNS].to_numpy(dtype=float)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for name, (lo, hi) in box.limits(restricted_only=False).items():
        assert (lo, hi) == tuple(ema_box.box_lim[name]), name


def test_same_boxes_and_quasi_p_as_ema_with_categories():
    rng = np.random.default_rng(5)
    n = 1500
    x = pd.DataFrame(
        {
            "a": rng.random(n),
            "b": rng.random(n),
            "k": rng.integers(0, 10, n).astype(float),
            "c": pd.Categorical(rng.choice(["p", "q", "r", "s"], n)),
        }
    )
    inside = (x["a"] > 0.4) & (x["k"] >= 3) & x["c"].isin(["p", "q"])
    y = (inside.to_numpy() ^ (rng.random(n) < 0.05)).astype(int)
    ema_first, ema_second = _run_ema(x, y, threshold=0.6)
    prim = Prim(x, y, threshold=0.6)
    boxes = prim.find_boxes(2)
    assert len(boxes) == 2
    for ours, theirs in zip(boxes, (ema_first, ema_second), strict=True):
        np.testing.assert_allclose(
            ours.trajectory[COLUMNS].to_numpy(dtype=float),
            theirs.peeling_trajectory[COLUMNS].to_numpy(dtype=float),
            atol=1e-12,
        )
        limits = ours.limits(restricted_only=False)
        assert set(limits["c"]) == set(theirs.box_lim.loc[0, "c"])
        for name in ("a", "b", "k"):
            assert tuple(limits[name]) == tuple(theirs.box_lim[name])
    _, table = boxes[0].inspect()
    for name, (lo, hi) in ema_first.qp[-1].items():
        expected = [np.nan if v == -1 else v for v in (lo, hi)]
        np.testing.assert_allclose(table.loc[name, ["qp_lower", "qp_upper"]], expected, rtol=1e-9)
