"""The main job: every strategy against every mindset, stored and reported.

:func:`run_scenario` is what ``escalade run`` and the dashboard's run form
call: simulate each (strategy, mindset) cell with common random numbers,
combine the cells into the run's tables, save them to the DuckDB store in one
transaction (an interrupted run leaves nothing behind) and write the
self-contained HTML report.

Unless ``sweep`` is 0, the run also includes a robustness sweep
(:mod:`escalade.analysis.sweep`: the share of uncertainty draws in which each
strategy is best, PRIM on "the headline strategy is not best", one-at-a-time
sweeps) and the decomposition of the difference between the top two
strategies (:mod:`escalade.analysis.explain`); the report's brief shows both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from escalade.analysis.brief import provenance_counts, threshold_risk
from escalade.analysis.explain import explain_difference
from escalade.analysis.ranking import RankBy, actor_as_side, rank_by
from escalade.analysis.run import focal_side, run_tables, status_quo
from escalade.analysis.sweep import SweepOptions, robustness_sweep
from escalade.engine import run_grid
from escalade.engine.executors import Executor
from escalade.engine.runner import grid_executor
from escalade.errors import (
    ResultsFormatError,
    UsageError,
    closest_id_hint,
    separate_ids_hint,
    swapped_id_hint,
)
from escalade.report.html import write_html
from escalade.report.pdf import write_pdf
from escalade.report.run_report import run_report
from escalade.reprs import html_with_repr, listed, short_repr
from escalade.results import ResultSet, Store
from escalade.results import tablenames as tn
from escalade.results.pending import stash
from escalade.results.provenance import (
    INTERVALS,
    RUN_KEYS,
    Provenance,
    environment_versions,
    utc_now,
)
from escalade.scenario import Scenario, load_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario
from escalade.workflows.options import as_path, with_overrides

__all__ = [
    "RunOptions",
    "RunOutcome",
    "RunPlan",
    "Saved",
    "pick",
    "plan_run",
    "run_plan",
    "run_scenario",
    "save_or_stash",
]


@dataclass(frozen=True)
class RunOptions:
    """How to run: cells, sample size, seed, execution, where to store and report.

    The defaults are those of ``escalade run``: in particular the run is **saved**
    in ``escalade.duckdb`` and its report written to ``escalade-report/``, both
    relative to the current directory (the store the command line and
    ``escalade serve`` read by default). Pass ``store=None`` and ``out=None`` to
    keep a run in memory only.

    Attributes
    ----------
    strategies, mindsets : sequence of str, optional
        The ids to run (default: all the scenario declares).
    n : int
        Trajectories per (strategy, mindset) cell (1 to 10,000,000).
    seed : int
        Root seed; every cell uses the same random numbers.
    chunk_size : int
        Trajectories per task (memory grows with it).
    workers, scheduler : optional
        Worker processes (default: one per usable core) or a Dask scheduler address.
    store : pathlib.Path or str or None
        The results store (DuckDB file) the run is saved in; None: not saved
        (``RunOutcome.run_id`` is then None).
    out : pathlib.Path or str or None
        The folder of the HTML report (``report.html``); None: no report.
    executor : Executor, optional
        An entered executor to run on (overrides ``workers`` and ``scheduler``).
    sweep : int
        Latin-hypercube points of the robustness sweep over the uncertainties
        (0: none; it is what takes longest on small runs).
    sweep_trajectories : int
        Trajectories per sweep point and cell.
    pdf : bool
        Also write the one-page brief as ``brief.pdf`` (needs headless Chromium).
    memory : int, optional
        The memory budget in bytes (default: half of the machine).
    rank_by : str, optional
        The side or actor whose utility ranks the strategies (default: the focal
        side; :func:`escalade.analysis.ranking.rank_by`).
    """

    strategies: Sequence[str] | None = None
    mindsets: Sequence[str] | None = None
    n: int = 2000
    seed: int = 2024
    chunk_size: int = 20_000
    workers: int | None = None
    scheduler: str | None = None
    store: Path | None = Path("escalade.duckdb")
    out: Path | None = Path("escalade-report")
    executor: Executor | None = None
    sweep: int = 200
    sweep_trajectories: int = 2
    pdf: bool = False
    memory: int | None = None
    rank_by: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", as_path(self.store))
        object.__setattr__(self, "out", as_path(self.out))


@dataclass(frozen=True)
class Saved:
    """Where results went: a run id in the store, or a pending bundle and why."""

    run_id: str | None = None
    pending: Path | None = None
    problem: str | None = None


@dataclass(frozen=True)
class RunPlan:
    """What a run will simulate, checked before anything heavy starts (:func:`plan_run`).

    ``strategies`` and ``mindsets`` are the chosen ids in order (``(None,)`` when the
    scenario declares none to choose from); ``rank`` ranks the strategies.
    """

    scenario: Scenario
    options: RunOptions
    strategies: tuple[str | None, ...]
    mindsets: tuple[str | None, ...]
    rank: RankBy

    @property
    def cells(self) -> list[tuple[str | None, str | None]]:
        """Every (strategy, mindset) pair, in the order they run."""
        return [(s, m) for s in self.strategies for m in self.mindsets]

    @property
    def trajectories(self) -> int:
        """The trajectories simulated in all: the total ``progress`` is called with."""
        return len(self.strategies) * len(self.mindsets) * self.options.n

    def on(self, executor: Executor) -> RunPlan:
        """The same plan run on ``executor`` (an entered executor)."""
        return replace(self, options=replace(self.options, executor=executor))


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced.

    Attributes
    ----------
    result_set : ResultSet
        The run's tables (``comparison`` is the ranking) and provenance.
    run_id : str or None
        Its id in the results store; None when not stored (``store=None``, or kept
        aside as ``pending``).
    report, pdf : pathlib.Path or None
        The HTML report and the PDF brief, when written.
    pending, store_problem : pathlib.Path or str, optional
        Where the results were kept when the store stayed busy or was damaged, and
        why (:func:`save_or_stash`).
    plan : RunPlan or None
        What was run.
    """

    result_set: ResultSet
    run_id: str | None
    report: Path | None
    pdf: Path | None = None
    pending: Path | None = None
    store_problem: str | None = None
    plan: RunPlan | None = None

    def __repr__(self) -> str:
        meta = self.result_set.metadata
        comparison = self.result_set.get(tn.COMPARISON)
        ranking = list(comparison["strategy"]) if "strategy" in comparison else []
        return short_repr(
            "RunOutcome",
            scenario=meta.get("scenario_id"),
            run_id=self.run_id,
            n=meta.get("n"),
            seed=meta.get("seed"),
            mindsets=listed(meta.get("mindsets", ())),
            ranking=listed(ranking),
            report=self.report,
            pdf=self.pdf,
            pending=self.pending,
            store_problem=self.store_problem,
        )

    def _repr_html_(self) -> str:
        """In a notebook: the repr, then the ranking (the ``comparison`` table)."""
        ranking = self.result_set.get(tn.COMPARISON)
        return html_with_repr(self, ranking, "ranking (result_set.table('comparison'))")


def save_or_stash(rs: ResultSet, store: Path, *, label: str | None = None) -> Saved:
    """Save ``rs`` in the store; if it stays busy or is damaged, keep it next to it.

    The store is waited for as :class:`~escalade.results.Store` documents (30 s by
    default); after that, or when the file is truncated or damaged, the results are
    written as a bundle in ``<store>.pending/`` (:mod:`escalade.results.pending`),
    merged the next time the store is opened for writing.
    """
    try:
        with Store(store, label=label) as opened:
            return Saved(run_id=opened.save(rs))
    except ResultsFormatError as exc:
        return Saved(pending=stash(store, rs), problem=str(exc))


def pick(
    chosen: Sequence[str] | None, known: Sequence[str], kind: str, others: Sequence[str] = ()
) -> list[str | None]:
    """Validate a user's choice of strategies or mindsets (default: all; None if none exist).

    ``kind`` is the parameter that made the choice (``"strategies"``, ``"mindsets"``);
    ``others`` the ids of the other kind, named in the hint when one is given here.
    """
    if not known:
        if chosen:
            raise UsageError(
                f"{kind}: the scenario declares none to choose from, found {list(chosen)}",
                parameter=kind,
            )
        return [None]
    if not chosen:
        return list(known)
    unknown = [c for c in chosen if c not in known]
    if unknown:
        # one hint: the spaced form when ids were joined by commas, else a swapped kind, else
        # the closest id ("a,b" got the spaced form and "did you mean 'b'?" besides)
        hint = separate_ids_hint(kind, chosen, known) or swapped_id_hint(unknown, others, kind)
        raise UsageError(
            f"{kind}: expected ids among {', '.join(known)}, found {', '.join(unknown)}"
            f"{hint or closest_id_hint(unknown, known)}",
            parameter=kind,
        )
    return list(chosen)


def _provenance(plan: RunPlan) -> Provenance:
    scenario, options, rank = plan.scenario, plan.options, plan.rank
    strategies, mindsets = plan.strategies, plan.mindsets
    return Provenance(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        scenario_description=scenario.spec.description,
        scenario_hash=scenario.content_hash,
        seed=options.seed,
        n=options.n,
        horizon=scenario.spec.calendar.horizon,
        focal_side=focal_side(scenario),
        rank_by=rank.id,
        rank_kind=rank.kind,
        ranked_by=rank.describe(),
        intervals=INTERVALS,
        status_quo=status_quo(scenario),
        sweep_points=options.sweep,
        sweep_trajectories=options.sweep_trajectories,
        created=utc_now(),
        strategies=tuple(s or "default" for s in strategies),
        mindsets=tuple(m or "default" for m in mindsets),
        n_mindsets=len(mindsets),
        versions=environment_versions(),
        keys=RUN_KEYS,
    )


def loaded_for_n(scenario: Scenario | str | Path, n: int) -> Scenario:
    """The scenario (loaded if given by name or path), once ``n`` per cell is in range."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not 1 <= n <= 10_000_000:
        raise UsageError(
            f"n: expected 1 to 10,000,000 trajectories per cell, found {n}", parameter="n"
        )
    return scenario


def plan_run(scenario: Scenario | str | Path, options: RunOptions) -> RunPlan:
    """Check a run and return what it will simulate, without simulating.

    Everything that can be refused is checked here, once: N, the sweep's sizes,
    ``rank_by`` and the chosen strategies and mindsets.

    Raises
    ------
    UsageError
        Naming the parameter out of range or the unknown id.
    """
    scenario = loaded_for_n(scenario, options.n)
    if not 0 <= options.sweep <= 100_000:
        raise UsageError(
            f"sweep: expected 0 to 100,000 points, found {options.sweep}", parameter="sweep"
        )
    if not 1 <= options.sweep_trajectories <= 10_000:
        raise UsageError(
            f"sweep_trajectories: expected 1 to 10,000 trajectories per point and cell, "
            f"found {options.sweep_trajectories}",
            parameter="sweep_trajectories",
        )
    rank = rank_by(scenario, options.rank_by, focal_side(scenario))
    strategy_ids, mindset_ids = (
        [s.id for s in scenario.strategies],
        [m.id for m in scenario.mindsets],
    )
    strategies = pick(options.strategies, strategy_ids, "strategies", mindset_ids)
    mindsets = pick(options.mindsets, mindset_ids, "mindsets", strategy_ids)
    return RunPlan(scenario, options, tuple(strategies), tuple(mindsets), rank)


def run_scenario(
    scenario: Scenario | str | Path,
    options: RunOptions | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    **overrides: Any,
) -> RunOutcome:
    """Run every strategy against every mindset; rank, store and report.

    Each (strategy, mindset) cell is simulated with common random numbers, the
    strategies are ranked (mean utility, worst case, minimax regret), the run is
    saved in the results store and the HTML report written. Unless ``sweep`` is 0,
    a robustness sweep over the uncertainties is added.

    By default (:class:`RunOptions`) the run is saved in ``escalade.duckdb`` and
    reported in ``escalade-report/`` in the current directory; ``store=None`` and
    ``out=None`` keep it in memory only.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    options : RunOptions, optional
        Cells, N, seed, execution and output locations (default: ``RunOptions()``).
    progress : callable, optional
        Called with the number of trajectories just finished.
    **overrides
        Fields of :class:`RunOptions` that replace those of ``options``.

    Returns
    -------
    RunOutcome
        ``result_set`` (its ``comparison`` table is the ranking), ``run_id`` in the
        store, ``report`` (the HTML file).

    Raises
    ------
    ScenarioError
        If the scenario cannot be loaded.
    UsageError
        For an option out of range, an unknown strategy, mindset or keyword.

    Notes
    -----
    The same as ``run_plan(plan_run(scenario, options), progress=progress)``; a caller
    that sizes a progress bar plans first (:attr:`RunPlan.trajectories`).

    Examples
    --------
    >>> import escalade
    >>> outcome = escalade.run("kursk-mini", n=64, sweep=0, store=None, out=None)
    >>> outcome.result_set.table("comparison")["strategy"].tolist()
    ['deescalate', 'graduated']
    """
    options = with_overrides(options, RunOptions, overrides, "run")
    return run_plan(plan_run(scenario, options), progress=progress)


def run_plan(plan: RunPlan, *, progress: Callable[[int], None] | None = None) -> RunOutcome:
    """Simulate, store and report a planned run (:func:`plan_run`).

    Parameters
    ----------
    plan : RunPlan
        The checked scenario, options and cells.
    progress : callable, optional
        Called with the number of trajectories just finished (in all,
        :attr:`RunPlan.trajectories`).
    """
    if plan.options.executor is not None:
        tables = _simulate(plan, compile_scenario(plan.scenario), progress)
    else:  # one executor for the grid and the sweep (a pool's workers start once)
        compiled = compile_scenario(plan.scenario)
        with grid_executor(compiled, plan.cells, **_grid_sizes(plan.options)) as running:
            tables = _simulate(plan.on(running), compiled, progress)
    return _save_and_report(plan, _provenance(plan), tables)


def _grid_sizes(options: RunOptions) -> dict[str, Any]:
    """What sizes a run's grid and chooses its executor: N, seed, chunk, scheduler, workers."""
    return {
        "n": options.n,
        "seed": options.seed,
        "chunk_size": options.chunk_size,
        "scheduler": options.scheduler,
        "workers": options.workers,
    }


def _simulate(
    plan: RunPlan, compiled: CompiledScenario, progress: Callable[[int], None] | None
) -> dict[str, Any]:
    """The run's tables: the grid's cells, then the brief's (explain, sweep) on its executor."""
    scenario, options = plan.scenario, plan.options
    results = run_grid(
        compiled,
        plan.cells,
        **_grid_sizes(options),
        executor=options.executor,
        progress=progress,
        memory=options.memory,
    )
    cells = {(s or "default", m or "default"): r.tables() for (s, m), r in results.items()}
    tables = run_tables(scenario, cells, rank=plan.rank)
    tables.update(_brief_tables(plan, tables))
    return tables


def _save_and_report(plan: RunPlan, provenance: Provenance, tables: dict[str, Any]) -> RunOutcome:
    """Store the run (or keep it aside), then write the report even if storing failed."""
    scenario, options = plan.scenario, plan.options
    result_set = ResultSet("run", provenance.to_mapping(), tables, scenario.text)
    saved, failure = Saved(), None
    if options.store is not None:
        try:
            saved = save_or_stash(result_set, options.store)
        except Exception as exc:  # the report is still written, then this is raised
            failure = exc
    if saved.run_id is not None:
        stored = provenance.with_run_id(saved.run_id).to_mapping()
        result_set = ResultSet("run", stored, tables, scenario.text)
    report = (
        write_html(run_report(result_set), options.out / "report.html") if options.out else None
    )
    pdf = None
    if options.pdf and report is not None:
        pdf = write_pdf(report, report.parent / "brief.pdf")
    if failure is not None:
        raise failure
    return RunOutcome(
        result_set, saved.run_id, report, pdf, saved.pending, saved.problem, plan=plan
    )


def _brief_tables(plan: RunPlan, tables: dict[str, Any]) -> dict[str, Any]:
    """The explain tables of the top two strategies and the robustness sweep's tables.

    Ranked by an actor, the sweep scores the actor's side weighing only that actor.
    """
    scenario, options, rank = plan.scenario, plan.options, plan.rank
    strategies, mindsets = plan.strategies, plan.mindsets
    out: dict[str, Any] = {
        tn.RISK: threshold_risk(tables[tn.THRESHOLDS]),
        tn.PROVENANCE: provenance_counts(tables[tn.ASSUMPTIONS]),
    }
    ranking = [str(s) for s in tables[tn.COMPARISON]["strategy"]]
    if len(ranking) < 2 or None in strategies:
        return out
    side = rank.id if rank.kind == "side" else focal_side(scenario)
    actor = rank.id if rank.kind == "actor" else None
    explained = explain_difference(
        tables[tn.UTILITY_TERMS],
        ranking[0],
        ranking[1],
        side=side,
        cells=tables[tn.CELLS],
        utilities=tables[tn.UTILITIES],
        weights=tables[tn.SIDE_WEIGHTS],
        actor=actor,
    )
    out[tn.EXPLAIN_BY_TERM] = explained["by_term"]
    out[tn.EXPLAIN_BY_ACTOR] = explained["by_actor"]
    out[tn.EXPLAIN_TOTAL] = explained["total"]
    if options.sweep > 0:
        swept, side = actor_as_side(scenario, actor) if actor is not None else (scenario, side)
        sweep = SweepOptions(
            n=options.sweep, trajectories=options.sweep_trajectories, seed=options.seed
        )
        named = [str(m) for m in mindsets if m is not None]
        out.update(
            robustness_sweep(
                swept,
                [str(s) for s in strategies],
                named,
                ranking,
                side=side,
                options=sweep,
                executor=options.executor,
            )
        )
    return out
