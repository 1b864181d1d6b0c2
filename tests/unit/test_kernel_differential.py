"""The compiled kernel and the NumPy path give identical results, cell by cell.

Each supported cell of the shipped scenarios, the test scenarios and the
feature zoo (simultaneous and sequential) is run through :func:`run_chunk`
on both paths with every trace kept: the traces (every round's events,
moves, rungs, views, variables and utilities), the counts and the float
sums must be equal bit for bit.
"""

from __future__ import annotations

import io
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from escalade.engine.chunk import ChunkResult, run_chunk
from escalade.engine.kernel import player
from escalade.engine.kernel.bytecode import unsupported
from escalade.engine.kernel.numba_setup import KERNEL_MODULES, drop_stale_cache
from escalade.engine.kernel.player import ENV, KernelPlayer, kernel_reason, make_player
from escalade.engine.kernel.tables import kernel_supports
from escalade.engine.runner import cell_tasks
from escalade.errors import SimulationError, UsageError
from escalade.scenario import catalog_names, load_scenario, loads_scenario
from escalade.scenario import expr as ex
from escalade.scenario.compiled import CompiledScenario, compile_scenario

pytest.importorskip("numba", reason="the compiled kernel needs the kernel extra (numba)")

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted((DATA / "scenarios").glob("*.yaml")) + sorted((DATA / "engine").glob("*.yaml"))


def cells(compiled: CompiledScenario) -> list[tuple[str | None, str | None]]:
    scenario = compiled.scenario
    out: list[tuple[str | None, str | None]] = [(None, None)]
    out += [(s.id, m.id) for s in scenario.strategies for m in scenario.mindsets]
    return out


def supported(compiled: CompiledScenario, cell: tuple[str | None, str | None], mp) -> bool:
    """Whether the kernel plays some rounds of the cell (its own, or its rollouts)."""
    (task,) = cell_tasks(compiled, cell, n=1, seed=1, chunk=1, keep=0)
    mp.setenv(ENV, "numba")
    player = make_player(compiled, task.specs, seed=1, declared=task.declared)
    return isinstance(player, KernelPlayer)


def chunk(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int, mode: str, mp
) -> ChunkResult:
    mp.setenv(ENV, mode)
    (task,) = cell_tasks(compiled, cell, n=n, seed=17, chunk=n, keep=n)
    return run_chunk(task)


def assert_same(a: ChunkResult, b: ChunkResult, where: str) -> None:
    assert a.traces == b.traces, where
    for f in fields(a.counts):
        x, y = getattr(a.counts, f.name), getattr(b.counts, f.name)
        assert np.array_equal(x, y), f"{where}: counts.{f.name}"
    assert len(a.parts) == len(b.parts)
    for x, y in zip(a.parts, b.parts, strict=True):
        assert np.array_equal(x, y), f"{where}: float sums"


def compare_all(compiled: CompiledScenario, n: int, monkeypatch: pytest.MonkeyPatch) -> int:
    played = 0
    for cell in cells(compiled):
        if not supported(compiled, cell, monkeypatch):
            continue
        numpy_path = chunk(compiled, cell, n, "numpy", monkeypatch)
        kernel_path = chunk(compiled, cell, n, "numba", monkeypatch)
        assert_same(numpy_path, kernel_path, f"{compiled.scenario.id} {cell}")
        played += 1
    return played


@pytest.mark.parametrize("name", catalog_names())
def test_shipped_scenarios(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_scenario(load_scenario(name))
    assert compare_all(compiled, 300, monkeypatch) > 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_test_scenarios(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    compiled = compile_scenario(loads_scenario(text, file=path.name))
    assert compare_all(compiled, 200, monkeypatch) > 0


def test_zoo_sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DATA / "engine" / "zoo.yaml").read_text(encoding="utf-8")
    text = text.replace("calendar:", "order: sequential\ncalendar:", 1)
    compiled = compile_scenario(loads_scenario(text, file="zoo.yaml"))
    assert compare_all(compiled, 200, monkeypatch) > 0


def test_reference_cell_uses_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    specs = compiled.policies(compiled.strategy("graduated"), compiled.mindset("dominance"))
    monkeypatch.setenv(ENV, "numba")
    assert kernel_reason(compiled, specs) is None
    assert isinstance(make_player(compiled, specs, seed=1), KernelPlayer)
    monkeypatch.setenv(ENV, "numpy")
    assert not isinstance(make_player(compiled, specs, seed=1), KernelPlayer)


def test_best_response_rollouts_play_in_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``best_response`` cell's own rounds take the NumPy path, its rollouts the kernel."""
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    cell = ("graduated", "opportunist")
    played: list[str] = []
    original = KernelPlayer.play

    def counted(self: KernelPlayer, st, t, u, policies, **kw):  # type: ignore[no-untyped-def]
        played.append("cell" if policies is self.policies else "rollout")
        return original(self, st, t, u, policies, **kw)

    monkeypatch.setattr(KernelPlayer, "play", counted)
    numpy_path = chunk(compiled, cell, 256, "numpy", monkeypatch)
    kernel_path = chunk(compiled, cell, 256, "numba", monkeypatch)
    assert_same(numpy_path, kernel_path, "graduated x opportunist")
    assert "rollout" in played and "cell" in played


def test_unsupported_cells_say_why(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    specs = compiled.policies(compiled.strategy("graduated"), compiled.mindset("opportunist"))
    reason = kernel_supports(compiled, specs)
    assert reason is not None and "best_response" in reason
    monkeypatch.setenv(ENV, "numba")
    player = make_player(compiled, specs, seed=1)
    assert isinstance(player, KernelPlayer) and player.tables is None  # its rollouts only
    monkeypatch.setenv(ENV, "fast")
    with pytest.raises(UsageError, match="ESCALADE_KERNEL"):
        make_player(compiled, specs, seed=1)


def test_inexact_functions_stay_on_numpy() -> None:
    text = (DATA / "scenarios" / "failed-strike.yaml").read_text(encoding="utf-8")
    compiled = compile_scenario(loads_scenario(text, file="x.yaml"))
    option = compiled.options[0]
    assert unsupported(option.cost) is None
    assert "exp" in (unsupported(ex.compile_expr(ex.parse("exp(1 + round)"), compiled.env)) or "")
    assert unsupported(ex.compile_expr(ex.parse("exp(1) + round"), compiled.env)) is not None


BAD = """
schema_version: 2
id: bad-probability
title: An event probability that leaves [0, 1] in round 1
calendar: {start: 2024-01-01, step: week, horizon: 3}
sides: [{id: west}, {id: east}]
arenas: [{id: market, ladder: compact, parties: [west, east], initial: 3}]
variables: [{id: gain, initial: 0, min: -10, max: 10}]
actors:
  - {id: a, name: A, side: east, utility: {per_round: {gain: 1}}}
  - {id: b, name: B, side: west, utility: {per_round: {gain: -1}}}
options: [{id: enter, actor: a, arena: market, rung: 4, effects: [{var: gain, add: 2}]}]
events: [{id: boom, prob: "0.5 + round", effects: [{var: gain, add: 1}]}]
"""


def test_rejected_values_raise_the_numpy_error(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_scenario(loads_scenario(BAD, file="bad.yaml"))
    messages = []
    for mode in ("numpy", "numba"):
        monkeypatch.setenv(ENV, mode)
        assert isinstance(make_player(compiled, compiled.policies(), seed=1), KernelPlayer) == (
            mode == "numba"
        )
        (task,) = cell_tasks(compiled, (None, None), n=50, seed=1, chunk=50, keep=0)
        with pytest.raises(SimulationError, match="expected a probability") as info:
            run_chunk(task)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_stale_cache_is_dropped(tmp_path: Path) -> None:
    for name in KERNEL_MODULES:
        (tmp_path / f"{name}.py").write_text(f"# {name}\n", encoding="utf-8")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    (cache / "round.play_round-1.py311.nbi").write_text("x", encoding="utf-8")
    assert drop_stale_cache(tmp_path)
    assert not list(cache.glob("*.nbi"))
    (cache / "round.play_round-1.py311.nbi").write_text("x", encoding="utf-8")
    assert not drop_stale_cache(tmp_path)  # nothing changed: the cache stays
    (tmp_path / "steps.py").write_text("# edited\n", encoding="utf-8")
    assert drop_stale_cache(tmp_path)


class _Fake:
    """A dispatcher's shape as far as :func:`announce_compiling` reads it."""

    def __init__(self, index: Path) -> None:
        self.overloads: dict[object, object] = {}
        self._cache = type("C", (), {"_cache_file": type("F", (), {"_index_path": str(index)})})


def test_a_cold_compile_is_announced_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(player, "_ANNOUNCED", [])
    warm = tmp_path / "warm.nbi"
    warm.write_text("", encoding="utf-8")
    out = io.StringIO()
    assert not player.announce_compiling(_Fake(warm), out)
    assert player.announce_compiling(_Fake(tmp_path / "cold.nbi"), out)
    assert "compiling the round kernel" in out.getvalue() and "90 s" in out.getvalue()
    assert not player.announce_compiling(_Fake(tmp_path / "cold.nbi"), out)  # once per process
