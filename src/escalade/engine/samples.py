"""Per-trajectory side utilities of (strategy, mindset) cells, with common random numbers.

:func:`escalade.engine.run_grid` keeps sums only; the strategy meta-game
(``escalade game``) also needs every trajectory's utility per side, to
bootstrap over trajectories. :func:`cell_samples` runs exactly the chunks
:func:`~escalade.engine.runner.run_grid` runs (same tasks from
:func:`~escalade.engine.runner.cell_tasks`, same random numbers, same
interpreter) and returns those utilities instead of the summaries, so the
means equal ``run``'s to the last bit of summation order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from escalade._types import FloatArray
from escalade.engine.chunk import ChunkTask, compiled_for, run_state, task_uncertainties
from escalade.engine.executors import Executor
from escalade.engine.runner import Cell, cell_tasks, check_sizes, default_executor
from escalade.engine.state import State, initial_state
from escalade.random import validate_seed
from escalade.scenario.compiled import CompiledScenario

__all__ = ["SampleChunk", "cell_samples", "sample_chunk"]


@dataclass(frozen=True)
class SampleChunk:
    """Utilities per trajectory and side, shape ``(stop - start, n_sides)``."""

    start: int
    utilities: FloatArray


def sample_chunk(task: ChunkTask) -> SampleChunk:
    """Run one chunk as :func:`~escalade.engine.chunk.run_chunk` does; keep side utilities."""
    from escalade.engine.kernel.player import make_player, on_kernel  # noqa: PLC0415 - numba on use

    c = compiled_for(task)

    def play(kernel: bool) -> State:
        player = make_player(c, task.specs, seed=task.seed, declared=task.declared, kernel=kernel)
        st = initial_state(c, task_uncertainties(task, c))
        run_state(player, st, (task.start, task.stop), 0)
        return st

    st = on_kernel(play)
    return SampleChunk(task.start, c.side_utilities(st.utility, st.uncertainties))


def cell_samples(
    compiled: CompiledScenario,
    cells: Sequence[Cell],
    *,
    n: int,
    seed: int,
    chunk_size: int = 20_000,
    executor: Executor | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[Cell, FloatArray]:
    """Each cell's per-trajectory utility of every side, ``(n, n_sides)``.

    Parameters are those of :func:`escalade.engine.run_grid`; trajectory ``k``
    of every cell uses the same random numbers (common random numbers), and
    the same ones as in ``run_grid`` with the same seed.
    """
    seed = validate_seed(seed)
    n, chunk, _ = check_sizes(n, chunk_size, 0)
    per_cell = [cell_tasks(compiled, cell, n=n, seed=seed, chunk=chunk, keep=0) for cell in cells]
    tasks = [task for group in per_cell for task in group]
    results: list[SampleChunk] = []

    def collect(running: Executor) -> None:
        for result in running.map(sample_chunk, tasks):
            results.append(result)
            if progress is not None:
                progress(result.utilities.shape[0])

    if executor is not None:
        collect(executor)
    else:
        with default_executor(compiled, tasks, scheduler=scheduler, workers=workers) as running:
            collect(running)
    out: dict[Cell, FloatArray] = {}
    offset = 0
    for cell, group in zip(cells, per_cell, strict=True):
        mine = results[offset : offset + len(group)]
        offset += len(group)
        out[cell] = np.concatenate([r.utilities for r in mine], axis=0)
    return out
