"""``best_response`` rollouts, vectorised across candidates, samples and trajectories.

A decision of a ``best_response`` actor needs, for every trajectory ``r``,
every candidate ``k`` (hold, then the actor's options) and every sample ``s``,
a rollout of ``depth`` rounds from the current state, in which the actor
takes candidate ``k`` now. All of them are played at once on one batched
:class:`~escalade.engine.state.State` whose rows are the ``(s, k, r)`` triples,
so a decision costs ``depth`` calls of the round instead of
``candidates x samples x depth``. Only the deciding actor's utility is
accrued in a rollout (the others' is never read).

Every rollout of trajectory ``r`` and sample ``s`` reads the same random
numbers whatever the candidate (common random numbers): the uniforms of
``Stream.ROLLOUT`` keyed by ``(round, actor, sample, depth)``, column ``r``.
A round treats its rows independently, so each row's result is the number
the one-candidate-at-a-time loop gives, to the bit, and sums over samples are
taken in sample order, as before.

Rows whose value cannot matter are not played (their value is reused, in
effect, from what the decision already knows): trajectories that have ended,
candidates that are not available (their rollout would be the hold rollout),
and trajectories where only hold is available (the choice is hold whatever
the values). The decisions are therefore identical to playing every row.

Uncertainties the deciding actor does not know (``known_to``) are drawn afresh
from their distributions for each sample, from ``Stream.ROLLOUT`` keyed by
``(round, actor, sample, BELIEF)``: the same draws for every candidate. A
rollout's value adds the ``final`` weights on the state where it stops,
discounted at the horizon's last round.

At most :data:`MAX_ROWS` rows are played at once (the pairs, then the
samples, are split into several batches beyond it), which bounds memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.engine.state import State
from escalade.engine.stopping import (
    MIN_SAMPLES,
    in_order_sum,
    leaders,
    paired_values,
    separated,
)
from escalade.engine.streams import BELIEF
from escalade.errors import SimulationError
from escalade.random import Stream

if TYPE_CHECKING:
    from escalade.engine.policies import DecisionContext
    from escalade.engine.vectorised import RoundPlayer

__all__ = ["MAX_ROWS", "RolloutBatch", "needed", "rollout_values", "setup_batch"]

MAX_ROWS = 1 << 17
"""Most rows of one batched rollout state (bounds its memory)."""


@dataclass(eq=False)
class RolloutBatch:
    """One batched rollout state and what each of its rows stands for.

    Row ``j`` of ``state`` is trajectory ``rows[j]`` (a row of the decision
    state), sample ``samples[j]``, taking candidate ``forced[j]`` (an option
    index, or -1 for hold) in the first round.
    """

    state: State
    rows: IntArray
    samples: IntArray
    forced: IntArray
    start_utility: FloatArray


def needed(ctx: DecisionContext, candidates: Sequence[int]) -> BoolArray:
    """``(n, C)``: the (trajectory, candidate) pairs whose rollout value can change the choice.

    A pair is needed when the trajectory is alive, the candidate is hold or an
    available option, and at least one option is available (else the choice
    is hold whatever the values).
    """
    st = ctx.state
    want = np.zeros((st.n, len(candidates)), dtype=bool)
    for k, option in enumerate(candidates):
        if option >= 0:
            want[:, k] = ctx.available[:, option]
    some_option = want.any(axis=1) & st.alive
    want[:, [k for k, option in enumerate(candidates) if option < 0]] = True
    want &= some_option[:, None]
    return want


def setup_batch(
    ctx: DecisionContext,
    rows: IntArray,
    forced: IntArray,
    samples: Sequence[int],
) -> RolloutBatch:
    """The batched state of the rollouts of ``(rows[p], forced[p])`` for each sample.

    This is the one place that builds a rollout's starting state: the decision
    state's rows, repeated for each sample (sample-major order).
    """
    n_pairs = len(rows)
    index = np.tile(rows, len(samples))
    state = replace(ctx.state, utility_parts=None).take(index)  # no decomposition in rollouts
    sample_of = np.repeat(np.asarray(samples, dtype=np.int64), n_pairs)
    return RolloutBatch(
        state=state,
        rows=index,
        samples=sample_of,
        forced=np.tile(forced, len(samples)),
        start_utility=state.utility[:, ctx.actor].copy(),
    )


def _uniforms(
    player: RoundPlayer, key: tuple[int, int, int], batch: RolloutBatch, group: Sequence[int]
) -> FloatArray:
    """``(K, rows)`` rollout uniforms of the batch for depth ``key[2]`` (columns by trajectory)."""
    t, i, d = key
    n_pairs = len(batch.rows) // len(group)
    out = np.empty((player.layout.k, len(batch.rows)))
    for k, s in enumerate(group):  # each sample's columns gathered in place (no concatenation)
        cols = slice(k * n_pairs, (k + 1) * n_pairs)
        drawn = player.uniforms(Stream.ROLLOUT, player.layout.k, t, i, s, d)
        np.take(drawn, batch.rows[cols], axis=1, out=out[:, cols])
    return out


def _believe(
    player: RoundPlayer, ctx: DecisionContext, batch: RolloutBatch, group: Sequence[int]
) -> None:
    """Replace the uncertainties the deciding actor does not know by fresh draws."""
    c, t, i = player.compiled, ctx.state.round, ctx.actor
    unknown = [u for u in c.uncertainties if i not in u.known_to]
    if not unknown:
        return
    n_pairs = len(batch.rows) // len(group)
    batch.state.uncertainties = batch.state.uncertainties.copy()
    for g, s in enumerate(group):
        draws = player.uniforms(Stream.ROLLOUT, len(unknown), t, i, s, BELIEF)
        rows = slice(g * n_pairs, (g + 1) * n_pairs)
        for k, u in enumerate(unknown):
            batch.state.uncertainties[rows, u.index] = u.ppf(draws[k, batch.rows[rows]])


def _play(player: RoundPlayer, ctx: DecisionContext, batch: RolloutBatch, depth: int) -> FloatArray:
    """Play the batch ``depth`` rounds; the deciding actor's utility gained, per row.

    The gain includes the final weights on the state where the rollout stops,
    discounted at the horizon's last round.
    """
    t, i = ctx.state.round, ctx.actor
    group = sorted(set(batch.samples.tolist()))
    _believe(player, ctx, batch, group)
    policies = player.rollout_policies(i)
    for d in range(min(depth, player.compiled.horizon - t)):
        u = _uniforms(player, (t, i, d), batch, group)
        player.play(
            batch.state,
            t + d,
            u,
            policies,
            events=d > 0,
            forced=(i, batch.forced) if d == 0 else None,
            rollouts=False,
            payers=(i,),
        )
    c = player.compiled
    final = c.actors[i].discount ** (c.horizon - 1) * player.flow(batch.state, i, "final")
    gained: FloatArray = batch.state.utility[:, i] - batch.start_utility + final
    return gained


def rollout_values(
    player: RoundPlayer,
    ctx: DecisionContext,
    candidates: Sequence[int],
    depth: int,
    samples: int,
    *,
    stop: bool = False,
    max_rows: int = MAX_ROWS,
) -> FloatArray:
    """Mean discounted utility gained by each candidate over ``samples`` rollouts of ``depth``.

    Returns ``(n, len(candidates))``; pairs that are not :func:`needed` are 0.
    With ``stop``, a candidate stops being sampled once it is separated from
    the leader (:mod:`escalade.engine.stopping`) and its value is the mean of
    the samples it had. At most ``max_rows`` rows (at least one) are played at once.
    """
    st = ctx.state
    start, end = player.span
    if st.n != end - start:
        raise SimulationError("rollout: expected the state of the whole chunk")
    values = np.zeros((st.n, len(candidates)))
    rows, columns = np.nonzero(needed(ctx, candidates))
    if len(rows) == 0:
        return values
    forced = np.asarray(candidates, dtype=np.int64)[columns]
    if not stop or samples <= MIN_SAMPLES:
        gains = _gains(player, ctx, (rows, forced), range(samples), depth=depth, max_rows=max_rows)
        values[rows, columns] = in_order_sum(gains)  # sample order, as the sums always were
        return values / samples
    gains = np.zeros((samples, len(rows)))
    counts = np.zeros(len(rows), dtype=np.int64)
    active = np.ones(len(rows), dtype=bool)
    ref = np.full(len(rows), -1, dtype=np.int64)
    when = np.full(len(rows), -1, dtype=np.int64)
    shortfall = np.zeros(len(rows))
    m = 0
    while m < samples and active.any():
        group = range(m, max(m + 1, MIN_SAMPLES))
        idx = np.flatnonzero(active)
        pairs = (rows[idx], forced[idx])
        played = _gains(player, ctx, pairs, group, depth=depth, max_rows=max_rows)
        gains[m : m + len(group), idx] = played
        counts[idx] += len(group)
        m += len(group)
        if m < samples:
            keep, lead, short = _still_open(gains[:m, idx], rows[idx], st.n)
            lost = ~keep & (lead != np.arange(len(idx)))  # a lone leader keeps its own mean
            ref[idx[lost]], when[idx[lost]] = idx[lead[lost]], m
            shortfall[idx[lost]] = short[lost]
            active[idx] = keep
    means = in_order_sum(gains) / counts
    values[rows, columns] = paired_values(means, ref, shortfall, when)
    return values


def _gains(
    player: RoundPlayer,
    ctx: DecisionContext,
    pairs: tuple[IntArray, IntArray],
    group: Sequence[int],
    *,
    depth: int,
    max_rows: int,
) -> FloatArray:
    """``(len(group), P)``: each pair's gain in each sample of ``group``, in batches."""
    rows, forced = pairs
    out = np.empty((len(group), len(rows)))
    per_batch = max(1, max_rows // len(group))
    for first in range(0, len(rows), per_batch):
        part = slice(first, first + per_batch)
        r = rows[part]
        together = max(1, max_rows // len(r))
        for s0 in range(0, len(group), together):
            some = list(group[s0 : s0 + together])
            batch = setup_batch(ctx, r, forced[part], some)
            gained = _play(player, ctx, batch, depth)
            out[s0 : s0 + len(some), part] = gained.reshape(len(some), len(r))
    return out


def _still_open(
    gains: FloatArray, rows: IntArray, n: int
) -> tuple[BoolArray, IntArray, FloatArray]:
    """Which of these pairs (all sampled ``m`` times) go on being sampled; leaders; shortfalls.

    A pair goes on while it is not separated from its trajectory's leader; a
    leader goes on while another pair of its trajectory does. Also returns each
    pair's leader (a position among these pairs) and mean shortfall against it.
    """
    lead = leaders(in_order_sum(gains), rows, n)
    apart, short = separated(gains, lead)
    keep = ~apart
    keep[lead] = True
    others = np.bincount(rows[keep], minlength=n) > 1
    result: BoolArray = keep & others[rows]
    return result, lead, short
