"""Semantic checks of options, events and accidents: what moves rungs and variables.

Called by :meth:`escalade.scenario.validate.Checker.run`. The checks: an option
names its actor, an arena and rungs on that arena's ladder (no rung without an
arena), consenting actors, and type-checked ``when``, cost, success and effects;
an event or a plan step is not dated before the start (nor a step at a
negative round), an event's probabilities are valid and its
constant branch probabilities sum to 1; effects name declared variables (rung
effects only in events and branches); an accident names an arena and its
constant ``up + down`` is at most 1.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from escalade.scenario import checks
from escalade.scenario import expr as ex
from escalade.scenario.kinds import PlanStep
from escalade.scenario.schema import EffectSpec, EventSpec
from escalade.scenario.yamlio import Path

if TYPE_CHECKING:
    from escalade.scenario.validate import Checker

__all__ = [
    "check_accidents",
    "check_effects",
    "check_events",
    "check_option_rungs",
    "check_options",
    "check_plan_steps",
]


def check_options(checker: Checker) -> None:
    """Options: actor, arena, rungs, consent, probabilities, effects, sources."""
    for i, option in enumerate(checker.spec.options):
        path: Path = ("options", i)
        checker.ref((*path, "actor"), "actor", option.actor, checker.actors)
        check_option_rungs(checker, path, option.arena, option.rung, option.perceived)
        for j, actor in enumerate(option.consent):
            checker.ref((*path, "consent", j), "actor", actor, checker.actors)
        checker.expression((*path, "when"), option.when, ex.Type.BOOL)
        checker.number((*path, "cost"), option.cost)
        checker.probability((*path, "success"), option.success)
        check_effects(checker, (*path, "effects"), option.effects, rungs=False)
        checker.check_source((*path, "source"), option.source)


def check_option_rungs(
    checker: Checker,
    path: Path,
    arena_id: str | None,
    rung: int | str | None,
    perceived: dict[str, int | str],
) -> None:
    """An option's rung (and perceived rungs) lie on its arena's ladder."""
    if arena_id is None:
        if rung is not None or perceived:
            checker.add(
                (*path, "rung"),
                "expected no rung for an option without an arena, found one",
                "add 'arena: <id>' or remove 'rung'",
            )
        return
    if not checker.ref((*path, "arena"), "arena", arena_id, checker.arenas):
        return
    arena = checker.arenas[arena_id]
    ladder = checker.ladders.get(arena.ladder)
    if ladder is None:
        return
    if rung is not None:
        checker.rung((*path, "rung"), ladder, rung)
    for side, ref in perceived.items():
        if not checker.ref((*path, "perceived", side), "side", side, checker.sides):
            continue
        if side not in arena.parties:
            # An arena keeps one view per party side: another side's view is never read.
            checker.add(
                (*path, "perceived", side),
                f"expected a party side of arena {arena_id!r} "
                f"({' or '.join(arena.parties)}), found {side!r}",
                f"only the parties have a view of the ladder; drop '{side}' from 'perceived', "
                f"or add it to the parties of arena {arena_id!r}",
            )
            continue
        checker.rung((*path, "perceived", side), ladder, ref)


def check_effects(
    checker: Checker, path: Path, effects: list[EffectSpec], *, rungs: bool = True
) -> None:
    """Effects name declared variables (or arenas, where ``rungs``) with numeric values."""
    variables = [v.id for v in checker.spec.variables]
    for j, effect in enumerate(effects):
        if effect.var is None:
            checks.check_rung_effect(checker, (*path, j), effect, allowed=rungs)
            continue
        checker.ref((*path, j, "var"), "variable", effect.var, variables)
        for op in ("add", "set", "mul"):
            value = getattr(effect, op)
            if value is not None:
                checker.number((*path, j, op), value)


def check_not_before_start(checker: Checker, path: Path, at: dt.date) -> None:
    """A date (of an event or a plan step) is not before the calendar's start."""
    start = checker.spec.calendar.start
    if at < start:
        checker.add(
            path,
            f"expected a date on or after the start {start}, found {at}",
            "move the date, or calendar.start earlier: a date before the start never fires",
        )


def check_plan_steps(checker: Checker, path: Path, steps: Sequence[PlanStep]) -> None:
    """A plan's steps are not dated before the start nor at a negative round."""
    for j, step in enumerate(steps):
        if isinstance(step.at, int):
            if step.at < 0:
                checker.add(
                    (*path, j, "at"),
                    f"expected a round 0 or later, found {step.at}",
                    "round 0 is the first round (the calendar's start)",
                )
        else:
            check_not_before_start(checker, (*path, j, "at"), step.at)


def check_events(checker: Checker) -> None:
    """Events: timing, probabilities, branches summing to 1, effects."""
    for i, event in enumerate(checker.spec.events):
        path: Path = ("events", i)
        if event.at is not None:
            check_not_before_start(checker, (*path, "at"), event.at)
        if event.prob is not None:
            checker.probability((*path, "prob"), event.prob)
        checker.expression((*path, "when"), event.when, ex.Type.BOOL)
        check_effects(checker, (*path, "effects"), event.effects)
        checker.check_source((*path, "source"), event.source)
        check_branches(checker, path, event)


def check_branches(checker: Checker, path: Path, event: EventSpec) -> None:
    """An event's branches: their effects, and probabilities that sum to 1."""
    values: list[float | None] = []
    for j, branch in enumerate(event.branches):
        values.append(checker.probability((*path, "branches", j, "prob"), branch.prob))
        check_effects(checker, (*path, "branches", j, "effects"), branch.effects)
    if not event.branches or any(v is None for v in values):
        return
    total = sum(v or 0.0 for v in values)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        listed = ", ".join(f"{b.id} {v:g}" for b, v in zip(event.branches, values, strict=True))
        checker.add(
            (*path, "branches"),
            f"expected branch probabilities summing to 1, found {total:g} ({listed})",
            f"raise them by {1 - total:g} in all, so that they add up to 1"
            if total < 1
            else f"lower them by {total - 1:g} in all, so that they add up to 1",
        )


def check_accidents(checker: Checker) -> None:
    """Accidents name arenas; constant probabilities are valid."""
    for arena, spec in checker.spec.accidents.items():
        path: Path = ("accidents", arena)
        checker.ref(path, "arena", arena, checker.arenas)
        up = checker.probability((*path, "up"), spec.up)
        down = checker.probability((*path, "down"), spec.down)
        if up is not None and down is not None and up + down > 1.0 + 1e-12:
            checker.add(path, f"expected up + down <= 1, found {up + down:g}")
        checks.check_accident(checker, path, arena, spec)
