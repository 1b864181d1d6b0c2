"""Replay a scenario against an observed timeline: evidence, posterior, scores, re-forecast.

:func:`replay` runs, for every (strategy, mindset) cell, ``replicates``
independent particle filters of ``particles / replicates`` particles each
(:mod:`escalade.engine.particles`), once conditioned on the facts known by
``as_of`` and once on none (the prior, for the forecast scores).

* Evidence of a cell: ``log Z = log mean_r Z_r`` over its replicate filters
  (each ``Z_r`` is an unbiased SMC estimate, so is their mean); its Monte Carlo
  standard error is the delta-method one from the spread of the replicates,
  ``sd_r(Z_r) / (sqrt(R) mean_r Z_r)`` (independent replicates; Chopin &
  Papaspiliopoulos 2020, ch. 16).
* Posterior over cells: prior weight times ``Z``, normalised; summed over
  mindsets it gives the strategies', over strategies the mindsets'.
* Posterior of an uncertainty: the particles of every replicate, weighted by
  their cell's posterior, their replicate's share ``Z_r / sum Z`` and their
  own final weight; compared with the prior draws (weighted quantiles).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from escalade._types import FloatArray
from escalade.analysis.replay_scores import Scores, reliability, score_table, weighted_quantiles
from escalade.engine.executors import Executor, SequentialExecutor, executor_for
from escalade.engine.particles import FilterResult, FilterTask, run_filters
from escalade.engine.runner import cell_tasks
from escalade.errors import UsageError
from escalade.evidence.facts import Fact, compile_observations
from escalade.evidence.observed import LoadedTimeline, timeline_sources
from escalade.random import validate_seed
from escalade.reprs import short_repr
from escalade.scenario.compiled import CompiledScenario

__all__ = ["ReplayResult", "replay"]

Cell = tuple[str | None, str | None]
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(eq=False)
class ReplayResult:
    """Everything :func:`replay` computed (see :meth:`to_dict` for the JSON form)."""

    scenario: str
    as_of: dt.date
    particles: int
    replicates: int
    seed: int
    epsilon: float
    facts: tuple[Fact, ...]
    cells: list[Cell]
    prior_cells: FloatArray
    log_z: FloatArray
    log_z_se: FloatArray
    posterior_cells: FloatArray
    ess: FloatArray
    prior_forecast: FloatArray
    posterior_forecast: FloatArray
    scores: Scores
    per_fact: list[dict[str, float]]
    uncertainties: list[dict[str, Any]]
    thresholds: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    total_log_z: tuple[float, float]
    sources: tuple[dict[str, str], ...] = ()
    """The observed file's sources: ``{id, title, outlet, date, url, file, note}``."""
    fact_sources: tuple[dict[str, str | None], ...] = ()
    """Per fact, its observation's ``source``: ``{ref, quote, note}`` (None where absent)."""
    particle_uncertainties: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """The conditioned particles' uncertainties (at most ``KEEP`` a replicate; not in JSON)."""
    particle_weights: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Their normalised weights (cell posterior x replicate share x own weight)."""

    def __repr__(self) -> str:
        return short_repr(
            "ReplayResult",
            scenario=self.scenario,
            as_of=self.as_of.isoformat(),
            observations=len(self.facts),
            cells=len(self.cells),
            particles=self.particles,
            replicates=self.replicates,
            log_evidence=float(self.total_log_z[0]),
        )

    def posterior_draws(self, k: int, rng: np.random.Generator) -> FloatArray:
        """``k`` draws ``(k, U)`` of the uncertainties from the posterior (multinomial)."""
        index = rng.choice(len(self.particle_weights), size=k, p=self.particle_weights)
        return np.asarray(self.particle_uncertainties[index], dtype=float)

    def marginal(self, which: int) -> dict[str, float]:
        """Posterior of strategies (``which=0``) or mindsets (``1``)."""
        out: dict[str, float] = {}
        for cell, p in zip(self.cells, self.posterior_cells, strict=True):
            key = cell[which] or "(default)"
            out[key] = out.get(key, 0.0) + float(p)
        return out

    def prior_marginal(self, which: int) -> dict[str, float]:
        """Prior of strategies (``which=0``) or mindsets (``1``)."""
        out: dict[str, float] = {}
        for cell, p in zip(self.cells, self.prior_cells, strict=True):
            key = cell[which] or "(default)"
            out[key] = out.get(key, 0.0) + float(p)
        return out

    def observations(self) -> list[dict[str, Any]]:
        """Per fact: forecast from the prior, what was observed, the scores, the re-forecast."""
        rows, scored = [], iter(self.per_fact)
        cutoff = self.as_of.toordinal()
        for k, f in enumerate(self.facts):
            row: dict[str, Any] = {
                "id": f.id,
                "kind": f.kind,
                "label": f.label,
                "forecast": _num(self.prior_forecast[k]),
                "observed": f.value if f.kind == "variable" else int(f.holds),
                "conditioned": f.known <= cutoff,
            }
            if f.binary:
                row.update(next(scored))
            if f.known > cutoff:
                row["forecast_as_of"] = _num(self.posterior_forecast[k])
            row["source"] = (
                dict(self.fact_sources[k])
                if self.fact_sources
                else {"ref": None, "quote": None, "note": None, "observation_note": None}
            )
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``escalade replay --json``)."""
        cells = [
            {
                "strategy": s,
                "mindset": m,
                "prior": float(p),
                "log_evidence": {"value": _num(z), "se": _num(se)},
                "posterior": float(q),
            }
            for (s, m), p, z, se, q in zip(
                self.cells,
                self.prior_cells,
                self.log_z,
                self.log_z_se,
                self.posterior_cells,
                strict=True,
            )
        ]
        binary = [k for k, f in enumerate(self.facts) if f.binary]
        observed = np.array([float(self.facts[k].holds) for k in binary])
        return {
            "scenario": self.scenario,
            "as_of": self.as_of.isoformat(),
            "particles": self.particles,
            "replicates": self.replicates,
            "seed": self.seed,
            "epsilon": self.epsilon,
            "log_evidence": {
                "value": _num(self.total_log_z[0]),
                "se": _num(self.total_log_z[1]),
                "cells": cells,
            },
            "posterior": {"strategies": self.marginal(0), "mindsets": self.marginal(1)},
            "prior": {"strategies": self.prior_marginal(0), "mindsets": self.prior_marginal(1)},
            "scores": self.scores.to_dict(),
            "reliability": reliability(self.prior_forecast[binary], observed),
            "observations": self.observations(),
            "sources": [dict(s) for s in self.sources],
            "uncertainties": self.uncertainties,
            "forecast": {"thresholds": self.thresholds, "outcomes": self.outcomes},
            "ess": [
                {"strategy": s, "mindset": m, "by_round": [_num(x) for x in row]}
                for (s, m), row in zip(self.cells, self.ess, strict=True)
            ],
        }


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _cells(compiled: CompiledScenario) -> list[Cell]:
    strategies: list[str | None] = [s.id for s in compiled.scenario.strategies] or [None]
    mindsets: list[str | None] = [m.id for m in compiled.scenario.mindsets] or [None]
    return [(s, m) for s in strategies for m in mindsets]


def _prior(lt: LoadedTimeline, cells: list[Cell]) -> FloatArray:
    prior = lt.timeline.prior
    given_s = prior.strategies if prior else {}
    given_m = prior.mindsets if prior else {}
    w = np.array(
        [
            (given_s.get(s, 0.0) if given_s and s else 1.0)
            * (given_m.get(m, 0.0) if given_m and m else 1.0)
            for s, m in cells
        ]
    )
    if w.sum() <= 0:
        raise UsageError("prior: expected weights with a positive sum over the scenario's cells")
    return np.asarray(w / w.sum(), dtype=float)


def _tasks(
    compiled: CompiledScenario,
    cells: list[Cell],
    facts: tuple[Fact, ...],
    weigh: tuple[bool, ...],
    *,
    particles: int,
    replicates: int,
    seed: int,
    eps: float,
) -> list[FilterTask]:
    out = []
    for ci, cell in enumerate(cells):
        base = cell_tasks(compiled, cell, n=particles, seed=seed, chunk=particles, keep=0)[0]
        for r in range(replicates):
            start, stop = r * particles // replicates, (r + 1) * particles // replicates
            chunk = replace(base, start=start, stop=stop)
            out.append(FilterTask(chunk, facts, weigh, eps, ci, r, particles))
    return out


def _log_mean_exp(x: FloatArray) -> tuple[float, float]:
    """``log mean exp(x)`` and the delta-method standard error of it."""
    top = float(np.max(x))
    if not math.isfinite(top):
        return -math.inf, math.nan
    w = np.exp(x - top)
    mean = float(w.mean())
    se = float(w.std(ddof=1) / math.sqrt(len(w)) / mean) if len(w) > 1 else math.nan
    return math.log(mean) + top, se


def replay(
    compiled: CompiledScenario,
    lt: LoadedTimeline,
    *,
    particles: int = 4096,
    seed: int = 0,
    as_of: dt.date | None = None,
    replicates: int = 8,
    batch: int = 1,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReplayResult:
    """Score ``compiled`` against the timeline ``lt`` and condition on it.

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario.
    lt : LoadedTimeline
        The observed timeline (:func:`escalade.evidence.observed.load_observed`).
    particles : int
        Particles per (strategy, mindset) cell, split into ``replicates`` filters.
    seed : int
        Root seed; the same seed gives the same result on every executor and batch.
    as_of : datetime.date, optional
        Condition on the facts known by this date (default: the file's ``as_of``).
    replicates : int
        Independent filters per cell (at least 2: their spread gives the standard error).
    batch : int
        Replicate filters per executor task (does not change the result).
    executor : Executor, optional
        An entered executor (default: in process).
    progress : callable, optional
        Called with the number of particles of each finished task.
    """
    seed = validate_seed(seed)
    if not 2 <= replicates <= particles // 2:
        raise UsageError(
            f"replicates: expected 2 to particles/2 ({particles // 2}), found {replicates}"
        )
    cut = as_of or lt.timeline.as_of
    facts = compile_observations(compiled, lt, as_of=as_of)
    weigh = tuple(f.known <= cut.toordinal() for f in facts)
    cells = _cells(compiled)
    eps = lt.timeline.epsilon
    kw: dict[str, Any] = {
        "particles": particles,
        "replicates": replicates,
        "seed": seed,
        "eps": eps,
    }
    tasks = _tasks(compiled, cells, facts, weigh, **kw)
    tasks += _tasks(compiled, cells, facts, (False,) * len(facts), **kw)
    batches = [tasks[i : i + batch] for i in range(0, len(tasks), batch)]
    results: list[FilterResult] = []
    running = executor or SequentialExecutor()
    for done in running.map(run_filters, batches):
        results.extend(done)
        if progress is not None:
            progress(sum(r.particles for r in done))
    half = len(results) // 2
    return _summarise(
        compiled, lt, cells, facts, post=results[:half], prior_runs=results[half:], cut=cut, kw=kw
    )


def open_executor(workers: int | None, n_tasks: int) -> Executor:
    """In process for ``workers`` None or 1, else a local pool (not yet entered)."""
    if workers is None or workers <= 1:
        return SequentialExecutor()
    return executor_for(scheduler=None, workers=workers, n_tasks=n_tasks)


def _stack(runs: Sequence[FilterResult], name: str) -> FloatArray:
    return np.concatenate([getattr(r, name) for r in runs], axis=0)


def _evidence(
    prior: FloatArray, by_cell: Sequence[Sequence[FilterResult]]
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[float, float]]:
    """Each cell's log evidence and its s.e., the posterior over cells, the total's."""
    log_z, log_se = np.empty(len(by_cell)), np.empty(len(by_cell))
    for i, runs in enumerate(by_cell):
        log_z[i], log_se[i] = _log_mean_exp(np.array([r.log_evidence for r in runs]))
    with np.errstate(divide="ignore"):
        joint = np.log(prior) + log_z
    top = float(np.max(joint))
    if not math.isfinite(top):
        raise UsageError(
            "replay: expected some particle to be possible under the record, found likelihood 0 "
            "in every cell; hint: a variable observation far outside its 'sd', or (with "
            "'epsilon: 0') a fact no trajectory reproduces"
        )
    posterior = np.exp(joint - top)
    total = float(posterior.sum())
    posterior = posterior / total
    total_se = math.sqrt(float(((posterior * np.nan_to_num(log_se)) ** 2).sum()))
    return log_z, log_se, posterior, (math.log(total) + top, total_se)


def _forecasts(
    compiled: CompiledScenario,
    prior_runs: Sequence[FilterResult],
    prior_cells: FloatArray,
    post: Sequence[FilterResult],
    shares: FloatArray,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Uncertainties, outcomes and thresholds: prior vs conditioned."""
    flat_prior = _flat(prior_runs, _prior_shares(prior_runs, prior_cells))
    weights = _flat(post, shares)
    pairs = {
        name: (_stack(prior_runs, name), flat_prior, _stack(post, name), weights)
        for name in ("uncertainties", "outcomes")
    }
    unc = _compare([u.id for u in compiled.uncertainties], *pairs["uncertainties"])
    outcomes = _compare([o.id for o in compiled.outcomes], *pairs["outcomes"])
    crossed_prior = _mixed(prior_runs, _prior_shares(prior_runs, prior_cells), "crossed")
    crossed_post = _mixed(post, shares, "crossed")
    thresholds = [
        {"threshold": key, "prior": float(a), "as_of": float(b)}
        for (_, key, _), a, b in zip(compiled.thresholds, crossed_prior, crossed_post, strict=True)
    ]
    return unc, outcomes, thresholds


def _summarise(
    compiled: CompiledScenario,
    lt: LoadedTimeline,
    cells: list[Cell],
    facts: tuple[Fact, ...],
    *,
    post: Sequence[FilterResult],
    prior_runs: Sequence[FilterResult],
    cut: dt.date,
    kw: dict[str, Any],
) -> ReplayResult:
    replicates, n = kw["replicates"], kw["particles"]
    prior = _prior(lt, cells)
    by_cell = [post[i * replicates : (i + 1) * replicates] for i in range(len(cells))]
    log_z, log_se, posterior, total = _evidence(prior, by_cell)
    shares = _shares(post, posterior, replicates)
    prior_forecast = _mixed(prior_runs, _prior_shares(prior_runs, prior), "indicators")
    scores, per_fact = score_table(compiled, facts, prior_forecast, kw["eps"])
    unc, outcomes, thresholds = _forecasts(compiled, prior_runs, prior, post, shares)
    sources, cited = timeline_sources(lt)
    return ReplayResult(
        scenario=compiled.scenario.spec.id,
        as_of=cut,
        particles=n,
        replicates=replicates,
        seed=kw["seed"],
        epsilon=kw["eps"],
        facts=facts,
        cells=cells,
        prior_cells=prior,
        log_z=log_z,
        log_z_se=log_se,
        posterior_cells=posterior,
        ess=np.array([np.sum([r.ess for r in runs], axis=0) / n for runs in by_cell]),
        prior_forecast=prior_forecast,
        posterior_forecast=_mixed(post, shares, "indicators"),
        scores=scores,
        per_fact=per_fact,
        uncertainties=unc,
        thresholds=thresholds,
        outcomes=outcomes,
        total_log_z=total,
        sources=sources,
        fact_sources=cited if len(cited) == len(facts) else (),
        particle_uncertainties=_stack(post, "uncertainties"),
        particle_weights=_flat(post, shares),
    )


def _shares(runs: Sequence[FilterResult], posterior: FloatArray, replicates: int) -> FloatArray:
    """Each replicate's weight: its cell's posterior x its share of the cell's evidence."""
    out = np.zeros(len(runs))
    for start in range(0, len(runs), replicates):
        z = np.array([r.log_evidence for r in runs[start : start + replicates]])
        top = np.max(z)
        share = np.exp(z - top) if math.isfinite(top) else np.zeros(len(z))
        total = share.sum()
        out[start : start + replicates] = (share / total if total > 0 else share) * posterior[
            runs[start].cell
        ]
    return out


def _prior_shares(runs: Sequence[FilterResult], prior: FloatArray) -> FloatArray:
    """Each prior replicate's weight: its cell's prior x its share of the cell's particles."""
    per_cell: dict[int, int] = {}
    for r in runs:
        per_cell[r.cell] = per_cell.get(r.cell, 0) + r.particles
    return np.array([prior[r.cell] * r.particles / per_cell[r.cell] for r in runs])


def _mixed(runs: Sequence[FilterResult], shares: FloatArray, name: str) -> FloatArray:
    """The replicates' weighted means of ``name`` mixed by ``shares``."""
    values = np.array([getattr(r, name) for r in runs], dtype=float)
    if values.size == 0:
        return np.zeros(values.shape[1] if values.ndim == 2 else 0)
    ok = ~np.isnan(values) & (shares[:, None] > 0)
    total = (ok * shares[:, None]).sum(axis=0)
    mixed = (np.where(ok, values, 0.0) * shares[:, None]).sum(axis=0)
    return np.asarray(mixed / np.maximum(total, 1e-300), dtype=float)


def _flat(runs: Sequence[FilterResult], shares: FloatArray) -> FloatArray:
    """Normalised weight of every returned particle: its replicate's share x its own weight."""
    parts = []
    for r, share in zip(runs, shares, strict=True):
        top = np.max(r.log_weights)
        w = np.exp(r.log_weights - top) if math.isfinite(top) else np.zeros(len(r.log_weights))
        parts.append(w / w.sum() * share if w.sum() > 0 else w)
    out = np.concatenate(parts)
    return np.asarray(out / out.sum(), dtype=float)


def _compare(
    ids: Sequence[str], before: FloatArray, w0: FloatArray, after: FloatArray, w1: FloatArray
) -> list[dict[str, Any]]:
    """Weighted quantiles and means of each column, prior vs posterior, and the shift."""
    out = []
    for k, name in enumerate(ids):
        q0 = weighted_quantiles(before[:, k], w0, QUANTILES)
        q1 = weighted_quantiles(after[:, k], w1, QUANTILES)
        m0, m1 = float(np.dot(before[:, k], w0)), float(np.dot(after[:, k], w1))
        sd0 = math.sqrt(max(float(np.dot((before[:, k] - m0) ** 2, w0)), 0.0))
        out.append(
            {
                "id": name,
                "prior": {"mean": m0, "q05": q0[0], "median": q0[1], "q95": q0[2], "sd": sd0},
                "posterior": {"mean": m1, "q05": q1[0], "median": q1[1], "q95": q1[2]},
                "shift": m1 - m0,
                "shift_sd": (m1 - m0) / sd0 if sd0 > 0 else None,
            }
        )
    return out
