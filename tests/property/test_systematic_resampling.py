"""Systematic resampling (Kitagawa 1996) keeps every particle within one copy of its share."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from escalade.engine.particles import systematic

weights = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60).filter(lambda w: sum(w) > 1e-9)


@settings(max_examples=200, deadline=None)
@given(weights, st.floats(0.0, 1.0, exclude_max=True))
def test_copies_are_floor_or_ceil_of_the_expected_number(w: list[float], u: float) -> None:
    p = np.asarray(w) / np.sum(w)
    index = systematic(p, u)
    m = len(p)
    assert index.shape == (m,) and index.dtype == np.int64
    assert np.all(np.diff(index) >= 0) and index.min() >= 0 and index.max() < m
    copies = np.bincount(index, minlength=m)
    expected = m * p
    assert np.all(copies >= np.floor(expected - 1e-9)) and np.all(
        copies <= np.ceil(expected + 1e-9)
    )
    assert np.all(copies[p == 0] == 0)


def test_unbiased_over_the_uniform() -> None:
    p = np.array([0.05, 0.5, 0.2, 0.25])
    grid = (np.arange(1000) + 0.5) / 1000
    mean = np.mean([np.bincount(systematic(p, u), minlength=4) for u in grid], axis=0)
    assert np.allclose(mean, 4 * p, atol=1e-9)
