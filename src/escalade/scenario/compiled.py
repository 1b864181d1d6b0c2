"""The compiled scenario: integer-indexed, frozen, ready for an engine.

Every id becomes an index (actors, sides, arenas, variables, options,
uncertainties) in file order; every expression becomes a vectorised
:class:`~escalade.scenario.expr.Compiled`; dates become round numbers. The
engine, the reference interpreter and the game builder all read this one form,
so they share the semantics of DESIGN.md §2.

Uncertainties are drawn by inverse transform: one uniform number per
uncertainty and trajectory, so the draws consume a fixed number of random
numbers whatever the distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.errors import UsageError
from escalade.scenario import expr as ex
from escalade.scenario.ladders import Ladder
from escalade.scenario.model import Scenario
from escalade.scenario.schema import (
    EffectSpec,
    NumberSpec,
    PolicySpec,
    StrategySpec,
    UncertaintySpec,
)
from escalade.scenario.validate import support

__all__ = [
    "ADD",
    "MUL",
    "SET",
    "CompiledActor",
    "CompiledArena",
    "CompiledEvent",
    "CompiledOption",
    "CompiledOutcome",
    "CompiledScenario",
    "CompiledUncertainty",
    "Effect",
    "compile_scenario",
]

ADD, SET, MUL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Effect:
    """``variables[var] (+= | = | *=) value``."""

    var: int
    op: int
    value: ex.Compiled


@dataclass(frozen=True, slots=True)
class CompiledOption:
    """An option with indices instead of ids; ``rung`` is as the target side perceives it."""

    index: int
    id: str
    name: str
    actor: int
    arena: int
    rung: int
    perceived: tuple[int, ...]
    deescalate: bool
    once: bool
    cooldown: int
    cost: ex.Compiled
    success: ex.Compiled
    when: ex.Compiled
    consent: tuple[int, ...]
    effects: tuple[Effect, ...]


@dataclass(frozen=True, slots=True)
class CompiledBranch:
    """One branch of an event."""

    id: str
    prob: ex.Compiled
    effects: tuple[Effect, ...]


@dataclass(frozen=True, slots=True)
class CompiledEvent:
    """A scheduled event (``at_round >= 0``) or a random one (``prob``)."""

    index: int
    id: str
    at_round: int
    prob: ex.Compiled | None
    when: ex.Compiled
    once: bool
    effects: tuple[Effect, ...]
    branches: tuple[CompiledBranch, ...]


@dataclass(frozen=True, slots=True)
class CompiledArena:
    """An arena: its ladder range, initial rung, parties and accident law."""

    index: int
    id: str
    ladder: Ladder
    low: int
    high: int
    initial: int
    parties: tuple[int, int]
    accident_up: ex.Compiled
    accident_down: ex.Compiled
    thresholds: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class UtilityTerm:
    """``weight * (variable or rung)``; ``kind`` is ``"var"`` or ``"rung"``."""

    kind: str
    index: int
    weight: ex.Compiled


@dataclass(frozen=True, slots=True)
class ThresholdTerm:
    """A one-off utility when ``arena`` first reaches ``rung``."""

    arena: int
    rung: int
    id: str
    value: ex.Compiled


@dataclass(frozen=True, slots=True)
class CompiledActor:
    """An actor: side, utility terms, discount and default policy."""

    index: int
    id: str
    name: str
    side: int
    per_round: tuple[UtilityTerm, ...]
    final: tuple[UtilityTerm, ...]
    thresholds: tuple[ThresholdTerm, ...]
    discount: float
    policy: PolicySpec


@dataclass(frozen=True, slots=True)
class CompiledOutcome:
    """An outcome metric and when it is read."""

    id: str
    expr: ex.Compiled
    at: str
    direction: str


@dataclass(frozen=True, slots=True)
class CompiledUncertainty:
    """An uncertainty, drawn by inverse transform from one uniform number."""

    index: int
    spec: UncertaintySpec

    @property
    def id(self) -> str:
        """The uncertainty id."""
        return self.spec.id

    @property
    def nominal(self) -> float:
        """The nominal value (given, or the distribution's centre)."""
        u = self.spec
        if u.nominal is not None:
            return u.nominal
        return (
            float(self.ppf(np.array([0.5]))[0]) if u.dist != "triangular" else float(u.mode or 0.0)
        )

    @property
    def bounds(self) -> tuple[float, float]:
        """The support, with infinite ends replaced by the 0.1% and 99.9% quantiles."""
        low, high = support(self.spec)
        if math.isinf(low) or math.isinf(high):
            q = self.ppf(np.array([0.001, 0.999]))
            low = float(q[0]) if math.isinf(low) else low
            high = float(q[1]) if math.isinf(high) else high
        return low, high

    def ppf(self, u: FloatArray) -> FloatArray:
        """Map uniform numbers in [0, 1) to draws of this distribution."""
        s = self.spec
        if s.dist == "uniform":
            assert s.low is not None and s.high is not None
            return s.low + u * (s.high - s.low)
        if s.dist == "triangular":
            assert s.low is not None and s.high is not None and s.mode is not None
            a, b, c = s.low, s.high, s.mode
            cut = (c - a) / (b - a)
            left = a + np.sqrt(u * (b - a) * (c - a))
            right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
            return np.where(u < cut, left, right)
        if s.dist == "normal":
            assert s.mean is not None and s.sd is not None
            lo = -np.inf if s.low is None else (s.low - s.mean) / s.sd
            hi = np.inf if s.high is None else (s.high - s.mean) / s.sd
            from scipy import stats  # noqa: PLC0415 (1-2 s to import: only when a scenario needs it)

            return np.asarray(stats.truncnorm.ppf(u, lo, hi, loc=s.mean, scale=s.sd), dtype=float)
        if s.dist == "beta":
            assert s.alpha is not None and s.beta is not None
            low = 0.0 if s.low is None else s.low
            high = 1.0 if s.high is None else s.high
            from scipy import stats  # noqa: PLC0415 (see above)

            return low + (high - low) * np.asarray(stats.beta.ppf(u, s.alpha, s.beta), dtype=float)
        assert s.values is not None
        weights = (
            np.ones(len(s.values)) if s.weights is None else np.asarray(s.weights, dtype=float)
        )
        cdf = np.cumsum(weights) / weights.sum()
        idx = np.minimum(np.searchsorted(cdf, u, side="right"), len(s.values) - 1)
        return np.asarray(s.values, dtype=float)[idx]


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario in integer-indexed form (see module docstring)."""

    scenario: Scenario
    env: ex.Env
    sides: tuple[str, ...]
    actors: tuple[CompiledActor, ...]
    arenas: tuple[CompiledArena, ...]
    variable_ids: tuple[str, ...]
    variable_initial: tuple[ex.Compiled, ...]
    variable_low: FloatArray
    variable_high: FloatArray
    options: tuple[CompiledOption, ...]
    events: tuple[CompiledEvent, ...]
    uncertainties: tuple[CompiledUncertainty, ...]
    outcomes: tuple[CompiledOutcome, ...]
    terminal: tuple[ex.Compiled, ...]
    horizon: int
    days: IntArray
    sequential: bool

    @property
    def content_hash(self) -> str:
        """The scenario's content hash."""
        return self.scenario.content_hash

    @cached_property
    def options_by_actor(self) -> tuple[tuple[int, ...], ...]:
        """Option indices of each actor, in file order."""
        return tuple(
            tuple(o.index for o in self.options if o.actor == a.index) for a in self.actors
        )

    @cached_property
    def thresholds(self) -> tuple[tuple[int, str, int], ...]:
        """Every ``(arena index, key, rung)``; key is ``threshold`` or ``arena.threshold``."""
        counts: dict[str, int] = {}
        for arena in self.arenas:
            for tid, _ in arena.thresholds:
                counts[tid] = counts.get(tid, 0) + 1
        out = []
        for arena in self.arenas:
            for tid, rung in arena.thresholds:
                key = tid if counts[tid] == 1 else f"{arena.id}.{tid}"
                out.append((arena.index, key, rung))
        return tuple(out)

    def strategy(self, strategy_id: str) -> StrategySpec:
        """A strategy by id (``UsageError`` naming the known ones otherwise)."""
        return _find(self.scenario.strategies, strategy_id, "strategy")

    def mindset(self, mindset_id: str) -> StrategySpec:
        """A mindset by id (``UsageError`` naming the known ones otherwise)."""
        return _find(self.scenario.mindsets, mindset_id, "mindset")

    def policies(self, *bundles: StrategySpec | None) -> tuple[PolicySpec, ...]:
        """Each actor's policy: its default, overridden by the given bundles in order."""
        chosen = [a.policy for a in self.actors]
        index = {a.id: a.index for a in self.actors}
        for bundle in bundles:
            if bundle is None:
                continue
            for actor_id, policy in bundle.policies.items():
                chosen[index[actor_id]] = policy
        return tuple(chosen)

    def nominal_uncertainties(self) -> FloatArray:
        """The nominal value of every uncertainty, shape ``(U,)``."""
        return np.array([u.nominal for u in self.uncertainties], dtype=float)

    def draw_uncertainties(self, uniforms: FloatArray) -> FloatArray:
        """Map uniforms of shape ``(n, U)`` to uncertainty draws of the same shape."""
        out = np.empty_like(uniforms)
        for u in self.uncertainties:
            out[:, u.index] = u.ppf(uniforms[:, u.index])
        return out


def _find(items: list[StrategySpec], ident: str, kind: str) -> StrategySpec:
    for item in items:
        if item.id == ident:
            return item
    known = ", ".join(i.id for i in items) or "none declared"
    raise UsageError(f"{kind}: expected one of {known}, found {ident!r}")


class _Compiler:
    def __init__(self, scenario: Scenario) -> None:
        spec = scenario.spec
        self.scenario = scenario
        self.env = ex.Env(
            variables=tuple(v.id for v in spec.variables),
            arenas=tuple(a.id for a in spec.arenas),
            options=tuple(o.id for o in spec.options),
            uncertainties=tuple(u.id for u in spec.uncertainties),
        )
        self.sides = tuple(s.id for s in spec.sides)
        self.actor_index = {a.id: i for i, a in enumerate(spec.actors)}
        self.arena_index = {a.id: i for i, a in enumerate(spec.arenas)}
        self.var_index = {v.id: i for i, v in enumerate(spec.variables)}
        self.days = np.array([d.toordinal() for d in scenario.round_dates()], dtype=np.int64)

    def number(self, value: float | str | NumberSpec) -> ex.Compiled:
        if isinstance(value, NumberSpec):
            return self.number(value.value)
        text = repr(float(value)) if isinstance(value, int | float) else value
        if text in {"inf", "-inf"}:
            text = "1e308" if text == "inf" else "-1e308"
        return ex.compile_expr(ex.parse(text), self.env)

    def condition(self, text: str) -> ex.Compiled:
        return ex.compile_expr(ex.parse(text), self.env)

    def effects(self, effects: list[EffectSpec]) -> tuple[Effect, ...]:
        out = []
        for e in effects:
            for op, value in ((ADD, e.add), (SET, e.set), (MUL, e.mul)):
                if value is not None:
                    out.append(Effect(self.var_index[e.var], op, self.number(value)))
        return tuple(out)

    def round_of(self, date_ordinal: int) -> int:
        """The round whose calendar step contains the date (-1 if outside the horizon)."""
        t = int(np.searchsorted(self.days, date_ordinal, side="right")) - 1
        return t if 0 <= t < len(self.days) - 1 else -1

    def arenas(self) -> tuple[CompiledArena, ...]:
        spec = self.scenario.spec
        out = []
        for i, a in enumerate(spec.arenas):
            ladder = self.scenario.ladders[a.ladder]
            acc = spec.accidents.get(a.id)
            initial = ladder.rung_index(a.initial)
            assert initial is not None
            out.append(
                CompiledArena(
                    index=i,
                    id=a.id,
                    ladder=ladder,
                    low=ladder.low,
                    high=ladder.high,
                    initial=initial,
                    parties=(self.sides.index(a.parties[0]), self.sides.index(a.parties[1])),
                    accident_up=self.number(acc.up if acc else 0.0),
                    accident_down=self.number(acc.down if acc else 0.0),
                    thresholds=tuple((t.id, t.rung) for t in ladder.thresholds),
                )
            )
        return tuple(out)

    def options(
        self, arenas: tuple[CompiledArena, ...], actors_side: list[int]
    ) -> tuple[CompiledOption, ...]:
        out = []
        for i, o in enumerate(self.scenario.spec.options):
            actor = self.actor_index[o.actor]
            arena = self.arena_index.get(o.arena, -1) if o.arena else -1
            rung = -1
            perceived = [-1] * len(self.sides)
            if arena >= 0:
                ladder = arenas[arena].ladder
                found = ladder.rung_index(o.rung) if o.rung is not None else None
                rung = -1 if found is None else found
                perceived = [rung] * len(self.sides)
                for side, ref in o.perceived.items():
                    value = ladder.rung_index(ref)
                    perceived[self.sides.index(side)] = -1 if value is None else value
                target = _target_side(arenas[arena].parties, actors_side[actor])
                if target is not None and perceived[target] >= 0:
                    rung = perceived[target]
            out.append(
                CompiledOption(
                    index=i,
                    id=o.id,
                    name=o.name or o.id,
                    actor=actor,
                    arena=arena,
                    rung=rung,
                    perceived=tuple(perceived),
                    deescalate=o.deescalate,
                    once=o.once,
                    cooldown=o.cooldown,
                    cost=self.number(o.cost),
                    success=self.number(o.success),
                    when=self.condition(o.when),
                    consent=tuple(self.actor_index[c] for c in o.consent),
                    effects=self.effects(o.effects),
                )
            )
        return tuple(out)

    def events(self) -> tuple[CompiledEvent, ...]:
        out = []
        for i, e in enumerate(self.scenario.spec.events):
            at_round = self.round_of(e.at.toordinal()) if e.at is not None else -1
            once = e.once if e.once is not None else e.at is not None
            branches = tuple(
                CompiledBranch(b.id, self.number(b.prob), self.effects(b.effects))
                for b in e.branches
            )
            out.append(
                CompiledEvent(
                    index=i,
                    id=e.id,
                    at_round=at_round if e.at is not None else -1,
                    prob=self.number(e.prob) if e.prob is not None else None,
                    when=self.condition(e.when),
                    once=once,
                    effects=self.effects(e.effects),
                    branches=branches,
                )
            )
        return tuple(out)

    def actors(self, arenas: tuple[CompiledArena, ...]) -> tuple[CompiledActor, ...]:
        out = []
        for i, a in enumerate(self.scenario.spec.actors):
            thresholds = []
            for key, value in a.utility.thresholds.items():
                for arena in arenas:
                    for tid, rung in arena.thresholds:
                        if key in {tid, f"{arena.id}.{tid}"}:
                            thresholds.append(
                                ThresholdTerm(
                                    arena.index, rung, f"{arena.id}.{tid}", self.number(value)
                                )
                            )
            out.append(
                CompiledActor(
                    index=i,
                    id=a.id,
                    name=a.name,
                    side=self.sides.index(a.side),
                    per_round=self.terms(a.utility.per_round),
                    final=self.terms(a.utility.final),
                    thresholds=tuple(thresholds),
                    discount=a.utility.discount,
                    policy=a.policy,
                )
            )
        return tuple(out)

    def terms(self, weights: dict[str, float | str | NumberSpec]) -> tuple[UtilityTerm, ...]:
        out = []
        for key, weight in weights.items():
            if key.startswith("rung."):
                out.append(
                    UtilityTerm(
                        "rung", self.arena_index[key.removeprefix("rung.")], self.number(weight)
                    )
                )
            else:
                out.append(UtilityTerm("var", self.var_index[key], self.number(weight)))
        return tuple(out)


def _target_side(parties: tuple[int, int], side: int) -> int | None:
    if side == parties[0]:
        return parties[1]
    if side == parties[1]:
        return parties[0]
    return None


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile a validated scenario into integer-indexed, vectorised form."""
    spec = scenario.spec
    c = _Compiler(scenario)
    arenas = c.arenas()
    actors = c.actors(arenas)
    return CompiledScenario(
        scenario=scenario,
        env=c.env,
        sides=c.sides,
        actors=actors,
        arenas=arenas,
        variable_ids=tuple(v.id for v in spec.variables),
        variable_initial=tuple(c.number(v.initial) for v in spec.variables),
        variable_low=np.array([v.min for v in spec.variables], dtype=float),
        variable_high=np.array([v.max for v in spec.variables], dtype=float),
        options=c.options(arenas, [a.side for a in actors]),
        events=c.events(),
        uncertainties=tuple(CompiledUncertainty(i, u) for i, u in enumerate(spec.uncertainties)),
        outcomes=tuple(
            CompiledOutcome(o.id, c.condition(o.expr), o.at, o.direction) for o in spec.outcomes
        ),
        terminal=tuple(c.condition(t) for t in spec.terminal),
        horizon=spec.calendar.horizon,
        days=c.days,
        sequential=spec.order == "sequential",
    )
