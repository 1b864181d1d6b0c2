"""``escalade explore``: sweep a scenario's uncertainties, store chunk by chunk, analyse, report.

:func:`explore_scenario` builds the scenario's batch model
(:class:`escalade.explore.scenario.ScenarioModel`), draws the design, runs the
experiments on the chosen executor and writes each chunk to the DuckDB store
as it finishes. Started again with the same arguments after being killed, it
finds the unfinished run by a key (a hash of the scenario and the arguments),
skips the chunks already stored and ends with exactly the tables of an
uninterrupted sweep. It then adds the analyses: robustness of the focal
side's strategies, sensitivity indices, and PRIM boxes for a condition.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from escalade.analysis.explore import (
    check_requests,
    discover,
    parse_condition,
    regret_by_mindset,
    robustness,
    sensitivity,
    when_beats,
)
from escalade.analysis.run import focal_side
from escalade.analysis.scenario_tables import source_tables
from escalade.analysis.sweep import one_at_a_time
from escalade.engine.batch import side_column
from escalade.engine.executors import Executor, SequentialExecutor, executor_for
from escalade.engine.memory import bytes_per_trajectory, check_memory, usable_workers
from escalade.errors import UsageError, closest_id_hint
from escalade.explore.designs import Design, sample
from escalade.explore.experiments import ExploreResult, plan_experiments, run_experiments
from escalade.explore.parameters import parse_varies
from escalade.explore.scenario import ScenarioModel
from escalade.explore.sensitivity import sobol_warnings
from escalade.report.explore_report import explore_report
from escalade.report.html import write_html
from escalade.reprs import html_with_repr, listed, short_repr
from escalade.results import ResultSet, Store
from escalade.results import tablenames as tn
from escalade.results.provenance import (
    EXPLORE_KEYS,
    Provenance,
    environment_versions,
    utc_now,
)
from escalade.scenario import Scenario, load_scenario
from escalade.workflows.options import as_path, with_overrides

__all__ = ["ExploreOptions", "ExploreOutcome", "explore_scenario", "parse_condition"]


@dataclass(frozen=True)
class ExploreOptions:
    """What to sweep and how (the ``escalade explore`` arguments).

    As for :class:`~escalade.workflows.run.RunOptions`, the sweep is **saved** in
    ``escalade.duckdb`` in the current directory by default (``store=None``: not
    saved); no report is written unless ``out`` is given.

    Attributes
    ----------
    design : {"lhs", "sobol", "morris", "factorial"}
        How the uncertainties are sampled.
    n : int
        Design points; for ``sobol`` the base sample (``n * (2D + 2)`` points for D
        uncertainties), for ``morris`` the trajectories (``n * (D + 1)`` points).
    replications : int
        Replications per point.
    trajectories : int
        Trajectories averaged per experiment.
    strategies, mindsets : sequence of str
        The ids to sweep (default: all).
    vary : sequence of str
        Replaced uncertainty ranges: ``"NAME=LOW:HIGH"``, ``"NAME=LOW:HIGH:int"`` or
        ``"NAME=A,B,C"``.
    sensitivity : {"sobol", "morris"}, optional
        Sensitivity indices to compute (needs the design of the same name).
    discover : str, optional
        A condition such as ``"ukraine_position<0"``: PRIM boxes where it holds.
    seed : int
        Root seed.
    chunk_size : int
        Experiments per chunk (each chunk is stored as it finishes).
    workers, scheduler : optional
        Worker processes or a Dask scheduler address.
    store : pathlib.Path or str or None
        The results store; a killed sweep started again with the same options
        resumes from it. None: not stored.
    out : pathlib.Path or str or None
        The folder of the report ``explore.html``; None: no report.
    outcome : str, optional
        The outcome strategies are ranked by (default: the focal side's utility).
    memory : int, optional
        The memory budget in bytes (default: half of the machine).
    oat : bool
        Also sweep each uncertainty alone to both ends of its range.
    when_beats : (str, str), optional
        Strategies ``(a, b)``: CART boxes where ``b`` beats ``a``.
    """

    design: str = "lhs"
    n: int = 200
    replications: int = 1
    trajectories: int = 32
    strategies: Sequence[str] = ()
    mindsets: Sequence[str] = ()
    vary: Sequence[str] = ()
    sensitivity: str | None = None
    discover: str | None = None
    seed: int = 2024
    chunk_size: int = 1024
    workers: int | None = None
    scheduler: str | None = None
    store: Path | None = Path("escalade.duckdb")
    out: Path | None = None
    outcome: str | None = None
    memory: int | None = None
    oat: bool = False
    when_beats: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", as_path(self.store))
        object.__setattr__(self, "out", as_path(self.out))


@dataclass(frozen=True)
class ExploreOutcome:
    """The sweep, its analyses, where it was stored and reported.

    Attributes
    ----------
    result : ExploreResult
        The experiments and their outcomes (``result.experiments``, ``result.outcomes``).
    tables : dict of str to DataFrame
        The analyses: ``robustness``, ``regret_by_mindset``, ``sensitivity``,
        ``prim_boxes`` ... (empty when not asked for).
    summary : dict
        The JSON summary (``escalade explore --json``).
    run_id, report : optional
        The id in the results store and the HTML report, when stored or written.
    resumed_chunks : int
        Chunks found already stored by a resumed sweep.
    result_set : ResultSet or None
        Everything, as stored (the experiments, the outcomes and the analyses).
    """

    result: ExploreResult
    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]
    run_id: str | None
    report: Path | None
    resumed_chunks: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    result_set: ResultSet | None = None

    def __repr__(self) -> str:
        meta = self.result.metadata
        design = meta.get("design")
        return short_repr(
            "ExploreOutcome",
            scenario=meta.get("model"),
            run_id=self.run_id,
            design=design.get("kind") if isinstance(design, dict) else None,
            experiments=len(self.result.experiments),
            tables=listed(self.tables),
            report=self.report,
            resumed_chunks=self.resumed_chunks or None,
        )

    def _repr_html_(self) -> str:
        """In a notebook: the repr, then the robustness of each strategy."""
        robustness = self.tables.get(tn.ROBUSTNESS)
        return html_with_repr(self, robustness, "robustness (tables['robustness'])")


def _check_memory(model: ScenarioModel, options: ExploreOptions) -> None:
    """Refuse sweeps whose rows or chunks are estimated above the memory budget."""
    for name, value in (("n", options.n), ("replications", options.replications)):
        if isinstance(value, bool) or value < 1:
            raise UsageError(
                f"{name}: expected a positive integer, found {value!r}", parameter=name
            )
    d = len(model.uncertainties)
    per_point = {"sobol": 2 * d + 2, "morris": d + 1}.get(options.sensitivity or "", 1)
    levers = len(model.strategies) * len(model.mindsets)
    rows = options.n * per_point * options.replications * levers
    per_row = 48 * (d + len(model.outcomes) + 6)  # design, experiments, outcomes, store copies
    check_memory(
        rows * per_row,
        options.memory,
        what=(
            f"n {options.n:,} x {per_point} design row(s) per point x `replications` "
            f"{options.replications:,} x {levers} strategy-mindset pair(s) = {rows:,} experiments"
        ),
        change="lower `n` or `replications`",
        parameter="n",
    )
    at_once = 1 if options.scheduler else usable_workers(options.workers) or os.cpu_count() or 1
    chunk = min(options.chunk_size, rows) * options.trajectories
    check_memory(
        at_once * chunk * bytes_per_trajectory(model.compiled),
        options.memory,
        what=(
            f"chunk_size {min(options.chunk_size, rows):,} experiments x `trajectories` "
            f"{options.trajectories} x {at_once} process(es) at once"
        ),
        change="lower `chunk_size` or `workers`",
        parameter="chunk_size",
    )


def _design(model: ScenarioModel, options: ExploreOptions) -> Design:
    kind = options.design
    if options.sensitivity == "sobol" and kind != "sobol":
        kind = "sobol"
    if options.sensitivity == "morris":
        kind = "morris"
    if options.sensitivity not in (None, "sobol", "morris"):
        raise UsageError(
            f"sensitivity: expected sobol or morris, found {options.sensitivity!r}",
            parameter="sensitivity",
        )
    opts: dict[str, Any] = {"sensitivity": True} if options.sensitivity == "sobol" else {}
    return sample(model.uncertainties, design=kind, n=options.n, seed=options.seed, **opts)  # type: ignore[arg-type]


def _key(scenario: Scenario, options: ExploreOptions) -> str:
    parts = {
        k: v
        for k, v in asdict(options).items()
        if k not in ("workers", "scheduler", "store", "out", "memory")
    }
    # "crn": every experiment's trajectory k reads the seed's trajectory k (stored sweeps
    # drawn before that rule are not resumed with it).
    text = json.dumps([scenario.content_hash, parts, "crn"], sort_keys=True, default=str)
    return "explore:" + hashlib.sha256(text.encode()).hexdigest()


def _executor(options: ExploreOptions, chunks: int) -> Executor:
    if options.scheduler is None and options.workers is None and chunks <= 2:
        return SequentialExecutor()
    return executor_for(scheduler=options.scheduler, workers=options.workers, n_tasks=chunks)


def _run(
    model: ScenarioModel,
    design: Design,
    options: ExploreOptions,
    *,
    store: Store | None,
    run_id: str | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[ExploreResult, int]:
    plan = plan_experiments(
        model,
        design,
        seed=options.seed,
        replications=options.replications,
        chunk_size=options.chunk_size,
    )
    skip: set[int] = set()
    if store is not None and run_id is not None:
        skip = store.completed_chunks(run_id, tn.OUTCOMES) & store.completed_chunks(
            run_id, tn.EXPERIMENTS
        )

    def sink(index: int, experiments: pd.DataFrame, outcomes: pd.DataFrame) -> None:
        if store is not None and run_id is not None:
            store.write_chunk(run_id, tn.EXPERIMENTS, index, experiments.reset_index())
            store.write_chunk(run_id, tn.OUTCOMES, index, outcomes.reset_index())

    executor = _executor(options, len(plan.chunks) - len(skip))
    with executor as running:
        result = run_experiments(
            model,
            design,
            seed=options.seed,
            replications=options.replications,
            chunk_size=options.chunk_size,
            executor=running,
            progress=progress,
            sink=sink,
            skip=skip,
        )
    if skip and store is not None and run_id is not None:
        stored = store.load(run_id, allow_incomplete=True)
        experiments = stored.tables[tn.EXPERIMENTS].set_index("experiment")
        outcomes = stored.tables[tn.OUTCOMES].set_index("experiment")
        result = ExploreResult(experiments, outcomes, result.metadata)
    return result, len(skip)


def _provenance(
    scenario: Scenario,
    options: ExploreOptions,
    design: Design,
    model: ScenarioModel,
    focus: tuple[str, str],
) -> Provenance:
    """The sweep's provenance; ``focus`` is the focal side and the outcome compared."""
    return Provenance(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        scenario_hash=scenario.content_hash,
        seed=options.seed,
        n=design.n,
        design=design.kind,
        replications=options.replications,
        trajectories=options.trajectories,
        common_random_numbers="every experiment's trajectory k reads the same numbers",
        focal_side=focus[0],
        outcome=focus[1],
        strategies=tuple(model.strategies),
        mindsets=tuple(model.mindsets),
        parameters=tuple(p.name for p in model.uncertainties),
        created=utc_now(),
        versions=environment_versions(),
        keys=EXPLORE_KEYS,
    )


def explore_scenario(
    scenario: Scenario | str | Path,
    options: ExploreOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    **overrides: Any,
) -> ExploreOutcome:
    """Sweep the uncertainties, store (resumably), analyse and report.

    Draws a design over the scenario's uncertainties, simulates every strategy
    against every mindset at each point, stores the experiments chunk by chunk
    (started again with the same options after being killed, it resumes), then
    ranks the strategies by regret and worst case and adds the analyses asked for
    (sensitivity indices, PRIM boxes, CART boxes).

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id; it must declare uncertainties.
    options : ExploreOptions, optional
        What to sweep and how (default: ``ExploreOptions()``, which stores the sweep
        in ``escalade.duckdb`` in the current directory).
    progress : callable, optional
        Called with (experiments done, experiments in all).
    **overrides
        Fields of :class:`ExploreOptions` that replace those of ``options``.

    Returns
    -------
    ExploreOutcome
        ``tables["robustness"]`` ranks the strategies.

    Raises
    ------
    UsageError
        For an option out of range, an unknown id or keyword, or a scenario
        without uncertainties.

    Examples
    --------
    >>> import escalade
    >>> outcome = escalade.explore("kursk-mini", n=8, trajectories=2, store=None)
    >>> outcome.summary["experiments"]
    16
    """
    options = with_overrides(options, ExploreOptions, overrides, "explore")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    model = _model(scenario, options)
    design = _design(model, options)
    side = focal_side(scenario)
    outcome, direction = _outcome(model, options.outcome or side_column(side))
    check_requests(
        [o.name for o in model.outcomes], model.strategies, options.discover, options.when_beats
    )
    provenance = _provenance(scenario, options, design, model, (side, outcome))
    store = Store(options.store) if options.store is not None else None
    try:
        run_id = None
        if store is not None:
            key = _key(scenario, options)
            run_id = store.find_resumable(key) or store.begin(
                "explore", provenance.to_mapping(), scenario_text=scenario.text, key=key
            )
        result, resumed = _run(
            model, design, options, store=store, run_id=run_id, progress=progress
        )
        tables, summary = _analyse(
            result, design, options, outcome=outcome, direction=direction, model=model
        )
        tables.update(source_tables(scenario))
        if store is not None and run_id is not None:
            for name, table in tables.items():
                if not table.empty:
                    store.write_chunk(run_id, name, 0, table)
            store.finish(run_id)
    finally:
        if store is not None:
            store.close()
    all_tables = {
        tn.EXPERIMENTS: result.experiments.reset_index(),
        tn.OUTCOMES: result.outcomes.reset_index(),
        **tables,
    }
    stored = provenance.with_run_id(run_id).to_mapping()
    rs = ResultSet("explore", stored, all_tables, scenario.text)
    report = write_html(explore_report(rs), options.out / "explore.html") if options.out else None
    return ExploreOutcome(result, tables, summary, run_id, report, resumed, result_set=rs)


def _model(scenario: Scenario, options: ExploreOptions) -> ScenarioModel:
    """The scenario as a batch model; refused without uncertainties or above the memory budget."""
    model = ScenarioModel(
        scenario,
        trajectories=options.trajectories,
        vary=parse_varies(options.vary),
        strategies=tuple(options.strategies),
        mindsets=tuple(options.mindsets),
        common_seed=options.seed,
    )
    if not model.uncertainties:
        raise UsageError(f"{scenario.id}: expected uncertainties to explore, found none")
    _check_memory(model, options)
    return model


def _outcome(model: ScenarioModel, outcome: str) -> tuple[str, str]:
    """The outcome analysed and its direction (an informational outcome is maximised)."""
    names = {o.name: o.kind for o in model.outcomes}
    if outcome not in names:
        raise UsageError(
            f"outcome: expected one of {', '.join(names)}, found {outcome!r}"
            + closest_id_hint([outcome], names),
            parameter="outcome",
        )
    return outcome, names[outcome] if names[outcome] != "info" else "maximize"


def _discover_table(summary: dict[str, Any]) -> pd.DataFrame:
    """The ``--discover`` condition, how often it holds and how many boxes PRIM found."""
    if not summary:
        return pd.DataFrame()
    keys = ("condition", "cases", "experiments", "share_of_interest")
    return pd.DataFrame([{**{k: summary[k] for k in keys}, "boxes": len(summary["boxes"])}])


def _analyse(
    result: ExploreResult,
    design: Design,
    options: ExploreOptions,
    *,
    outcome: str,
    direction: str,
    model: ScenarioModel,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    robust = robustness(result, outcome, direction)
    indices, sens_json = sensitivity(result, design, options.sensitivity, outcome, options.seed)
    parameters = [p.name for p in model.uncertainties]
    boxes, trajectory, prim_json = discover(result, options.discover, parameters)
    beats, beats_json = when_beats(
        result,
        options.when_beats,
        outcome,
        direction=direction,
        parameters=parameters,
        seed=options.seed,
    )
    warnings = (
        # Common random numbers: a parameter that cannot matter gets exactly 0, so the
        # warning about noise from few trajectories does not apply (trajectories=None).
        sobol_warnings(indices, n=options.n, trajectories=None)
        if options.sensitivity == "sobol"
        else []
    )
    tables = {
        tn.ROBUSTNESS: robust,
        tn.REGRET_BY_MINDSET: regret_by_mindset(result, outcome, direction),
        tn.SENSITIVITY: indices,
        tn.PRIM_BOXES: boxes,
        tn.PRIM_TRAJECTORY: trajectory,
        tn.DISCOVER: _discover_table(prim_json),
        tn.CART_WHEN_BEATS: beats,
        tn.WHEN_BEATS: pd.DataFrame(
            [{k: beats_json[k] for k in ("a", "b", "share", "cases")}] if beats_json else []
        ),
        tn.WARNINGS: pd.DataFrame({"warning": warnings}, dtype=object),
        tn.OAT: one_at_a_time(model, outcome, seed=options.seed) if options.oat else pd.DataFrame(),
    }
    summary: dict[str, Any] = {
        "robustness": robust.to_dict(orient="records"),
        "experiments": len(result.experiments),
        "warnings": warnings,
    }
    if options.oat:
        summary["oat"] = tables[tn.OAT].to_dict(orient="records")
    if sens_json:
        summary["sensitivity"] = sens_json
    if beats_json:
        summary["when_beats"] = beats_json
    if prim_json:
        summary["boxes"] = prim_json.get("boxes", [])
        summary["discover"] = {k: v for k, v in prim_json.items() if k != "boxes"}
    return tables, summary
