"""Lint: what a valid scenario accepts silently but almost surely does not mean.

Each finding is a warning :class:`~escalade.errors.Issue` (``escalade validate``
prints them; ``--strict`` makes them errors), located like an error:

- a variable that effects write but no utility, condition, effect or outcome reads;
- an uncertainty that no expression reads (its draws change nothing);
- a threshold no option, event or accident can reach (thresholds of the
  scenario's own ladders, and of built-in ladders those a utility names);
- an option no policy of its actor can choose (default policy, strategies, mindsets);
- a reactive policy that can choose none of its actor's options (a ``graduated``
  answer in an arena where the actor has no escalation option): it always holds;
- an escalation option whose rung, in every party's view, is below the arena's
  initial rung (taking it moves no view up unless the arena first comes down);
- a de-escalation option that is free, always available and repeatable (chosen
  every round, it settles after each round's escalations and holds the arena down,
  so the end-of-round rungs never show the other side's steps);
- an actor of another side in an option's ``consent``;
- a dated event on or after the end of the last round (it never fires);
- a plan step dated on or after the end of the last round, or at a round
  beyond the horizon (it never fires).

Lint runs only on a scenario without errors, so every reference resolves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from escalade.errors import Issue
from escalade.scenario.checks import actor_policies, expression_sites
from escalade.scenario.ladders import Ladder
from escalade.scenario.model import step_date
from escalade.scenario.schema import EffectSpec, NumberSpec, OptionSpec, PolicySpec, ScenarioSpec
from escalade.scenario.yamlio import Path

if TYPE_CHECKING:
    from escalade.scenario.validate import Checker

__all__ = ["lint"]

REACTIVE = frozenset({"reactive", "tit_for_tat", "graduated", "dominance"})
"""Kinds that answer in their arenas with the actor's escalation options."""
NAMING = frozenset({"hold", "plan", "rules", "deescalate"})
"""Kinds that choose only the options they name (or de-escalations)."""


def lint(checker: Checker) -> list[Issue]:
    """Return the lint warnings of a scenario that has no errors."""
    out: list[Issue] = []
    for finding in (
        unread_variables,
        unread_uncertainties,
        unreachable_thresholds,
        unchosen_options,
        idle_policies,
        low_options,
        free_deescalations,
        foreign_consent,
        late_events,
        late_plan_steps,
    ):
        for path, message, hint in finding(checker):
            out.append(checker.loaded.issue(path, message, hint, severity="warning"))
    return out


Finding = Iterator[tuple[Path, str, str]]


def _effect_lists(spec: ScenarioSpec) -> Iterator[tuple[Path, list[EffectSpec]]]:
    for i, option in enumerate(spec.options):
        yield ("options", i, "effects"), option.effects
    for i, event in enumerate(spec.events):
        yield ("events", i, "effects"), event.effects
        for k, branch in enumerate(event.branches):
            yield ("events", i, "branches", k, "effects"), branch.effects


def unread_variables(checker: Checker) -> Finding:
    """Variables written by an effect and read by nothing."""
    spec = checker.spec
    written: dict[str, Path] = {}
    for path, effects in _effect_lists(spec):
        for j, effect in enumerate(effects):
            if effect.var is not None:
                written.setdefault(effect.var, (*path, j))
    read: set[str] = set()
    for site in expression_sites(spec):
        read |= {name for kind, name in checker.reads(site.text) if kind == "variable"}
    for actor in spec.actors:
        read |= set(actor.utility.per_round) | set(actor.utility.final)
    for i, var in enumerate(spec.variables):
        if var.id in written and var.id not in read:
            where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in written[var.id])
            yield (
                ("variables", i, "id"),
                f"variable {var.id!r} is written ({where.replace('.[', '[')}) but never read "
                "by a utility, condition, effect or outcome",
                "weight it in an actor's utility, read it in a condition or an outcome, "
                "or remove it",
            )


def unread_uncertainties(checker: Checker) -> Finding:
    """Uncertainties that no expression, effect, probability, policy or outcome reads."""
    read: set[str] = set()
    for site in expression_sites(checker.spec):
        read |= {name for kind, name in checker.reads(site.text) if kind == "uncertainty"}
    for i, unc in enumerate(checker.spec.uncertainties):
        if unc.id not in read:
            yield (
                ("uncertainties", i, "id"),
                f"uncertainty {unc.id!r} is read by nothing: no condition, number, effect, "
                f"rule or outcome refers to ${unc.id}, so its draws change no result",
                f"write ${unc.id} where it should matter, in a number, a condition or a rule, "
                "or remove it; policy parameters such as lambda are fixed numbers",
            )


def _constant(value: float | str | NumberSpec) -> float | None:
    """A number field's constant value (``None`` when it is an expression)."""
    if isinstance(value, NumberSpec):
        value = value.value
    if isinstance(value, str):
        return None
    return float(value)


def reach(checker: Checker, arena_id: str, ladder: Ladder) -> int:
    """The highest rung any side's view of ``arena_id`` can reach."""
    spec = checker.spec
    arena = checker.arenas[arena_id]

    def index(ref: int | str) -> int:
        found = ladder.rung_index(ref)
        return ladder.low if found is None else found

    top = index(arena.initial)
    for option in spec.options:
        if option.arena != arena_id or option.deescalate:
            continue
        refs = [option.rung, *option.perceived.values()]
        top = max([top, *(index(r) for r in refs if r is not None)])
    for event in spec.events:
        for effects in [event.effects, *(b.effects for b in event.branches)]:
            for effect in effects:
                if effect.rung != arena_id:
                    continue
                if effect.to is not None:
                    top = max(top, index(effect.to))
                elif effect.add is not None:
                    step = _constant(effect.add)
                    if step is None or step >= 0.5:  # rounds to a step up
                        return ladder.high
    accident = spec.accidents.get(arena_id)
    if accident is not None:
        up = _constant(accident.up)
        if up is None or up > 0:
            return ladder.high
    return top


def unreachable_thresholds(checker: Checker) -> Finding:
    """Thresholds above every rung the scenario can reach."""
    spec = checker.spec
    own = {ladder.id: i for i, ladder in enumerate(spec.ladders)}
    named: dict[str, list[Path]] = {}
    for i, actor in enumerate(spec.actors):
        for key in actor.utility.thresholds:
            named.setdefault(key, []).append(("actors", i, "utility", "thresholds", key))
    for arena in spec.arenas:
        ladder = checker.ladders[arena.ladder]
        top = reach(checker, arena.id, ladder)
        for threshold in ladder.thresholds:
            if threshold.rung <= top:
                continue
            paths = named.get(f"{arena.id}.{threshold.id}", []) + named.get(threshold.id, [])
            if ladder.id in own:
                k = [t.id for t in spec.ladders[own[ladder.id]].thresholds].index(threshold.id)
                paths = [("ladders", own[ladder.id], "thresholds", k), *paths]
            for path in paths[:1]:
                yield (
                    path,
                    f"threshold {threshold.id!r} of arena {arena.id!r} (rung {threshold.rung}) "
                    f"is out of reach: no option, event or accident takes the arena above "
                    f"rung {top}",
                    "add an option or event that reaches it or an accident with up > 0, "
                    "or lower the threshold",
                )


def can_choose(policy: PolicySpec, option: OptionSpec, side: str, parties: list[str]) -> bool:
    """Whether ``policy`` (of the option's actor, of ``side``) may ever choose ``option``."""
    kind = policy.kind
    if kind not in NAMING | REACTIVE:
        return True  # quantal, best_response, equilibrium and user kinds weigh every option
    if kind == "deescalate":
        return option.deescalate
    if kind in REACTIVE:
        in_arena = option.arena is not None and policy.arena in (None, option.arena)
        has_rung = option.rung is not None or side in option.perceived
        return in_arena and side in parties and has_rung and not option.deescalate
    named = {s.option for s in policy.steps} | {r.then for r in policy.rules}
    return option.id in named or option.id == policy.otherwise


def unchosen_options(checker: Checker) -> Finding:
    """Options that no policy of their actor can choose."""
    spec = checker.spec
    policies: dict[str, list[PolicySpec]] = {}
    for _path, actor_id, policy in actor_policies(spec):
        policies.setdefault(actor_id, []).append(policy)
    for i, option in enumerate(spec.options):
        side = checker.actors[option.actor].side
        parties = checker.arenas[option.arena].parties if option.arena is not None else []
        mine = policies.get(option.actor, [])
        if any(can_choose(p, option, side, parties) for p in mine):
            continue
        kinds = ", ".join(sorted({p.kind for p in mine}))
        yield (
            ("options", i, "id"),
            f"option {option.id!r} of actor {option.actor!r} is chosen by no policy "
            f"(its policies: {kinds})",
            "name it in a rules or plan policy, or give the actor a policy that weighs "
            "every option (quantal, best_response)",
        )


def idle_policies(checker: Checker) -> Finding:
    """Reactive policies that can choose none of their actor's options (they always hold).

    A ``deescalate`` policy without a de-escalation option holds too, but that is what
    a strategy of not escalating means: it is not flagged.
    """
    spec = checker.spec
    for path, actor_id, policy in actor_policies(spec):
        if policy.kind not in REACTIVE:
            continue
        side = checker.actors[actor_id].side
        mine = [o for o in spec.options if o.actor == actor_id]
        if any(
            can_choose(policy, o, side, checker.arenas[o.arena].parties if o.arena else [])
            for o in mine
        ):
            continue
        where = f" in arena {policy.arena!r}" if policy.arena else ""
        arenas = sorted({o.arena for o in mine if o.arena and not o.deescalate})
        hint = (
            f"give it an arena where {actor_id!r} has options ({', '.join(arenas)}), "
            if where and arenas
            else ""
        )
        yield (
            (*path, "arena") if where else (*path, "kind"),
            f"a {policy.kind!r} policy of actor {actor_id!r} can choose none of its options "
            f"(it has no escalation option with a rung{where}): it always holds",
            hint + "give the actor such an option, or write 'hold' if holding is meant",
        )


def low_options(checker: Checker) -> Finding:
    """Escalation options below their arena's initial rung in every party's view."""
    for i, option in enumerate(checker.spec.options):
        if option.arena is None or option.deescalate:
            continue
        arena = checker.arenas[option.arena]
        ladder = checker.ladders[arena.ladder]
        initial = ladder.rung_index(arena.initial)
        refs = [option.perceived.get(side, option.rung) for side in arena.parties]
        views = [ladder.rung_index(r) for r in refs if r is not None]
        if initial is None or not views or max(v for v in views if v is not None) >= initial:
            continue
        shown = sorted({v for v in views if v is not None})
        at = (
            f"rung {shown[0]} in every party's view"
            if len(shown) == 1
            else f"rungs {', '.join(map(str, shown[:-1]))} and {shown[-1]} in the parties' views"
        )
        yield (
            ("options", i, "perceived" if option.rung is None else "rung"),
            f"option {option.id!r} is at {at}, below the initial "
            f"rung {initial} of arena {arena.id!r}: taking it moves the ladder up only after "
            "the arena has come down below it",
            "raise its rung if taking it should escalate, mark it 'deescalate: true' if it is "
            "a step down, or start the arena lower",
        )


def free_deescalations(checker: Checker) -> Finding:
    """De-escalations at no cost, with no ``when``, ``once`` or ``cooldown``."""
    for i, option in enumerate(checker.spec.options):
        if option.arena is None or not option.deescalate or option.once or option.cooldown:
            continue
        if _constant(option.cost) != 0.0 or str(option.when).strip() != "true":
            continue
        yield (
            ("options", i, "deescalate"),
            f"option {option.id!r} de-escalates arena {option.arena!r} at no cost in every "
            "round: a de-escalation settles after the round's escalations, so chosen every "
            "round it holds the arena down whatever the other side does, and the rungs at the "
            "end of each round (charts, traces) never show the other side's steps",
            "give it a cost, a 'cooldown', 'once' or a 'when' if that is not meant; the "
            "peak outcomes (at: max) show the highest rung reached within rounds",
        )


def foreign_consent(checker: Checker) -> Finding:
    """Consent asked of an actor of another side.

    A third party, whose side is not a party of the option's arena (a mediator's
    ceasefire), asking the consent of the arena's parties is what consent is for
    there, and is not flagged.
    """
    for i, option in enumerate(checker.spec.options):
        side = checker.actors[option.actor].side
        arena = checker.arenas.get(option.arena) if option.arena else None
        parties = set(arena.parties) if arena is not None else set()
        for j, other in enumerate(option.consent):
            their = checker.actors[other].side
            if parties and side not in parties and their in parties:
                continue  # a mediator asks the parties
            if their != side:
                yield (
                    ("options", i, "consent", j),
                    f"option {option.id!r} of side {side!r} needs the consent of {other!r} "
                    f"of side {their!r}",
                    "consent is for allies; model an adversary's reaction as its own option "
                    "or a condition on its moves",
                )


def late_events(checker: Checker) -> Finding:
    """Dated events on or after the end of the last round."""
    cal = checker.spec.calendar
    end = step_date(cal.start, cal.step, cal.horizon)
    for i, event in enumerate(checker.spec.events):
        if event.at is not None and event.at >= end:
            yield (
                ("events", i, "at"),
                f"event {event.id!r} is dated {event.at}, on or after the end of the last "
                f"round ({end}): it never fires",
                "extend calendar.horizon or move the date",
            )


def late_plan_steps(checker: Checker) -> Finding:
    """Plan steps dated on or after the end of the last round, or at a round beyond it."""
    cal = checker.spec.calendar
    end = step_date(cal.start, cal.step, cal.horizon)
    for path, actor_id, policy in actor_policies(checker.spec):
        for j, step in enumerate(policy.steps):
            if isinstance(step.at, int):
                if step.at < cal.horizon:
                    continue
                when = f"is at round {step.at}, after the last round ({cal.horizon - 1})"
            elif step.at >= end:
                when = f"is dated {step.at}, on or after the end of the last round ({end})"
            else:
                continue
            yield (
                (*path, "steps", j, "at"),
                f"plan step {step.option!r} of actor {actor_id!r} {when}: it never fires",
                "extend calendar.horizon or move the step; round 0 is the start",
            )
