"""On generated scenarios, the compiled kernel and the NumPy path give identical results."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.engine.chunk import run_chunk
from escalade.engine.kernel.player import ENV
from escalade.engine.kernel.tables import kernel_supports
from escalade.engine.runner import cell_tasks
from escalade.errors import SimulationError
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.testing.strategies import scenario_texts

pytest.importorskip("numba", reason="the compiled kernel needs the kernel extra (numba)")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_texts(max_horizon=5), st.integers(0, 2**32))
def test_kernel_equals_numpy(text: str, seed: int) -> None:
    compiled = compile_scenario(loads_scenario(text, file="generated.yaml"))
    if kernel_supports(compiled, compiled.policies()) is not None:
        return
    results = []
    with pytest.MonkeyPatch.context() as mp:
        for mode in ("numpy", "numba"):
            mp.setenv(ENV, mode)
            (task,) = cell_tasks(compiled, (None, None), n=24, seed=seed, chunk=24, keep=24)
            try:
                results.append(run_chunk(task))
            except SimulationError as error:
                results.append(str(error))
    numpy_path, kernel_path = results
    if isinstance(numpy_path, str) or isinstance(kernel_path, str):
        assert numpy_path == kernel_path
        return
    assert numpy_path.traces == kernel_path.traces
    for f in fields(numpy_path.counts):
        assert np.array_equal(
            getattr(numpy_path.counts, f.name), getattr(kernel_path.counts, f.name)
        )
    for x, y in zip(numpy_path.parts, kernel_path.parts, strict=True):
        assert np.array_equal(x, y)
