"""Run one chunk of trajectories ``[start, stop)``: the unit of work of every executor.

A :class:`ChunkTask` is small and picklable (the scenario travels as text and
is compiled once per process), so the same function runs in-process, on a
local process pool or on Dask workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from escalade._types import FloatArray, IntArray
from escalade.engine.counts import Counts
from escalade.engine.decompose import add_parts, part_actors, part_offsets
from escalade.engine.state import State, initial_state
from escalade.engine.streams import block_rows
from escalade.engine.trace import Move, RoundTrace, Trace
from escalade.engine.vectorised import RoundLog, RoundPlayer
from escalade.random import BLOCK, Stream
from escalade.scenario.compiled import CompiledScenario, compiled_from_text
from escalade.scenario.schema import PolicySpec

__all__ = [
    "ChunkResult",
    "ChunkTask",
    "OutcomeTracker",
    "compiled_for",
    "run_chunk",
    "run_state",
    "task_uncertainties",
]


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to run trajectories ``start..stop-1``."""

    text: str
    file: str
    base_dir: str | None
    specs: tuple[PolicySpec, ...]
    declared: frozenset[int]
    seed: int
    start: int
    stop: int
    fixed: tuple[float, ...] | None = None
    keep: int = 0


@dataclass(frozen=True)
class ChunkResult:
    """Counts, per-block float sums (block order) and the retained traces of a chunk."""

    counts: Counts
    parts: tuple[FloatArray, ...]
    traces: tuple[Trace, ...]


def compiled_for(task: ChunkTask) -> CompiledScenario:
    """The compiled scenario of a task (compiled once per process)."""
    return compiled_from_text(task.text, task.file, task.base_dir)


class OutcomeTracker:
    """Outcome values over a run: ``end``, ``max``, ``min``, ``mean``, ``first``."""

    def __init__(self, compiled: CompiledScenario, st: State) -> None:
        self.compiled = compiled
        n, horizon = st.n, compiled.horizon
        self.values = np.zeros((n, len(compiled.outcomes)))
        self.counts = np.ones(n)
        for k, o in enumerate(compiled.outcomes):
            value = np.asarray(o.expr(st), dtype=float)
            if o.at == "first":
                self.values[:, k] = np.where(value != 0, 0.0, float(horizon + 1))
            elif o.at != "end":
                self.values[:, k] = value

    def update(
        self, st: State, played: np.ndarray, t: int, peak_views: FloatArray | None = None
    ) -> None:
        """Account for the state after round ``t`` of the trajectories that played it.

        ``at: max`` outcomes also read the round's peak (every view at its
        highest in the round, the variables as after the round), so a rung
        that was reached and then walked back in the same round still counts.
        """
        horizon = self.compiled.horizon
        self.counts += played
        peak = None if peak_views is None else PeakState(st, peak_views)
        for k, o in enumerate(self.compiled.outcomes):
            if o.at == "end":
                continue
            value = np.asarray(o.expr(st), dtype=float)
            column = self.values[:, k]
            if o.at == "max":
                if peak is not None:
                    value = np.maximum(value, np.asarray(o.expr(peak), dtype=float))
                column = np.where(played, np.maximum(column, value), column)
            elif o.at == "min":
                column = np.where(played, np.minimum(column, value), column)
            elif o.at == "mean":
                column = np.where(played, column + value, column)
            else:
                hit = played & (column == horizon + 1) & (value != 0)
                column = np.where(hit, float(t + 1), column)
            self.values[:, k] = column

    def finish(self, st: State) -> FloatArray:
        """The outcome values on the final state ``(n, Q)``."""
        for k, o in enumerate(self.compiled.outcomes):
            if o.at == "end":
                self.values[:, k] = np.asarray(o.expr(st), dtype=float)
            elif o.at == "mean":
                self.values[:, k] = self.values[:, k] / self.counts
        return self.values


class PeakState:
    """A state whose rungs are a round's peaks (what ``at: max`` outcomes also read)."""

    def __init__(self, st: State, peak_views: FloatArray) -> None:
        self.n, self.round, self.day = st.n, st.round, st.day
        self.variables, self.taken, self.uncertainties = st.variables, st.taken, st.uncertainties
        self.views = peak_views
        pairs = peak_views.reshape(st.n, -1, 2)
        self.rungs = np.maximum(pairs[:, :, 0], pairs[:, :, 1])
        self.last_move = st.last_move


def apply_final(player: RoundPlayer, st: State) -> None:
    """Final utility weights on the final state, discounted at the last round played.

    A trajectory that ended in an absorbing state stays in it to the horizon,
    so its final weights are discounted at the horizon's last round.
    """
    compiled = player.compiled
    offsets = part_offsets(compiled)  # decomposition (issue 17)
    last = np.where(st.absorbed, compiled.horizon, st.rounds_played) - 1
    for i, actor in enumerate(compiled.actors):
        if not actor.final:
            continue
        flow, parts = player.flow_parts(st, i, "final")
        discount = actor.discount ** last.astype(float)
        st.utility[:, i] += discount * flow
        first = offsets[i] + len(actor.per_round) + 1 + len(actor.thresholds)
        add_parts(st.utility_parts, first, parts, discount)


@dataclass(eq=False)
class Totals:
    """Counts gathered round by round (events fired, accidents, refusals, round peaks).

    ``peak_hist`` and ``peak_view_hist`` are :class:`~escalade.engine.counts.Counts`'
    histograms of each round's peak, filled by :meth:`add_peaks` a round at a time
    (nothing per trajectory is kept).
    """

    fired: IntArray
    accidents: IntArray
    refused: IntArray
    peak_max: FloatArray
    peak_hist: IntArray
    peak_view_hist: IntArray

    @classmethod
    def zeros(cls, c: CompiledScenario, n: int = 0) -> Totals:
        """Empty totals."""
        empty = Counts.zeros(c)
        return cls(
            fired=np.zeros(len(c.events), dtype=np.int64),
            accidents=np.zeros((2, len(c.arenas)), dtype=np.int64),
            refused=np.zeros(len(c.options), dtype=np.int64),
            peak_max=np.full((n, 2 * len(c.arenas)), -np.inf),
            peak_hist=empty.peak_hist,
            peak_view_hist=empty.peak_view_hist,
        )

    def add_peaks(self, c: CompiledScenario, t: int, views: FloatArray) -> None:
        """Histogram row ``t`` of the round peaks: ``views`` is every view at its highest.

        The common rung's peak is the higher of its two views' peaks.
        """
        pairs = np.asarray(views).reshape(len(views), -1, 2)
        rungs = pairs.max(axis=2)
        for a in c.arenas:
            width = a.high - a.low + 1
            peak = rungs[:, a.index].astype(np.int64) - a.low
            self.peak_hist[a.index, t, :width] = np.bincount(peak, minlength=width)
            for p in (0, 1):
                col = 2 * a.index + p
                seen = pairs[:, a.index, p].astype(np.int64) - a.low
                self.peak_view_hist[col, t, :width] = np.bincount(seen, minlength=width)

    def add(self, log: RoundLog, n_options: int) -> None:
        """Account for one round's log."""
        self.fired += log.fired.sum(axis=0)
        self.accidents += np.stack(
            [(log.accidents > 0).sum(axis=0), (log.accidents < 0).sum(axis=0)]
        )
        self.refused += np.bincount(log.moves[log.refused], minlength=n_options + 1)[:n_options]
        if self.peak_max.shape == log.peak_views.shape:
            np.maximum(self.peak_max, log.peak_views, out=self.peak_max)


def _round_trace(c: CompiledScenario, t: int, log: RoundLog, snap: State, row: int) -> RoundTrace:
    events = []
    for e in c.events:
        if log.fired[row, e.index]:
            b = int(log.branch[row, e.index])
            events.append(e.id if b < 0 else f"{e.id}:{e.branches[b].id}")
    moves = []
    for k, i in enumerate(c.slots):
        o = int(log.moves[row, k])
        if o < 0:
            continue
        if log.refused[row, k]:
            result = "refused"
        else:
            result = "succeeded" if log.succeeded[row, k] else "failed"
        moves.append(Move(c.actors[i].id, c.options[o].id, result))
    accidents = tuple(
        (a.id, int(log.reverted[row, a.index])) for a in c.arenas if log.reverted[row, a.index]
    ) + tuple(
        (a.id, int(log.accidents[row, a.index])) for a in c.arenas if log.accidents[row, a.index]
    )
    return RoundTrace(
        round=t,
        events=tuple(events),
        moves=tuple(moves),
        accidents=accidents,
        rungs=tuple(int(r) for r in snap.rungs[row]),
        views=tuple(int(r) for r in snap.views[row]),
        variables=tuple(float(v) for v in snap.variables[row]),
        utility=tuple(float(v) for v in snap.utility[row]),
        ended=bool(log.ended[row]),
        peaks=tuple(int(v) for v in log.peak_views[row].reshape(-1, 2).max(axis=1)),
    )


@dataclass(eq=False)
class Played:
    """What :func:`run_state` returns."""

    outcomes: FloatArray
    rung_path: npt.NDArray[np.int16]
    max_path: npt.NDArray[np.int16]
    totals: Totals
    traces: list[Trace]
    view_path: npt.NDArray[np.int16]
    side_path: npt.NDArray[np.int16]


def run_state(player: RoundPlayer, st: State, span: tuple[int, int], keep: int) -> Played:
    """Play every round on ``st`` (trajectories ``span``), keeping traces of the first ``keep``."""
    c = player.compiled
    start = span[0]
    player.span = span
    tracker = OutcomeTracker(c, st)
    keep = min(keep, st.n)
    first = np.arange(keep)
    initial = st.take(first)
    recorded: list[tuple[int, RoundLog, State, np.ndarray]] = []
    totals = Totals.zeros(c, st.n)
    rung_path = np.zeros((c.horizon + 1, st.n, len(c.arenas)), dtype=np.int16)
    max_path = np.zeros_like(rung_path)
    view_path = np.zeros((c.horizon + 1, st.n, 2 * len(c.arenas)), dtype=np.int16)
    side_path = np.zeros_like(view_path)
    rung_path[0], max_path[0], view_path[0] = st.rungs, st.rung_max, st.view_max
    side_path[0] = st.views
    totals.add_peaks(c, 0, st.views)
    for t in range(c.horizon):
        played = st.alive.copy()
        peaks = st.views
        if played.any():
            u = player.uniforms(Stream.ROUND, player.layout.k, t)
            log = player.play(st, t, u, player.policies)
            totals.add(log, len(c.options))
            tracker.update(st, played, t, log.peak_views)
            peaks = log.peak_views
            if keep:
                recorded.append((t, log, st.take(first), played[:keep].copy()))
        totals.add_peaks(c, t + 1, peaks)
        rung_path[t + 1], max_path[t + 1], view_path[t + 1] = st.rungs, st.rung_max, st.view_max
        side_path[t + 1] = st.views
    apply_final(player, st)
    outcomes = tracker.finish(st)
    traces = [
        Trace(
            index=start + row,
            uncertainties=tuple(float(x) for x in initial.uncertainties[row]),
            initial_rungs=tuple(int(r) for r in initial.rungs[row]),
            initial_variables=tuple(float(v) for v in initial.variables[row]),
            rounds=tuple(
                _round_trace(c, t, log, snap, row) for t, log, snap, on in recorded if on[row]
            ),
            utility=tuple(float(v) for v in st.utility[row]),
            outcomes=tuple(float(v) for v in outcomes[row]),
        )
        for row in range(keep)
    ]
    return Played(outcomes, rung_path, max_path, totals, traces, view_path, side_path)


def task_uncertainties(task: ChunkTask, compiled: CompiledScenario) -> FloatArray:
    """The uncertainty draws of trajectories ``task.start .. task.stop - 1``, shape (n, k).

    The task's fixed values when it has them, else the draws from the task seed's
    uncertainty stream (the same rows for every chunk size).
    """
    n, n_unc = task.stop - task.start, len(compiled.uncertainties)
    if task.fixed is not None:
        return np.tile(np.asarray(task.fixed, dtype=float), (n, 1)).reshape(n, n_unc)
    uniforms = block_rows(task.seed, Stream.UNCERTAINTY, task.start, task.stop, n_unc)
    return compiled.draw_uncertainties(uniforms)


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run trajectories ``task.start .. task.stop - 1`` and summarise them.

    The rounds run in the compiled kernel when it supports the cell
    (:func:`escalade.engine.kernel.player.make_player`), else on the NumPy
    path; a chunk the kernel rejects (a value the engine refuses) is replayed
    on the NumPy path, which raises the error with its full message.
    """
    from escalade.engine.kernel.player import make_player, on_kernel  # noqa: PLC0415 - numba on use

    c = compiled_for(task)
    keep = max(0, min(task.keep - task.start, task.stop - task.start))

    def play(kernel: bool) -> tuple[State, Played]:
        player = make_player(c, task.specs, seed=task.seed, declared=task.declared, kernel=kernel)
        st = initial_state(c, task_uncertainties(task, c))
        return st, run_state(player, st, (task.start, task.stop), keep)

    st, played = on_kernel(play)
    counts = _counts(c, st, played)
    parts = _block_sums(c, task, st, played.outcomes)
    return ChunkResult(counts, parts, tuple(played.traces))


def _counts(c: CompiledScenario, st: State, played: Played) -> Counts:
    rung_path, max_path, totals = played.rung_path, played.max_path, played.totals
    counts = Counts.zeros(c)
    counts.n = st.n
    for k, (arena, _, rung) in enumerate(c.thresholds):
        counts.crossed_by_round[k] = (max_path[:, :, arena] >= rung).sum(axis=1)
        for p in (0, 1):
            crossed = played.view_path[-1, :, 2 * arena + p] >= rung
            counts.crossed_by_side[k, p] = int(crossed.sum())
    for a in c.arenas:
        width = a.high - a.low + 1
        for t in range(c.horizon + 1):
            hist = np.bincount(rung_path[t, :, a.index] - a.low, minlength=width)
            counts.rung_hist[a.index, t, :width] = hist
            for p in (0, 1):
                col = 2 * a.index + p
                seen = np.bincount(played.side_path[t, :, col] - a.low, minlength=width)
                counts.view_hist[col, t, :width] = seen
    counts.chosen_any = (st.times_chosen > 0).sum(axis=0)
    counts.succeeded_any = st.taken.sum(axis=0)
    counts.times_chosen = st.times_chosen.sum(axis=0)
    counts.refused = totals.refused
    counts.peak_hist, counts.peak_view_hist = totals.peak_hist, totals.peak_view_hist
    counts.event_any = st.fired.sum(axis=0)
    counts.event_count = totals.fired
    counts.accidents_up, counts.accidents_down = totals.accidents
    counts.ended = int((~st.alive).sum())
    counts.rounds_played = int(st.rounds_played.sum())
    return counts


def _block_sums(
    c: CompiledScenario, task: ChunkTask, st: State, outcomes: FloatArray
) -> tuple[FloatArray, ...]:
    # Row-major copies: the state is column-major, and sums must add in the same order whatever
    # its layout (the same numbers on every path, chunk size and executor).
    utility = np.ascontiguousarray(st.utility)
    outcomes = np.ascontiguousarray(outcomes)
    sides = c.side_utilities(utility, st.uncertainties)
    tracked = []
    if st.utility_parts is not None:  # decomposition (issue 17): last in the float sums
        weights = c.actor_weights(st.uncertainties)[:, part_actors(c)]
        parts_c = np.ascontiguousarray(st.utility_parts)  # row-major, as the sums always read it
        tracked = [parts_c, parts_c * weights]  # raw; as its side counts it
    parts = []
    first = task.start
    while first < task.stop:
        last = min((first // BLOCK + 1) * BLOCK, task.stop)
        rows = slice(first - task.start, last - task.start)
        values = [outcomes[rows], utility[rows], sides[rows], *(t[rows] for t in tracked)]
        parts.append(
            np.concatenate(
                [piece for v in values for piece in (v.sum(axis=0), (v * v).sum(axis=0))]
            )
        )
        first = last
    return tuple(parts)
