"""How actors decide (DESIGN.md §3): small vectorised classes behind one protocol.

A policy sees a :class:`DecisionContext` for ``n`` trajectories and returns,
per trajectory, the index of the option it takes (``-1`` for hold). It must
only return options of its actor that are available (the engine checks and
raises :class:`~escalade.errors.SimulationError` otherwise). Stochastic
policies draw only from ``ctx.uniforms`` (one uniform per trajectory), so a
seed fixes every choice.

Add your own with :func:`register`::

    register("always_first", lambda spec, actor, compiled: MyPolicy(actor, compiled))

and check it with :func:`escalade.testing.check_policy`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.engine.moves import last_rung
from escalade.engine.state import State, option_gain
from escalade.errors import UsageError
from escalade.scenario import expr as ex
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = [
    "PRESETS",
    "DecisionContext",
    "Policy",
    "PolicyFactory",
    "PolicyKind",
    "ScalarDecision",
    "kind_info",
    "kinds",
    "make_policy",
    "opponent_slots",
    "plan_rounds",
    "reactive_tables",
    "register",
    "registered",
    "set_scalar",
]

PRESETS = {"tit_for_tat": 0, "graduated": 1, "dominance": 2}
"""Offsets of the reactive presets."""

Rollout = Callable[["DecisionContext", list[int], int, int, bool], FloatArray]


@dataclass(eq=False)
class DecisionContext:
    """What a policy sees when actor ``actor`` decides in round ``state.round``.

    Attributes
    ----------
    available : BoolArray
        ``(n, O)``: whether each option may be chosen now (False for other actors' options).
    uniforms : FloatArray
        ``(n,)`` decision uniforms, for stochastic policies.
    moves, succeeded : IntArray, BoolArray
        ``(n, I)`` moves already resolved in this round (sequential order; else all -1).
    rollout : callable or None
        ``rollout(ctx, candidates, depth, samples, stop) -> (n, len(candidates))``
        mean discounted utility of each candidate (used by ``best_response``;
        ``stop``: the adaptive stop of :mod:`escalade.engine.stopping`).
    slot : int
        Which of the actor's moves of this round is being chosen (0 for the
        first; an actor with ``moves: k`` is asked k times).
    chosen : IntArray or None
        ``(n, slot)`` what the actor's earlier moves of this round picked
        (those options are no longer available; -1 where it held).
    """

    compiled: CompiledScenario
    state: State
    actor: int
    available: BoolArray
    uniforms: FloatArray
    moves: IntArray
    succeeded: BoolArray
    rollout: Rollout | None = field(default=None)
    slot: int = 0
    chosen: IntArray | None = None


class Policy(Protocol):
    """The policy protocol: ``decide`` returns an option index or -1 per trajectory."""

    deterministic: bool

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Choose per trajectory (see module docstring)."""
        ...


PolicyFactory = Callable[[PolicySpec, int, CompiledScenario], Policy]
ScalarDecision = Callable[..., int]
"""The reference interpreter's one-trajectory decision of a kind:
``scalar(interpreter, state, actor, uniform, spec, avail, rollouts, slot) -> option``."""


@dataclass(frozen=True)
class PolicyKind:
    """Everything escalade knows about one policy kind, kept in one registry.

    Attributes
    ----------
    factory : PolicyFactory
        Builds the vectorised policy from its spec.
    deterministic : bool
        Its choice is a function of the state: it never reads the decision uniforms.
    lookahead : bool
        It simulates or solves the future (rollouts, a game of its own), so it
        cannot decide inside a rollout or a game tree.
    scalar : ScalarDecision or None
        The reference interpreter's scalar version (set by
        :mod:`escalade.engine.reference`); ``None``: the vectorised policy with ``n = 1``.
    """

    factory: PolicyFactory
    deterministic: bool = False
    lookahead: bool = False
    scalar: ScalarDecision | None = None


_REGISTRY: dict[str, PolicyKind] = {}
_ON_DEMAND = {"equilibrium": "escalade.engine.equilibrium"}
"""Kinds whose module (which registers them) is imported when first needed."""


def register(
    kind: str,
    factory: PolicyFactory,
    *,
    deterministic: bool | None = None,
    lookahead: bool = False,
) -> None:
    """Register a policy factory for ``kind`` (replaces an earlier one).

    ``deterministic`` defaults to the factory's ``deterministic`` attribute (a
    policy class's), else False.
    """
    if deterministic is None:
        deterministic = bool(getattr(factory, "deterministic", False))
    old = _REGISTRY.get(kind)
    scalar = old.scalar if old is not None and old.factory is factory else None
    _REGISTRY[kind] = PolicyKind(factory, deterministic, lookahead, scalar)


def set_scalar(kind: str, scalar: ScalarDecision) -> None:
    """Attach the reference interpreter's scalar decision to a registered ``kind``."""
    _REGISTRY[kind] = replace(_REGISTRY[kind], scalar=scalar)


def registered() -> tuple[str, ...]:
    """The kinds with a factory."""
    return tuple(sorted(set(_REGISTRY) | set(_ON_DEMAND)))


def kind_info(kind: str) -> PolicyKind | None:
    """The registry record of ``kind`` (``None`` when nothing is registered for it)."""
    return _REGISTRY.get(kind)


def kinds() -> dict[str, PolicyKind]:
    """Every registered kind with its record (a copy; on-demand kinds once imported)."""
    return dict(_REGISTRY)


def make_policy(spec: PolicySpec, actor: int, compiled: CompiledScenario) -> Policy:
    """Build actor ``actor``'s policy from its spec."""
    if spec.kind not in _REGISTRY and spec.kind in _ON_DEMAND:
        importlib.import_module(_ON_DEMAND[spec.kind])
    info = _REGISTRY.get(spec.kind)
    factory = None if info is None else info.factory
    if factory is None:
        who = compiled.actors[actor].id
        raise UsageError(
            f"actor {who!r}, policy: expected a kind with an implementation "
            f"({', '.join(registered())}), found {spec.kind!r}; hint: 'equilibrium' needs the "
            "solver's policy, which is not installed in this engine"
        )
    return factory(spec, actor, compiled)


def _hold(n: int) -> IntArray:
    return np.full(n, -1, dtype=np.int64)


class HoldPolicy:
    """Always hold."""

    deterministic = True

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Hold everywhere."""
        return _hold(ctx.state.n)


def plan_rounds(spec: PolicySpec, compiled: CompiledScenario) -> list[tuple[int, int]]:
    """``(round, option index)`` of a plan's steps (dates mapped to their round)."""
    index = {o.id: o.index for o in compiled.options}
    out = []
    for step in spec.steps:
        if isinstance(step.at, int):
            t = step.at
        else:
            t = int(np.searchsorted(compiled.days, step.at.toordinal(), side="right")) - 1
        out.append((t, index[step.option]))
    return out


class PlanPolicy:
    """Options at given rounds or dates; a step's option if available, else hold."""

    deterministic = True

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:  # noqa: ARG002
        self.steps = plan_rounds(spec, compiled)

    def decide(self, ctx: DecisionContext) -> IntArray:
        """The first available option planned for this round."""
        choice = _hold(ctx.state.n)
        for t, option in self.steps:
            if t == ctx.state.round:
                pick = (choice < 0) & ctx.available[:, option]
                choice[pick] = option
        return choice


class RulesPolicy:
    """The first rule whose ``if`` holds and whose option is available; else ``otherwise``."""

    deterministic = True

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:
        index = {o.id: o.index for o in compiled.options}
        self.rules = [
            (ex.compile_expr(ex.parse(r.if_), compiled.env_for(actor)), index[r.then])
            for r in spec.rules
        ]
        self.otherwise = index[spec.otherwise] if spec.otherwise else -1

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Apply the rules in order."""
        choice = _hold(ctx.state.n)
        for condition, option in self.rules:
            pick = (choice < 0) & np.asarray(condition(ctx.state), dtype=bool)
            choice[pick & ctx.available[:, option]] = option
        if self.otherwise >= 0:
            pick = (choice < 0) & ctx.available[:, self.otherwise]
            choice[pick] = self.otherwise
        return choice


def opponent_slots(compiled: CompiledScenario, actors: list[int]) -> list[int]:
    """The decision slots of ``actors`` (each actor has one slot per move)."""
    wanted = set(actors)
    return [k for k, a in enumerate(compiled.slots) if a in wanted]


def reactive_tables(
    actor: int, compiled: CompiledScenario, arena_id: str | None
) -> list[tuple[int, list[int], list[int]]]:
    """Per arena the actor answers in: ``(arena, opposing actors, own options by rung desc)``."""
    side = compiled.actors[actor].side
    out = []
    for arena in compiled.arenas:
        if arena_id is not None and arena.id != arena_id:
            continue
        if side not in arena.parties:
            continue
        enemy = arena.parties[1] if side == arena.parties[0] else arena.parties[0]
        opponents = [a.index for a in compiled.actors if a.side == enemy]
        mine = [
            o
            for o in compiled.options
            if o.actor == actor and o.arena == arena.index and not o.deescalate
        ]
        mine = [o for o in mine if o.perceived[side] >= 0]
        ranked = sorted(mine, key=lambda o: (-o.perceived[side], o.index))
        out.append((arena.index, opponents, [o.index for o in ranked]))
    return out


class ReactivePolicy:
    """Answer the opposing side's last rung in an arena with ``offset`` more.

    The opposing side's last rung is the highest rung, as this actor's side
    perceives it, of the opposing side's moves in the arena in the previous
    round that moved the ladder (taken, not refused; succeeded, for options
    that escalate only on success). The actor takes its available option in that arena with
    the highest own rung at most that rung plus ``offset`` (ties: file order);
    with several arenas, the first arena (file order) with such an option.
    """

    deterministic = True

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:
        self.offset = PRESETS.get(spec.kind, spec.offset if spec.offset is not None else 0)
        side = compiled.actors[actor].side
        self.tables = [
            (arena, opponent_slots(compiled, opponents), ranked)
            for arena, opponents, ranked in reactive_tables(actor, compiled, spec.arena)
        ]
        self.arena_of = np.array([o.arena for o in compiled.options] + [-1], dtype=np.int64)
        self.on_attempt = np.array([o.on_attempt for o in compiled.options] + [False])
        self.seen = np.array([o.perceived[side] for o in compiled.options] + [-1], dtype=float)
        self.own = self.seen

    def last_rung(self, ctx: DecisionContext, arena: int, opponents: list[int]) -> FloatArray:
        """The opposing side's last rung in ``arena`` (-inf when it made no successful move).

        ``opponents`` are the decision slots of the opposing side's actors.
        """
        st = ctx.state
        return last_rung(
            st.prev_option,
            st.prev_success,
            opponents,
            arena,
            arena_of=self.arena_of,
            on_attempt=self.on_attempt,
            seen=self.seen,
        )

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Choose per the class docstring."""
        choice = _hold(ctx.state.n)
        for arena, opponents, ranked in self.tables:
            target = self.last_rung(ctx, arena, opponents) + self.offset
            for option in ranked:
                pick = (choice < 0) & ctx.available[:, option] & (self.own[option] <= target)
                choice[pick] = option
        return choice


class DeescalatePolicy:
    """Take an available ``deescalate`` option (file order), else hold: never above the rung."""

    deterministic = True

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:  # noqa: ARG002
        self.options = [o.index for o in compiled.options if o.actor == actor and o.deescalate]

    def decide(self, ctx: DecisionContext) -> IntArray:
        """The first available de-escalation option."""
        choice = _hold(ctx.state.n)
        for option in self.options:
            choice[(choice < 0) & ctx.available[:, option]] = option
        return choice


def logit_choice(
    values: FloatArray, allowed: BoolArray, rationality: float, u: FloatArray
) -> IntArray:
    """Column chosen per row by a logit over ``values`` ``(n, C)`` restricted to ``allowed``.

    Weights ``exp(λ (v - max v))``; the first column whose cumulative weight
    exceeds ``u × total`` (column 0 is always allowed).
    """
    scaled = np.where(allowed, rationality * values, -np.inf)
    top = scaled.max(axis=1, keepdims=True)
    weights = np.where(allowed, np.exp(scaled - top), 0.0)
    cumulative = np.cumsum(weights, axis=1)
    total = cumulative[:, -1]
    below = cumulative <= (u * total)[:, None]
    chosen: IntArray = np.asarray(below.sum(axis=1), dtype=np.int64)
    return chosen.clip(0, values.shape[1] - 1)


class QuantalPolicy:
    """Logit choice over hold and each available option's one-step expected utility.

    ``P(o) ∝ exp(λ · EU(o))`` with ``EU(hold) = 0`` and
    ``EU(o) = success × Σ per-round weights × (change o would make now) − cost``.
    """

    deterministic = False

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:
        self.actor = actor
        self.rationality = 1.0 if spec.rationality is None else float(spec.rationality)
        self.options = list(compiled.options_by_actor[actor])

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Sample with ``ctx.uniforms``."""
        n = ctx.state.n
        values = np.zeros((n, len(self.options) + 1))
        allowed = np.ones((n, len(self.options) + 1), dtype=bool)
        for k, option in enumerate(self.options, start=1):
            allowed[:, k] = ctx.available[:, option]
            if allowed[:, k].any():
                gain = option_gain(ctx.state, ctx.compiled, option, self.actor, pay=True)
                values[:, k] = np.where(allowed[:, k], gain, 0.0)
        column = logit_choice(values, allowed, self.rationality, ctx.uniforms)
        table = np.array([-1, *self.options], dtype=np.int64)
        return table[column]


class BestResponsePolicy:
    """The option (or hold) with the highest mean discounted utility over rollouts.

    For each available option and hold, ``samples`` rollouts of ``depth`` rounds:
    the actor takes it now and then follows its default policy; the others
    follow their declared or default policies (see the engine). Ties: hold
    first, then file order. With ``stop: separated`` (the default), a candidate
    stops being sampled once it is clearly worse than the leader
    (:mod:`escalade.engine.stopping`); ``stop: all`` plays every sample.
    """

    deterministic = True

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:
        self.actor = actor
        self.depth = spec.depth or 2
        self.samples = spec.samples or 8
        self.stop = spec.stop != "all"
        self.options = list(compiled.options_by_actor[actor])
        self._values: FloatArray | None = None

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Choose by rollouts (``ctx.rollout`` must be set).

        With several moves a round, the candidates are ranked once (at the
        actor's first move) and each later move takes the best one not yet
        taken, as long as it beats holding.
        """
        if ctx.rollout is None:
            raise UsageError("best_response: expected an engine that runs rollouts, found none")
        candidates = [-1, *self.options]
        if ctx.slot == 0 or self._values is None or self._values.shape[0] != ctx.state.n:
            self._values = ctx.rollout(ctx, candidates, self.depth, self.samples, self.stop)
        values = self._values
        allowed = np.ones_like(values, dtype=bool)
        for k, option in enumerate(self.options, start=1):
            allowed[:, k] = ctx.available[:, option]
        if ctx.slot > 0:
            allowed[:, 1:] &= values[:, 1:] > values[:, :1]
        column = np.argmax(np.where(allowed, values, -np.inf), axis=1)
        chosen: IntArray = np.array(candidates, dtype=np.int64)[column]
        return chosen


register("hold", lambda _spec, _actor, _compiled: HoldPolicy(), deterministic=True)
register("plan", PlanPolicy)
register("rules", RulesPolicy)
for _kind in ("reactive", *PRESETS):
    register(_kind, ReactivePolicy)
register("deescalate", DeescalatePolicy)
register("quantal", QuantalPolicy)
register("best_response", BestResponsePolicy, lookahead=True)
