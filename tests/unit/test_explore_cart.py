"""CART boxes: leaves as boxes with coverage and density."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.errors import UsageError
from escalade.explore.cart import cart_boxes

pytest.importorskip("sklearn")


def test_planted_box_is_a_pure_leaf():
    rng = np.random.default_rng(2)
    n = 2000
    x = pd.DataFrame(
        {
            "x1": rng.random(n),
            "x2": rng.random(n),
            "c": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        }
    )
    y = ((x["x1"] >= 0.2) & (x["x1"] <= 0.5) & (x["x2"] >= 0.6) & (x["c"] != "c")).to_numpy()
    boxes = cart_boxes(x, y, mass_min=0.02)
    top = boxes[0]
    assert top.density == 1.0
    assert top.coverage > 0.9
    np.testing.assert_allclose(top.limits["x1"], [0.2, 0.5], atol=0.02)
    assert top.limits["x2"][0] == pytest.approx(0.6, abs=0.02)
    assert set(top.limits["c"]) == {"a", "b"}
    assert sum(b.n for b in boxes) == n
    assert sum(b.k for b in boxes) == int(y.sum())
    assert set(top.to_dict()) == {"limits", "coverage", "density", "mass"}


def test_errors():
    x = pd.DataFrame({"a": [0.1, 0.2]})
    with pytest.raises(UsageError, match="binary"):
        cart_boxes(x, [0, 3])
    with pytest.raises(UsageError, match="mass_min"):
        cart_boxes(x, [0, 1], mass_min=2)
