"""Designs: sizes, bounds, determinism, categorical and integer handling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.errors import UsageError
from escalade.explore.designs import design_from_frame, sample
from escalade.explore.parameters import CategoricalParameter, IntegerParameter, RealParameter

PARAMS = (
    RealParameter("x", -1.0, 3.0),
    IntegerParameter("k", 0, 4),
    CategoricalParameter("c", ("a", "b", "c")),
)


@pytest.mark.parametrize(
    ("design", "n", "opts", "rows"),
    [
        ("lhs", 50, {}, 50),
        ("sobol", 64, {}, 64),
        ("sobol", 16, {"sensitivity": True}, 16 * (2 * 3 + 2)),
        ("sobol", 16, {"sensitivity": True, "second_order": False}, 16 * (3 + 2)),
        ("morris", 10, {}, 10 * 4),
        ("factorial", None, {"levels": 4}, 4 * 4 * 3),
    ],
)
def test_sizes_and_bounds(design, n, opts, rows):
    d = sample(PARAMS, design=design, n=n, seed=7, **opts)
    assert d.experiments.shape == (rows, 3)
    assert d.samples.shape == (rows, 3)
    x = d.experiments["x"]
    assert x.min() >= -1.0 and x.max() <= 3.0
    assert set(d.experiments["k"]) <= {0, 1, 2, 3, 4}
    assert isinstance(d.experiments["c"].dtype, pd.CategoricalDtype)
    assert set(d.experiments["c"]) <= {"a", "b", "c"}
    assert d.problem == {
        "num_vars": 3,
        "names": ["x", "k", "c"],
        "bounds": [[-1.0, 3.0], [0.0, 5.0], [0.0, 3.0]],
    }


def test_lhs_is_stratified_and_deterministic():
    d1 = sample([RealParameter("x", 0, 1)], design="lhs", n=100, seed=3)
    d2 = sample([RealParameter("x", 0, 1)], design="lhs", n=100, seed=3)
    d3 = sample([RealParameter("x", 0, 1)], design="lhs", n=100, seed=4)
    pd.testing.assert_frame_equal(d1.experiments, d2.experiments)
    assert not d1.experiments.equals(d3.experiments)
    cells = np.floor(d1.experiments["x"].to_numpy() * 100).astype(int)
    assert sorted(cells) == list(range(100))


def test_factorial_covers_every_combination():
    d = sample(PARAMS, design="factorial", seed=0, levels=3)
    assert sorted(set(d.experiments["x"])) == [-1.0, 1.0, 3.0]
    assert sorted(set(d.experiments["k"])) == [0, 2, 4]
    assert len(d.experiments.drop_duplicates()) == 27


def test_factorial_integer_with_few_values_uses_all():
    d = sample([IntegerParameter("k", 1, 2)], design="factorial", seed=0, levels=5)
    assert d.experiments["k"].tolist() == [1, 2]


def test_morris_levels_land_on_grid():
    d = sample([RealParameter("x", 0, 3)], design="morris", n=20, seed=1, num_levels=4)
    assert set(np.round(d.experiments["x"], 9)) <= {0.0, 1.0, 2.0, 3.0}
    assert d.analysable_by == {"morris"}


def test_analysable_by():
    assert sample(PARAMS, design="lhs", n=4, seed=1).analysable_by == frozenset()
    assert sample(PARAMS, design="sobol", n=4, seed=1, sensitivity=True).analysable_by == {"sobol"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"design": "grid", "n": 4}, "design: expected one of lhs, sobol, morris, factorial"),
        ({"design": "lhs", "n": 0}, "n: expected a positive integer"),
        ({"design": "lhs", "n": None}, "n: expected a positive integer"),
        ({"design": "lhs", "n": 4, "levels": 3}, "unknown option"),
        ({"design": "factorial", "levels": 1}, "levels: expected an integer >= 2"),
        ({"design": "morris", "n": 4, "num_levels": 3}, "num_levels: expected an even"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(UsageError, match=message):
        sample(PARAMS, seed=1, **kwargs)


def test_no_parameters_and_duplicate_names():
    with pytest.raises(UsageError, match="at least one uncertainty"):
        sample([], design="lhs", n=3, seed=1)
    with pytest.raises(UsageError, match="used twice"):
        sample([RealParameter("x", 0, 1)] * 2, design="lhs", n=3, seed=1)


def test_factorial_size_limit():
    many = [RealParameter(f"x{i}", 0, 1) for i in range(20)]
    with pytest.raises(UsageError, match="exceed the limit"):
        sample(many, design="factorial", seed=1, levels=3)


def test_design_from_frame_round_trip():
    frame = pd.DataFrame({"x": [0.0, 2.0], "k": [1, 4], "c": ["b", "a"], "extra": [1, 2]})
    d = design_from_frame(PARAMS, frame)
    assert list(d.experiments.columns) == ["x", "k", "c"]
    assert d.experiments["c"].tolist() == ["b", "a"]
    with pytest.raises(UsageError, match="missing column"):
        design_from_frame(PARAMS, frame.drop(columns="k"))
    with pytest.raises(UsageError, match="unknown categories"):
        design_from_frame(PARAMS, frame.assign(c=["z", "a"]))
