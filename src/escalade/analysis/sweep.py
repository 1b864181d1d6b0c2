"""The robustness sweep of ``escalade run``: how often each strategy is best, and what flips it.

:func:`robustness_sweep` draws ``n`` Latin-hypercube points over the
scenario's uncertainties and simulates every strategy × mindset cell at each
point (``trajectories`` trajectories per point and cell, common random
numbers across the cells of a point, independent numbers from point to
point, so that the draws are independent). At each point the best strategy is chosen by the rule
of the run's headline: smallest maximum regret over the mindsets (ties: the
larger mean over mindsets). It returns tidy tables:

``robustness``      strategy, share_best, ci_low, ci_high, draws (95% Wilson interval)
``robust_mindset``  strategy, mindset, share_best (best by utility under that mindset)
``flip_box``        parameter, low, high, range_low, range_high, coverage, density
                    (PRIM on "the headline strategy is not best", one box)
``oat``             parameter, level, value, advantage, base (one-at-a-time sweeps)

``oat``: each uncertainty is set to the low and the high end of its range,
the others to their nominal values; ``advantage`` is the headline strategy's
mean utility over mindsets minus the runner-up's (``base``: all nominal).
A bar that crosses zero in the tornado chart is a range that flips the
ranking on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from escalade.analysis.explore import MIN_LIFT, experiment_cells
from escalade.engine.batch import side_column
from escalade.engine.executors import Executor
from escalade.engine.summary import wilson_interval
from escalade.explore.designs import design_from_frame, sample
from escalade.explore.experiments import ExploreResult, run_experiments
from escalade.explore.prim import Prim, PrimBox
from escalade.explore.scenario import ScenarioModel
from escalade.results import tablenames as tn
from escalade.scenario import Scenario

__all__ = ["OAT_FACTOR", "SweepOptions", "best_per_draw", "one_at_a_time", "robustness_sweep"]


OAT_FACTOR = 4
"""The one-at-a-time sweeps play this many times the sweep's trajectories per point and cell.

A one-at-a-time point is one setting of the uncertainties (not a draw among
many), so its mean rests on its own trajectories alone; with heavy-tailed
utilities (a nuclear loss) a few are noise. ``run --sweep-trajectories K``
raises both (4 K here); the brief names the count and says when the sweep's
central case disagrees with the run's ranking.
"""


@dataclass(frozen=True)
class SweepOptions:
    """Size of the sweep: LHS points, trajectories per point and cell, one-at-a-time sweeps.

    ``oat_trajectories`` defaults to :data:`OAT_FACTOR` times ``trajectories``.
    """

    n: int = 200
    trajectories: int = 4
    oat_trajectories: int | None = None
    seed: int = 2024

    @property
    def oat(self) -> int:
        """Trajectories per one-at-a-time point and cell."""
        return self.oat_trajectories or OAT_FACTOR * self.trajectories


def _frame(result: ExploreResult, outcome: str) -> pd.DataFrame:
    """One row per experiment: draw, strategy, mindset and the outcome's value."""
    cells = experiment_cells(result, outcome)
    return cells.rename(columns={"scenario": "draw"})[["draw", "strategy", "mindset", "value"]]


def best_per_draw(frame: pd.DataFrame, strategies: Sequence[str]) -> pd.Series:
    """The best strategy at each draw: minimax regret over mindsets, ties to the larger mean.

    ``frame`` has columns ``draw``, ``strategy``, ``mindset``, ``value``.
    """
    cube = frame.pivot_table(
        index=["draw", "mindset"], columns="strategy", values="value", aggfunc="mean"
    )[list(strategies)]
    regret = cube.max(axis=1).to_numpy()[:, None] - cube.to_numpy()
    regrets = pd.DataFrame(regret, index=cube.index, columns=cube.columns)
    max_regret = regrets.groupby(level="draw").max()
    mean = cube.groupby(level="draw").mean()
    # Lexicographic: smallest max regret, then the largest mean (a tiny tie-breaker).
    scale = float(np.nanmax(np.abs(mean.to_numpy()))) or 1.0
    score = max_regret.to_numpy() - 1e-9 * mean.to_numpy() / scale
    best = np.asarray(max_regret.columns)[np.argmin(score, axis=1)]
    return pd.Series(best, index=max_regret.index, name="best")


def _shares(best: pd.Series, strategies: Sequence[str]) -> pd.DataFrame:
    draws = len(best)
    counts = np.array([(best == s).sum() for s in strategies])
    low, high = wilson_interval(counts, draws)
    return pd.DataFrame(
        {
            "strategy": list(strategies),
            "share_best": counts / draws,
            "ci_low": low,
            "ci_high": high,
            "draws": draws,
        }
    )


def _by_mindset(frame: pd.DataFrame, strategies: Sequence[str]) -> pd.DataFrame:
    cube = frame.pivot_table(
        index=["mindset", "draw"], columns="strategy", values="value", aggfunc="mean"
    )[list(strategies)]
    winner = pd.Series(np.asarray(cube.columns)[np.argmax(cube.to_numpy(), axis=1)], cube.index)
    rows = []
    for mindset, group in winner.groupby(level="mindset", sort=False):
        for s in strategies:
            rows.append(
                {"strategy": s, "mindset": mindset, "share_best": float((group == s).mean())}
            )
    return pd.DataFrame(rows, columns=["strategy", "mindset", "share_best"])


def _range(parameter: object, nominal: float) -> tuple[float, float]:
    """The low and high end of a parameter's range (categories: the smallest and largest)."""
    if hasattr(parameter, "low") and hasattr(parameter, "high"):
        return float(parameter.low), float(parameter.high)
    categories = [float(c) for c in getattr(parameter, "categories", (nominal,))]
    return min(categories), max(categories)


def _chosen_step(box: PrimBox) -> int:
    """The step with the best coverage × density, preferring fewer restricted dimensions."""
    trajectory = box.trajectory
    score = trajectory["coverage"] * trajectory["density"] - 0.01 * trajectory["res_dim"]
    return int(np.argmax(score.to_numpy()))


MIN_FLIPS = 3
"""Fewer flipped draws than this give no box: one or two draws locate no region."""


def flip_box(x: pd.DataFrame, flipped: np.ndarray, model: ScenarioModel) -> pd.DataFrame:
    """PRIM's box for ``flipped`` (one row per restricted uncertainty; empty if none).

    A box counts only where the flips concentrate: its density must close at
    least :data:`MIN_LIFT` of the gap between the overall flip rate and 1 (with
    59 % of draws flipped, at least 79.5 % inside the box). A box barely denser
    than the whole sweep describes noise (a few trajectories per draw), not a
    region of the uncertainties; nor does a box around fewer than
    :data:`MIN_FLIPS` flipped draws (with 20 draws, one flip made a box of 5 % of
    them that "held 100 % of the flips").
    """
    columns = ["parameter", "low", "high", "values", "range_low", "range_high", "coverage"]
    columns.append("density")
    if int(np.count_nonzero(flipped)) < MIN_FLIPS or flipped.all():
        return pd.DataFrame(columns=columns)
    prim = Prim(x, flipped.astype(float), threshold=0.5)
    box = prim.find_box()
    if box is None:
        return pd.DataFrame(columns=columns)
    box.select(_chosen_step(box))
    box.prune()  # only the restrictions that matter: each one dropped is a step of its own
    info = box.to_dict()
    base = float(np.mean(flipped))
    if info["density"] < base + MIN_LIFT * (1.0 - base):
        return pd.DataFrame(columns=columns)
    ranges = {p.name: _range(p, np.nan) for p in model.uncertainties}
    categorical = {p.name for p in model.uncertainties if hasattr(p, "categories")}
    rows = []
    for name, limits in info["limits"].items():
        range_low, range_high = ranges[name]
        # A categorical's limits are the categories kept, not an interval.
        kept = sorted(float(v) for v in limits) if name in categorical else []
        interval = not kept and len(limits) == 2
        low, high = (float(limits[0]), float(limits[1])) if interval else (np.nan, np.nan)
        rows.append(
            {
                "parameter": name,
                "low": low,
                "high": high,
                "values": ", ".join(f"{v:g}" for v in kept),
                "range_low": range_low,
                "range_high": range_high,
                "coverage": info["coverage"],
                "density": info["density"],
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _oat_design(model: ScenarioModel) -> tuple[pd.DataFrame, list[tuple[str, str, float]]]:
    compiled = model.compiled
    nominal = {u.id: u.nominal for u in compiled.uncertainties}
    rows, labels = [dict(nominal)], [("", "base", float("nan"))]
    for p in model.uncertainties:
        low, high = _range(p, nominal[p.name])
        for level, value in (("low", low), ("high", high)):
            rows.append({**nominal, p.name: value})
            labels.append((p.name, level, value))
    return pd.DataFrame(rows), labels


def one_at_a_time(
    model: ScenarioModel, outcome: str, *, seed: int, executor: Executor | None = None
) -> pd.DataFrame:
    """One-at-a-time sweeps: each uncertainty at each end of its range, the others nominal.

    Returns columns ``parameter, level, value, strategy, mean`` (``level`` is ``base``,
    ``low`` or ``high``; ``mean`` is the outcome's mean over the model's mindsets).
    """
    frame, labels = _oat_design(model)
    design = design_from_frame(model.uncertainties, frame)
    result = run_experiments(model, design, seed=seed, executor=executor)
    values = _frame(result, outcome)
    means = values.groupby(["draw", "strategy"], sort=False)["value"].mean().reset_index()
    label = pd.DataFrame(labels, columns=["parameter", "level", "value"])
    label["draw"] = range(len(label))
    out = means.merge(label, on="draw").rename(columns={"value_x": "mean", "value_y": "value"})
    return out[["parameter", "level", "value", "strategy", "mean"]]


def _oat(  # noqa: PLR0917 - a private helper with one caller
    model: ScenarioModel,
    top: str,
    runner_up: str,
    outcome: str,
    seed: int,
    executor: Executor | None,
) -> pd.DataFrame:
    long = one_at_a_time(model, outcome, seed=seed, executor=executor)
    keys = ["parameter", "level", "value"]
    wide = long.pivot(index=keys, columns="strategy", values="mean").reset_index()
    wide["advantage"] = wide[top] - wide[runner_up]
    base = float(wide.loc[wide["level"] == "base", "advantage"].iloc[0])
    rows = wide[wide["level"] != "base"].assign(base=base, trajectories=model.trajectories)
    columns = ["parameter", "level", "value", "advantage", "base", "trajectories"]
    return rows[columns].reset_index(drop=True)


def sweep_model(
    scenario: Scenario, strategies: Sequence[str], mindsets: Sequence[str], trajectories: int
) -> ScenarioModel:
    """The sweep's batch model: common random numbers within a point, fresh ones between points.

    The cells of one point read the same numbers, so their comparison is sharp;
    each point reads its own, so the draws are independent, as the Wilson
    interval of the shares assumes (the same few trajectories at every point
    would make every share the luck of those few).
    """
    return ScenarioModel(
        scenario, trajectories=trajectories, strategies=tuple(strategies), mindsets=tuple(mindsets)
    )


def robustness_sweep(
    scenario: Scenario,
    strategies: Sequence[str],
    mindsets: Sequence[str],
    top: Sequence[str],
    *,
    side: str,
    options: SweepOptions = SweepOptions(),
    executor: Executor | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the sweep and its analyses (see module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario (it must declare uncertainties, else all tables are empty).
    strategies, mindsets : sequence of str
        The cells of the run.
    top : sequence of str
        The run's ranking, best first (the headline strategy and the runner-up).
    side : str
        The focal side (the outcome is ``utility_<side>``).
    options : SweepOptions
        Points, trajectories and seed.
    executor : Executor, optional
        An entered executor (default: this process).
    """
    if not scenario.spec.uncertainties or len(strategies) < 2:
        return {}
    model = sweep_model(scenario, strategies, mindsets, options.trajectories)
    outcome = side_column(side)
    design = sample(model.uncertainties, design="lhs", n=options.n, seed=options.seed)
    result = run_experiments(model, design, seed=options.seed, executor=executor)
    frame = _frame(result, outcome)
    best = best_per_draw(frame, strategies)
    x = design.experiments.loc[best.index, [p.name for p in model.uncertainties]]
    tables = {
        tn.ROBUSTNESS: _shares(best, strategies),
        tn.ROBUST_MINDSET: _by_mindset(frame, strategies),
        tn.FLIP_BOX: flip_box(x.reset_index(drop=True), (best != top[0]).to_numpy(), model),
    }
    oat_model = ScenarioModel(
        scenario,
        trajectories=options.oat,
        strategies=(top[0], top[1]),
        mindsets=tuple(mindsets),
        common_seed=options.seed,
    )
    tables[tn.OAT] = _oat(oat_model, top[0], top[1], outcome, options.seed, executor)
    return tables
