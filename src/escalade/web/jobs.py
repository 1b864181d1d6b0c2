"""Background jobs of the dashboard: a bounded pool, progress, errors kept for the page."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from escalade.web.problems import Overloaded

__all__ = ["Job", "JobManager", "Overloaded"]


@dataclass
class Job:
    """A job's state, as ``GET /api/runs/{id}`` shows it."""

    id: str
    scenario: str
    total: int
    status: str = "queued"
    done: int = 0
    run_id: str | None = None
    error: str | None = None
    warning: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    result_set: Any = field(default=None, repr=False)
    overrides: dict[str, float] = field(default_factory=dict)
    """Uncertainties the request fixed to one value (shown on the job page)."""
    kind: str = "run"
    """``run`` or ``replay``: what the job page calls it."""

    @property
    def progress(self) -> float:
        """Share of trajectories simulated."""
        return min(self.done / self.total, 1.0) if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {
            "id": self.id,
            "scenario": self.scenario,
            "status": self.status,
            "progress": round(self.progress, 4),
            "run_id": self.run_id,
            "error": self.error,
            "warning": self.warning,
            "results": self.summary or None,
        }


class JobManager:
    """At most ``max_jobs`` running and ``max_queue`` waiting; more is :class:`Overloaded`."""

    def __init__(self, *, max_jobs: int = 2, max_queue: int = 4) -> None:
        self.max_jobs, self.max_queue = max_jobs, max_queue
        self.pool = self._new_pool()
        self.closed = False
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def _new_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.max_jobs, thread_name_prefix="escalade-job")

    def open(self) -> None:
        """Accept work again after :meth:`shutdown` (an app's lifespan may run again)."""
        with self.lock:
            if self.closed:
                self.pool, self.closed = self._new_pool(), False

    def active(self) -> int:
        """Jobs queued or running."""
        return sum(j.status in ("queued", "running") for j in self.jobs.values())

    def submit(self, scenario: str, total: int, work: Callable[[Job], None]) -> Job:
        """Queue ``work(job)``; the job is marked done or failed when it returns or raises."""
        job = Job(id=uuid.uuid4().hex[:12], scenario=scenario, total=total)

        def run() -> None:
            job.status = "running"
            try:
                work(job)
            except Exception as exc:
                job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
            else:
                job.status = "done"

        with self.lock:
            if self.closed:
                raise Overloaded("jobs: the server is stopping; hint: retry when it is back")
            if self.active() >= self.max_jobs + self.max_queue:
                raise Overloaded(
                    f"jobs: expected fewer than {self.max_jobs + self.max_queue} running or "
                    "waiting jobs, found that many; hint: retry when a run has finished"
                )
            self.jobs[job.id] = job
            self.pool.submit(run)
        return job

    def shutdown(self) -> None:
        """Stop accepting work; wait for running jobs; jobs still queued are marked failed."""
        with self.lock:
            self.closed = True
        self.pool.shutdown(wait=True, cancel_futures=True)
        for job in list(self.jobs.values()):
            if job.status == "queued":
                job.status, job.error = "failed", "cancelled: the server stopped before it began"
