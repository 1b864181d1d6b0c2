"""Simulate a scenario: split trajectories into chunks, run them anywhere, merge in order.

Chunks are whole random blocks (the chunk size is rounded up to a multiple of
:data:`escalade.random.BLOCK`), and their sums are merged in block order, so a
seed gives the same numbers on every executor and for every chunk size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from escalade._types import FloatArray
from escalade.engine.chunk import ChunkResult, ChunkTask, run_chunk
from escalade.engine.counts import Counts
from escalade.engine.executors import Executor, SequentialExecutor, executor_for, free_cores
from escalade.engine.memory import bytes_per_trace, bytes_per_trajectory, check_memory
from escalade.engine.policies import registered
from escalade.errors import UsageError
from escalade.random import BLOCK, validate_seed
from escalade.scenario import Scenario, load_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario, remember
from escalade.scenario.schema import PolicySpec, policy_spec

if TYPE_CHECKING:  # pandas: imported with the results, not by workers importing this module
    from escalade.engine.summary import SimulationResult

__all__ = [
    "MAX_CHUNK",
    "MAX_N",
    "POOL_WORK",
    "cell_tasks",
    "check_sizes",
    "default_executor",
    "estimated_work",
    "grid_executor",
    "run_grid",
    "simulate",
]

MAX_N = 100_000_000
MAX_CHUNK = 10_000_000
POOL_WORK = 40_000_000
"""Below this much work (:func:`estimated_work`), runs stay in the calling process by default.

About 4 s of one core (the engine does 5-12 million actor-decisions a second);
a process pool pays about a second to start its server and compile the
scenario in each worker, so below this it would not be faster than one
process on a 2-core machine (``benchmarks/user.py`` measures both).
"""

Cell = tuple[str | None, str | None]


def check_sizes(n: object, chunk_size: object, keep_traces: object) -> tuple[int, int, int]:
    """Validate ``n``, ``chunk_size`` and ``keep_traces``; the chunk rounded up to whole blocks.

    Raises :class:`~escalade.errors.UsageError` naming the argument when one is not an
    integer in range.
    """
    for name, value, high in (("n", n, MAX_N), ("chunk_size", chunk_size, MAX_CHUNK)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or not 1 <= value <= high
        ):
            raise UsageError(
                f"{name}: expected an integer from 1 to {high:,}, found {value!r}", parameter=name
            )
    if isinstance(keep_traces, bool) or not isinstance(keep_traces, int) or keep_traces < 0:
        raise UsageError(
            f"keep_traces: expected a non-negative integer, found {keep_traces!r}",
            parameter="keep_traces",
        )
    chunk = -(-int(chunk_size) // BLOCK) * BLOCK  # type: ignore[call-overload]
    return int(n), chunk, keep_traces  # type: ignore[call-overload]


def _check_memory(
    compiled: CompiledScenario,
    *,
    n: int,
    chunk: int,
    keep: int,
    cells: int,
    memory: int | None,
    at_once: int,
) -> None:
    """Refuse chunks or kept traces estimated above the memory budget."""
    rows = min(chunk, -(-n // BLOCK) * BLOCK)
    check_memory(
        at_once * rows * bytes_per_trajectory(compiled),
        memory,
        what=f"chunk_size {rows:,} trajectories x {at_once} process(es) at once",
        change="lower `chunk_size` (the numbers do not change with it) or `workers`",
        parameter="chunk_size",
    )
    check_memory(
        cells * min(keep, n) * bytes_per_trace(compiled),
        memory,
        what=f"keep_traces {keep:,} full traces x {cells} cell(s)",
        change="lower `keep_traces`",
        parameter="keep_traces",
    )


def _fixed(compiled: CompiledScenario, uncertainties: object) -> tuple[float, ...] | None:
    if uncertainties is None:
        return None
    values = np.asarray(uncertainties, dtype=float).reshape(-1)
    if values.shape != (len(compiled.uncertainties),) or not np.isfinite(values).all():
        ids = ", ".join(u.id for u in compiled.uncertainties) or "none"
        raise UsageError(
            f"uncertainties: expected {len(compiled.uncertainties)} finite values ({ids}), "
            f"found {np.asarray(uncertainties).tolist()!r}"
        )
    return tuple(float(v) for v in values)


def cell_tasks(
    compiled: CompiledScenario,
    cell: Cell,
    *,
    n: int,
    seed: int,
    chunk: int,
    keep: int,
    fixed: tuple[float, ...] | None = None,
    policies: Mapping[str, PolicySpec | str] | None = None,
) -> list[ChunkTask]:
    """The chunk tasks of one (strategy, mindset) cell."""
    strategy, mindset = cell
    specs, declared = compiled.cell(strategy or None, mindset or None)
    specs = _override(compiled, specs, policies or {})
    scenario = compiled.scenario
    base = str(scenario.base_dir) if scenario.base_dir else None
    return [
        ChunkTask(
            text=scenario.text,
            file=scenario.file,
            base_dir=base,
            specs=specs,
            declared=declared,
            seed=seed,
            start=start,
            stop=min(start + chunk, n),
            fixed=fixed,
            keep=keep,
        )
        for start in range(0, n, chunk)
    ]


def _override(
    compiled: CompiledScenario,
    specs: tuple[PolicySpec, ...],
    policies: Mapping[str, PolicySpec | str],
) -> tuple[PolicySpec, ...]:
    """Replace actors' policies: a spec, or the kind of a policy added with ``register``."""
    index = {a.id: a.index for a in compiled.actors}
    out = list(specs)
    for actor, policy in policies.items():
        if actor not in index:
            raise UsageError(
                f"policies: expected actor ids among {', '.join(index)}, found {actor!r}"
            )
        if isinstance(policy, str):
            if policy not in registered():
                raise UsageError(
                    f"policies[{actor!r}]: expected a registered kind "
                    f"({', '.join(registered())}), found {policy!r}"
                )
            # The kind's schema class with its defaults (a user kind: the bare base class).
            out[index[actor]] = policy_spec(policy)
        else:
            out[index[actor]] = policy
    return tuple(out)


def estimated_work(compiled: CompiledScenario, tasks: Sequence[ChunkTask]) -> float:
    """Actor-decisions the tasks will take, counting ``best_response`` rollouts.

    A trajectory-round is one decision per actor; each ``best_response`` actor
    adds (options + 1) x samples x depth rollout rounds, each one decision per
    actor (an upper bound: rollouts skip candidates that are not available,
    and the adaptive stop samples clearly worse candidates less).
    """
    actors = len(compiled.actors)
    total = 0.0
    for task in tasks:
        rounds = 1.0
        for i, spec in enumerate(task.specs):
            if spec.kind == "best_response":
                options = len(compiled.options_by_actor[i]) + 1
                depth = min(spec.depth or 2, compiled.horizon)
                rounds += options * (spec.samples or 8) * depth
        total += (task.stop - task.start) * compiled.horizon * actors * rounds
    return total


def default_executor(
    compiled: CompiledScenario,
    tasks: Sequence[ChunkTask],
    *,
    scheduler: str | None,
    workers: int | None,
) -> Executor:
    """The executor :func:`run_grid` opens when none is given (not yet entered).

    Dask when ``scheduler`` is given; with ``workers`` given, that many local
    processes (``1``: in process); else in process below :data:`POOL_WORK`,
    and above it one worker per free core (:func:`~escalade.engine.executors.free_cores`:
    in process when other jobs keep every core busy).
    """
    if scheduler is None and workers is None:
        if estimated_work(compiled, tasks) < POOL_WORK or free_cores() == 1:
            return SequentialExecutor()
        workers = free_cores()
    return executor_for(scheduler=scheduler, workers=workers, n_tasks=len(tasks))


def grid_executor(
    compiled: CompiledScenario,
    cells: Sequence[Cell],
    *,
    n: int,
    seed: int,
    chunk_size: int = 20_000,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Executor:
    """The executor :func:`run_grid` would open for these cells (not yet entered).

    A command that runs more work after the grid (``run``'s robustness sweep)
    opens it once and passes it to both, so the sweep runs on the grid's
    workers instead of in the calling process.
    """
    n, chunk, _ = check_sizes(n, chunk_size, 0)
    tasks = [
        task
        for cell in cells
        for task in cell_tasks(compiled, cell, n=n, seed=seed, chunk=chunk, keep=0)
    ]
    return default_executor(compiled, tasks, scheduler=scheduler, workers=workers)


def _merge(compiled: CompiledScenario, results: Sequence[ChunkResult]) -> Counts:
    total = Counts.zeros(compiled)
    for result in results:
        total.add_counts(result.counts)
        total.add_floats(list(result.parts))
    return total


def run_grid(
    compiled: CompiledScenario | Scenario,
    cells: Sequence[Cell],
    *,
    n: int,
    seed: int,
    chunk_size: int = 20_000,
    executor: Executor | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    uncertainties: FloatArray | Sequence[float] | None = None,
    keep_traces: int = 20,
    policies: Mapping[str, PolicySpec | str] | None = None,
    progress: Callable[[int], None] | None = None,
    memory: int | None = None,
) -> dict[Cell, SimulationResult]:
    """Simulate several (strategy, mindset) cells with common random numbers.

    Parameters
    ----------
    compiled : CompiledScenario or Scenario
        The scenario.
    cells : sequence of (strategy id or None, mindset id or None)
        The cells; None keeps the actors' default policies.
    n : int
        Trajectories per cell (1 to 10^8).
    seed : int
        Root seed; every cell uses the same random numbers (common random numbers).
    chunk_size : int
        Trajectories per task (rounded up to a multiple of 1024; memory grows with it).
    executor : Executor, optional
        An *entered* executor to run chunks on; by default one is opened: in
        process below :data:`POOL_WORK` (and with one usable core), else a
        local process pool with one worker per usable core, or Dask when
        ``scheduler`` is given.
    uncertainties : array-like, optional
        Fixed values of every uncertainty (for experiments) instead of draws.
    keep_traces : int
        Number of full traces kept per cell (the first trajectories).
    policies : mapping, optional
        Actor id to a policy that replaces the cell's: a ``PolicySpec`` or the
        kind of a policy added with :func:`escalade.engine.register` (process
        pools and Dask workers must register it too, e.g. on import).
    progress : callable, optional
        Called with the number of trajectories in each finished chunk.
    memory : int, optional
        Memory budget in bytes (default: half of the machine); a run whose
        chunks (times the processes running them at once) or kept traces are
        estimated above it is refused with a :class:`UsageError` before it starts.

    Returns
    -------
    dict
        ``cell -> SimulationResult``.
    """
    if isinstance(compiled, Scenario):
        compiled = compile_scenario(compiled)
    remember(compiled)  # chunks run in this process reuse it instead of compiling the text
    seed = validate_seed(seed)
    n, chunk, keep = check_sizes(n, chunk_size, keep_traces)
    fixed = _fixed(compiled, uncertainties)
    per_cell = [
        cell_tasks(
            compiled, cell, n=n, seed=seed, chunk=chunk, keep=keep, fixed=fixed, policies=policies
        )
        for cell in cells
    ]
    tasks = [task for group in per_cell for task in group]
    own = (
        None
        if executor is not None
        else default_executor(compiled, tasks, scheduler=scheduler, workers=workers)
    )
    _check_memory(
        compiled,
        n=n,
        chunk=chunk,
        keep=keep,
        cells=len(cells),
        memory=memory,
        at_once=int(getattr(executor or own, "workers", 1)),  # a Dask worker holds one chunk
    )
    if executor is not None:
        results = _collect(executor, tasks, progress)
    else:
        assert own is not None
        with own as running:
            results = _collect(running, tasks, progress)
    return _by_cell(compiled, cells, per_cell, results, seed)


def _collect(
    running: Executor, tasks: list[ChunkTask], progress: Callable[[int], None] | None
) -> list[ChunkResult]:
    """Run the tasks in order, reporting each finished chunk's trajectories."""
    results: list[ChunkResult] = []
    for result in running.map(run_chunk, tasks):
        results.append(result)
        if progress is not None:
            progress(result.counts.n)
    return results


def _by_cell(
    compiled: CompiledScenario,
    cells: Sequence[Cell],
    per_cell: list[list[ChunkTask]],
    results: list[ChunkResult],
    seed: int,
) -> dict[Cell, SimulationResult]:
    """Each cell's chunk results merged into its :class:`SimulationResult`."""
    from escalade.engine.summary import SimulationResult  # noqa: PLC0415 (see the top)

    out: dict[Cell, SimulationResult] = {}
    offset = 0
    for cell, group in zip(cells, per_cell, strict=True):
        mine = results[offset : offset + len(group)]
        offset += len(group)
        traces = tuple(t for r in mine for t in r.traces)
        out[cell] = SimulationResult(
            compiled, _merge(compiled, mine), traces, seed, strategy=cell[0], mindset=cell[1]
        )
    return out


def simulate(
    scenario: CompiledScenario | Scenario | str | Path,
    *,
    strategy: str | None = None,
    mindset: str | None = None,
    n: int = 1000,
    seed: int = 0,
    chunk_size: int = 20_000,
    executor: Executor | None = None,
    uncertainties: FloatArray | Sequence[float] | None = None,
    keep_traces: int = 20,
    policies: Mapping[str, PolicySpec | str] | None = None,
    progress: Callable[[int], None] | None = None,
    memory: int | None = None,
) -> SimulationResult:
    """Simulate ``n`` trajectories of a scenario under one strategy and mindset.

    Parameters
    ----------
    scenario : Scenario, CompiledScenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    strategy, mindset : str, optional
        The strategy and the mindset (None: the actors' default policies).
    n : int
        Trajectories.
    seed : int
        Root seed (the same seed gives the same numbers).
    keep_traces : int
        Full traces kept (the first trajectories; ``traces``, ``trace_table()``).
    chunk_size, executor, uncertainties, policies, progress, memory
        As in :func:`run_grid`.

    Returns
    -------
    SimulationResult
        Its tables: ``outcomes()``, ``thresholds()``, ``utilities()``,
        ``rungs_by_round()``, ``events()``, ... and ``tables()`` (all of them).

    Raises
    ------
    ScenarioError
        If the scenario cannot be loaded.
    UsageError
        For an unknown strategy or mindset, or a size out of range.

    Examples
    --------
    >>> from escalade.engine import simulate
    >>> result = simulate("kursk-mini", strategy="graduated", n=2048, seed=1)
    >>> result.n
    2048
    >>> bool(0.0 <= result.thresholds()["probability"].max() <= 1.0)
    True
    """
    if isinstance(scenario, str | Path):
        scenario = load_scenario(scenario)
    if isinstance(scenario, Scenario):
        scenario = compile_scenario(scenario)
    grid = run_grid(
        scenario,
        [(strategy, mindset)],
        n=n,
        seed=seed,
        chunk_size=chunk_size,
        executor=executor,
        uncertainties=uncertainties,
        keep_traces=keep_traces,
        policies=policies,
        progress=progress,
        memory=memory,
    )
    return grid[(strategy, mindset)]
