"""The builders of a compiled scenario's parts: one method per part.

Private to :mod:`escalade.scenario.compiled`, whose :func:`compile_scenario`
runs them; the parts are the records of :mod:`escalade.scenario.compiled_parts`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
    CompiledTerminal,
    CompiledUncertainty,
    Effect,
    RungEffect,
    ThresholdTerm,
    UtilityTerm,
)
from escalade.scenario.model import Scenario
from escalade.scenario.schema import AccidentSpec, EffectSpec, NumberSpec

__all__ = ["Compiler"]


class Compiler:
    """Builds the parts of a :class:`~escalade.scenario.compiled.CompiledScenario`."""

    def __init__(self, scenario: Scenario) -> None:
        spec = scenario.spec
        self.scenario = scenario
        self.env = spec.expression_env()
        self.sides = tuple(s.id for s in spec.sides)
        self.side_of = {a.id: a.side for a in spec.actors}
        self.actor_index = {a.id: i for i, a in enumerate(spec.actors)}
        self.arena_index = {a.id: i for i, a in enumerate(spec.arenas)}
        self.var_index = {v.id: i for i, v in enumerate(spec.variables)}
        self.days = np.array([d.toordinal() for d in scenario.round_dates()], dtype=np.int64)

    def reader(self, actor: str | None) -> ex.Env:
        """The expression names as ``actor`` reads them (``None``: nature)."""
        return self.env if actor is None else self.env.with_reader(self.side_of[actor])

    def number(self, value: float | str | NumberSpec, actor: str | None = None) -> ex.Compiled:
        """Compile a number field (a constant or an expression) as ``actor`` reads it."""
        if isinstance(value, NumberSpec):
            return self.number(value.value, actor)
        text = repr(float(value)) if isinstance(value, int | float) else value
        if text in {"inf", "-inf"}:
            text = "1e308" if text == "inf" else "-1e308"
        return ex.compile_expr(ex.parse(text), self.reader(actor))

    def condition(self, text: str, actor: str | None = None) -> ex.Compiled:
        """Compile a condition as ``actor`` reads it."""
        return ex.compile_expr(ex.parse(text), self.reader(actor))

    def rung_effects(self, effects: list[EffectSpec]) -> tuple[RungEffect, ...]:
        """The rung effects among ``effects`` (``to`` as a rung index, or ``add``)."""
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
        """The variable effects among ``effects``, one per operation given."""
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
        """Every arena with its ladder, parties, accidents and thresholds."""
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
        """An arena's accident jump sizes, their CDF and revert probability (those given)."""
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
        """Every option, its rung as its target side perceives it where declared."""
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
        """Every event with its round, probability, effects and branches."""
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
        """Every actor with its utility terms resolved to arena and variable indices."""
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
        """Utility weights as terms on a variable or on an arena's rung (``rung.<arena>``)."""
        out = []
        for key, weight in weights.items():
            w = self.number(weight, actor)
            if key.startswith("rung."):
                out.append(UtilityTerm("rung", self.arena_index[key.removeprefix("rung.")], w))
            else:
                out.append(UtilityTerm("var", self.var_index[key], w))
        return tuple(out)

    def terminals(self) -> tuple[CompiledTerminal, ...]:
        """Every terminal condition with its utility per actor (``None`` where not given)."""
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
        """Every uncertainty with the actors that know it (all, unless ``known_to``)."""
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
    """The other party of an arena when ``side`` is one of its two parties, else ``None``."""
    if side == parties[0]:
        return parties[1]
    if side == parties[1]:
        return parties[0]
    return None
