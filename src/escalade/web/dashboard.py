"""The dashboard's state: scenarios, jobs, the results store; and how a run is started.

Routes reach it through the :data:`Board` dependency (``request.app.state``).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends, Request

from escalade.engine.executors import ProcessExecutor
from escalade.errors import EscaladeError, UsageError
from escalade.results import ResultSet, Store
from escalade.scenario import Scenario
from escalade.web.jobs import Job, JobManager
from escalade.web.models import RunRequest, finite_or_none
from escalade.web.problems import NotFound
from escalade.web.registry import ScenarioRegistry, with_overrides
from escalade.web.settings import Settings
from escalade.workflows.run import RunOptions, pick, run_scenario

__all__ = ["Board", "Dashboard", "get_dashboard"]


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
        self.store_lock = threading.Lock()
        self.pages: dict[str, str] = {}

    def job(self, jid: str) -> Job:
        """The job of that id (:class:`NotFound` if none)."""
        job = self.jobs.jobs.get(jid)
        if job is None:
            raise NotFound(f"run: no job {jid!r}")
        return job

    def stored(self, run_id: str) -> ResultSet:
        """A run from the store (:class:`NotFound` if it is not there)."""
        try:
            with (
                self.store_lock,
                Store(self.settings.store, label=self.settings.store.name) as store,
            ):
                return store.load(run_id)
        except EscaladeError as exc:
            raise NotFound(str(exc)) from exc

    def stored_runs(self) -> pd.DataFrame:
        """The store's list of runs (id, kind, scenario_id, created, ...)."""
        with self.store_lock, Store(self.settings.store, label=self.settings.store.name) as store:
            return store.list_runs()

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
        cells = len(pick(req.strategies, [x.id for x in base.strategies], "strategies")) * len(
            pick(req.mindsets, [x.id for x in base.mindsets], "mindsets")
        )
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
        return self.jobs.submit(req.scenario, req.n * cells, self._work(base, options))

    def _work(self, base: Scenario, options: RunOptions) -> Callable[[Job], None]:
        def work(job: Job) -> None:
            # The simulation runs in a worker process, so pages stay responsive meanwhile.
            with ProcessExecutor(1) as executor:
                outcome = run_scenario(
                    base,
                    dataclasses.replace(options, executor=executor),
                    progress=lambda k: setattr(job, "done", job.done + k),
                )
            with (
                self.store_lock,
                Store(self.settings.store, label=self.settings.store.name) as store,
            ):
                job.run_id = store.save(outcome.result_set)
            records = outcome.result_set.tables["comparison"].to_dict(orient="records")
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
