"""Runs whose estimated memory exceeds the budget are refused before they start (issue 18)."""

from __future__ import annotations

import os
import tracemalloc

import pytest

from escalade.cli import main
from escalade.engine import run_grid, simulate
from escalade.engine.executors import ProcessExecutor, SequentialExecutor, executor_for
from escalade.engine.memory import (
    bytes_per_trace,
    bytes_per_trajectory,
    default_budget,
    format_bytes,
    machine_memory,
    parse_size,
    usable_workers,
)
from escalade.errors import UsageError
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.workflows.explore import ExploreOptions, explore_scenario

KURSK = compile_scenario(load_scenario("kursk-mini"))


@pytest.mark.parametrize(
    ("text", "size"),
    [("4G", 4 * 1024**3), ("512M", 512 * 1024**2), ("1.5GB", int(1.5 * 1024**3)), ("2048", 2048)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-1G", "0", "4X"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(UsageError, match=r"^memory: expected a size"):
        parse_size(text)


def test_default_budget_is_half_the_machine() -> None:
    assert default_budget() == machine_memory() // 2 > 0
    assert format_bytes(1536) == "1.5 KB" and format_bytes(10) == "10 bytes"


def test_estimates_are_on_the_safe_side() -> None:
    """The per-trajectory estimate is above the measured peak of a chunk."""
    chunk = 8192
    simulate(KURSK, n=1024, seed=1, chunk_size=1024, executor=SequentialExecutor(), keep_traces=0)
    tracemalloc.start()
    simulate(KURSK, n=chunk, seed=1, chunk_size=chunk, executor=SequentialExecutor(), keep_traces=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= chunk * bytes_per_trajectory(KURSK)
    tracemalloc.start()
    result = simulate(KURSK, n=1024, seed=1, executor=SequentialExecutor(), keep_traces=500)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(result.traces) == 500 and held <= 500 * bytes_per_trace(KURSK)


def test_chunk_size_over_budget_is_refused() -> None:
    with pytest.raises(UsageError) as info:
        run_grid(KURSK, [(None, None)], n=100_000, seed=1, chunk_size=100_000, memory=10 * 2**20)
    text = str(info.value)
    assert text.startswith("chunk_size 100,352 trajectories x 1 process(es) at once: needs about")
    assert "memory budget of 10.0 MB (set by `memory`)" in text and "lower `chunk_size`" in text


def test_traces_over_budget_are_refused() -> None:
    with pytest.raises(UsageError, match=r"^keep_traces 200,000 full traces x 1 cell"):
        simulate(KURSK, n=200_000, seed=1, keep_traces=200_000, memory=100 * 2**20)


def test_processes_multiply_the_chunk_memory() -> None:
    budget = 3 * 4096 * bytes_per_trajectory(KURSK)
    simulate(KURSK, n=4096, seed=1, chunk_size=4096, keep_traces=0, memory=budget)
    with ProcessExecutor(2) as pool, pytest.raises(UsageError, match="x 2 process"):
        simulate(KURSK, n=4096, seed=1, chunk_size=4096, executor=pool, memory=budget // 2)


def test_workers_are_capped_at_the_core_count() -> None:
    cores = os.cpu_count() or 1
    assert usable_workers(cores + 14) == cores and usable_workers(1) == 1
    assert usable_workers(None) is None
    chosen = executor_for(scheduler=None, workers=cores + 14, n_tasks=100)
    assert isinstance(chosen, ProcessExecutor) and chosen.workers == min(cores, 100)


@pytest.mark.parametrize(
    ("n", "replications", "what"),
    [(1_000_000_000, 1, "= 2,000,000,000 experiments"), (10, 10**9, "`replications` 1,")],
)
def test_explore_refuses_oversized_sweeps_before_sampling(
    n: int, replications: int, what: str
) -> None:
    options = ExploreOptions(n=n, replications=replications, store=None)
    with pytest.raises(UsageError, match="needs about") as info:
        explore_scenario("kursk-mini", options)
    assert what in str(info.value) and "lower `n` or `replications`" in str(info.value)
    assert str(info.value).startswith("n ") and info.value.parameter == "n"


def test_explore_sobol_rows_count_in_the_estimate() -> None:
    options = ExploreOptions(n=1000, sensitivity="sobol", store=None, memory=2**20)
    with pytest.raises(UsageError, match="x 4 design row"):  # 2d + 2 with d = 1
        explore_scenario("kursk-mini", options)


def test_cli_memory_flag_and_workers_note(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "kursk-mini", "--n", "100000", "--chunk-size", "100000"]
    assert main([*argv, "--memory", "10M"]) == 2
    err = capsys.readouterr().err
    assert "--chunk-size 100,352 trajectories" in err and "needs about" in err
    assert "(set by --memory)" in err and "Traceback" not in err
    assert main(["simulate", "kursk-mini", "--n", "100", "--memory", "lots"]) == 2
    assert "--memory: expected a size" in capsys.readouterr().err
    cores = os.cpu_count() or 1
    assert main(["simulate", "kursk-mini", "--n", "2048", "--workers", str(cores + 6)]) == 0
    assert f"using {cores} worker processes" in capsys.readouterr().err
