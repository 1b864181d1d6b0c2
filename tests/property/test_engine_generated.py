"""On generated scenarios, the vectorised engine and the reference interpreter agree exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.engine import render_trace
from escalade.engine.chunk import run_chunk
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.testing.strategies import scenario_texts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_texts(max_horizon=4), st.integers(0, 2**32))
def test_vectorised_equals_reference(text: str, seed: int) -> None:
    compiled = compile_scenario(loads_scenario(text, file="generated.yaml"))
    specs = compiled.policies()
    n = 3 if any(p.kind == "best_response" for p in specs) else 12
    tasks = cell_tasks(compiled, (None, None), n=n, seed=seed, chunk=1024, keep=n)
    vectorised = run_chunk(tasks[0]).traces
    ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=seed)
    for i in range(n):
        expected = ref.run(i)
        assert expected == vectorised[i], (
            f"{render_trace(expected, compiled)}\n---\n{render_trace(vectorised[i], compiled)}"
        )
