"""Replay a scenario against an observed timeline: run the filters, store, report.

:func:`replay_scenario` is what ``escalade replay`` calls: load the scenario
and the timeline, run :func:`escalade.analysis.replay.replay`, save its
tables to the DuckDB store as a ``replay`` result set and write the
self-contained HTML report (``replay.html``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escalade.analysis.replay import ReplayResult, open_executor, replay
from escalade.analysis.replay_tables import clean_json, replay_tables
from escalade.engine.executors import Executor
from escalade.evidence.observed import LoadedTimeline, load_observed
from escalade.report.html import write_html
from escalade.report.replay_report import replay_report
from escalade.reprs import short_repr
from escalade.results import ResultSet
from escalade.results.provenance import REPLAY_KEYS, Provenance, environment_versions, utc_now
from escalade.results.resultset import scenario_hash
from escalade.scenario import Scenario, load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.workflows.run import save_or_stash

__all__ = ["ReplayOptions", "ReplayOutcome", "replay_scenario"]


@dataclass(frozen=True)
class ReplayOptions:
    """How to replay: particles per cell, seed, as-of date, execution, store, report folder."""

    particles: int = 4096
    seed: int = 2024
    as_of: dt.date | None = None
    replicates: int = 8
    workers: int | None = None
    executor: Executor | None = None
    store: Path | None = Path("escalade.duckdb")
    out: Path | None = None


@dataclass(frozen=True)
class ReplayOutcome:
    """The result, its result set, where it was stored and the report."""

    result: ReplayResult
    result_set: ResultSet
    run_id: str | None
    report: Path | None
    pending: Path | None = None
    store_problem: str | None = None

    def __repr__(self) -> str:
        r = self.result
        return short_repr(
            "ReplayOutcome",
            scenario=r.scenario,
            as_of=r.as_of.isoformat(),
            observations=len(r.facts),
            particles=r.particles,
            log_evidence=float(r.total_log_z[0]),
            run_id=self.run_id,
            report=self.report,
            pending=self.pending,
            store_problem=self.store_problem,
        )

    def summary(self) -> dict[str, Any]:
        """The JSON summary (``escalade replay --json``)."""
        out = clean_json(self.result.to_dict())
        out["run_id"] = self.run_id
        out["report"] = str(self.report) if self.report else None
        return dict(out)


def _provenance(
    loaded: Scenario, lt: LoadedTimeline, options: ReplayOptions, result: ReplayResult
) -> Provenance:
    """The replay's provenance, with its evidence, posterior and scores."""
    summary = clean_json(result.to_dict())
    return Provenance(
        scenario_id=loaded.spec.id,
        scenario_title=loaded.spec.title,
        scenario_hash=loaded.content_hash,
        observed_file=Path(lt.file).name,
        observed_hash=scenario_hash(lt.text),
        n=options.particles,
        particles=options.particles,
        replicates=options.replicates,
        seed=options.seed,
        epsilon=lt.timeline.epsilon,
        as_of=result.as_of.isoformat(),
        n_observations=len(result.facts),
        log_evidence={k: summary["log_evidence"][k] for k in ("value", "se")},
        posterior=summary["posterior"],
        scores=summary["scores"],
        versions=environment_versions(),
        created=utc_now(),
        keys=REPLAY_KEYS,
    )


def replay_scenario(
    scenario: Scenario | str | Path,
    observed: LoadedTimeline | str | Path,
    options: ReplayOptions,
    *,
    progress: Callable[[int], None] | None = None,
) -> ReplayOutcome:
    """Replay ``scenario`` against the timeline ``observed`` (see the module docstring).

    Both may be given loaded (a :class:`Scenario`, a :class:`LoadedTimeline`) or as paths.
    """
    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    compiled = compile_scenario(loaded)
    lt = (
        observed
        if isinstance(observed, LoadedTimeline)
        else load_observed(observed, scenario=compiled)
    )
    kw: dict[str, Any] = {
        "particles": options.particles,
        "seed": options.seed,
        "as_of": options.as_of,
        "replicates": options.replicates,
        "progress": progress,
    }
    if options.executor is not None:
        result = replay(compiled, lt, executor=options.executor, **kw)
    else:
        n_tasks = (
            2
            * options.replicates
            * max(1, len(loaded.spec.strategies))
            * max(1, len(loaded.spec.mindsets))
        )
        with open_executor(options.workers, n_tasks) as running:
            result = replay(compiled, lt, executor=running, **kw)
    provenance = _provenance(loaded, lt, options, result)
    rs = ResultSet("replay", provenance.to_mapping(), replay_tables(result), loaded.text)
    run_id = pending = problem = None
    if options.store is not None:
        saved = save_or_stash(rs, options.store, label="replay")
        run_id, pending, problem = saved.run_id, saved.pending, saved.problem
    report = None
    if options.out is not None:
        options.out.mkdir(parents=True, exist_ok=True)
        report = write_html(replay_report(rs), options.out / "replay.html")
    return ReplayOutcome(result, rs, run_id, report, pending, problem)
