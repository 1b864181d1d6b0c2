"""The compiled scenario: integer-indexed, frozen, ready for an engine.

Every id becomes an index (actors, sides, arenas, variables, options,
uncertainties) in file order; every expression becomes a vectorised
:class:`~escalade.scenario.expr.Compiled`; dates become round numbers. The
engine, the reference interpreter and the game builder all read this one form,
so they share the semantics of DESIGN.md §2. The parts are built by
:mod:`escalade.scenario._compile_parts`.

Uncertainties are drawn by inverse transform: one uniform number per
uncertainty and trajectory, so the draws consume a fixed number of random
numbers whatever the distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.errors import SimulationError, UsageError, closest_id_hint
from escalade.reprs import short_repr
from escalade.scenario import expr as ex
from escalade.scenario._compile_parts import Compiler
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

    def __repr__(self) -> str:
        return short_repr(
            "CompiledScenario",
            id=self.scenario.id,
            sides=self.sides,
            actors=len(self.actors),
            arenas=len(self.arenas),
            options=len(self.options),
            events=len(self.events),
            uncertainties=len(self.uncertainties),
            horizon=self.horizon,
        )

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
        return _find(self.scenario.strategies, strategy_id, "strategy", self.scenario.mindsets)

    def mindset(self, mindset_id: str) -> StrategySpec:
        """A mindset by id (``UsageError`` naming the known ones otherwise)."""
        return _find(self.scenario.mindsets, mindset_id, "mindset", self.scenario.strategies)

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


def _find(
    items: list[StrategySpec], ident: str, kind: str, others: list[StrategySpec]
) -> StrategySpec:
    for item in items:
        if item.id == ident:
            return item
    known = ", ".join(i.id for i in items) or "none declared"
    other = next((o for o in others if o.id == ident), None)
    hint = (
        f"; hint: {ident!r} is a {'mindset' if kind == 'strategy' else 'strategy'} "
        f"(of side {other.side}), not a {kind}"
        if other is not None
        else closest_id_hint([ident], [i.id for i in items])
    )
    raise UsageError(f"{kind}: expected one of {known}, found {ident!r}{hint}", parameter=kind)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile a validated scenario into integer-indexed, vectorised form."""
    spec = scenario.spec
    c = Compiler(scenario)
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
