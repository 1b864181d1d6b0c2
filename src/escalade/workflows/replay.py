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
from escalade.reprs import html_with_repr, short_repr
from escalade.results import ResultSet
from escalade.results import tablenames as tn
from escalade.results.provenance import REPLAY_KEYS, Provenance, environment_versions, utc_now
from escalade.results.resultset import scenario_hash
from escalade.scenario import Scenario, load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.workflows.options import as_path, with_overrides
from escalade.workflows.run import save_or_stash

__all__ = ["ReplayOptions", "ReplayOutcome", "replay_scenario"]


@dataclass(frozen=True)
class ReplayOptions:
    """How to replay: particles per cell, seed, as-of date, execution, store, report folder.

    As for :class:`~escalade.workflows.run.RunOptions`, the replay is **saved** in
    ``escalade.duckdb`` in the current directory by default (``store=None``: not
    saved); no report is written unless ``out`` is given.

    Attributes
    ----------
    particles : int
        Particles per (strategy, mindset) cell.
    seed : int
        Root seed.
    as_of : datetime.date, optional
        Condition on the observations known by this date (default: the timeline's
        ``as_of``); the rest of the horizon is re-forecast from it.
    replicates : int
        Independent filters per cell (2 to ``particles / 2``).
    workers : int, optional
        Worker processes.
    executor : Executor, optional
        An entered executor to run on (overrides ``workers``).
    store : pathlib.Path or str or None
        The results store; None: not stored.
    out : pathlib.Path or str or None
        The folder of the report ``replay.html``; None: no report.
    """

    particles: int = 4096
    seed: int = 2024
    as_of: dt.date | None = None
    replicates: int = 8
    workers: int | None = None
    executor: Executor | None = None
    store: Path | None = Path("escalade.duckdb")
    out: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", as_path(self.store))
        object.__setattr__(self, "out", as_path(self.out))


@dataclass(frozen=True)
class ReplayOutcome:
    """The result, its result set, where it was stored and the report.

    ``result`` holds the scores, the posterior and the forecasts (``summary()``: as
    JSON); ``result_set`` its tables as stored (``scores``, ``posterior``, ...).
    """

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

    def _repr_html_(self) -> str:
        """In a notebook: the repr, then the posterior over strategies and mindsets."""
        posterior = self.result_set.get(tn.POSTERIOR)
        return html_with_repr(self, posterior, "posterior (result_set.table('posterior'))")

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
    options: ReplayOptions | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    **overrides: Any,
) -> ReplayOutcome:
    """Score a scenario's forecasts against an observed timeline and condition on it.

    Scores the forecasts (Brier and log scores beside baselines), runs a particle
    filter per (strategy, mindset) cell (the posterior over strategies, mindsets
    and uncertainties, with the log evidence) and re-forecasts the rest of the
    horizon from ``as_of`` (``docs/history.md``).

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    observed : LoadedTimeline, str or pathlib.Path
        The observed timeline (a YAML file, ``escalade schema --kind observed``).
    options : ReplayOptions, optional
        Particles, seed, as-of date, execution, store and report (default:
        ``ReplayOptions()``, which stores the replay in ``escalade.duckdb`` in the
        current directory).
    progress : callable, optional
        Called with the number of particles of each finished task.
    **overrides
        Fields of :class:`ReplayOptions` that replace those of ``options``.

    Returns
    -------
    ReplayOutcome
        ``result.scores``, the posterior, the forecasts; ``summary()`` as JSON.

    Raises
    ------
    ScenarioError
        If the scenario or the timeline cannot be loaded.
    UsageError
        For an option out of range or an unknown keyword.
    """
    options = with_overrides(options, ReplayOptions, overrides, "replay")
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
