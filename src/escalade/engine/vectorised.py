"""The vectorised engine: one round of DESIGN.md §2 for ``n`` trajectories at once.

:class:`RoundPlayer` plays a round on a :class:`~escalade.engine.state.State`
in place, in the order of the semantics (``docs/engine.md``): events,
decisions (with availability, consent), resolution, accidents, payoffs, end.
Frozen (ended) trajectories are masked out of every step. ``best_response``
rollouts replay rounds on copies of the state with their own random stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.engine import allocator
from escalade.engine._accounts import Accounts
from escalade.engine.policies import DecisionContext, Policy, make_policy
from escalade.engine.rollouts import rollout_values
from escalade.engine.state import State, apply_effects, available, option_gain, sync_rungs
from escalade.engine.steps import (
    check_branch_total,
    checked_probability,
    escalate,
    move_numbers,
    move_rungs,
    reader,
)
from escalade.engine.streams import Layout, block_uniforms, uniforms_at
from escalade.errors import SimulationError
from escalade.random import Stream
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["RoundLog", "RoundPlayer", "rollout_specs"]


@dataclass(eq=False)
class RoundLog:
    """What happened in one round, per trajectory (``(n, ·)`` arrays).

    ``moves``, ``succeeded`` and ``refused`` have one column per decision slot;
    ``accidents`` and ``reverted`` the change of each arena's common rung;
    ``peak_views`` the highest value of each view during the round.
    """

    branch: IntArray
    fired: BoolArray
    moves: IntArray
    succeeded: BoolArray
    refused: BoolArray
    accidents: IntArray
    reverted: IntArray
    peak_views: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    ended: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def empty(cls, c: CompiledScenario, n: int) -> RoundLog:
        """A log with nothing happened yet."""
        n_slot, n_arena = len(c.slots), len(c.arenas)
        return cls(
            branch=np.full((n, len(c.events)), -1, dtype=np.int64),
            fired=np.zeros((n, len(c.events)), dtype=bool),
            moves=np.full((n, n_slot), -1, dtype=np.int64),
            succeeded=np.zeros((n, n_slot), dtype=bool),
            refused=np.zeros((n, n_slot), dtype=bool),
            accidents=np.zeros((n, n_arena), dtype=np.int64),
            reverted=np.zeros((n, n_arena), dtype=np.int64),
        )


def rollout_specs(
    compiled: CompiledScenario, specs: Sequence[PolicySpec], declared: frozenset[int]
) -> list[list[PolicySpec]]:
    """Per deciding actor, the policies everyone follows inside its rollouts.

    The deciding actor follows its default (file) policy after its first move;
    another actor follows its policy in this run if its side's strategy is
    declared, else its default. ``best_response`` inside a rollout becomes hold.
    """
    hold = PolicySpec()
    out = []
    for i in range(len(compiled.actors)):
        row = []
        for j, actor in enumerate(compiled.actors):
            spec = specs[j] if (j != i and actor.side in declared) else actor.policy
            row.append(hold if spec.kind == "best_response" else spec)
        out.append(row)
    return out


class RoundPlayer(Accounts):
    """Plays rounds of one compiled scenario under one assignment of policies."""

    def __init__(
        self,
        compiled: CompiledScenario,
        specs: Sequence[PolicySpec],
        *,
        seed: int,
        declared: frozenset[int] = frozenset(),
    ) -> None:
        allocator.tune()  # the rounds' array churn without page faults
        self.compiled = compiled
        self.seed = seed
        c = compiled
        self.layout = Layout.of(c)
        self.rows = self.layout.slot_rows(c.slots)
        self.move_of = move_numbers(c.slots)
        self.policies: list[Policy] = [make_policy(s, i, c) for i, s in enumerate(specs)]
        self._rollout_specs = rollout_specs(c, specs, declared)
        self._rollout_policies: dict[int, list[Policy]] = {}
        self.owner = np.array([o.actor for o in c.options] + [-1], dtype=np.int64)
        self.reads = [[reader(c, a, i) for a in range(len(c.arenas))] for i in range(len(c.actors))]
        self.span = (0, 0)
        self.streams: IntArray | None = None
        """Trajectory whose random numbers each state row reads (None: ``span`` in order)."""

    def uniforms(self, stream: Stream, rows: int, *key: int) -> FloatArray:
        """``(rows, n)`` uniforms of the state's trajectories (``span``, or ``streams``)."""
        if self.streams is None:
            return block_uniforms(self.seed, stream, *self.span, rows, *key)
        return uniforms_at(self.seed, stream, self.streams, rows, *key)

    def specs_in_rollouts(self, actor: int) -> list[PolicySpec]:
        """The policy specs everyone follows inside ``actor``'s rollouts."""
        return self._rollout_specs[actor]

    def rollout_policies(self, actor: int) -> list[Policy]:
        """The policies of ``actor``'s rollouts (built on first use)."""
        if actor not in self._rollout_policies:
            self._rollout_policies[actor] = [
                make_policy(s, j, self.compiled) for j, s in enumerate(self._rollout_specs[actor])
            ]
        return self._rollout_policies[actor]

    # -- the round ---------------------------------------------------------------------------

    def play(
        self,
        st: State,
        t: int,
        u: FloatArray,
        policies: Sequence[Policy],
        *,
        events: bool = True,
        forced: tuple[int, IntArray] | None = None,
        rollouts: bool = True,
        payers: Sequence[int] | None = None,
    ) -> RoundLog:
        """Play round ``t`` on ``st`` in place with the ``(K, n)`` uniforms ``u``.

        ``payers`` limits the utilities accrued to those actors (a rollout
        needs only its deciding actor's); None: every actor.
        """
        c = self.compiled
        st.round, st.day = t, int(c.days[t])
        alive = st.alive.copy()
        before, before_views = st.rung_max.copy(), st.view_max.copy()
        log = RoundLog.empty(c, st.n)
        if c.has_jumps:
            self.walk_back(st, alive, log)
        if events:
            self.events(st, u, alive, log)
        peak = st.views.copy()
        paid = np.zeros((st.n, len(c.actors)))
        down = np.full(st.views.shape, np.inf)
        self.decide_and_resolve(
            st,
            u,
            policies,
            log=log,
            forced=forced,
            alive=alive,
            rollouts=rollouts,
            paid=paid,
            down=down,
        )
        np.maximum(peak, st.views, out=peak)
        self.settle(st, down)
        self.accidents(st, u, alive, log)
        np.maximum(peak, st.views, out=peak)
        log.peak_views = peak
        self.payoffs(st, t, paid, (before, before_views), alive, payers=payers)
        st.rounds_played += alive
        moved = np.where(log.refused, -1, log.moves)
        st.prev_option = np.where(alive[:, None], moved, st.prev_option)
        st.prev_success = np.where(alive[:, None], log.succeeded, st.prev_success)
        self.end(st, t, alive, log, payers)
        return log

    def decide_and_resolve(
        self,
        st: State,
        u: FloatArray,
        policies: Sequence[Policy],
        *,
        log: RoundLog,
        forced: tuple[int, IntArray] | None,
        alive: BoolArray,
        rollouts: bool,
        paid: FloatArray,
        down: FloatArray,
    ) -> None:
        """Steps 2 and 3 for every decision slot (sequential: each resolved before the next)."""
        c = self.compiled
        skip = forced[0] if (forced is not None and c.sequential) else -1
        order = [k for k, i in enumerate(c.slots) if i >= skip]
        picked: dict[int, list[IntArray]] = {}
        pending = []
        for k in order:
            i = c.slots[k]
            earlier = picked.setdefault(i, [])
            choice, pick = self.choose(
                st,
                k,
                u,
                policies,
                log=log,
                forced=forced,
                alive=alive,
                rollouts=rollouts,
                earlier=earlier,
            )
            earlier.append(pick)
            if c.sequential:
                self.resolve(st, k, choice, u, paid=paid, log=log, down=down)
            else:
                pending.append((k, choice))
        for k, choice in pending:
            self.resolve(st, k, choice, u, paid=paid, log=log, down=down)

    def events(self, st: State, u: FloatArray, alive: BoolArray, log: RoundLog) -> None:
        """Step 1: scheduled, random and branched events (file order)."""
        t = st.round
        for e in self.compiled.events:
            fire = alive & np.asarray(e.when(st), dtype=bool)
            if e.prob is None:
                fire &= t == e.at_round
            else:
                p = checked_probability(e.prob(st), fire, f"event {e.id!r} prob", t)
                fire &= u[self.layout.fire(e.index)] < p
            if e.once:
                fire &= ~st.fired[:, e.index]
            if not fire.any():
                continue
            st.fired[:, e.index] |= fire
            log.fired[:, e.index] = fire
            apply_effects(st, e.effects, fire, self.compiled, f"event {e.id!r}")
            move_rungs(st, self.compiled, e.rung_effects, fire, f"event {e.id!r}")
            if not e.branches:
                continue
            draw = u[self.layout.branch(e.index)]
            chosen = np.full(st.n, -1, dtype=np.int64)
            cumulative = np.zeros(st.n)
            for k, b in enumerate(e.branches):
                p = checked_probability(b.prob(st), fire, f"event {e.id!r} branch {b.id!r}", t)
                cumulative = cumulative + p
                chosen[fire & (chosen < 0) & (draw < cumulative)] = k
            check_branch_total(cumulative, fire, f"event {e.id!r}", t)
            chosen[fire & (chosen < 0)] = len(e.branches) - 1
            log.branch[:, e.index] = np.where(fire, chosen, -1)
            for k, b in enumerate(e.branches):
                where = f"event {e.id!r} branch {b.id!r}"
                apply_effects(st, b.effects, chosen == k, self.compiled, where)
                move_rungs(st, self.compiled, b.rung_effects, chosen == k, where)

    def choose(
        self,
        st: State,
        k: int,
        u: FloatArray,
        policies: Sequence[Policy],
        *,
        log: RoundLog,
        forced: tuple[int, IntArray] | None,
        alive: BoolArray,
        rollouts: bool,
        earlier: list[IntArray],
    ) -> tuple[IntArray, IntArray]:
        """Step 2: slot ``k``'s choice, checked, after consent; and what its policy picked.

        A slot may not pick an option that an earlier slot of its actor picked in
        this round, and holds once an earlier slot held.
        """
        c = self.compiled
        i = c.slots[k]
        avail = np.zeros((st.n, len(c.options)), dtype=bool)
        for o in c.options_by_actor[i]:
            avail[:, o] = available(st, c, o)
        rows = np.arange(st.n)
        held = np.zeros(st.n, dtype=bool)
        for prev in earlier:
            avail[rows[prev >= 0], prev[prev >= 0]] = False
            held |= prev < 0
        if forced is not None and forced[0] == i:
            first = self.move_of[k] == 0
            want = forced[1] if first else np.full(st.n, -1, dtype=np.int64)
            choice = np.where(avail[rows, want.clip(0)], want, -1)
        else:
            ctx = DecisionContext(
                c,
                st,
                i,
                avail,
                u[self.rows[k][0]],
                log.moves,
                log.succeeded,
                self.rollout if rollouts else None,
                slot=self.move_of[k],
                chosen=np.stack(earlier, axis=1) if earlier else None,
            )
            choice = np.asarray(policies[i].decide(ctx), dtype=np.int64)
        choice = np.where(alive & ~held, choice, -1)
        self.check_choice(st, i, choice, avail)
        return self.consent(st, k, choice, log), choice

    def consent(self, st: State, k: int, choice: IntArray, log: RoundLog) -> IntArray:
        """Options with ``consent`` go ahead only where every consenting actor gains (≥ 0)."""
        c = self.compiled
        for o in c.options_by_actor[c.slots[k]]:  # after check_choice: only this actor's options
            option = c.options[o]
            if not option.consent:
                continue
            chosen = choice == o
            if not chosen.any():
                continue
            accept = np.ones(st.n, dtype=bool)
            for j in option.consent:
                accept &= option_gain(st, c, int(o), j, pay=False) >= 0
            refused = chosen & ~accept
            log.refused[:, k] |= refused
            log.moves[:, k] = np.where(refused, o, log.moves[:, k])
            choice = np.where(refused, -1, choice)
        return choice

    def check_choice(self, st: State, i: int, choice: IntArray, avail: BoolArray) -> None:
        """Raise when a policy chose an option that is not its actor's or not available."""
        c = self.compiled
        if choice.shape != (st.n,):
            raise SimulationError(
                f"actor {c.actors[i].id!r}, round {st.round}: expected the policy to return "
                f"{st.n} choices, found shape {choice.shape}"
            )
        chosen = choice >= 0
        if not chosen.any():
            return
        n_opt = len(c.options)
        safe = choice.clip(0, max(n_opt - 1, 0))
        bad = chosen & (
            (choice >= n_opt)
            | (self.owner[choice.clip(0, n_opt)] != i)
            | ~(avail[np.arange(st.n), safe] if n_opt else np.zeros(st.n, dtype=bool))
        )
        if bad.any():
            k = int(choice[np.argmax(bad)])
            name = c.options[k].id if 0 <= k < len(c.options) else str(k)
            policy = type(self.policies[i]).__name__
            raise SimulationError(
                f"actor {c.actors[i].id!r}, round {st.round}: expected policy {policy} to choose "
                f"an available option of this actor or hold, found option {name!r}; hint: a "
                "policy may only return options whose 'when', 'once' and 'cooldown' allow them "
                "(and not one its actor already took this round)"
            )

    def resolve(
        self,
        st: State,
        k: int,
        choice: IntArray,
        u: FloatArray,
        *,
        paid: FloatArray,
        log: RoundLog,
        down: FloatArray,
    ) -> None:
        """Step 3: costs, success, effects and rungs of slot ``k``'s move.

        Escalations move the views now (on attempt, or on success for options
        that say so); de-escalations are collected in ``down`` and settle after
        every slot has moved.
        """
        c = self.compiled
        i, t = c.slots[k], st.round
        for o in c.options_by_actor[i]:
            chosen = choice == o
            if not chosen.any():
                continue
            opt = c.options[o]
            paid[:, i] += np.where(chosen, opt.cost(st), 0.0)
            p = checked_probability(opt.success(st), chosen, f"option {opt.id!r} success", t)
            ok = chosen & (u[self.rows[k][1]] < p)
            apply_effects(st, opt.effects, ok, c, f"option {opt.id!r}")
            if opt.arena >= 0:
                moved = chosen if opt.on_attempt else ok
                escalate(st, opt.arena, opt.views, moved, down if opt.deescalate else None)
            st.taken[:, o] |= ok
            st.times_chosen[:, o] += chosen
            st.last_chosen[:, o] = np.where(chosen, t, st.last_chosen[:, o])
            log.moves[:, k] = np.where(chosen, o, log.moves[:, k])
            log.succeeded[:, k] |= ok

    def settle(self, st: State, down: FloatArray) -> None:
        """The round's de-escalations, after its escalations (the peak is already recorded)."""
        if np.isfinite(down).any():
            np.minimum(st.views, down, out=st.views)
            sync_rungs(st)

    def walk_back(self, st: State, alive: BoolArray, log: RoundLog) -> None:
        """Undo last round's accidental steps that are walked back (``revert``)."""
        if not st.revert.any():
            return
        before = st.rungs.copy()
        st.views -= np.where(alive[:, None], st.revert, 0.0)
        st.revert[:] = 0.0
        sync_rungs(st)
        log.reverted = (st.rungs - before).astype(np.int64)

    def accidents(self, st: State, u: FloatArray, alive: BoolArray, log: RoundLog) -> None:
        """Step 4: one uniform per arena moves both views up or down by a jump, or not."""
        t = st.round
        for a in self.compiled.arenas:
            up = checked_probability(a.accident_up(st), alive, f"accidents {a.id!r} up", t)
            down = checked_probability(a.accident_down(st), alive, f"accidents {a.id!r} down", t)
            checked_probability(up + down, alive, f"accidents {a.id!r} up + down", t)
            draw = u[self.layout.accident(a.index)]
            step = np.where(draw < up, 1.0, np.where(draw < up + down, -1.0, 0.0))
            step = np.where(alive, step, 0.0)
            if a.sized:
                size = np.asarray(a.jump_sizes, dtype=float)[
                    np.minimum(
                        np.searchsorted(a.jump_cdf, u[self.layout.jump(a.index)], side="right"),
                        len(a.jump_sizes) - 1,
                    )
                ]
                step = step * size
            cols = slice(2 * a.index, 2 * a.index + 2)
            current = st.rungs[:, a.index].copy()
            old = st.views[:, cols].copy()
            st.views[:, cols] = np.clip(old + step[:, None], a.low, a.high)
            if a.revert is not None:
                p = checked_probability(a.revert(st), alive, f"accidents {a.id!r} revert", t)
                back = (u[self.layout.revert(a.index)] < p) & (step != 0)
                st.revert[:, cols] = np.where(back[:, None], st.views[:, cols] - old, 0.0)
            sync_rungs(st)
            log.accidents[:, a.index] = (st.rungs[:, a.index] - current).astype(np.int64)

    # -- rollouts (best_response) -----------------------------------------------------------

    def rollout(
        self, ctx: DecisionContext, candidates: list[int], depth: int, samples: int, stop: bool
    ) -> FloatArray:
        """Mean discounted utility of each candidate over ``samples`` rollouts of ``depth``.

        All candidates, samples and trajectories are played at once (see
        :mod:`escalade.engine.rollouts`).
        """
        return rollout_values(self, ctx, candidates, depth, samples, stop=stop)
