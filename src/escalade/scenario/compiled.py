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

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.errors import SimulationError, UsageError
from escalade.scenario import expr as ex
from escalade.scenario.compiled_parts import (
    ADD,
    MUL,
    SET,
    CompiledActor,
    CompiledArena,
    CompiledBranch,
    CompiledEvent,
    CompiledOption,
    CompiledOutcome,
    CompiledTerminal,
    CompiledUncertainty,
    Draws,
    Effect,
    RungEffect,
    ThresholdTerm,
    UtilityTerm,
)
from escalade.scenario.loader import loads_scenario
from escalade.scenario.model import Scenario
from escalade.scenario.schema import (
    AccidentSpec,
    EffectSpec,
    NumberSpec,
    PolicySpec,
    StrategySpec,
)

__all__ = [
    "ADD",
    "MUL",
    "SET",
    "CompiledActor",
    "CompiledArena",
    "CompiledBranch",
    "CompiledEvent",
    "CompiledOption",
    "CompiledOutcome",
    "CompiledScenario",
    "CompiledTerminal",
    "CompiledUncertainty",
    "Effect",
    "RungEffect",
    "ThresholdTerm",
    "UtilityTerm",
    "compile_scenario",
    "compiled_from_text",
    "remember",
]


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
    terminal: tuple[CompiledTerminal, ...]
    horizon: int
    days: IntArray
    sequential: bool
    side_weights: tuple[ex.Compiled, ...] = ()
    """Each actor's weight in its side's utility (read by nature; uncertainties only)."""

    @property
    def content_hash(self) -> str:
        """The scenario's content hash."""
        return self.scenario.content_hash

    def env_for(self, actor: int | None) -> ex.Env:
        """The expression names as actor ``actor`` reads them (``None``: nature)."""
        if actor is None:
            return self.env
        return self.env.with_reader(self.sides[self.actors[actor].side])

    def party(self, arena: int, actor: int) -> int:
        """The party index (0 or 1) of ``actor``'s side in ``arena``, -1 if not a party."""
        side = self.actors[actor].side
        parties = self.arenas[arena].parties
        return parties.index(side) if side in parties else -1

    @cached_property
    def slots(self) -> tuple[int, ...]:
        """The actor of each decision slot: actor ``i`` has ``moves`` slots, in actor order."""
        return tuple(a.index for a in self.actors for _ in range(a.moves))

    @cached_property
    def has_jumps(self) -> bool:
        """Whether any arena's accidents draw jump sizes or reverts."""
        return any(a.jumps for a in self.arenas)

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

    def cell(
        self, strategy: str | None, mindset: str | None
    ) -> tuple[tuple[PolicySpec, ...], frozenset[int]]:
        """The policies and the declared sides of one strategy × mindset cell.

        ``None`` leaves that side on its actors' default policies. The declared
        sides are the indices of the sides whose bundle is ``declared`` (what
        ``best_response`` rollouts may read).
        """
        bundles = [
            self.strategy(strategy) if strategy is not None else None,
            self.mindset(mindset) if mindset is not None else None,
        ]
        declared = frozenset(
            self.sides.index(b.side) for b in bundles if b is not None and b.declared
        )
        return self.policies(*bundles), declared

    def actor_weights(self, uncertainties: FloatArray) -> FloatArray:
        """Each actor's weight in its side's utility, shape ``(n, A)``.

        ``uncertainties`` are the draws ``(n, U)``; a weight is evaluated once
        per trajectory (1 for an actor its side does not weigh).
        """
        n = uncertainties.shape[0]
        out = np.ones((n, len(self.actors)))
        if self.side_weights:
            state = Draws(n, uncertainties)
            for k, weight in enumerate(self.side_weights):
                out[:, k] = weight(state)
            bad = ~(out >= 0) | np.isinf(out)  # also catches nan
            if bad.any():
                k = int(np.nonzero(bad.any(axis=0))[0][0])
                raise SimulationError(
                    f"side weight of actor {self.actors[k].id!r}: expected a finite number "
                    f">= 0, found {out[bad[:, k], k][0]} for the drawn uncertainties; hint: keep "
                    "the expression's range at or above 0 (e.g. max(0, ...))"
                )
        return out

    def side_utilities(self, utility: FloatArray, uncertainties: FloatArray) -> FloatArray:
        """Each side's utility ``(n, S)``: the weighted sum of its actors' ``(n, A)`` utility."""
        weighted = utility * self.actor_weights(uncertainties)
        out = np.zeros((utility.shape[0], len(self.sides)))
        for a in self.actors:
            out[:, a.side] += weighted[:, a.index]
        return out

    def nominal_uncertainties(self, **values: float) -> FloatArray:
        """The nominal value of every uncertainty, shape ``(U,)``, except those named.

        ``compiled.nominal_uncertainties(rus_redline=16)`` fixes one uncertainty and
        keeps the others nominal (what ``simulate(..., uncertainties=...)`` takes).
        """
        out = np.array([u.nominal for u in self.uncertainties], dtype=float)
        index = {u.id: u.index for u in self.uncertainties}
        for name, value in values.items():
            if name not in index:
                known = ", ".join(index) or "none"
                raise UsageError(f"{name}: expected an uncertainty among {known}, found {name!r}")
            out[index[name]] = float(value)
        return out

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
            parties=tuple((a.parties[0], a.parties[1]) for a in spec.arenas),
        )
        self.sides = tuple(s.id for s in spec.sides)
        self.side_of = {a.id: a.side for a in spec.actors}
        self.actor_index = {a.id: i for i, a in enumerate(spec.actors)}
        self.arena_index = {a.id: i for i, a in enumerate(spec.arenas)}
        self.var_index = {v.id: i for i, v in enumerate(spec.variables)}
        self.days = np.array([d.toordinal() for d in scenario.round_dates()], dtype=np.int64)

    def reader(self, actor: str | None) -> ex.Env:
        return self.env if actor is None else self.env.with_reader(self.side_of[actor])

    def number(self, value: float | str | NumberSpec, actor: str | None = None) -> ex.Compiled:
        if isinstance(value, NumberSpec):
            return self.number(value.value, actor)
        text = repr(float(value)) if isinstance(value, int | float) else value
        if text in {"inf", "-inf"}:
            text = "1e308" if text == "inf" else "-1e308"
        return ex.compile_expr(ex.parse(text), self.reader(actor))

    def condition(self, text: str, actor: str | None = None) -> ex.Compiled:
        return ex.compile_expr(ex.parse(text), self.reader(actor))

    def rung_effects(self, effects: list[EffectSpec]) -> tuple[RungEffect, ...]:
        out = []
        for e in effects:
            if e.rung is None:
                continue
            a = self.arena_index[e.rung]
            arena = self.scenario.spec.arenas[a]
            party = -1 if e.side is None else arena.parties.index(e.side)
            if e.to is not None:
                ladder = self.scenario.ladders[arena.ladder]
                target = ladder.rung_index(e.to)
                assert target is not None
                out.append(RungEffect(a, party, True, self.number(float(target))))
            else:
                assert e.add is not None
                out.append(RungEffect(a, party, False, self.number(e.add)))
        return tuple(out)

    def effects(self, effects: list[EffectSpec]) -> tuple[Effect, ...]:
        out = []
        for e in effects:
            if e.var is None:
                continue
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
                    **self.jumps(acc),
                )
            )
        return tuple(out)

    def jumps(self, acc: AccidentSpec | None) -> dict[str, Any]:
        if acc is None:
            return {}
        out: dict[str, Any] = {}
        if acc.jump is not None:
            weights = acc.jump.weights or [1.0] * len(acc.jump.sizes)
            total = sum(weights)
            cdf = np.cumsum(np.asarray(weights, dtype=float) / total)
            cdf[-1] = 1.0
            out["jump_sizes"] = tuple(acc.jump.sizes)
            out["jump_cdf"] = tuple(float(x) for x in cdf)
        revert = acc.revert.value if isinstance(acc.revert, NumberSpec) else acc.revert
        if not (isinstance(revert, int | float) and float(revert) == 0.0):
            out["revert"] = self.number(acc.revert)
        return out

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
            parties = arenas[arena].parties if arena >= 0 else (0, 0)
            views = (perceived[parties[0]], perceived[parties[1]]) if arena >= 0 else (-1, -1)
            out.append(
                CompiledOption(
                    index=i,
                    id=o.id,
                    name=o.name or o.id,
                    actor=actor,
                    arena=arena,
                    rung=rung,
                    perceived=tuple(perceived),
                    views=views,
                    on_attempt=o.escalates == "attempt",
                    deescalate=o.deescalate,
                    once=o.once,
                    cooldown=o.cooldown,
                    cost=self.number(o.cost, o.actor),
                    success=self.number(o.success, o.actor),
                    when=self.condition(o.when, o.actor),
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
                CompiledBranch(
                    b.id, self.number(b.prob), self.effects(b.effects), self.rung_effects(b.effects)
                )
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
                    rung_effects=self.rung_effects(e.effects),
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
                                    arena.index,
                                    rung,
                                    f"{arena.id}.{tid}",
                                    self.number(value, a.id),
                                )
                            )
            out.append(
                CompiledActor(
                    index=i,
                    id=a.id,
                    name=a.name,
                    side=self.sides.index(a.side),
                    per_round=self.terms(a.utility.per_round, a.id),
                    final=self.terms(a.utility.final, a.id),
                    thresholds=tuple(thresholds),
                    discount=a.utility.discount,
                    policy=a.policy,
                    moves=a.moves,
                )
            )
        return tuple(out)

    def terms(
        self, weights: dict[str, float | str | NumberSpec], actor: str
    ) -> tuple[UtilityTerm, ...]:
        out = []
        for key, weight in weights.items():
            w = self.number(weight, actor)
            if key.startswith("rung."):
                out.append(UtilityTerm("rung", self.arena_index[key.removeprefix("rung.")], w))
            else:
                out.append(UtilityTerm("var", self.var_index[key], w))
        return tuple(out)

    def terminals(self) -> tuple[CompiledTerminal, ...]:
        out = []
        for k, t in enumerate(self.scenario.spec.terminals()):
            utility = tuple(
                self.number(t.utility[a.id]) if a.id in t.utility else None
                for a in self.scenario.spec.actors
            )
            out.append(
                CompiledTerminal(
                    t.id or f"terminal_{k}", self.condition(t.when), utility, t.absorbing
                )
            )
        return tuple(out)

    def side_weights(self) -> tuple[ex.Compiled, ...]:
        """Each actor's weight in its side's utility (empty when no side weighs anyone)."""
        spec = self.scenario.spec
        given = {a: w for s in spec.sides for a, w in s.weights.items()}
        if not given:
            return ()
        return tuple(self.number(given.get(a.id, 1.0)) for a in spec.actors)

    def uncertainties(self) -> tuple[CompiledUncertainty, ...]:
        spec = self.scenario.spec
        out = []
        for i, u in enumerate(spec.uncertainties):
            if u.known_to is None:
                known = frozenset(range(len(spec.actors)))
            else:
                names = set(u.known_to)
                known = frozenset(
                    k for k, a in enumerate(spec.actors) if a.id in names or a.side in names
                )
            out.append(CompiledUncertainty(i, u, known))
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
        uncertainties=c.uncertainties(),
        outcomes=tuple(
            CompiledOutcome(o.id, c.condition(o.expr), o.at, o.direction) for o in spec.outcomes
        ),
        terminal=c.terminals(),
        horizon=spec.calendar.horizon,
        days=c.days,
        sequential=spec.order == "sequential",
        side_weights=c.side_weights(),
    )


_PROCESS_CACHE: dict[str, CompiledScenario] = {}
"""The one compiled scenario this process keeps (workers compile once per scenario)."""


def _cache_key(text: str, file: str, base_dir: str | None) -> str:
    return f"{file}\0{base_dir or ''}\0{text}"


def remember(compiled: CompiledScenario) -> CompiledScenario:
    """Keep ``compiled`` as this process's compiled scenario.

    Chunks of it run in this process then find it instead of parsing and
    compiling its text again.
    """
    s = compiled.scenario
    key = _cache_key(s.text, str(s.file), str(s.base_dir) if s.base_dir else None)
    if key not in _PROCESS_CACHE:
        _PROCESS_CACHE.clear()
        _PROCESS_CACHE[key] = compiled
    return _PROCESS_CACHE[key]


def compiled_from_text(text: str, file: str, base_dir: str | None = None) -> CompiledScenario:
    """The compiled scenario of a scenario text (parsed and compiled once per process).

    Workers receive the text (a compiled scenario holds NumPy closures); this
    compiles it on first use and reuses it for every later chunk of the scenario.
    """
    key = _cache_key(text, file, base_dir)
    if key not in _PROCESS_CACHE:
        base = Path(base_dir) if base_dir else None
        _PROCESS_CACHE.clear()
        _PROCESS_CACHE[key] = compile_scenario(loads_scenario(text, file=file, base_dir=base))
    return _PROCESS_CACHE[key]
