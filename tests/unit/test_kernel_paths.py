"""Sweeps, per-trajectory samples and replay filters play in the kernel, with the same numbers.

``ESCALADE_KERNEL=numba`` reaches every engine path that plays a cell's own
rounds: the chunks of ``simulate``/``run`` (tests/unit/test_kernel_differential.py),
the rows of an ``explore`` sweep and of its samples (states that keep no
utility decomposition), and the particle filters of ``replay`` (states
resampled between rounds). Each must give the NumPy path's numbers, bit for bit,
and must really have played rounds in the kernel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalade.analysis.replay import replay
from escalade.engine.batch import row_columns, simulate_rows
from escalade.engine.executors import SequentialExecutor
from escalade.engine.kernel.player import ENV, KernelPlayer
from escalade.engine.samples import cell_samples
from escalade.evidence.observed import load_observed
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

pytest.importorskip("numba", reason="the compiled kernel needs the kernel extra (numba)")

DATA = Path(__file__).resolve().parents[1] / "data" / "observed"


@pytest.fixture
def kernel_rounds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rounds the kernel played (one item per round)."""
    played: list[int] = []
    original = KernelPlayer._kernel

    def counted(self: KernelPlayer, *args: object, **kwargs: object) -> int:
        played.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KernelPlayer, "_kernel", counted)
    return played


def test_sweep_rows(monkeypatch: pytest.MonkeyPatch, kernel_rounds: list[int]) -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    specs = compiled.policies(compiled.strategy("graduated"), compiled.mindset("dominance"))
    rows = np.stack([compiled.nominal_uncertainties()] * 3)
    rows[:, 0] *= np.array([0.8, 1.0, 1.2])
    for common in (False, True):
        got = {}
        for mode in ("numpy", "numba"):
            monkeypatch.setenv(ENV, mode)
            got[mode] = simulate_rows(compiled, specs, rows, trajectories=64, seed=5, common=common)
        for name in row_columns(compiled):
            assert np.array_equal(got["numpy"][name], got["numba"][name], equal_nan=True), name
    assert kernel_rounds


def test_cell_samples(monkeypatch: pytest.MonkeyPatch, kernel_rounds: list[int]) -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    cells = [("graduated", "dominance"), ("decisive", "mirror")]
    got = {}
    for mode in ("numpy", "numba"):
        monkeypatch.setenv(ENV, mode)
        got[mode] = cell_samples(
            compiled, cells, n=300, seed=2, chunk_size=1024, executor=SequentialExecutor()
        )
    for cell in cells:
        assert np.array_equal(got["numpy"][cell], got["numba"][cell]), cell
    assert kernel_rounds


def test_replay_filters(monkeypatch: pytest.MonkeyPatch, kernel_rounds: list[int]) -> None:
    compiled = compile_scenario(load_scenario(DATA / "coin.yaml"))
    record = load_observed(DATA / "coin.observed.yaml")
    got = {}
    for mode in ("numpy", "numba"):
        monkeypatch.setenv(ENV, mode)
        got[mode] = replay(compiled, record, particles=512, seed=11, replicates=4)
    assert np.array_equal(got["numpy"].log_z, got["numba"].log_z)
    assert got["numpy"].to_dict() == got["numba"].to_dict()
    assert kernel_rounds
