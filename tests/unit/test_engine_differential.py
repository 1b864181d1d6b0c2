"""The vectorised engine and the reference interpreter produce identical traces."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.engine import render_trace
from escalade.engine.chunk import run_chunk
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.scenario import catalog_names, load_scenario, loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


def compare(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int, seed: int
) -> None:
    tasks = cell_tasks(compiled, cell, n=n, seed=seed, chunk=1024, keep=n)
    vectorised = [t for task in tasks for t in run_chunk(task).traces]
    assert len(vectorised) == n
    ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=seed, declared=tasks[0].declared)
    for i in range(n):
        expected = ref.run(i)
        if expected != vectorised[i]:
            pytest.fail(
                f"cell {cell}, trajectory {i} differs:\n--- reference\n"
                f"{render_trace(expected, compiled)}\n--- vectorised\n"
                f"{render_trace(vectorised[i], compiled)}"
            )


def cells(compiled: CompiledScenario) -> list[tuple[str | None, str | None]]:
    scenario = compiled.scenario
    out: list[tuple[str | None, str | None]] = [(None, None)]
    out += [(s.id, m.id) for s in scenario.strategies for m in scenario.mindsets]
    return out


@pytest.mark.parametrize("name", catalog_names())
def test_every_shipped_scenario(name: str) -> None:
    compiled = compile_scenario(load_scenario(name))
    for cell in cells(compiled):
        opportunistic = any(
            p.kind == "best_response"
            for p in compiled.policies(
                compiled.strategy(cell[0]) if cell[0] else None,
                compiled.mindset(cell[1]) if cell[1] else None,
            )
        )
        compare(compiled, cell, n=8 if opportunistic else 40, seed=11)


def zoo(sequential: bool = False) -> CompiledScenario:
    text = ZOO.read_text(encoding="utf-8")
    if sequential:
        text = text.replace("calendar:", "order: sequential\ncalendar:", 1)
    return compile_scenario(loads_scenario(text, file="zoo.yaml"))


@pytest.mark.parametrize("sequential", [False, True], ids=["simultaneous", "sequential"])
def test_every_feature(sequential: bool) -> None:
    compiled = zoo(sequential)
    for cell in cells(compiled):
        n = 4 if "opportunist" in cell or "probing" in cell else 30
        compare(compiled, cell, n=n, seed=2024)


def test_traces_cross_block_boundaries() -> None:
    compiled = zoo()
    tasks = cell_tasks(compiled, ("decisive", "cautious"), n=1030, seed=3, chunk=1024, keep=1030)
    traces = [t for task in tasks for t in run_chunk(task).traces]
    ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=3)
    for i in (0, 1023, 1024, 1029):
        assert ref.run(i) == traces[i]
