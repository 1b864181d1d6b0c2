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
from dataclasses import dataclass, field

import numpy as np

from escalade.engine.policies import (
    PRESETS,
    DecisionContext,
    logit_choice,
    make_policy,
    plan_rounds,
    reactive_tables,
)
from escalade.engine.state import NEVER, State
from escalade.engine.streams import Layout, ScalarStreams
from escalade.engine.trace import Move, RoundTrace, Trace
from escalade.engine.vectorised import rollout_specs
from escalade.errors import SimulationError
from escalade.scenario import expr as ex
from escalade.scenario.compiled import ADD, SET, CompiledScenario, Effect
from escalade.scenario.schema import PolicySpec

__all__ = ["ReferenceInterpreter"]


@dataclass
class One:
    """The state of one trajectory."""

    round: int
    day: int
    variables: dict[str, float]
    rungs: dict[str, int]
    taken: dict[str, bool]
    uncertainties: dict[str, float]
    alive: bool = True
    rounds_played: int = 0
    last_chosen: dict[str, int] = field(default_factory=dict)
    times_chosen: dict[str, int] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    utility: list[float] = field(default_factory=list)
    rung_max: dict[str, int] = field(default_factory=dict)
    prev_moves: dict[int, tuple[int, bool]] = field(default_factory=dict)

    def copy(self) -> One:
        """An independent copy (every container copied; their items are immutable)."""
        return One(
            self.round,
            self.day,
            dict(self.variables),
            dict(self.rungs),
            dict(self.taken),
            dict(self.uncertainties),
            self.alive,
            self.rounds_played,
            dict(self.last_chosen),
            dict(self.times_chosen),
            set(self.fired),
            list(self.utility),
            dict(self.rung_max),
            dict(self.prev_moves),
        )


class ReferenceInterpreter:
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
        self.layout = Layout(len(compiled.events), len(compiled.actors), len(compiled.arenas))
        self.streams = ScalarStreams(seed, self.layout.k)
        self.rollout_specs = rollout_specs(compiled, specs, declared)
        self.trajectory = 0

    # -- expressions -------------------------------------------------------------------------

    @staticmethod
    def values(s: One) -> ex.ScalarValues:
        """What expressions read from one trajectory's state."""
        return ex.ScalarValues(
            round=s.round,
            day=s.day,
            variables=s.variables,
            rungs={k: float(v) for k, v in s.rungs.items()},
            taken=s.taken,
            uncertainties=s.uncertainties,
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
        outcomes = _Outcomes(self, s)
        rounds = []
        for t in range(c.horizon):
            if not s.alive:
                break
            u = self.streams.round(trajectory, t)
            rounds.append(self.play(s, t, u, self.specs))
            outcomes.update(s, t)
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
        """Final utility weights, discounted at the last round played."""
        for i, actor in enumerate(self.c.actors):
            if not actor.final:
                continue
            flow = 0.0
            for term in actor.final:
                flow = flow + self.value(term.weight, s) * self.term_value(term.kind, term.index, s)
            s.utility[i] += actor.discount ** float(s.rounds_played - 1) * flow

    def term_value(self, kind: str, index: int, s: One) -> float:
        """The variable or rung a utility term weighs."""
        if kind == "var":
            return s.variables[self.c.variable_ids[index]]
        return float(s.rungs[self.c.arenas[index].id])

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
        before = dict(s.rung_max)
        fired = self.events(s, u) if events else []
        paid = [0.0] * len(c.actors)
        moves: dict[int, tuple[int, str]] = {}
        skip = forced[0] if (forced is not None and c.sequential) else -1
        order = [i for i in range(len(c.actors)) if i >= skip]
        if c.sequential:
            for i in order:
                choice = self.choose(s, i, u, specs, moves=moves, forced=forced, rollouts=rollouts)
                self.resolve(s, i, choice, u, paid=paid, moves=moves)
        else:
            choices = [
                self.choose(s, i, u, specs, moves=moves, forced=forced, rollouts=rollouts)
                for i in order
            ]
            for i, choice in zip(order, choices, strict=True):
                self.resolve(s, i, choice, u, paid=paid, moves=moves)
        accidents = self.accidents(s, u)
        self.payoffs(s, t, paid, before)
        s.rounds_played += 1
        s.prev_moves = {i: (o, result == "succeeded") for i, (o, result) in moves.items()}
        ended = any(self.holds(cond, s) for cond in c.terminal)
        s.alive = not ended
        return RoundTrace(
            round=t,
            events=tuple(fired),
            moves=tuple(
                Move(c.actors[i].id, c.options[o].id, result)
                for i, (o, result) in sorted(moves.items())
            ),
            accidents=tuple(accidents),
            rungs=tuple(s.rungs[a.id] for a in c.arenas),
            variables=tuple(s.variables[v] for v in c.variable_ids),
            utility=tuple(s.utility),
            ended=ended,
        )

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
                fire = bool(u[self.layout.fire(e.index)] < self.value(e.prob, s))
            if e.once and e.id in s.fired:
                fire = False
            if not fire:
                continue
            s.fired.add(e.id)
            self.apply(s, e.effects, f"event {e.id!r}")
            if not e.branches:
                fired.append(e.id)
                continue
            draw, cumulative, chosen = u[self.layout.branch(e.index)], 0.0, len(e.branches) - 1
            for k, b in enumerate(e.branches):
                cumulative = cumulative + self.value(b.prob, s)
                if draw < cumulative:
                    chosen = k
                    break
            branch = e.branches[chosen]
            self.apply(s, branch.effects, f"event {e.id!r} branch {branch.id!r}")
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
        """One-step expected utility change of option ``o`` for ``actor``."""
        c, opt = self.c, self.c.options[o]
        after = s.copy()
        self.apply(after, opt.effects, f"option {opt.id!r}")
        rung_delta = 0.0
        if opt.arena >= 0 and opt.rung >= 0:
            current = s.rungs[c.arenas[opt.arena].id]
            target = min(current, opt.rung) if opt.deescalate else max(current, opt.rung)
            rung_delta = float(target - current)
        total = 0.0
        for term in c.actors[actor].per_round:
            if term.kind == "var":
                name = c.variable_ids[term.index]
                delta = after.variables[name] - s.variables[name]
            else:
                delta = rung_delta if term.index == opt.arena else 0.0
            total = total + self.value(term.weight, s) * delta
        total = self.value(opt.success, s) * total
        return total - self.value(opt.cost, s) if pay else total

    def choose(
        self,
        s: One,
        i: int,
        u: np.ndarray,
        specs: Sequence[PolicySpec],
        *,
        moves: dict[int, tuple[int, str]],
        forced: tuple[int, int] | None,
        rollouts: bool,
    ) -> int:
        """Step 2: the actor's choice, checked, after consent (-1: hold)."""
        c = self.c
        mine = list(c.options_by_actor[i])
        avail = {o: self.is_available(s, o) for o in mine}
        if forced is not None and forced[0] == i:
            choice = forced[1] if forced[1] >= 0 and avail[forced[1]] else -1
        else:
            choice = self.decide(
                s, i, u[self.layout.decision(i)], specs[i], avail=avail, rollouts=rollouts
            )
        if choice >= 0 and not avail.get(choice, False):
            raise SimulationError(
                f"actor {c.actors[i].id!r}, round {s.round}: expected an available option, "
                f"found {c.options[choice].id!r}"
            )
        if (
            choice >= 0
            and c.options[choice].consent
            and not all(self.gain(s, choice, j, pay=False) >= 0 for j in c.options[choice].consent)
        ):
            moves[i] = (choice, "refused")
            return -1
        return choice

    def resolve(
        self,
        s: One,
        i: int,
        choice: int,
        u: np.ndarray,
        *,
        paid: list[float],
        moves: dict[int, tuple[int, str]],
    ) -> None:
        """Step 3: cost, success, effects, rung."""
        if choice < 0:
            return
        c, opt = self.c, self.c.options[choice]
        paid[i] += self.value(opt.cost, s)
        ok = bool(u[self.layout.success(i)] < self.value(opt.success, s))
        if ok:
            self.apply(s, opt.effects, f"option {opt.id!r}")
            if opt.arena >= 0 and opt.rung >= 0:
                arena = c.arenas[opt.arena].id
                current = s.rungs[arena]
                s.rungs[arena] = (
                    min(current, opt.rung) if opt.deescalate else max(current, opt.rung)
                )
                s.rung_max[arena] = max(s.rung_max[arena], s.rungs[arena])
            s.taken[opt.id] = True
        s.times_chosen[opt.id] = s.times_chosen.get(opt.id, 0) + 1
        s.last_chosen[opt.id] = s.round
        moves[i] = (choice, "succeeded" if ok else "failed")

    def accidents(self, s: One, u: np.ndarray) -> list[tuple[str, int]]:
        """Step 4: one uniform per arena."""
        out = []
        for a in self.c.arenas:
            up, down = self.value(a.accident_up, s), self.value(a.accident_down, s)
            draw = u[self.layout.accident(a.index)]
            step = 1 if draw < up else (-1 if draw < up + down else 0)
            new = min(max(s.rungs[a.id] + step, a.low), a.high)
            if new != s.rungs[a.id]:
                out.append((a.id, new - s.rungs[a.id]))
            s.rungs[a.id] = new
            s.rung_max[a.id] = max(s.rung_max[a.id], new)
        return out

    def payoffs(self, s: One, t: int, paid: list[float], before: dict[str, int]) -> None:
        """Step 5: discounted flows and one-off threshold utilities."""
        vals = self.values(s)  # the state does not change while payoffs are summed
        for i, actor in enumerate(self.c.actors):
            flow = 0.0
            for term in actor.per_round:
                weight = self.value(term.weight, s, vals)
                flow = flow + weight * self.term_value(term.kind, term.index, s)
            flow = flow - paid[i]
            for th in actor.thresholds:
                arena = self.c.arenas[th.arena].id
                if s.rung_max[arena] >= th.rung and before[arena] < th.rung:
                    flow = flow + self.value(th.value, s, vals)
            s.utility[i] += actor.discount**t * flow
            if not math.isfinite(s.utility[i]):
                raise SimulationError(f"utility of actor {actor.id!r}, round {t}: not finite")

    # -- policies ----------------------------------------------------------------------------

    def decide(
        self, s: One, i: int, u: float, spec: PolicySpec, *, avail: dict[int, bool], rollouts: bool
    ) -> int:
        """Actor ``i``'s choice under ``spec`` (scalar versions of the built-in policies)."""
        kind = spec.kind
        if kind == "hold":
            return -1
        if kind == "plan":
            return next((o for t, o in plan_rounds(spec, self.c) if t == s.round and avail[o]), -1)
        if kind == "rules":
            return self.rules(s, spec, avail)
        if kind == "reactive" or kind in PRESETS:
            return self.reactive(s, i, spec, avail)
        if kind == "deescalate":
            return next((o for o in avail if self.c.options[o].deescalate and avail[o]), -1)
        if kind == "quantal":
            return self.quantal(s, i, u, spec, avail)
        if kind == "best_response" and rollouts:
            return self.best_response(s, i, spec, avail)
        return self.foreign(s, i, u, spec, avail)

    def rules(self, s: One, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """First rule whose condition holds and option is available; else ``otherwise``."""
        index = {o.id: o.index for o in self.c.options}
        for rule in spec.rules:
            condition = ex.compile_expr(ex.parse(rule.if_), self.c.env)
            if self.holds(condition, s) and avail[index[rule.then]]:
                return index[rule.then]
        if spec.otherwise and avail[index[spec.otherwise]]:
            return index[spec.otherwise]
        return -1

    def reactive(self, s: One, i: int, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """Answer the opposing side's last perceived rung plus the offset."""
        c = self.c
        offset = PRESETS.get(spec.kind, spec.offset if spec.offset is not None else 0)
        side = c.actors[i].side
        for arena, opponents, ranked in reactive_tables(i, c, spec.arena):
            last = -math.inf
            for j in opponents:
                move, ok = s.prev_moves.get(j, (-1, False))
                if move >= 0 and ok and c.options[move].arena == arena:
                    last = max(last, float(c.options[move].perceived[side]))
            for o in ranked:
                if avail[o] and c.options[o].perceived[side] <= last + offset:
                    return o
        return -1

    def quantal(self, s: One, i: int, u: float, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """Logit over hold and the available options' one-step expected utility."""
        options = list(self.c.options_by_actor[i])
        values = np.zeros((1, len(options) + 1))
        allowed = np.ones((1, len(options) + 1), dtype=bool)
        for k, o in enumerate(options, start=1):
            allowed[0, k] = avail[o]
            if avail[o]:
                values[0, k] = self.gain(s, o, i, pay=True)
        rationality = 1.0 if spec.rationality is None else float(spec.rationality)
        column = int(logit_choice(values, allowed, rationality, np.array([u]))[0])
        return -1 if column == 0 else options[column - 1]

    def best_response(self, s: One, i: int, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """Rollouts: the candidate with the highest mean discounted utility (hold first)."""
        depth, samples = spec.depth or 2, spec.samples or 8
        candidates = [-1, *self.c.options_by_actor[i]]
        values = [0.0] * len(candidates)
        for sample in range(samples):
            for k, option in enumerate(candidates):
                trial = s.copy()
                start = trial.utility[i]
                for d in range(min(depth, self.c.horizon - s.round)):
                    u = self.streams.rollout(self.trajectory, (s.round, i, sample, d))
                    self.play(
                        trial,
                        s.round + d,
                        u,
                        self.rollout_specs[i],
                        events=d > 0,
                        forced=(i, option) if d == 0 else None,
                        rollouts=False,
                    )
                    if not trial.alive:
                        break
                values[k] += trial.utility[i] - start
        best, choice = -math.inf, -1
        for k, option in enumerate(candidates):
            mean = values[k] / samples
            if (option < 0 or avail[option]) and mean > best:
                best, choice = mean, option
        return choice

    def foreign(self, s: One, i: int, u: float, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """A policy this interpreter does not know: its vectorised form with ``n = 1``."""
        c = self.c
        state = self.as_state(s)
        available = np.zeros((1, len(c.options)), dtype=bool)
        for o, ok in avail.items():
            available[0, o] = ok
        moves = np.full((1, len(c.actors)), -1, dtype=np.int64)
        ctx = DecisionContext(c, state, i, available, np.array([u]), moves, moves >= 0)
        return int(make_policy(spec, i, c).decide(ctx)[0])

    def as_state(self, s: One) -> State:
        """The one-row :class:`State` of a trajectory (for user policies)."""
        c = self.c
        prev = [s.prev_moves.get(i, (-1, False)) for i in range(len(c.actors))]
        return State(
            n=1,
            round=s.round,
            day=s.day,
            variables=np.array([[s.variables[v] for v in c.variable_ids]]),
            rungs=np.array([[float(s.rungs[a.id]) for a in c.arenas]]),
            taken=np.array([[s.taken[o.id] for o in c.options]], dtype=bool),
            uncertainties=np.array([[s.uncertainties[u.id] for u in c.uncertainties]]),
            alive=np.array([s.alive]),
            rounds_played=np.array([s.rounds_played]),
            times_chosen=np.array([[s.times_chosen.get(o.id, 0) for o in c.options]]),
            last_chosen=np.array([[s.last_chosen.get(o.id, NEVER) for o in c.options]]),
            fired=np.array([[e.id in s.fired for e in c.events]], dtype=bool),
            utility=np.array([s.utility]),
            rung_max=np.array([[float(s.rung_max[a.id]) for a in c.arenas]]),
            prev_option=np.array([[m for m, _ in prev]], dtype=np.int64),
            prev_success=np.array([[ok for _, ok in prev]], dtype=bool),
        )


class _Outcomes:
    """Outcome values of one trajectory (``end``, ``max``, ``min``, ``mean``, ``first``)."""

    def __init__(self, ref: ReferenceInterpreter, s: One) -> None:
        self.ref = ref
        self.values: list[float] = []
        self.count = 1
        for o in ref.c.outcomes:
            v = ref.value(o.expr, s)
            if o.at == "first":
                self.values.append(0.0 if v != 0 else float(ref.c.horizon + 1))
            else:
                self.values.append(v if o.at != "end" else 0.0)

    def update(self, s: One, t: int) -> None:
        self.count += 1
        for k, o in enumerate(self.ref.c.outcomes):
            if o.at == "end":
                continue
            v = self.ref.value(o.expr, s)
            if o.at == "max":
                self.values[k] = max(self.values[k], v)
            elif o.at == "min":
                self.values[k] = min(self.values[k], v)
            elif o.at == "mean":
                self.values[k] = self.values[k] + v
            elif self.values[k] == self.ref.c.horizon + 1 and v != 0:
                self.values[k] = float(t + 1)

    def finish(self, s: One) -> list[float]:
        for k, o in enumerate(self.ref.c.outcomes):
            if o.at == "end":
                self.values[k] = self.ref.value(o.expr, s)
            elif o.at == "mean":
                self.values[k] = self.values[k] / self.count
        return self.values
