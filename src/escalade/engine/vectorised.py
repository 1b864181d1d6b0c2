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
from escalade.engine.decompose import add_parts, part_offsets
from escalade.engine.policies import DecisionContext, Policy, make_policy
from escalade.engine.rollouts import rollout_values
from escalade.engine.state import State, apply_effects, available, option_gain
from escalade.engine.streams import Layout
from escalade.errors import SimulationError
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["RoundLog", "RoundPlayer", "rollout_specs"]


@dataclass(eq=False)
class RoundLog:
    """What happened in one round, per trajectory (``(n, ·)`` arrays)."""

    branch: IntArray
    fired: BoolArray
    moves: IntArray
    succeeded: BoolArray
    refused: BoolArray
    accidents: IntArray
    ended: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))


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


class RoundPlayer:
    """Plays rounds of one compiled scenario under one assignment of policies."""

    def __init__(
        self,
        compiled: CompiledScenario,
        specs: Sequence[PolicySpec],
        *,
        seed: int,
        declared: frozenset[int] = frozenset(),
    ) -> None:
        self.compiled = compiled
        self.seed = seed
        c = compiled
        self.layout = Layout(len(c.events), len(c.actors), len(c.arenas))
        self.policies: list[Policy] = [make_policy(s, i, c) for i, s in enumerate(specs)]
        self._rollout_specs = rollout_specs(c, specs, declared)
        self._rollout_policies: dict[int, list[Policy]] = {}
        self.owner = np.array([o.actor for o in c.options] + [-1], dtype=np.int64)
        self.span = (0, 0)

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
        n, n_act = st.n, len(c.actors)
        st.round, st.day = t, int(c.days[t])
        alive = st.alive.copy()
        before = st.rung_max.copy()
        log = RoundLog(
            branch=np.full((n, len(c.events)), -1, dtype=np.int64),
            fired=np.zeros((n, len(c.events)), dtype=bool),
            moves=np.full((n, n_act), -1, dtype=np.int64),
            succeeded=np.zeros((n, n_act), dtype=bool),
            refused=np.zeros((n, n_act), dtype=bool),
            accidents=np.zeros((n, len(c.arenas)), dtype=np.int64),
        )
        if events:
            self.events(st, u, alive, log)
        paid = np.zeros((n, n_act))
        skip = forced[0] if (forced is not None and c.sequential) else -1
        order = [i for i in range(n_act) if i >= skip]
        if c.sequential:
            for i in order:
                choice = self.choose(
                    st, i, u, policies, log=log, forced=forced, alive=alive, rollouts=rollouts
                )
                self.resolve(st, i, choice, u, paid=paid, log=log)
        else:
            choices = [
                self.choose(
                    st, i, u, policies, log=log, forced=forced, alive=alive, rollouts=rollouts
                )
                for i in order
            ]
            for i, choice in zip(order, choices, strict=True):
                self.resolve(st, i, choice, u, paid=paid, log=log)
        self.accidents(st, u, alive, log)
        self.payoffs(st, t, paid, before, alive, payers=payers)
        st.rounds_played += alive
        st.prev_option = np.where(alive[:, None], log.moves, st.prev_option)
        st.prev_success = np.where(alive[:, None], log.succeeded, st.prev_success)
        ended = np.zeros(n, dtype=bool)
        for condition in c.terminal:
            ended |= np.asarray(condition(st), dtype=bool)
        log.ended = alive & ended
        st.alive = alive & ~ended
        return log

    def events(self, st: State, u: FloatArray, alive: BoolArray, log: RoundLog) -> None:
        """Step 1: scheduled, random and branched events (file order)."""
        t = st.round
        for e in self.compiled.events:
            fire = alive & np.asarray(e.when(st), dtype=bool)
            if e.prob is None:
                fire &= t == e.at_round
            else:
                fire &= u[self.layout.fire(e.index)] < e.prob(st)
            if e.once:
                fire &= ~st.fired[:, e.index]
            if not fire.any():
                continue
            st.fired[:, e.index] |= fire
            log.fired[:, e.index] = fire
            apply_effects(st, e.effects, fire, self.compiled, f"event {e.id!r}")
            if not e.branches:
                continue
            draw = u[self.layout.branch(e.index)]
            chosen = np.full(st.n, -1, dtype=np.int64)
            cumulative = np.zeros(st.n)
            for k, b in enumerate(e.branches):
                cumulative = cumulative + b.prob(st)
                chosen[fire & (chosen < 0) & (draw < cumulative)] = k
            chosen[fire & (chosen < 0)] = len(e.branches) - 1
            log.branch[:, e.index] = np.where(fire, chosen, -1)
            for k, b in enumerate(e.branches):
                where = f"event {e.id!r} branch {b.id!r}"
                apply_effects(st, b.effects, chosen == k, self.compiled, where)

    def choose(
        self,
        st: State,
        i: int,
        u: FloatArray,
        policies: Sequence[Policy],
        *,
        log: RoundLog,
        forced: tuple[int, IntArray] | None,
        alive: BoolArray,
        rollouts: bool,
    ) -> IntArray:
        """Step 2: actor ``i``'s choice, checked for availability, after consent."""
        c = self.compiled
        avail = np.zeros((st.n, len(c.options)), dtype=bool)
        for o in c.options_by_actor[i]:
            avail[:, o] = available(st, c, o)
        if forced is not None and forced[0] == i:
            choice = np.where(avail[np.arange(st.n), forced[1].clip(0)], forced[1], -1)
        else:
            ctx = DecisionContext(
                c,
                st,
                i,
                avail,
                u[self.layout.decision(i)],
                log.moves,
                log.succeeded,
                self.rollout if rollouts else None,
            )
            choice = np.asarray(policies[i].decide(ctx), dtype=np.int64)
        choice = np.where(alive, choice, -1)
        self.check_choice(st, i, choice, avail)
        for o in c.options_by_actor[i]:  # after check_choice: only this actor's options
            option = c.options[o]
            if not option.consent:
                continue
            chosen = choice == o
            if not chosen.any():
                continue
            accept = np.ones(st.n, dtype=bool)
            for j in option.consent:
                accept &= option_gain(st, c, o, j, pay=False) >= 0
            refused = chosen & ~accept
            log.refused[:, i] |= refused
            log.moves[:, i] = np.where(refused, o, log.moves[:, i])
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
                "policy may only return options whose 'when', 'once' and 'cooldown' allow them"
            )

    def resolve(
        self, st: State, i: int, choice: IntArray, u: FloatArray, *, paid: FloatArray, log: RoundLog
    ) -> None:
        """Step 3: costs, success, effects and rungs of actor ``i``'s move."""
        c = self.compiled
        t = st.round
        for o in c.options_by_actor[i]:
            chosen = choice == o
            if not chosen.any():
                continue
            opt = c.options[o]
            paid[:, i] += np.where(chosen, opt.cost(st), 0.0)
            ok = chosen & (u[self.layout.success(i)] < opt.success(st))
            apply_effects(st, opt.effects, ok, c, f"option {opt.id!r}")
            if opt.arena >= 0 and opt.rung >= 0:
                current = st.rungs[:, opt.arena]
                moved = (
                    np.minimum(current, opt.rung)
                    if opt.deescalate
                    else np.maximum(current, opt.rung)
                )
                st.rungs[:, opt.arena] = np.where(ok, moved, current)
                st.rung_max[:, opt.arena] = np.maximum(
                    st.rung_max[:, opt.arena], st.rungs[:, opt.arena]
                )
            st.taken[:, o] |= ok
            st.times_chosen[:, o] += chosen
            st.last_chosen[:, o] = np.where(chosen, t, st.last_chosen[:, o])
            log.moves[:, i] = np.where(chosen, o, log.moves[:, i])
            log.succeeded[:, i] |= ok

    def accidents(self, st: State, u: FloatArray, alive: BoolArray, log: RoundLog) -> None:
        """Step 4: one uniform per arena moves the rung one step up or down, or not."""
        for a in self.compiled.arenas:
            up, down = a.accident_up(st), a.accident_down(st)
            draw = u[self.layout.accident(a.index)]
            step = np.where(draw < up, 1.0, np.where(draw < up + down, -1.0, 0.0))
            current = st.rungs[:, a.index]
            new = np.where(alive, np.clip(current + step, a.low, a.high), current)
            log.accidents[:, a.index] = (new - current).astype(np.int64)
            st.rungs[:, a.index] = new
            st.rung_max[:, a.index] = np.maximum(st.rung_max[:, a.index], new)

    def payoffs(
        self,
        st: State,
        t: int,
        paid: FloatArray,
        before: FloatArray,
        alive: BoolArray,
        *,
        payers: Sequence[int] | None = None,
    ) -> None:
        """Step 5: each actor's discounted flow and one-off threshold utilities."""
        offsets = part_offsets(self.compiled)  # decomposition (issue 17)
        for i, actor in enumerate(self.compiled.actors):
            if payers is not None and i not in payers:
                continue
            flow = np.zeros(st.n)
            parts: list[FloatArray] = []  # decomposition (issue 17)
            for term in actor.per_round:
                value = (
                    st.variables[:, term.index] if term.kind == "var" else st.rungs[:, term.index]
                )
                parts.append(term.weight(st) * value)
                flow = flow + parts[-1]
            flow = flow - paid[:, i]
            parts.append(-paid[:, i])
            for th in actor.thresholds:
                newly = (st.rung_max[:, th.arena] >= th.rung) & (before[:, th.arena] < th.rung)
                parts.append(np.where(newly, th.value(st), 0.0))
                flow = flow + parts[-1]
            st.utility[:, i] += np.where(alive, actor.discount**t * flow, 0.0)
            add_parts(st.utility_parts, offsets[i], parts, actor.discount**t, alive)
            bad = alive & ~np.isfinite(st.utility[:, i])
            if bad.any():
                raise SimulationError(
                    f"utility of actor {actor.id!r}, round {t}: expected a finite number, found "
                    f"{st.utility[np.argmax(bad), i]}; hint: check its weights and the costs of "
                    "its options"
                )

    # -- rollouts (best_response) -----------------------------------------------------------

    def rollout(
        self, ctx: DecisionContext, candidates: list[int], depth: int, samples: int
    ) -> FloatArray:
        """Mean discounted utility of each candidate over ``samples`` rollouts of ``depth``.

        All candidates, samples and trajectories are played at once (see
        :mod:`escalade.engine.rollouts`).
        """
        return rollout_values(self, ctx, candidates, depth, samples)
