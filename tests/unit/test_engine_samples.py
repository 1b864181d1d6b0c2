"""Per-trajectory utilities for the meta-game are run_grid's trajectories, unsummarised."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.engine import run_grid
from escalade.engine.executors import SequentialExecutor
from escalade.engine.samples import cell_samples
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario


def test_samples_match_run_grid() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    cells = [("graduated", None), ("deescalate", None)]
    samples = cell_samples(compiled, cells, n=1500, seed=5, chunk_size=1024)
    summed = run_grid(compiled, cells, n=1500, seed=5, chunk_size=700)
    for cell in cells:
        assert samples[cell].shape == (1500, len(compiled.sides))
        actors = summed[cell].utilities()  # each actor's mean utility
        by_side = actors.groupby("side")["mean"].sum()
        means = samples[cell].mean(axis=0)
        for k, side in enumerate(compiled.sides):
            assert means[k] == pytest.approx(by_side.get(side, 0.0), rel=1e-12, abs=1e-9)
    # chunking and executor do not change a trajectory's numbers
    with SequentialExecutor() as ex:
        again = cell_samples(compiled, cells, n=1500, seed=5, chunk_size=4096, executor=ex)
    assert all(np.array_equal(samples[c], again[c]) for c in cells)
