"""The strategy meta-game of a scenario: simulate every cell, then solve the bimatrix game.

:func:`game_scenario` is what ``escalade game`` and ``escalade commit`` call:
per-trajectory side utilities of every (strategy, mindset) cell from the
engine (:func:`escalade.engine.samples.cell_samples`, the same random numbers
as ``escalade run`` with the same seed), then
:func:`escalade.analysis.metagame.analyse`. :func:`game_outcome` (``escalade
game --store/--out``) also saves the solved game's tables
(:func:`escalade.analysis.metagame_tables.meta_tables`) to the DuckDB store as
a ``game`` result set and writes the self-contained report ``game.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escalade.analysis.metagame import MetaAnalysis, analyse, meta_game
from escalade.analysis.metagame_tables import meta_tables
from escalade.analysis.run import focal_side
from escalade.engine.executors import Executor
from escalade.engine.samples import cell_samples
from escalade.errors import UsageError
from escalade.report.game_report import game_report
from escalade.report.html import write_html
from escalade.reprs import listed, short_repr
from escalade.results import ResultSet
from escalade.results.provenance import GAME_KEYS, Provenance, environment_versions, utc_now
from escalade.scenario import Scenario
from escalade.scenario.compiled import compile_scenario
from escalade.workflows.options import as_path, with_overrides
from escalade.workflows.run import loaded_for_n, pick, save_or_stash

__all__ = [
    "GameOptions",
    "GameOutcome",
    "GamePlan",
    "game_outcome",
    "game_plan_outcome",
    "game_scenario",
    "plan_game",
    "play_game",
    "sides_of",
]


@dataclass(frozen=True)
class GameOptions:
    """Cells, sample size, seed, resamples, α-Rank and execution of the meta-game.

    Unlike a run, the meta-game is stored only when ``store`` is given.

    Attributes
    ----------
    strategies, mindsets : sequence of str, optional
        The rows and the columns (default: all the scenario declares).
    n : int
        Trajectories per (strategy, mindset) cell.
    seed : int
        Root seed (the same cells and numbers as a run with the same seed).
    bootstrap : int
        Resamples over trajectories for the equilibria's robustness (0: none).
    alpha : float
        α-Rank intensity on range-scaled payoffs.
    chunk_size, workers, scheduler, executor : optional
        Execution, as in :class:`~escalade.workflows.run.RunOptions`.
    store : pathlib.Path or str or None
        Also save the solved game in this results store (a ``game`` result set).
    out : pathlib.Path or str or None
        Write the report ``game.html`` in this folder.
    """

    strategies: Sequence[str] | None = None
    mindsets: Sequence[str] | None = None
    n: int = 2000
    seed: int = 2024
    bootstrap: int = 200
    alpha: float = 100.0
    chunk_size: int = 20_000
    workers: int | None = None
    scheduler: str | None = None
    executor: Executor | None = None
    store: Path | None = None
    out: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", as_path(self.store))
        object.__setattr__(self, "out", as_path(self.out))


@dataclass(frozen=True)
class GameOutcome:
    """The solved game, its result set, where it was stored and the report.

    ``result`` holds the Nash equilibria (``nash``), α-Rank (``alpha_rank``) and each
    side's commitment (``stackelberg``); ``result_set`` the same as tables
    (``payoffs``, ``equilibria``, ...).
    """

    result: MetaAnalysis
    result_set: ResultSet
    run_id: str | None
    report: Path | None
    pending: Path | None = None
    store_problem: str | None = None

    def __repr__(self) -> str:
        g = self.result.game
        return short_repr(
            "GameOutcome",
            scenario=self.result_set.metadata.get("scenario_id"),
            rows=listed(g.rows),
            cols=listed(g.cols),
            n=g.n,
            equilibria=len(self.result.nash),
            run_id=self.run_id,
            report=self.report,
            pending=self.pending,
            store_problem=self.store_problem,
        )


def sides_of(scenario: Scenario) -> tuple[str, str]:
    """The rows' side (the strategies') and the columns' side (the mindsets')."""
    row = focal_side(scenario)
    if scenario.mindsets:
        col = scenario.mindsets[0].side
    else:
        others = [s.id for s in scenario.spec.sides if s.id not in (row, "neutral")]
        if not others:
            raise UsageError(f"game: the scenario has no side other than {row!r} to play against")
        col = others[0]
    if col == row:
        raise UsageError(
            f"game: the strategies and the mindsets belong to the same side ({row!r}); "
            "expected the mindsets to be the other side's"
        )
    return row, col


@dataclass(frozen=True)
class GamePlan:
    """What a meta-game will simulate, checked before anything heavy starts (:func:`plan_game`).

    ``rows`` are the chosen strategies and ``cols`` the chosen mindsets (``(None,)`` when
    the scenario declares none); ``sides`` the rows' and the columns' sides.
    """

    scenario: Scenario
    options: GameOptions
    rows: tuple[str | None, ...]
    cols: tuple[str | None, ...]
    sides: tuple[str, str]

    @property
    def trajectories(self) -> int:
        """The trajectories simulated in all: the total ``progress`` is called with."""
        return len(self.rows) * len(self.cols) * self.options.n


def plan_game(scenario: Scenario | str | Path, options: GameOptions) -> GamePlan:
    """Check a meta-game once (N, resamples, sides, cells) and return its plan.

    Raises
    ------
    UsageError
        Naming the parameter out of range or the unknown id.
    """
    scenario = loaded_for_n(scenario, options.n)
    if options.bootstrap < 0:
        raise UsageError(
            f"bootstrap: expected 0 or more resamples, found {options.bootstrap}",
            parameter="bootstrap",
        )
    sides = sides_of(scenario)
    strategy_ids, mindset_ids = (
        [s.id for s in scenario.strategies],
        [m.id for m in scenario.mindsets],
    )
    rows = pick(options.strategies, strategy_ids, "strategies", mindset_ids)
    cols = pick(options.mindsets, mindset_ids, "mindsets", strategy_ids)
    return GamePlan(scenario, options, tuple(rows), tuple(cols), sides)


def game_scenario(
    scenario: Scenario | str | Path,
    options: GameOptions,
    *,
    progress: Callable[[int], None] | None = None,
) -> MetaAnalysis:
    """Estimate and solve a scenario's strategy meta-game.

    The same as ``play_game(plan_game(scenario, options), progress=progress)``.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    options : GameOptions
        Cells, N, seed, bootstrap resamples, α-Rank intensity, execution.
    progress : callable, optional
        Called with the number of trajectories just finished.
    """
    return play_game(plan_game(scenario, options), progress=progress)


def play_game(plan: GamePlan, *, progress: Callable[[int], None] | None = None) -> MetaAnalysis:
    """Simulate the planned cells and solve the meta-game (:func:`plan_game`)."""
    options = plan.options
    compiled = compile_scenario(plan.scenario)
    samples = cell_samples(
        compiled,
        [(r, c) for r in plan.rows for c in plan.cols],
        n=options.n,
        seed=options.seed,
        chunk_size=options.chunk_size,
        executor=options.executor,
        scheduler=options.scheduler,
        workers=options.workers,
        progress=progress,
    )
    game = meta_game(
        samples,
        rows=list(plan.rows),
        cols=list(plan.cols),
        sides=list(compiled.sides),
        row_side=plan.sides[0],
        col_side=plan.sides[1],
    )
    return analyse(game, bootstrap=options.bootstrap, seed=options.seed, alpha=options.alpha)


def _provenance(scenario: Scenario, options: GameOptions, result: MetaAnalysis) -> Provenance:
    g = result.game
    return Provenance(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        scenario_hash=scenario.content_hash,
        seed=options.seed,
        n=g.n,
        row_side=g.row_side,
        col_side=g.col_side,
        strategies=tuple(g.rows),
        mindsets=tuple(g.cols),
        bootstrap=result.bootstrap,
        alpha=options.alpha,
        degenerate=result.degenerate,
        note=result.note,
        seconds=result.seconds,
        versions=environment_versions(),
        created=utc_now(),
        keys=GAME_KEYS,
    )


def game_outcome(
    scenario: Scenario | str | Path,
    options: GameOptions | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    **overrides: Any,
) -> GameOutcome:
    """Solve the strategy meta-game (:func:`game_scenario`), store it and write its report.

    Every strategy is simulated against every mindset and the bimatrix game whose
    rows are the strategies and columns the mindsets (each side's expected utility
    its payoff) is solved: all Nash equilibria and their robustness, α-Rank, and
    each side's optimal commitment (``escalade game``).

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    options : GameOptions, optional
        Cells, N, seed, resamples, execution, store and report (default:
        ``GameOptions()``: neither stored nor reported).
    progress : callable, optional
        Called with the number of trajectories just finished.
    **overrides
        Fields of :class:`GameOptions` that replace those of ``options``.

    Returns
    -------
    GameOutcome
        Stored in ``options.store`` when given (a busy or damaged store: kept as a
        pending bundle next to it, as ``escalade run`` does); the report is
        ``options.out / "game.html"`` when ``options.out`` is given.

    Raises
    ------
    UsageError
        For an option out of range, an unknown id or keyword.

    Notes
    -----
    The same as ``game_plan_outcome(plan_game(scenario, options), progress=progress)``.
    """
    options = with_overrides(options, GameOptions, overrides, "game_outcome")
    return game_plan_outcome(plan_game(scenario, options), progress=progress)


def game_plan_outcome(
    plan: GamePlan, *, progress: Callable[[int], None] | None = None
) -> GameOutcome:
    """Solve a planned meta-game, store it and write its report (see :func:`game_outcome`)."""
    scenario, options = plan.scenario, plan.options
    result = play_game(plan, progress=progress)
    provenance = _provenance(scenario, options, result)
    rs = ResultSet("game", provenance.to_mapping(), meta_tables(result), scenario.text)
    run_id = pending = problem = None
    if options.store is not None:
        options.store.parent.mkdir(parents=True, exist_ok=True)
        saved = save_or_stash(rs, options.store)
        run_id, pending, problem = saved.run_id, saved.pending, saved.problem
    if run_id is not None:
        stored = provenance.with_run_id(run_id).to_mapping()
        rs = ResultSet("game", stored, rs.tables, scenario.text)
    report = None
    if options.out is not None:
        options.out.mkdir(parents=True, exist_ok=True)
        report = write_html(game_report(rs), options.out / "game.html")
    return GameOutcome(result, rs, run_id, report, pending, problem)
