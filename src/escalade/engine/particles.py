"""Sequential Monte Carlo (a particle filter) on the vectorised engine.

A :class:`FilterTask` runs one *replicate filter* of one (strategy, mindset)
cell: particles ``start..stop-1`` of the cell, each a trajectory of the engine
whose uncertainties are the engine's own prior draws. Round by round the
engine plays the particles (:meth:`RoundPlayer.play`); after round ``t`` each
particle is weighted by the likelihood of the facts whose window closes in
round ``t`` (:class:`escalade.evidence.facts.Fact`):

* a yes/no fact (option taken, event fired, threshold crossed, rung) with the
  observation-error rate ``epsilon``: ``1 - epsilon`` if the particle agrees
  with the record, ``epsilon`` if not;
* a variable: the Normal density of the record's ``value`` with its ``sd``.

The log marginal likelihood (evidence) of the replicate is the sum over rounds
of the log of the weighted mean of the round's likelihoods. When the effective
sample size falls below half the particles the population is resampled
(systematic resampling, one uniform from ``Stream.FILTER`` keyed by
``(cell, replicate, round)``) by taking rows of the engine's :class:`State`.

Fresh streams after resampling: from the ``r``-th resampling of a replicate
on, state row ``j`` (particle ``start + j``) reads the random numbers of
trajectory ``r * n + start + j`` (``n`` particles per cell), so the copies of
one ancestor do not share their futures, and no two rows of any generation
read the same numbers. Everything depends only on the seed, the cell, the
replicate and the round: results are identical on every executor and however
replicates are batched into tasks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from escalade._types import BoolArray, FloatArray
from escalade.engine.chunk import ChunkTask, OutcomeTracker, apply_final, compiled_for
from escalade.engine.state import State, initial_state
from escalade.engine.streams import block_rows
from escalade.engine.vectorised import RoundLog, RoundPlayer
from escalade.evidence.facts import Fact
from escalade.random import Stream, make_rng
from escalade.scenario.compiled import CompiledScenario

__all__ = ["FilterResult", "FilterTask", "run_filter", "run_filters", "systematic"]


@dataclass(frozen=True)
class FilterTask:
    """One replicate filter of one cell (``chunk.start .. chunk.stop - 1``)."""

    chunk: ChunkTask
    facts: tuple[Fact, ...]
    weigh: tuple[bool, ...]
    epsilon: float
    cell: int
    replicate: int
    n: int


@dataclass(eq=False)
class FilterResult:
    """What one replicate filter returns.

    ``log_evidence`` is the replicate's log marginal likelihood; ``ess`` the
    effective sample size after weighting in each round (NaN: no fact weighed
    in that round); ``resampled`` whether the round resampled; ``indicators``
    ``(F,)`` the weighted mean over the final particles of each fact's value
    at its closing round (1/0 for yes/no facts, the variable for variables);
    ``crossed`` ``(T,)`` the weighted share of particles that reached each
    threshold by the end. ``uncertainties`` and ``outcomes`` are kept for at
    most :data:`KEEP` particles with ``log_weights``: all of them when there
    are no more, else an equal-weight systematic resample of them (so memory
    does not grow with the number of particles).
    """

    cell: int
    replicate: int
    particles: int
    log_evidence: float
    ess: FloatArray
    resampled: BoolArray
    log_weights: FloatArray
    indicators: FloatArray
    uncertainties: FloatArray
    outcomes: FloatArray
    crossed: FloatArray
    increments: FloatArray = field(default_factory=lambda: np.zeros(0))


KEEP = 4096
"""Most particles a replicate filter returns (see :class:`FilterResult`)."""


def systematic(weights: FloatArray, u: float, size: int | None = None) -> np.ndarray:
    """Systematic resampling: indices of ``size`` draws from one uniform ``u``.

    ``weights`` are normalised; draw ``k`` of ``M`` (default ``len(weights)``)
    is the first index whose cumulative weight exceeds ``(u + k) / M``
    (Kitagawa 1996; Douc, Cappé & Moulines 2005).
    """
    m = len(weights)
    draws = m if size is None else size
    cumulative = np.cumsum(weights)
    cumulative[-1] = 1.0
    positions = (u + np.arange(draws)) / draws
    index: np.ndarray = np.searchsorted(cumulative, positions, side="right")
    return np.asarray(np.minimum(index, m - 1), dtype=np.int64)


class _Tracker:
    """Each fact's accumulator and value per particle."""

    def __init__(self, c: CompiledScenario, st: State, facts: tuple[Fact, ...]) -> None:
        self.facts = facts
        self.acc = np.zeros((st.n, len(facts)), dtype=bool)
        self.values = np.full((st.n, len(facts)), np.nan)
        for k, f in enumerate(facts):
            if f.kind == "threshold" and f.first == 0:
                self.acc[:, k] = st.rungs[:, f.target] >= f.level
        self.c = c

    def take(self, index: np.ndarray) -> None:
        self.acc = self.acc[index]
        self.values = self.values[index]

    def update(self, st: State, t: int, log: RoundLog) -> list[int]:
        """Account for round ``t``; return the facts whose window closes now."""
        closing = []
        for k, f in enumerate(self.facts):
            if not f.first <= t <= f.last:
                continue
            if f.kind == "option":
                hit = ((log.moves == f.target) & ~log.refused).any(axis=1)
                self.acc[:, k] |= hit
            elif f.kind == "event":
                hit = log.fired[:, f.target]
                if f.level >= 0:
                    hit = hit & (log.branch[:, f.target] == f.level)
                self.acc[:, k] |= hit
            elif f.kind == "threshold":
                pair = log.peak_views[:, 2 * f.target : 2 * f.target + 2]
                self.acc[:, k] |= pair.max(axis=1) >= f.level
            if t == f.last:
                closing.append(k)
                if f.kind == "variable":
                    self.values[:, k] = st.variables[:, f.target]
                elif f.kind == "rung":
                    self.values[:, k] = st.rungs[:, f.target] == f.level
                else:
                    self.values[:, k] = self.acc[:, k]
        return closing

    def log_likelihood(self, closing: list[int], weigh: tuple[bool, ...], eps: float) -> FloatArray:
        """Log likelihood of the weighed closing facts, per particle."""
        out = np.zeros(self.acc.shape[0])
        log_hit = math.log1p(-eps)
        log_miss = math.log(eps) if eps > 0 else -math.inf
        for k in closing:
            if not weigh[k]:
                continue
            f = self.facts[k]
            if f.kind == "variable":
                z = (self.values[:, k] - f.value) / f.sd
                out += -0.5 * z * z - math.log(f.sd) - 0.5 * math.log(2 * math.pi)
            else:
                agree = (self.values[:, k] != 0) == f.holds
                out += np.where(agree, log_hit, log_miss)
        return out


def _log_mean(log_w: FloatArray, add: FloatArray) -> tuple[float, FloatArray]:
    """Log of the ``exp(log_w)``-weighted mean of ``exp(add)``, and the new log weights."""
    new = log_w + add
    top_old, top_new = float(np.max(log_w)), float(np.max(new))
    if not math.isfinite(top_new):
        return -math.inf, new
    old_sum = math.log(float(np.exp(log_w - top_old).sum())) + top_old
    new_sum = math.log(float(np.exp(new - top_new).sum())) + top_new
    return new_sum - old_sum, new


def _ess(log_w: FloatArray) -> float:
    if not np.isfinite(log_w).any():
        return 0.0
    w = np.exp(log_w - np.max(log_w))
    return float(w.sum() ** 2 / (w * w).sum())


@dataclass(eq=False)
class _Population:
    """The particles of one replicate filter between rounds."""

    task: FilterTask
    player: RoundPlayer
    st: State
    outcomes: OutcomeTracker
    facts: _Tracker
    log_w: FloatArray
    generation: int = 0

    def resample(self, t: int) -> None:
        """Systematic resampling; the copies read fresh random numbers (module docstring)."""
        ch, m = self.task.chunk, self.st.n
        w = np.exp(self.log_w - np.max(self.log_w))
        uniform = make_rng(ch.seed, int(Stream.FILTER), self.task.cell, self.task.replicate, t)
        index = systematic(w / w.sum(), float(uniform.random()))
        self.st = self.st.take(index)
        self.facts.take(index)
        self.outcomes.values = self.outcomes.values[index]
        self.outcomes.counts = self.outcomes.counts[index]
        self.log_w = np.zeros(m)
        self.generation += 1
        shift = self.generation * self.task.n  # fresh streams: a shifted span
        self.player.span = (ch.start + shift, ch.stop + shift)


def _start(task: FilterTask, kernel: bool) -> _Population:
    from escalade.engine.kernel.player import make_player  # noqa: PLC0415 - numba on use

    c = compiled_for(task.chunk)
    ch = task.chunk
    player = make_player(c, ch.specs, seed=ch.seed, declared=ch.declared, kernel=kernel)
    player.span = (ch.start, ch.stop)
    draws = block_rows(ch.seed, Stream.UNCERTAINTY, ch.start, ch.stop, len(c.uncertainties))
    st = initial_state(c, c.draw_uncertainties(draws))
    st.utility_parts = None  # no decomposition of utilities here
    return _Population(
        task, player, st, OutcomeTracker(c, st), _Tracker(c, st, task.facts), np.zeros(st.n)
    )


def run_filter(task: FilterTask) -> FilterResult:
    """Run one replicate filter (see the module docstring).

    Its rounds run in the compiled kernel when it plays the cell
    (``ESCALADE_KERNEL=numba``), with the same numbers.
    """
    from escalade.engine.kernel.player import on_kernel  # noqa: PLC0415 - numba on use

    return on_kernel(lambda kernel: _filter(task, kernel))


def _filter(task: FilterTask, kernel: bool) -> FilterResult:
    """:func:`run_filter`, its rounds in the kernel or not."""
    pop = _start(task, kernel)
    c, m = pop.player.compiled, pop.st.n
    ess = np.full(c.horizon, np.nan)
    resampled = np.zeros(c.horizon, dtype=bool)
    increments = np.zeros(c.horizon)
    for t in range(c.horizon):
        played = pop.st.alive.copy()
        log = RoundLog.empty(c, m)
        if played.any():
            u = pop.player.uniforms(Stream.ROUND, pop.player.layout.k, t)
            log = pop.player.play(pop.st, t, u, pop.player.policies)
            pop.outcomes.update(pop.st, played, t, log.peak_views)
        closing = pop.facts.update(pop.st, t, log)
        if not any(task.weigh[k] for k in closing):
            continue
        add = pop.facts.log_likelihood(closing, task.weigh, task.epsilon)
        increments[t], pop.log_w = _log_mean(pop.log_w, add)
        ess[t] = _ess(pop.log_w)
        if not math.isfinite(increments[t]):
            break
        if ess[t] < m / 2:
            pop.resample(t)
            resampled[t] = True
    return _finish(pop, ess, resampled, increments)


def _finish(
    pop: _Population, ess: FloatArray, resampled: BoolArray, increments: FloatArray
) -> FilterResult:
    c, st, task = pop.player.compiled, pop.st, pop.task
    apply_final(pop.player, st)
    values = pop.outcomes.finish(st)
    crossed = np.zeros((st.n, len(c.thresholds)))
    for k, (a, _, rung) in enumerate(c.thresholds):
        crossed[:, k] = st.rung_max[:, a] >= rung
    top = np.max(pop.log_w)
    w = np.exp(pop.log_w - top) if np.isfinite(top) else np.ones(st.n)
    w = w / w.sum()
    known = ~np.isnan(pop.facts.values)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (np.where(known, pop.facts.values, 0.0) * w[:, None]).sum(axis=0) / (
            known * w[:, None]
        ).sum(axis=0)
    rows, log_w = np.arange(st.n), pop.log_w
    if st.n > KEEP:
        u = make_rng(task.chunk.seed, int(Stream.FILTER), task.cell, task.replicate, c.horizon)
        rows, log_w = systematic(w, float(u.random()), KEEP), np.zeros(KEEP)
    return FilterResult(
        cell=task.cell,
        replicate=task.replicate,
        particles=st.n,
        log_evidence=float(increments.sum()),
        ess=ess,
        resampled=resampled,
        log_weights=log_w,
        indicators=np.asarray(means, dtype=float),
        uncertainties=st.uncertainties[rows],
        outcomes=values[rows],
        crossed=w @ crossed,
        increments=increments,
    )


def run_filters(tasks: list[FilterTask]) -> list[FilterResult]:
    """Run several replicate filters in order (a task batch for an executor)."""
    return [run_filter(t) for t in tasks]
