"""Run a batch model over a design × policies × replications, chunk by chunk.

Rows are laid out *policy-major*: for policy ``p``, design row (scenario)
``s`` and replication ``r``, the local row is ``l = s * R + r`` and the global
row is ``p * S * R + l``. Within each policy the rows are cut into fixed
blocks of :data:`escalade.random.BLOCK` rows; the model is called once per
block with the generator of that block::

    block_generator(seed, Stream.EXPERIMENT, l // BLOCK)            # common random numbers
    block_generator(seed, Stream.EXPERIMENT, l // BLOCK, p + 1)     # independent per policy

A chunk (the unit sent to an executor, and written to a results store) is a
whole number of blocks, so neither the chunk size nor the executor changes a
single number. By default every policy sees the same random numbers in the
same scenario and replication (*common random numbers*), which sharpens the
comparison of policies (regret).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from escalade._version import __version__
from escalade.engine.executors import Executor, SequentialExecutor
from escalade.errors import UsageError
from escalade.explore.designs import Design
from escalade.explore.model import BatchModel, check_outputs
from escalade.explore.parameters import CategoricalParameter, Category
from escalade.random import BLOCK, Stream, block_generator, validate_seed
from escalade.reprs import listed, short_repr

__all__ = [
    "ExperimentPlan",
    "ExploreResult",
    "LeverSet",
    "plan_experiments",
    "run_experiments",
]

DEFAULT_CHUNK = 8 * BLOCK
Sink = Callable[[int, pd.DataFrame, pd.DataFrame], None]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LeverSet:
    """A named choice of a value for each lever.

    EMA Workbench calls it a ``Policy``; the name here keeps it apart from the
    actors' policies of :mod:`escalade.engine.policies`.
    """

    name: str
    values: Mapping[str, Category] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ExploreResult:
    """Experiments and outcomes of a sweep.

    Attributes
    ----------
    experiments : pandas.DataFrame
        One row per evaluation: the uncertainties, the levers, then
        ``scenario`` (design row), ``policy``, ``replication`` and ``model``.
        Indexed by the global row ``experiment``.
    outcomes : pandas.DataFrame
        One column per outcome, same index.
    metadata : dict
        Model, design, seed, policies, chunking and version (JSON-ready).
    """

    experiments: pd.DataFrame
    outcomes: pd.DataFrame
    metadata: dict[str, Any]

    def __repr__(self) -> str:
        return short_repr(
            "ExploreResult",
            model=self.metadata.get("model"),
            experiments=len(self.experiments),
            outcomes=listed(self.outcomes.columns),
        )


@dataclass(frozen=True, eq=False)
class _Task:
    index: int
    model: BatchModel
    columns: dict[str, npt.NDArray[np.generic]]
    start: int
    policy: int
    seed: int
    crn: bool


def _run_chunk(task: _Task) -> dict[str, npt.NDArray[np.float64]]:
    """Evaluate one chunk, one block at a time (runs on a worker)."""
    n = len(next(iter(task.columns.values())))
    parts: list[dict[str, npt.NDArray[np.float64]]] = []
    local = task.start
    while local < task.start + n:
        block = local // BLOCK
        stop = min((block + 1) * BLOCK, task.start + n)
        rows = slice(local - task.start, stop - task.start)
        extra = () if task.crn else (task.policy + 1,)
        rng = block_generator(task.seed, Stream.EXPERIMENT, block, *extra)
        params = {k: v[rows] for k, v in task.columns.items()}
        out = task.model.run(params, rng, stop - local)
        parts.append(check_outputs(task.model, out, stop - local, first_row=local))
        local = stop
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


class _Tasks(Sequence[_Task]):
    """The tasks of a plan, built only when an executor asks for them."""

    def __init__(self, plan: ExperimentPlan, indices: Sequence[int]) -> None:
        self._plan = plan
        self._indices = list(indices)

    def __len__(self) -> int:
        return len(self._indices)

    @overload
    def __getitem__(self, i: int) -> _Task: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[_Task]: ...
    def __getitem__(self, i: int | slice) -> _Task | Sequence[_Task]:
        if isinstance(i, slice):
            return [self._plan.task(j) for j in self._indices[i]]
        return self._plan.task(self._indices[i])


def _policies(
    model: BatchModel, levers: Sequence[LeverSet | Mapping[str, Category]] | None
) -> tuple[LeverSet, ...]:
    known = {lever.name: lever for lever in model.levers}
    if levers is None:
        combos = itertools.product(*(lever.categories for lever in model.levers))
        names = list(known)
        return tuple(
            LeverSet(
                ",".join(f"{k}={v}" for k, v in zip(names, c, strict=True)) or "default",
                dict(zip(names, c, strict=True)),
            )
            for c in combos
        )
    policies = []
    for i, item in enumerate(levers):
        policy = (
            item
            if isinstance(item, LeverSet)
            else LeverSet(
                ",".join(f"{k}={v}" for k, v in item.items()) or f"policy {i}", dict(item)
            )
        )
        for name, value in policy.values.items():
            if name not in known:
                raise UsageError(
                    f"policy {policy.name!r}: model {model.name!r} has no lever {name!r} "
                    f"(levers: {', '.join(known) or 'none'})"
                )
            if value not in known[name].categories:
                raise UsageError(
                    f"policy {policy.name!r}: lever {name!r}: expected one of "
                    f"{list(known[name].categories)}, found {value!r}"
                )
        missing = sorted(set(known) - set(policy.values))
        if missing:
            raise UsageError(f"policy {policy.name!r}: no value for lever(s) {', '.join(missing)}")
        policies.append(policy)
    if not policies:
        raise UsageError("levers: expected at least one policy")
    if len({p.name for p in policies}) != len(policies):
        raise UsageError("levers: policy names must be distinct")
    return tuple(policies)


@dataclass(frozen=True, eq=False)
class ExperimentPlan:
    """Which rows exist and how they are cut into chunks (nothing is run)."""

    model: BatchModel
    design: Design
    policies: tuple[LeverSet, ...]
    replications: int
    chunk_size: int
    seed: int
    common_random_numbers: bool

    @property
    def rows_per_policy(self) -> int:
        """Design rows × replications."""
        return self.design.n * self.replications

    @property
    def n_rows(self) -> int:
        """Total number of evaluations."""
        return len(self.policies) * self.rows_per_policy

    @property
    def chunks(self) -> tuple[tuple[int, int, int], ...]:
        """``(policy, local_start, local_stop)`` of every chunk, in chunk-index order."""
        per = self.rows_per_policy
        return tuple(
            (p, start, min(start + self.chunk_size, per))
            for p in range(len(self.policies))
            for start in range(0, per, self.chunk_size)
        )

    def experiments(self, chunk: int | None = None) -> pd.DataFrame:
        """The experiments table of one chunk, or of the whole plan."""
        if chunk is None:
            frames = [self.experiments(i) for i in range(len(self.chunks))]
            return pd.concat(frames) if frames else self._frame(0, 0, 0)
        p, start, stop = self.chunks[chunk]
        return self._frame(p, start, stop)

    def _frame(self, p: int, start: int, stop: int) -> pd.DataFrame:
        local = np.arange(start, stop)
        scenario = local // self.replications
        frame = self.design.experiments.iloc[scenario].reset_index(drop=True)
        policy = self.policies[p] if self.policies else LeverSet("default")
        for lever in self.model.levers:
            value = policy.values[lever.name]
            frame[lever.name] = pd.Categorical(
                [value] * len(local), categories=list(lever.categories)
            )
        frame["scenario"] = scenario
        frame["policy"] = policy.name
        frame["replication"] = local % self.replications
        frame["model"] = self.model.name
        frame.index = pd.Index(p * self.rows_per_policy + local, name="experiment")
        return frame

    def task(self, chunk: int) -> _Task:
        """The picklable task of one chunk."""
        p, start, stop = self.chunks[chunk]
        scenario = np.arange(start, stop) // self.replications
        columns: dict[str, npt.NDArray[np.generic]] = {}
        for param in self.design.parameters:
            col = self.design.experiments[param.name]
            if isinstance(param, CategoricalParameter):
                codes = np.asarray(col.cat.codes)[scenario]
                columns[param.name] = param.values()[codes]
            else:
                columns[param.name] = col.to_numpy()[scenario]
        for lever in self.model.levers:
            index = lever.categories.index(self.policies[p].values[lever.name])
            columns[lever.name] = lever.values()[np.full(len(scenario), index)]
        return _Task(chunk, self.model, columns, start, p, self.seed, self.common_random_numbers)

    def metadata(self) -> dict[str, Any]:
        """JSON-ready description of the plan."""
        return {
            "escalade_version": __version__,
            "model": self.model.name,
            "outcomes": [{"name": o.name, "kind": o.kind} for o in self.model.outcomes],
            "design": self.design.metadata(),
            "seed": self.seed,
            "replications": self.replications,
            "policies": [{"name": p.name, "values": dict(p.values)} for p in self.policies],
            "chunk_size": self.chunk_size,
            "n_chunks": len(self.chunks),
            "n_rows": self.n_rows,
            "block": BLOCK,
            "common_random_numbers": self.common_random_numbers,
        }


def _check_design(model: BatchModel, design: Design) -> None:
    known = [u.name for u in model.uncertainties]
    names = [p.name for p in design.parameters]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"design: model {model.name!r} has no uncertainty {unknown[0]!r} "
            f"(uncertainties: {', '.join(known) or 'none'})"
        )
    missing = [n for n in known if n not in names]
    if missing:
        raise UsageError(
            f"design: uncertainty {missing[0]!r} of model {model.name!r} is not in the design "
            "(hint: sample over model.uncertainties)"
        )


def _positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{name}: expected a positive integer, found {value!r}")


def plan_experiments(
    model: BatchModel,
    design: Design,
    *,
    seed: int,
    replications: int = 1,
    levers: Sequence[LeverSet | Mapping[str, Category]] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    common_random_numbers: bool = True,
) -> ExperimentPlan:
    """Lay out the rows and chunks of a sweep without running it.

    ``chunk_size`` is rounded up to a whole number of blocks
    (:data:`escalade.random.BLOCK` rows). See :func:`run_experiments`.
    """
    _check_design(model, design)
    _positive_int("replications", replications)
    _positive_int("chunk_size", chunk_size)
    return ExperimentPlan(
        model=model,
        design=design,
        policies=_policies(model, levers),
        replications=replications,
        chunk_size=-(-chunk_size // BLOCK) * BLOCK,
        seed=validate_seed(seed),
        common_random_numbers=bool(common_random_numbers),
    )


def run_experiments(
    model: BatchModel,
    design: Design,
    *,
    seed: int,
    replications: int = 1,
    levers: Sequence[LeverSet | Mapping[str, Category]] | None = None,
    executor: Executor | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    common_random_numbers: bool = True,
    progress: Progress | None = None,
    sink: Sink | None = None,
    skip: Collection[int] = (),
) -> ExploreResult:
    """Evaluate ``model`` on every design row × policy × replication.

    Parameters
    ----------
    model : BatchModel
        The model; its uncertainties must be exactly the design's parameters.
    design : Design
        The experiment design (:func:`escalade.explore.designs.sample`).
    seed : int
        Root seed of the sweep; the same seed gives the same outcomes on any
        executor and with any chunk size.
    replications : int
        Evaluations per design row and policy, each with its own random numbers.
    levers : sequence of LeverSet or mapping, optional
        Policies to evaluate; by default every combination of the model's
        levers (a single ``"default"`` policy when it has none).
    executor : Executor, optional
        An *entered* executor; by default the calling process.
    chunk_size : int
        Rows per task, rounded up to a multiple of ``BLOCK``.
    common_random_numbers : bool
        Give every policy the same random numbers (see the module docstring).
    progress : callable, optional
        ``progress(done_rows, total_rows)`` after every chunk.
    sink : callable, optional
        ``sink(chunk_index, experiments_chunk, outcomes_chunk)`` after every
        chunk, in chunk order (for example to write a results store).
    skip : collection of int
        Chunk indices already done (for resuming); they are not run and not
        part of the returned tables.

    Returns
    -------
    ExploreResult
    """
    plan = plan_experiments(
        model,
        design,
        seed=seed,
        replications=replications,
        levers=levers,
        chunk_size=chunk_size,
        common_random_numbers=common_random_numbers,
    )
    todo = [i for i in range(len(plan.chunks)) if i not in set(skip)]
    total = plan.n_rows
    done = total - sum(plan.chunks[i][2] - plan.chunks[i][1] for i in todo)
    if progress is not None:
        progress(done, total)
    experiments: list[pd.DataFrame] = []
    outcomes: list[pd.DataFrame] = []
    runner = executor if executor is not None else SequentialExecutor()
    tasks = _Tasks(plan, todo)
    for index, result in zip(todo, runner.map(_run_chunk, tasks), strict=True):
        exp = plan.experiments(index)
        out = pd.DataFrame(result, index=exp.index)
        if sink is not None:
            sink(index, exp, out)
        experiments.append(exp)
        outcomes.append(out)
        done += len(exp)
        if progress is not None:
            progress(done, total)
    metadata = plan.metadata()
    metadata["skipped_chunks"] = sorted(set(skip) & set(range(len(plan.chunks))))
    if experiments:
        return ExploreResult(pd.concat(experiments), pd.concat(outcomes), metadata)
    empty = plan.experiments(0).iloc[:0] if plan.chunks else pd.DataFrame()
    cols = {o.name: pd.Series(dtype=np.float64) for o in model.outcomes}
    return ExploreResult(empty, pd.DataFrame(cols, index=empty.index), metadata)
