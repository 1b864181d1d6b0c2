"""The dashboard's state: scenarios, jobs, the results store; and how a run is started.

Routes reach it through the :data:`Board` dependency (``request.app.state``).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends, Request

from escalade.engine.executors import ProcessExecutor
from escalade.errors import EscaladeError, UsageError
from escalade.evidence.observed import loads_observed
from escalade.results import RUN_COLUMNS, ResultSet
from escalade.results import tablenames as tn
from escalade.results.pool import ReadPool
from escalade.results.store import StoreBusy, StoreCorrupt
from escalade.scenario import Scenario
from escalade.scenario.compiled import compile_scenario
from escalade.web.jobs import Job, JobManager
from escalade.web.models import RunRequest, finite_or_none
from escalade.web.problems import NotFound, Unavailable
from escalade.web.registry import ScenarioRegistry, with_overrides
from escalade.web.settings import Settings
from escalade.workflows.replay import ReplayOptions, replay_scenario
from escalade.workflows.run import RunOptions, RunPlan, plan_run, run_plan, save_or_stash

__all__ = ["CACHE_SIZE", "WORKER_NICE", "Board", "Dashboard", "get_dashboard"]

WORKER_NICE = 10
"""Niceness added to the worker processes of dashboard runs."""

CACHE_SIZE = 64
"""Stored runs and rendered result pages kept in memory (until the store changes)."""


class Dashboard:
    """What every route shares.

    Parameters
    ----------
    settings : Settings
        Locations and limits.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs = JobManager(max_jobs=settings.max_jobs, max_queue=settings.max_queue)
        self.scenarios = ScenarioRegistry(settings)
        self.label = settings.store.name  # messages never show the store's full path
        self.reads = ReadPool(settings.store, size=4, label=self.label)
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, object], Any] = OrderedDict()
        self._building: dict[tuple[str, object], threading.Lock] = {}

    def store_stamp(self) -> tuple[int, ...]:
        """Changes whenever the store file (or its WAL) is written."""
        stamp: list[int] = []
        store = self.settings.store
        for path in (store, store.with_name(store.name + ".wal")):
            try:
                info = path.stat()
            except OSError:
                stamp += [-1, -1]
            else:
                stamp += [info.st_mtime_ns, info.st_size]
        return tuple(stamp)

    def cached(
        self, what: str, key: object, build: Callable[[], Any], *, stamped: bool = True
    ) -> Any:
        """``build()``, kept until the store changes (``stamped``) or for good.

        One thread builds a missing entry while the others asking for it wait, so a
        burst of requests for a page not yet rendered renders it once. At most
        :data:`CACHE_SIZE` entries are kept (least recently used dropped first).
        """
        full = (what, (key, self.store_stamp() if stamped else None))
        with self._cache_lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
            building = self._building.setdefault(full, threading.Lock())
        with building:
            with self._cache_lock:
                if full in self._cache:
                    return self._cache[full]
            value = build()
            with self._cache_lock:
                self._cache[full] = value
                self._building.pop(full, None)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value

    def job(self, jid: str) -> Job:
        """The job of that id (:class:`NotFound` if none)."""
        job = self.jobs.jobs.get(jid)
        if job is None:
            raise NotFound(f"run: no job {jid!r}")
        return job

    def stored(self, run_id: str) -> ResultSet:
        """A run from the store.

        Raises
        ------
        NotFound
            When the store holds no run of that id.
        Unavailable
            When the store is busy beyond the wait, or damaged (503, not 404).
        """
        result: ResultSet = self.cached("run", run_id, lambda: self._read(run_id))
        return result

    def _read(self, run_id: str) -> ResultSet:
        try:
            with self.reads.reading() as store:
                if store is None:
                    raise NotFound(f"{self.label}: no run with id {run_id!r} (hint: no run stored)")
                return store.load(run_id)
        except (StoreBusy, StoreCorrupt) as exc:
            raise Unavailable(str(exc)) from exc
        except NotFound:
            raise
        except EscaladeError as exc:
            raise NotFound(str(exc)) from exc

    def stored_runs(self) -> pd.DataFrame:
        """The store's list of runs (id, kind, scenario_id, created, ...); empty if none."""
        runs: pd.DataFrame = self.cached("runs", None, self._read_runs)
        return runs

    def _read_runs(self) -> pd.DataFrame:
        try:
            with self.reads.reading() as store:
                if store is None:
                    return pd.DataFrame(columns=list(RUN_COLUMNS))
                return store.list_runs()
        except (StoreBusy, StoreCorrupt) as exc:
            raise Unavailable(str(exc)) from exc

    def start(self, req: RunRequest) -> Job:
        """Check a run request and queue the run (a worker process simulates it).

        Raises
        ------
        UsageError
            When N is above the cap, or a strategy, mindset or override is unknown.
        NotFound
            When the scenario is not listed.
        Overloaded
            When ``max_jobs + max_queue`` runs are already going or waiting.
        """
        if req.n > self.settings.max_n:
            raise UsageError(f"n: expected at most {self.settings.max_n}, found {req.n}")
        base = with_overrides(self.scenarios.get(req.scenario), req.overrides)
        options = RunOptions(
            strategies=req.strategies or None,
            mindsets=req.mindsets or None,
            n=req.n,
            seed=req.seed,
            workers=1,
            store=None,
            out=None,
            chunk_size=2048,
            sweep=req.sweep,
        )
        plan = plan_run(base, options)  # refused here, before queueing, when invalid
        job = self.jobs.submit(req.scenario, plan.trajectories, self._work(plan))
        job.overrides = dict(req.overrides)
        return job

    def start_replay(self, sid: str, text: str, particles: int, seed: int) -> Job:
        """Check an uploaded observed timeline against a listed scenario and queue its replay.

        Raises
        ------
        UsageError
            When ``particles`` is out of range.
        ScenarioError
            When the timeline is invalid (located messages).
        """
        if not 16 <= particles <= self.settings.max_n:
            raise UsageError(f"particles: expected 16 to {self.settings.max_n}, found {particles}")
        base = self.scenarios.get(sid)
        # every located error, the file's and those against the scenario, before queueing
        lt = loads_observed(text, file="uploaded.observed.yaml", scenario=compile_scenario(base))
        cells = max(1, len(base.strategies)) * max(1, len(base.mindsets))
        options = ReplayOptions(particles=particles, seed=seed, replicates=4, store=None)

        def work(job: Job) -> None:
            with ProcessExecutor(1, nice=WORKER_NICE) as executor:
                outcome = replay_scenario(
                    base,
                    lt,
                    dataclasses.replace(options, executor=executor),
                    progress=lambda k: setattr(job, "done", job.done + k),
                )
            self._keep(job, outcome.result_set)
            summary = outcome.summary()
            job.summary = {k: summary[k] for k in ("log_evidence", "posterior", "scores")}

        job = self.jobs.submit(sid, 2 * cells * particles, work)
        job.kind = "replay"
        return job

    def _keep(self, job: Job, result_set: ResultSet) -> None:
        """Save a finished job's results; if the store cannot take them now, keep them aside."""
        with self.reads.writing():
            saved = save_or_stash(result_set, self.settings.store, label=self.label)
        job.run_id = saved.run_id
        if saved.run_id is None:  # kept aside: shown from memory, merged on the next save
            job.result_set = result_set
            job.warning = (
                f"not stored yet: {saved.problem}; the results are kept next to the store "
                "and merged into it at the next save"
            )

    def _work(self, plan: RunPlan) -> Callable[[Job], None]:
        def work(job: Job) -> None:
            # The simulation runs in a worker process at a lower priority, so that pages
            # stay responsive while runs keep the cores busy.
            with ProcessExecutor(1, nice=WORKER_NICE) as executor:
                outcome = run_plan(
                    plan.on(executor), progress=lambda k: setattr(job, "done", job.done + k)
                )
            self._keep(job, outcome.result_set)
            records = outcome.result_set.tables[tn.COMPARISON].to_dict(orient="records")
            job.summary = {
                "comparison": [{k: finite_or_none(v) for k, v in r.items()} for r in records]
            }

        return work


def get_dashboard(request: Request) -> Dashboard:
    """The app's :class:`Dashboard` (a FastAPI dependency)."""
    board: Dashboard = request.app.state.dashboard
    return board


Board = Annotated[Dashboard, Depends(get_dashboard)]
"""A route parameter annotated ``Board`` receives the app's :class:`Dashboard`."""


def summary_of(scenario: Scenario) -> dict[str, Any]:
    """Id, title, strategies and mindsets of a scenario (for lists)."""
    return {
        "id": scenario.id,
        "title": scenario.title,
        "strategies": [x.id for x in scenario.strategies],
        "mindsets": [x.id for x in scenario.mindsets],
    }
