"""PRIM: inputs, integer peels, selection rules, JSON shape, quantile rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.analysis.explore import discover
from escalade.errors import UsageError
from escalade.explore._peeling import quantile
from escalade.explore.experiments import ExploreResult
from escalade.explore.prim import Prim


@pytest.fixture(scope="module")
def mixed():
    rng = np.random.default_rng(1)
    n = 800
    x = pd.DataFrame(
        {
            "r": rng.random(n),
            "k": rng.integers(0, 6, n),
            "c": pd.Categorical(rng.choice(["u", "v", "w"], n)),
            "single": pd.Categorical(["only"] * n),
            "scenario": np.arange(n),
            "policy": "p",
        }
    )
    y = ((x["k"] <= 1) & (x["c"] != "w")).to_numpy()
    return x, y


def test_integer_and_categorical_restrictions(mixed):
    x, y = mixed
    prim = Prim(x, y, threshold=0.9, mass_min=0.05)
    box = prim.find_box()
    assert box is not None and box.density == 1.0
    limits = box.limits()
    assert limits["k"][1] <= 1.5 and limits["k"][0] == 0
    assert set(limits["c"]) == {"u", "v"}
    assert "single" not in box.limits(restricted_only=False)  # single-valued: dropped
    assert "scenario" not in box.limits(restricted_only=False)  # bookkeeping column
    _, table = box.inspect()
    assert table.loc["c", "categories"] == ("u", "v")
    assert np.isnan(table.loc["c", "qp_upper"])


def test_trajectory_is_monotone_in_mass(mixed):
    x, y = mixed
    box = Prim(x, y).find_box()
    traj = box.trajectory
    peel = traj["mass"].to_numpy()
    assert traj.loc[0, "mass"] == 1.0 and traj.loc[0, "coverage"] == 1.0
    assert np.all(np.diff(peel[: int(np.argmin(peel)) + 1]) < 0)
    assert (traj["density"] >= traj.loc[0, "density"] - 1e-12).all()


def test_select_and_freeze(mixed):
    x, y = mixed
    prim = Prim(x, y, threshold=0.5)
    box = prim.find_box()
    box.select(2)
    assert box.selected == 2 and box.mass == box.trajectory.loc[2, "mass"]
    assert len(box.indices) == box.trajectory.loc[2, "n"]
    with pytest.raises(UsageError, match=r"step: expected an index in \[0, "):
        box.select(999)
    prim.find_box()
    with pytest.raises(UsageError, match="frozen"):
        box.select(1)


def test_covering_removes_points_and_json(mixed):
    x, y = mixed
    prim = Prim(x, y, threshold=0.9)
    boxes = prim.find_boxes(5)
    assert boxes
    seen = np.concatenate([b.indices for b in boxes])
    assert len(seen) == len(set(seen.tolist()))
    js = prim.to_json()
    assert set(js) == {"boxes"} and len(js["boxes"]) == len(boxes)
    first = js["boxes"][0]
    assert {"limits", "coverage", "density", "mass", "res_dim"} <= set(first)
    assert all(isinstance(v, list) for v in first["limits"].values())


def test_no_box_when_nothing_of_interest():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    assert Prim(x, np.zeros(50)).find_box() is None
    assert Prim(x, np.zeros(50)).find_boxes() == []


def test_box_below_threshold_is_not_kept():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.random(500)})
    prim = Prim(x, rng.random(500) < 0.2, threshold=0.95)
    assert prim.find_box() is None and prim.boxes == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y": [0, 1]}, "y: expected 4 values"),
        ({"y": [0, 2, 1, 0]}, "binary outcome"),
        ({"peel_alpha": 0.6}, "peel_alpha: expected a number in"),
        ({"mass_min": 0}, "mass_min"),
        ({"threshold": 1.5}, r"threshold: expected a density in \(0, 1\]"),
        ({"objective": "greedy"}, "objective: expected lenient1"),
    ],
)
def test_input_errors(kwargs, message):
    x = pd.DataFrame({"a": [0.1, 0.2, 0.3, 0.4]})
    args = {"y": [0, 1, 1, 0]} | kwargs
    with pytest.raises(UsageError, match=message):
        Prim(x, **args)


def test_non_finite_x():
    with pytest.raises(UsageError, match="finite"):
        Prim(pd.DataFrame({"a": [0.1, np.nan]}), [0, 1])


def test_quantile_rule_skips_ties():
    data = np.array([1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0])
    # lower: midpoint between the tied low value and the next distinct value
    assert quantile(data, 0.05) == 1.5
    assert quantile(data, 0.95) == 4.5
    assert quantile(np.arange(11.0), 0.1) == 1.5  # an exact hit moves up, as in EMA
    assert quantile(np.arange(10.0), 0.1) == 0.5
    assert quantile(np.ones(4), 0.1) == 1.0


@pytest.fixture
def irrelevant():
    """``y`` depends on ``a`` alone; in this sample no case has ``z`` above 0.9, so PRIM's
    first peels cut ``z`` (as good as cutting ``a``, and ``z`` comes first), a restriction
    the later cuts of ``a`` make idle: it keeps out no point of the final box."""
    rng = np.random.default_rng(0)
    n = 1000
    a, z = rng.random(n), rng.random(n)
    z[a < 0.3] *= 0.9
    return pd.DataFrame({"z": z, "a": a}), a < 0.3


def test_pruning_drops_a_restriction_that_does_not_matter(irrelevant):
    x, y = irrelevant
    box = Prim(x, y, threshold=0.8).find_box()
    assert set(box.limits()) == {"z", "a"}  # what PRIM reported before pruning
    before = box.to_dict()
    assert box.prune() == ["z"]
    after = box.to_dict()
    assert set(after["limits"]) == {"a"}
    assert after["limits"]["a"] == before["limits"]["a"]
    assert (after["density"], after["coverage"]) == (before["density"], before["coverage"])
    assert box.trajectory["res_dim"].iloc[-1] == 1  # the drop is a step of the trajectory
    assert box.prune() == []  # a restriction whose removal lowers the density stays


def test_find_boxes_prunes_when_asked_and_discover_does(irrelevant):
    x, y = irrelevant
    assert set(Prim(x, y, threshold=0.8).find_boxes(1)[0].limits()) == {"z", "a"}
    (box,) = Prim(x, y, threshold=0.8).find_boxes(1, prune=True)
    assert set(box.limits()) == {"a"}
    experiments = x.assign(scenario=np.arange(len(x)), policy="default")
    result = ExploreResult(experiments, pd.DataFrame({"y": y.astype(float)}), {})
    rows, _, summary = discover(result, "y>0.5", ["z", "a"])
    assert list(rows["parameter"]) == ["a"]
    assert set(summary["boxes"][0]["limits"]) == {"a"}


def test_drop_restriction_adds_a_step_and_refuses_bad_names_and_frozen_boxes():
    x = pd.DataFrame({"a": np.repeat(np.arange(10.0), 10), "b": np.tile(np.arange(10.0), 10)})
    y = (x["a"] < 3).to_numpy()
    prim = Prim(x, y, threshold=0.5)
    box = prim.find_box()
    steps = len(box.trajectory)
    assert "a" in box.limits()
    box.drop_restriction("a")
    assert "a" not in box.limits() and len(box.trajectory) == steps + 1
    assert box.selected == steps and box.mass == 1.0
    with pytest.raises(UsageError, match="expected one of the inputs"):
        box.drop_restriction("nope")
    prim.find_box()
    with pytest.raises(UsageError, match="frozen"):
        box.drop_restriction("b")


def test_discover_keeps_only_boxes_denser_than_the_design():
    """Falklands trial: with the condition holding in 54% of the experiments, the third box
    PRIM's covering found had a density of 50% and was reported as a region where it
    concentrates. A box now needs half the gap between the overall share and 1."""
    rng = np.random.default_rng(3)
    points = 100
    u = rng.random((points, 2))
    x = pd.DataFrame(
        [
            {"a": u[i, 0], "b": u[i, 1], "strategy": s, "mindset": m}
            for s in ("s1", "s2", "s3", "s4", "s5")
            for m in ("m1", "m2", "m3")
            for i in range(points)
        ]
    )
    good = x["strategy"].isin(["s1", "s2", "s3"])
    y = (
        (good & x["mindset"].isin(["m2", "m3"]))
        | (good & (x["a"] < 0.35))
        | (x["strategy"].isin(["s2", "s3"]) & (rng.random(len(x)) < 0.5))
        | ((x["strategy"] == "s4") & (rng.random(len(x)) < 0.45))
    )
    experiments = x.assign(scenario=np.tile(np.arange(points), 15), policy="default")
    result = ExploreResult(experiments, pd.DataFrame({"y": y.astype(float)}), {})
    rows, _, summary = discover(result, "y>0.5", ["a", "b"])
    share = summary["share_of_interest"]
    assert 0.55 < share < 0.65
    assert summary["boxes"], "the region s1-s3 x m2-m3 is a box"
    for box in summary["boxes"]:
        assert box["density"] >= share + 0.5 * (1 - share), (box, share)
    assert set(rows["box"]) == set(range(len(summary["boxes"])))
