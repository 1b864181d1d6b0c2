"""Semantic checks of the schema 2 fields, and who may read a private uncertainty.

Called by :class:`escalade.scenario.validate.Checker`. The checks: rung
effects name an arena, a party side of it and a rung on its ladder, and appear
only in events and branches; accident jumps fit the ladder and ``revert`` is a
probability; ``known_to`` names actors or sides; no side has an actor's id; a
side's ``weights`` name its own actors and are numbers >= 0 or expressions over uncertainties only.
Then the knowledge rule (``docs/scenario-format.md``, "Private knowledge"):
an uncertainty with ``known_to`` may be read, as ``$id``, only by the decision
inputs of the actors it lists (an actor is listed by its id or its side's id). An actor's decision
inputs are the ``if`` of its ``rules`` policies (default, strategies and
mindsets), the ``when``, ``success`` and ``cost`` of its options (the effects
too when one of its policies is ``quantal``, which weighs them), its utility
weights and its terminal utilities. Everything else (events, accidents,
outcomes, variable initial values, terminal conditions, option effects, side
weights) is nature and may read any uncertainty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from escalade.errors import ExpressionError
from escalade.scenario import expr as ex
from escalade.scenario.expr.ast import Builtin, Call, Variable, walk
from escalade.scenario.schema import (
    AccidentSpec,
    EffectSpec,
    NumberSpec,
    PolicySpec,
    ScenarioSpec,
)
from escalade.scenario.yamlio import Path

if TYPE_CHECKING:
    from escalade.scenario.validate import Checker

__all__ = [
    "Site",
    "actor_policies",
    "check_accident",
    "check_knowledge",
    "check_known_to",
    "check_mindset_sides",
    "check_rung_effect",
    "check_side_ids",
    "check_side_weights",
    "expression_sites",
    "number_text",
    "reads",
]

Number = float | str | NumberSpec


def check_rung_effect(checker: Checker, path: Path, effect: EffectSpec, *, allowed: bool) -> None:
    """A rung effect (``rung: ARENA``) at ``path``: only where ``allowed`` (events, branches)."""
    assert effect.rung is not None
    if not allowed:
        checker.add(
            (*path, "rung"),
            f"expected rung effects only in events and branches, found one on arena "
            f"{effect.rung!r} in an option",
            "use 'rung' on the option, and 'perceived' for a side's view",
        )
        return
    if not checker.ref((*path, "rung"), "arena", effect.rung, checker.arenas):
        return
    arena = checker.arenas[effect.rung]
    if effect.side is not None and effect.side not in arena.parties:
        checker.add(
            (*path, "side"),
            f"expected a party side of arena {arena.id!r} ({' or '.join(arena.parties)}), "
            f"found {effect.side!r}",
            "leave 'side' out to move every party's view",
        )
    ladder = checker.ladders.get(arena.ladder)
    if effect.to is not None and ladder is not None:
        checker.rung((*path, "to"), ladder, effect.to)
    if effect.add is not None:
        checker.number((*path, "add"), effect.add)


def check_accident(checker: Checker, path: Path, arena_id: str, spec: AccidentSpec) -> None:
    """``revert`` is a probability; jump sizes are distinct and fit the arena's ladder."""
    checker.probability((*path, "revert"), spec.revert)
    if spec.jump is None:
        return
    sizes = spec.jump.sizes
    for j, size in enumerate(sizes):
        if sizes.index(size) != j:
            checker.add((*path, "jump", "sizes", j), f"expected distinct sizes, found {size} again")
    arena = checker.arenas.get(arena_id)
    ladder = checker.ladders.get(arena.ladder) if arena is not None else None
    if ladder is None:
        return
    span = ladder.high - ladder.low
    for j, size in enumerate(sizes):
        if size > span:
            checker.add(
                (*path, "jump", "sizes", j),
                f"expected a jump of at most {span} rungs (the span of ladder {ladder.id!r}), "
                f"found {size}",
            )


_PURE_FUNCTIONS = frozenset(
    ("min", "max", "clip", "abs", "sqrt", "exp", "log", "sin", "cos", "floor", "ceil", "where")
)
"""The functions a side weight may call: those that read nothing of the state."""


def check_side_weights(checker: Checker) -> None:
    """A side weighs its own actors, by numbers >= 0 or expressions over uncertainties."""
    from escalade.scenario.validate import did_you_mean  # noqa: PLC0415 - validate imports this

    for i, side in enumerate(checker.spec.sides):
        own = [a.id for a in checker.spec.actors if a.side == side.id]
        for key, weight in side.weights.items():
            path: Path = ("sides", i, "weights", key)
            actor = checker.actors.get(key)
            if actor is None or actor.side != side.id:
                found = f"{key!r}" if actor is None else f"{key!r} of side {actor.side!r}"
                hint = did_you_mean(key, own) if actor is None else None
                checker.add(
                    path,
                    f"expected an actor of side {side.id!r}, found {found}",
                    hint or f"the actors of side {side.id!r}: {', '.join(own) or 'none'}",
                )
                continue
            value = checker.number(path, weight)
            if value is not None and value < 0:
                checker.add(
                    path,
                    f"expected a weight >= 0, found {value:g}",
                    "a weight says how much the side counts the actor's utility; 0 leaves it out",
                )
            text = number_text(weight)
            if text is not None and value is None:
                _weight_reads(checker, path, text)


def _weight_reads(checker: Checker, path: Path, text: str) -> None:
    """Record an error when a weight expression reads more than uncertainties and numbers."""
    try:
        tree = ex.parse(text)
    except ExpressionError:
        return  # reported by checker.number
    for node in walk(tree):
        what = None
        if isinstance(node, Variable):
            what = f"variable {node.name!r}"
        elif isinstance(node, Builtin):
            what = f"{node.name!r}"
        elif isinstance(node, Call) and node.func not in _PURE_FUNCTIONS:
            what = f"{node.func}()"
        if what is not None:
            checker.add(
                path,
                f"expected a weight that reads only uncertainties and numbers, found {what} "
                f"in {text!r}",
                "a weight is fixed for a whole trajectory: vary it with an uncertainty ($id)",
            )
            return


def check_known_to(checker: Checker, path: Path, known_to: list[str] | None) -> None:
    """Every ``known_to`` entry is an actor id or a side id."""
    names = [*checker.actors, *sorted(checker.sides - set(checker.actors))]
    for j, name in enumerate(known_to or []):
        checker.ref((*path, j), "actor or side", name, names)


def check_side_ids(checker: Checker) -> None:
    """A side's id is no actor's id: ``known_to``, side weights and ``--rank-by`` name either."""
    actors = list(checker.actors)
    for i, side in enumerate(checker.spec.sides):
        if side.id in checker.actors:
            checker.add(
                ("sides", i, "id"),
                f"expected a side id that is not an actor id, found {side.id!r}, the id of "
                f"actors[{actors.index(side.id)}] too",
                f"rename the side (e.g. '{side.id}_side') or the actor: known_to, side weights "
                "and --rank-by name an actor or a side by its id",
            )


@dataclass(frozen=True)
class Site:
    """An expression of the scenario: where, its text, and whose decision input it is."""

    path: Path
    text: str
    reader: str | None
    """The actor whose decision reads it, or ``None`` for nature."""
    what: str


def check_mindset_sides(checker: Checker) -> set[int]:
    """A mindset models a side whose strategies are not compared; the indices of those that do.

    A mindset of the strategies' side would set policies for the same actors as the
    strategies, and in every cell its policy replaces the strategy's: every strategy
    would play alike under it, silently.
    """
    spec = checker.spec
    compared = {s.side for s in spec.strategies}
    misplaced = set()
    for i, mindset in enumerate(spec.mindsets):
        if mindset.side in compared:
            misplaced.add(i)
            others = [s.id for s in spec.sides if s.id not in compared]
            checker.add(
                ("mindsets", i, "side"),
                f"expected a side other than {mindset.side!r}, the side whose strategies "
                f"are compared, found {mindset.side!r}",
                "a mindset models another side; in every cell its policies would replace "
                "the strategy's for the same actors, so the strategies would play alike: "
                + (f"give it the side {others[0]!r} and that side's actors, " if others else "")
                + "or make it a strategy",
            )
    return misplaced


def number_text(value: Number) -> str | None:
    """The expression text of a number field (``None`` for a literal)."""
    if isinstance(value, NumberSpec):
        value = value.value
    return value if isinstance(value, str) else None


def actor_policies(spec: ScenarioSpec) -> Iterator[tuple[Path, str, PolicySpec]]:
    """Every policy with its path and actor: defaults, strategies, mindsets."""
    for i, actor in enumerate(spec.actors):
        yield ("actors", i, "policy"), actor.id, actor.policy
    for section in ("strategies", "mindsets"):
        for i, bundle in enumerate(getattr(spec, section)):
            for actor_id, policy in bundle.policies.items():
                yield (section, i, "policies", actor_id), actor_id, policy


def _numbers(path: Path, values: dict[str, Number], reader: str | None, what: str) -> list[Site]:
    out = []
    for key, value in values.items():
        text = number_text(value)
        if text is not None:
            out.append(Site((*path, key), text, reader, what))
    return out


def _effects(path: Path, effects: list[EffectSpec], reader: str | None) -> Iterator[Site]:
    for j, effect in enumerate(effects):
        for op in ("add", "set", "mul"):
            value = getattr(effect, op)
            text = None if value is None else number_text(value)
            if text is not None:
                yield Site((*path, j, op), text, reader, "an effect")


def expression_sites(spec: ScenarioSpec) -> Iterator[Site]:
    """Every expression in ``spec`` (see module docstring for who reads which)."""
    path: Path
    for path, actor_id, policy in actor_policies(spec):
        for j, rule in enumerate(policy.rules):
            yield Site((*path, "rules", j, "if"), rule.if_, actor_id, "a rules condition")
    for i, actor in enumerate(spec.actors):
        base: Path = ("actors", i, "utility")
        for part in ("per_round", "final", "thresholds"):
            values = getattr(actor.utility, part)
            yield from _numbers((*base, part), values, actor.id, "a utility weight")
    yield from _option_sites(spec)
    for i, side in enumerate(spec.sides):
        yield from _numbers(("sides", i, "weights"), side.weights, None, "a side weight")
    for i, var in enumerate(spec.variables):
        text = number_text(var.initial)
        if text is not None:
            yield Site(("variables", i, "initial"), text, None, "an initial value")
    yield from _event_sites(spec)
    for arena, accident in spec.accidents.items():
        values = {"up": accident.up, "down": accident.down, "revert": accident.revert}
        yield from _numbers(("accidents", arena), values, None, "an accident probability")
    for i, outcome in enumerate(spec.outcomes):
        yield Site(("outcomes", i, "expr"), outcome.expr, None, "an outcome")
    yield from _terminal_sites(spec)


def _option_sites(spec: ScenarioSpec) -> Iterator[Site]:
    """The options' conditions, success and cost, and effects (read by quantal choosers too)."""
    quantal = {a for _p, a, policy in actor_policies(spec) if policy.kind == "quantal"}
    for i, option in enumerate(spec.options):
        path: Path = ("options", i)
        yield Site((*path, "when"), option.when, option.actor, "an option's 'when'")
        for field in ("success", "cost"):
            text = number_text(getattr(option, field))
            if text is not None:
                yield Site((*path, field), text, option.actor, f"an option's {field!r}")
        reader = option.actor if option.actor in quantal else None
        yield from _effects((*path, "effects"), option.effects, reader)


def _event_sites(spec: ScenarioSpec) -> Iterator[Site]:
    """The events' conditions, probabilities, effects and branches."""
    for i, event in enumerate(spec.events):
        path: Path = ("events", i)
        yield Site((*path, "when"), event.when, None, "an event's 'when'")
        text = None if event.prob is None else number_text(event.prob)
        if text is not None:
            yield Site((*path, "prob"), text, None, "an event probability")
        yield from _effects((*path, "effects"), event.effects, None)
        for k, branch in enumerate(event.branches):
            text = number_text(branch.prob)
            if text is not None:
                yield Site((*path, "branches", k, "prob"), text, None, "a branch probability")
            yield from _effects((*path, "branches", k, "effects"), branch.effects, None)


def _terminal_sites(spec: ScenarioSpec) -> Iterator[Site]:
    """The terminal conditions and their utilities."""
    for i, terminal in enumerate(spec.terminals()):
        where: Path = (
            ("terminal", i) if isinstance(spec.terminal[i], str) else ("terminal", i, "when")
        )
        yield Site(where, terminal.when, None, "a terminal condition")
        for actor_id, value in terminal.utility.items():
            text = number_text(value)
            if text is not None:
                yield Site(
                    ("terminal", i, "utility", actor_id), text, actor_id, "a terminal utility"
                )


def reads(text: str) -> frozenset[tuple[str, str]]:
    """The ``(kind, name)`` pairs an expression refers to (empty if it does not parse)."""
    try:
        return ex.names(ex.parse(text))
    except ExpressionError:
        return frozenset()


def check_knowledge(checker: Checker) -> None:
    """Only the actors an uncertainty is ``known_to`` may read it in their decisions."""
    spec = checker.spec
    names = set(checker.actors) | checker.sides
    private = {
        u.id: u.known_to
        for u in spec.uncertainties
        # An unknown id in known_to is reported where it is written, not again at each read.
        if u.known_to is not None and set(u.known_to) <= names
    }
    if not private:
        return
    for site in expression_sites(spec):
        actor = checker.actors.get(site.reader) if site.reader is not None else None
        if actor is None:
            continue
        for kind, name in sorted(checker.reads(site.text)):
            known = private.get(name) if kind == "uncertainty" else None
            if known is None or actor.id in known or actor.side in known:
                continue
            listed = ", ".join(known) if known else "no actor"
            checker.add(
                site.path,
                f"expected actor {actor.id!r} to read only what it knows, found uncertainty "
                f"${name} in {site.what} {site.text!r}; ${name} is known to {listed}",
                f"add {actor.id!r} or its side {actor.side!r} to the known_to of {name!r}, "
                "or read a variable the actor observes",
            )
