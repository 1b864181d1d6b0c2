"""The brief's flip box names a region only where the flips concentrate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from escalade.analysis.sweep import flip_box, sweep_model
from escalade.scenario import load_scenario

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


def _x(model, n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {p.name: rng.uniform(p.low, p.high, n) for p in model.uncertainties if hasattr(p, "low")}
    )


def test_flips_in_one_corner_give_a_box_and_noise_gives_none() -> None:
    model = sweep_model(load_scenario(ZOO), ["graduated", "decisive"], ["cautious"], 2)
    rng = np.random.default_rng(3)
    x = _x(model, 400, rng)
    name = x.columns[0]
    corner = (x[name] > x[name].quantile(0.6)).to_numpy()
    box = flip_box(x, corner, model)
    assert not box.empty and name in set(box["parameter"])
    assert float(box["density"].iloc[0]) > 0.9
    # Flips nearly everywhere, slightly rarer in one tenth of a range (as 2 trajectories a draw
    # give): PRIM's best box is the whole sweep minus that tenth, barely denser than the
    # sweep (70% against 65%), which is no region where the flips concentrate.
    inside = (x[name] < x[name].quantile(0.9)).to_numpy()
    weak = rng.random(400) < np.where(inside, 0.7, 0.05)
    assert flip_box(x, weak, model).empty


def test_a_restriction_that_keeps_out_no_draw_of_the_box_is_not_named() -> None:
    """Flips depend on the second uncertainty alone; in this sample no flip has the first in
    the top tenth of its range, so PRIM cuts it first, a cut the later ones make idle."""
    model = sweep_model(load_scenario(ZOO), ["graduated", "decisive"], ["cautious"], 2)
    first = next(p for p in model.uncertainties if hasattr(p, "low"))
    x = _x(model, 400, np.random.default_rng(0))
    z, a = x.columns[0], x.columns[1]
    corner = (x[a] > x[a].quantile(0.6)).to_numpy()
    x.loc[corner, z] = first.low + (x.loc[corner, z] - first.low) * 0.9
    box = flip_box(x, corner, model)
    assert list(box["parameter"]) == [a]
    assert float(box["density"].iloc[0]) > 0.9


def test_one_or_two_flipped_draws_locate_no_region() -> None:
    """Yom Kippur 1973: with --sweep 20 one flipped draw gave a box ("that box holds 100% of
    them and 100% of the draws inside it flip the choice") drawn around that single draw."""
    model = sweep_model(load_scenario(ZOO), ["graduated", "decisive"], ["cautious"], 2)
    x = _x(model, 20, np.random.default_rng(5))
    name = x.columns[0]
    for count in (1, 2):
        flipped = np.zeros(20, dtype=bool)
        flipped[np.argsort(x[name].to_numpy())[-count:]] = True  # the highest values
        assert flip_box(x, flipped, model).empty
    flipped = (x[name] >= x[name].quantile(0.7)).to_numpy()  # six draws in one corner
    assert not flip_box(x, flipped, model).empty
