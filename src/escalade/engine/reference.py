"""The reference interpreter: one trajectory at a time, written to be read.

This is DESIGN.md §2–§3 in plain Python: dictionaries keyed by id, scalar
expressions evaluated by the tree-walking :func:`escalade.scenario.expr.interpret`,
every step in the order of ``docs/engine.md``. It reads the same random
numbers as the vectorised engine (:class:`~escalade.engine.streams.ScalarStreams`),
so for the same seed both produce identical traces; the differential tests
hold the vectorised engine to it. It is slow on purpose: clarity first.

Built-in policies are re-implemented here with scalars; a policy registered
by a user is called through its vectorised ``decide`` with ``n = 1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from escalade.engine.reference_outcomes import Outcomes
from escalade.engine.reference_policies import LastMoves, ScalarPolicies
from escalade.engine.reference_rungs import ScalarRungs
from escalade.engine.reference_state import One
from escalade.engine.state import NEVER
from escalade.engine.steps import check_branch_total, move_numbers
from escalade.engine.streams import Layout, ScalarStreams
from escalade.engine.trace import Move, RoundTrace, Trace
from escalade.engine.vectorised import rollout_specs
from escalade.errors import SimulationError
from escalade.scenario import expr as ex
from escalade.scenario.compiled import ADD, SET, CompiledScenario, Effect
from escalade.scenario.schema import PolicySpec

__all__ = ["One", "ReferenceInterpreter"]


class ReferenceInterpreter(ScalarRungs, ScalarPolicies):
    """Run trajectories one by one under the given policies (see module docstring)."""

    def __init__(
        self,
        compiled: CompiledScenario,
        specs: Sequence[PolicySpec],
        *,
        seed: int,
        declared: frozenset[int] = frozenset(),
    ) -> None:
        self.c = compiled
        self.specs = list(specs)
        self.seed = seed
        self.layout = Layout.of(compiled)
        self.rows = self.layout.slot_rows(compiled.slots)
        self.move_of = move_numbers(compiled.slots)
        self.streams = ScalarStreams(seed, self.layout.k)
        self.rollout_specs = rollout_specs(compiled, specs, declared)
        self.trajectory = 0
        self.horizon = compiled.horizon
        self.ranked: dict[int, list[float]] = {}

    # -- expressions -------------------------------------------------------------------------

    def values(self, s: One) -> ex.ScalarValues:
        """What expressions read from one trajectory's state."""
        return ex.ScalarValues(
            round=s.round,
            day=s.day,
            variables=s.variables,
            rungs={k: float(v) for k, v in s.rungs.items()},
            taken=s.taken,
            uncertainties=s.uncertainties,
            views={k: float(v) for k, v in s.views.items()},
            last_moves=LastMoves(self, s),
        )

    def value(
        self, compiled_expr: ex.Compiled, s: One, values: ex.ScalarValues | None = None
    ) -> float:
        """Evaluate an expression on one trajectory's state (``values`` if already built)."""
        vals = self.values(s) if values is None else values
        return float(ex.interpret(compiled_expr.expr, compiled_expr.env, vals))

    def holds(self, compiled_expr: ex.Compiled, s: One) -> bool:
        """Evaluate a condition (numbers count as true when non-zero)."""
        return self.value(compiled_expr, s) != 0.0

    def probability(self, compiled_expr: ex.Compiled, s: One, element: str) -> float:
        """Evaluate a probability, a :class:`SimulationError` unless it lies in [0, 1]."""
        p = self.value(compiled_expr, s)
        if not 0.0 <= p <= 1.0:
            raise SimulationError(
                f"{element}, round {s.round}: expected a probability in [0, 1], found {p}"
            )
        return p

    # -- a trajectory ------------------------------------------------------------------------

    def start(self, trajectory: int, fixed: Sequence[float] | None = None) -> One:
        """The initial state of trajectory ``trajectory``."""
        c = self.c
        if fixed is None:
            uniforms = self.streams.uncertainties(trajectory, len(c.uncertainties))
            draws = c.draw_uncertainties(uniforms.reshape(1, -1))[0]
        else:
            draws = np.asarray(fixed, dtype=float)
        s = One(
            round=0,
            day=int(c.days[0]),
            variables={},
            rungs={a.id: a.initial for a in c.arenas},
            taken={o.id: False for o in c.options},
            uncertainties={u.id: float(draws[u.index]) for u in c.uncertainties},
            utility=[0.0] * len(c.actors),
        )
        s.views = {self.key(a.index, p): a.initial for a in c.arenas for p in (0, 1)}
        s.view_max = dict(s.views)
        s.revert = dict.fromkeys(s.views, 0)
        s.variables = dict.fromkeys(c.variable_ids, 0.0)
        for k, v in enumerate(c.variable_ids):
            s.variables[v] = self.clip(k, self.value(c.variable_initial[k], s))
        s.rung_max = dict(s.rungs)
        return s

    def clip(self, k: int, x: float) -> float:
        """Clip ``x`` to variable ``k``'s bounds."""
        return float(min(max(x, self.c.variable_low[k]), self.c.variable_high[k]))

    def run(self, trajectory: int, fixed: Sequence[float] | None = None) -> Trace:
        """Run one trajectory from start to end and return its trace."""
        c = self.c
        self.trajectory = trajectory
        s = self.start(trajectory, fixed)
        initial = s.copy()
        outcomes = Outcomes(self, s)
        rounds = []
        for t in range(c.horizon):
            if not s.alive:
                break
            u = self.streams.round(trajectory, t)
            rounds.append(self.play(s, t, u, self.specs))
            outcomes.update(s, t, self.peak)
        self.final(s)
        return Trace(
            index=trajectory,
            uncertainties=tuple(initial.uncertainties[u.id] for u in c.uncertainties),
            initial_rungs=tuple(initial.rungs[a.id] for a in c.arenas),
            initial_variables=tuple(initial.variables[v] for v in c.variable_ids),
            rounds=tuple(rounds),
            utility=tuple(s.utility),
            outcomes=tuple(outcomes.finish(s)),
        )

    def final(self, s: One) -> None:
        """Final utility weights, discounted at the last round played.

        A trajectory in an absorbing terminal state is discounted at the
        horizon's last round.
        """
        last = (self.horizon if s.absorbed else s.rounds_played) - 1
        for i, actor in enumerate(self.c.actors):
            if not actor.final:
                continue
            s.utility[i] += actor.discount ** float(last) * self.flow(s, i, "final")

    def flow(self, s: One, i: int, terms: str = "per_round") -> float:
        """Actor ``i``'s weighted sum of variables and rungs (its side's view) now."""
        actor = self.c.actors[i]
        vals = self.values(s)
        flow = 0.0
        for term in actor.per_round if terms == "per_round" else actor.final:
            if term.kind == "var":
                value = s.variables[self.c.variable_ids[term.index]]
            else:
                value = self.read(s, i, term.index)
            flow = flow + self.value(term.weight, s, vals) * value
        return flow

    # -- one round ---------------------------------------------------------------------------

    def play(
        self,
        s: One,
        t: int,
        u: np.ndarray,
        specs: Sequence[PolicySpec],
        *,
        events: bool = True,
        forced: tuple[int, int] | None = None,
        rollouts: bool = True,
    ) -> RoundTrace:
        """Play round ``t``: events, decisions, resolution, accidents, payoffs, end."""
        c = self.c
        s.round, s.day = t, int(c.days[t])
        before = (dict(s.rung_max), dict(s.view_max))
        accidents = self.walk_back(s)
        fired = self.events(s, u) if events else []
        peak = dict(s.views)
        paid = [0.0] * len(c.actors)
        moves: dict[int, tuple[int, str]] = {}
        down: dict[str, int] = {}
        self.decide_and_resolve(
            s, u, specs, moves=moves, forced=forced, rollouts=rollouts, paid=paid, down=down
        )
        peak = {k: max(v, s.views[k]) for k, v in peak.items()}
        self.settle(s, down)
        accidents += self.accidents(s, u)
        self.peak = {k: max(v, s.views[k]) for k, v in peak.items()}
        self.payoffs(s, t, paid, before)
        s.rounds_played += 1
        s.prev_moves = {
            k: (o, result == "succeeded") for k, (o, result) in moves.items() if result != "refused"
        }
        ended = self.end(s, t)
        return RoundTrace(
            round=t,
            events=tuple(fired),
            moves=tuple(
                Move(c.actors[c.slots[k]].id, c.options[o].id, result)
                for k, (o, result) in sorted(moves.items())
            ),
            accidents=tuple(accidents),
            rungs=tuple(s.rungs[a.id] for a in c.arenas),
            variables=tuple(s.variables[v] for v in c.variable_ids),
            utility=tuple(s.utility),
            ended=ended,
            views=tuple(s.views[self.key(a.index, p)] for a in c.arenas for p in (0, 1)),
            peaks=tuple(max(self.peak[self.key(a.index, p)] for p in (0, 1)) for a in c.arenas),
        )

    def decide_and_resolve(
        self,
        s: One,
        u: np.ndarray,
        specs: Sequence[PolicySpec],
        *,
        moves: dict[int, tuple[int, str]],
        forced: tuple[int, int] | None,
        rollouts: bool,
        paid: list[float],
        down: dict[str, int],
    ) -> None:
        """Steps 2 and 3 for every decision slot (sequential: each resolved before the next)."""
        c = self.c
        skip = forced[0] if (forced is not None and c.sequential) else -1
        picked: dict[int, list[int]] = {}
        pending = []
        for k, i in enumerate(c.slots):
            if i < skip:
                continue
            earlier = picked.setdefault(i, [])
            choice, pick = self.choose(
                s, k, u, specs, moves=moves, forced=forced, rollouts=rollouts, earlier=earlier
            )
            earlier.append(pick)
            if c.sequential:
                self.resolve(s, k, choice, u, paid=paid, moves=moves, down=down)
            else:
                pending.append((k, choice))
        for k, choice in pending:
            self.resolve(s, k, choice, u, paid=paid, moves=moves, down=down)

    def apply(self, s: One, effects: tuple[Effect, ...], element: str) -> None:
        """Apply effects: values on the state before, in order, then clip."""
        values = [self.value(e.value, s) for e in effects]
        for effect, value in zip(effects, values, strict=True):
            name = self.c.variable_ids[effect.var]
            if effect.op == ADD:
                s.variables[name] = s.variables[name] + value
            elif effect.op == SET:
                s.variables[name] = value
            else:
                s.variables[name] = s.variables[name] * value
        for effect in effects:
            name = self.c.variable_ids[effect.var]
            s.variables[name] = self.clip(effect.var, s.variables[name])
            if not math.isfinite(s.variables[name]):
                raise SimulationError(
                    f"{element}, round {s.round}: expected finite numbers, found "
                    f"{s.variables[name]} in variable {name!r}"
                )

    def events(self, s: One, u: np.ndarray) -> list[str]:
        """Step 1: events in file order."""
        fired = []
        for e in self.c.events:
            if not self.holds(e.when, s):
                continue
            if e.prob is None:
                fire = s.round == e.at_round
            else:
                p = self.probability(e.prob, s, f"event {e.id!r} prob")
                fire = bool(u[self.layout.fire(e.index)] < p)
            if e.once and e.id in s.fired:
                fire = False
            if not fire:
                continue
            s.fired.add(e.id)
            self.apply(s, e.effects, f"event {e.id!r}")
            self.move_rungs(s, e.rung_effects, f"event {e.id!r}")
            if not e.branches:
                fired.append(e.id)
                continue
            draw, cumulative, chosen = u[self.layout.branch(e.index)], 0.0, -1
            for k, b in enumerate(e.branches):
                p = self.probability(b.prob, s, f"event {e.id!r} branch {b.id!r}")
                cumulative = cumulative + p
                if chosen < 0 and draw < cumulative:
                    chosen = k
            check_branch_total(np.array([cumulative]), np.array([True]), f"event {e.id!r}", s.round)
            chosen = len(e.branches) - 1 if chosen < 0 else chosen
            branch = e.branches[chosen]
            where = f"event {e.id!r} branch {branch.id!r}"
            self.apply(s, branch.effects, where)
            self.move_rungs(s, branch.rung_effects, where)
            fired.append(f"{e.id}:{branch.id}")
        return fired

    def is_available(self, s: One, o: int) -> bool:
        """``when`` holds, ``once`` and ``cooldown`` respected."""
        opt = self.c.options[o]
        last = s.last_chosen.get(opt.id, NEVER)
        if opt.once and last != NEVER:
            return False
        if opt.cooldown > 0 and not s.round - last > opt.cooldown:
            return False
        return self.holds(opt.when, s)

    def gain(self, s: One, o: int, actor: int, *, pay: bool) -> float:
        """One-step expected utility change of option ``o`` for ``actor`` (see the engine)."""
        c, opt = self.c, self.c.options[o]
        after = s.copy()
        self.apply(after, opt.effects, f"option {opt.id!r}")
        rung_delta = self.rung_delta(s, o, actor)
        total, rung_total = 0.0, 0.0
        for term in c.actors[actor].per_round:
            if term.kind == "var":
                name = c.variable_ids[term.index]
                delta = after.variables[name] - s.variables[name]
                total = total + self.value(term.weight, s) * delta
            elif term.index == opt.arena:
                rung_total = rung_total + self.value(term.weight, s) * rung_delta
        success = self.value(opt.success, s)
        total = success * (total if opt.on_attempt else total + rung_total)
        if opt.on_attempt:
            total = total + rung_total
        return total - self.value(opt.cost, s) if pay else total

    def rung_delta(self, s: One, o: int, actor: int) -> float:
        """The change option ``o`` would make now to its arena's rung as ``actor`` reads it."""
        opt = self.c.options[o]
        if opt.arena < 0:
            return 0.0

        def moved(p: int) -> float:
            current = float(s.views[self.key(opt.arena, p)])
            target = opt.views[p]
            if target < 0:
                return current
            return min(current, target) if opt.deescalate else max(current, target)

        party = self.c.party(opt.arena, actor)
        if party < 0:
            return max(moved(0), moved(1)) - float(s.rungs[self.c.arenas[opt.arena].id])
        return moved(party) - float(s.views[self.key(opt.arena, party)])

    def choose(
        self,
        s: One,
        k: int,
        u: np.ndarray,
        specs: Sequence[PolicySpec],
        *,
        moves: dict[int, tuple[int, str]],
        forced: tuple[int, int] | None,
        rollouts: bool,
        earlier: Sequence[int] = (),
    ) -> tuple[int, int]:
        """Step 2: slot ``k``'s choice, checked, after consent (-1: hold); and what it picked."""
        c = self.c
        i = c.slots[k]
        mine = list(c.options_by_actor[i])
        avail = {o: o not in earlier and self.is_available(s, o) for o in mine}
        if forced is not None and forced[0] == i:
            want = forced[1] if self.move_of[k] == 0 else -1
            choice = want if want >= 0 and avail[want] else -1
        else:
            choice = self.decide(
                s,
                i,
                u[self.rows[k][0]],
                specs[i],
                avail=avail,
                rollouts=rollouts,
                slot=self.move_of[k],
            )
        if any(p < 0 for p in earlier):
            choice = -1
        if choice >= 0 and not avail.get(choice, False):
            raise SimulationError(
                f"actor {c.actors[i].id!r}, round {s.round}: expected an available option, "
                f"found {c.options[choice].id!r}"
            )
        picked = choice
        if (
            choice >= 0
            and c.options[choice].consent
            and not all(self.gain(s, choice, j, pay=False) >= 0 for j in c.options[choice].consent)
        ):
            moves[k] = (choice, "refused")
            return -1, picked
        return choice, picked

    def resolve(
        self,
        s: One,
        k: int,
        choice: int,
        u: np.ndarray,
        *,
        paid: list[float],
        moves: dict[int, tuple[int, str]],
        down: dict[str, int] | None = None,
    ) -> None:
        """Step 3: cost, success, effects, rung (de-escalations collected in ``down``)."""
        if choice < 0:
            return
        c, opt = self.c, self.c.options[choice]
        i = c.slots[k]
        paid[i] += self.value(opt.cost, s)
        p = self.probability(opt.success, s, f"option {opt.id!r} success")
        ok = bool(u[self.rows[k][1]] < p)
        if ok:
            self.apply(s, opt.effects, f"option {opt.id!r}")
            s.taken[opt.id] = True
        if opt.arena >= 0 and (ok or opt.on_attempt):
            self.escalate(s, choice, {} if down is None else down)
        s.times_chosen[opt.id] = s.times_chosen.get(opt.id, 0) + 1
        s.last_chosen[opt.id] = s.round
        moves[k] = (choice, "succeeded" if ok else "failed")

    def payoffs(
        self, s: One, t: int, paid: list[float], before: tuple[dict[str, int], dict[str, int]]
    ) -> None:
        """Step 5: discounted flows and one-off threshold utilities (each actor's view)."""
        vals = self.values(s)  # the state does not change while payoffs are summed
        for i, actor in enumerate(self.c.actors):
            flow = self.flow(s, i) - paid[i]
            for th in actor.thresholds:
                party = self.c.party(th.arena, i)
                if party < 0:
                    arena = self.c.arenas[th.arena].id
                    was = before[0][arena]
                else:
                    was = before[1][self.key(th.arena, party)]
                if self.read(s, i, th.arena, "max") >= th.rung and was < th.rung:
                    flow = flow + self.value(th.value, s, vals)
            s.utility[i] += actor.discount**t * flow
            if not math.isfinite(s.utility[i]):
                raise SimulationError(f"utility of actor {actor.id!r}, round {t}: not finite")

    def end(self, s: One, t: int) -> bool:
        """Step 6: the first terminal condition that holds ends the trajectory (see the engine)."""
        term = next((x for x in self.c.terminal if self.holds(x.when, s)), None)
        if term is None:
            return False
        s.alive = False
        for i, actor in enumerate(self.c.actors):
            now = actor.discount**t
            later = sum(actor.discount**r for r in range(t + 1, self.horizon))
            extra = 0.0
            if term.absorbing:
                extra = extra + later * self.flow(s, i)
            weight = term.utility[i]
            if weight is not None:
                extra = extra + (now + later) * self.value(weight, s)
            s.utility[i] += extra
        s.absorbed = term.absorbing
        return True
