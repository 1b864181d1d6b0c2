"""Observations checked against a compiled scenario, as facts the particle filter reads.

Every observation becomes a :class:`Fact`: its kind, the index of what it
speaks about, a window of rounds ``[first, last]`` and what was observed.
Dates map to rounds by the scenario's calendar (round ``t`` covers
``[day_t, day_{t+1})``). A ``date`` observation of an option, event or
threshold speaks about the round containing the date (window ``[t, t]``: in
the week of that date, for a weekly calendar); ``between`` about every round
the window touches (at least once in it, or never). Rungs and variables are
read on the state at the end of the round containing ``date``.

Located errors: ids the scenario lacks (with a did-you-mean hint), dates
outside its calendar, strategies or mindsets of ``prior`` it lacks, and
contradictions (a fact said to hold in a window and not to hold in a window
that contains it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from escalade.errors import Issue, ScenarioError, UsageError
from escalade.evidence.observed import LoadedTimeline, Observation
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.validate import did_you_mean

__all__ = [
    "Fact",
    "compile_observations",
    "fact_label",
    "scenario_issues",
    "threshold_names",
]

KIND_CODE = {"option": 0, "event": 1, "threshold": 2, "rung": 3, "variable": 4}


@dataclass(frozen=True, slots=True)
class Fact:
    """One observation in the engine's terms.

    ``kind`` is ``option``, ``event``, ``threshold``, ``rung`` or ``variable``;
    ``target`` the option, event, arena or variable index; ``level`` the branch
    index of an event (-1: any branch) or the rung of a threshold or rung
    observation; ``first``/``last`` the rounds of its window; ``holds`` whether
    the fact was observed to hold (taken, fired, crossed; always True for
    rungs); ``value``/``sd`` the measurement of a variable; ``known`` the
    ordinal of the date it becomes known (its window's end).
    """

    id: str
    kind: str
    target: int
    level: int
    first: int
    last: int
    holds: bool
    value: float = 0.0
    sd: float = 1.0
    known: int = 0
    label: str = ""

    @property
    def binary(self) -> bool:
        """Whether the fact is a yes/no fact (scored by Brier and log scores)."""
        return self.kind != "variable"


def fact_label(o: Observation) -> str:
    """The proposition an observation is about, e.g. ``more_sanctions taken on 2024-11-21``.

    Neutral: whether it held is the observation's ``taken``/``fired``/``crossed``.
    """
    if o.between is None:
        when = f"in the round of {o.date}"
    elif o.between[0] == o.between[1]:
        when = f"on {o.between[0]}"
    else:
        when = f"in {o.between[0]}..{o.between[1]}"
    if o.option is not None:
        return f"{o.option} taken {when}"
    if o.event is not None:
        what = f"{o.event}:{o.branch}" if o.branch else o.event
        return f"{what} fires {when}"
    if o.threshold is not None:
        return f"{o.threshold} crossed {when}"
    if o.variable is not None:
        return f"{o.variable} on {o.date} (observed {o.value:g} ± {o.sd:g})"
    return f"{o.arena} at rung {o.rung} on {o.date}"


def compile_observations(
    compiled: CompiledScenario, lt: LoadedTimeline, *, as_of: dt.date | None = None
) -> tuple[Fact, ...]:
    """Check ``lt`` against ``compiled`` and return its facts in file order.

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario the timeline speaks about.
    lt : LoadedTimeline
        A timeline read by :func:`escalade.evidence.observed.load_observed`.
    as_of : datetime.date, optional
        Must lie within the calendar and not after the file's ``as_of``.

    Raises
    ------
    UsageError
        When ``as_of`` is after the file's ``as_of``.
    ScenarioError
        With every problem located in the observed file.
    """
    t = lt.timeline
    if as_of is not None and as_of > t.as_of:
        raise UsageError(
            f"as_of: expected a date on or before the file's as_of ({t.as_of}), found {as_of}",
            parameter="as_of",
        )
    facts, issues = _checked(compiled, lt)
    if issues:
        raise ScenarioError(issues)
    return facts


def scenario_issues(compiled: CompiledScenario, lt: LoadedTimeline) -> list[Issue]:
    """The problems of ``lt`` against ``compiled`` (as :func:`compile_observations` raises).

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario the timeline speaks about.
    lt : LoadedTimeline
        A timeline (possibly of only the observations that passed the format checks).

    Returns
    -------
    list of Issue
        Located in the observed file; empty when the timeline fits the scenario.
    """
    return _checked(compiled, lt)[1]


def _checked(
    compiled: CompiledScenario, lt: LoadedTimeline
) -> tuple[tuple[Fact, ...], list[Issue]]:
    """The facts of ``lt`` and the problems found on the way."""
    t = lt.timeline
    issues: list[Issue] = []
    if t.scenario != compiled.scenario.spec.id:
        issues.append(
            lt.issue(
                ("scenario",),
                f"expected the id of the scenario replayed ({compiled.scenario.spec.id!r}), "
                f"found {t.scenario!r}",
                "replay the timeline against the scenario it was written for",
            )
        )
    facts: list[Fact] = []
    for i, o in enumerate(t.observations):
        fact = _fact(compiled, lt, i, o, issues)
        if fact is not None:
            facts.append(fact)
    issues += _prior_issues(compiled, lt)
    issues += _contradictions(lt, facts)
    return tuple(facts), issues


def _round(
    compiled: CompiledScenario, lt: LoadedTimeline, path: tuple[str | int, ...], day: dt.date
) -> tuple[int, Issue | None]:
    days = compiled.days
    r = int(np.searchsorted(days, day.toordinal(), side="right")) - 1
    if 0 <= r < len(days) - 1:
        return r, None
    start = dt.date.fromordinal(int(compiled.days[0]))
    end = dt.date.fromordinal(int(compiled.days[-1]) - 1)
    return -1, lt.issue(
        path,
        f"expected a date within the scenario's calendar ({start} to {end}), found {day}",
        "observations outside the horizon cannot be compared with the scenario",
    )


def _window(
    compiled: CompiledScenario, lt: LoadedTimeline, i: int, o: Observation, issues: list[Issue]
) -> tuple[int, int] | None:
    if o.between is not None:
        a, bad_a = _round(compiled, lt, ("observations", i, "between", 0), o.between[0])
        b, bad_b = _round(compiled, lt, ("observations", i, "between", 1), o.between[1])
        issues += [x for x in (bad_a, bad_b) if x is not None]
        return None if bad_a or bad_b else (a, b)
    assert o.date is not None
    r, bad = _round(compiled, lt, ("observations", i, "date"), o.date)
    if bad is not None:
        issues.append(bad)
        return None
    return (r, r)


def _lookup(
    lt: LoadedTimeline,
    path: tuple[str | int, ...],
    name: str,
    known: Sequence[str],
    what: str,
    *,
    hint: str | None = None,
) -> tuple[int, Issue | None]:
    if name in known:
        return list(known).index(name), None
    return -1, lt.issue(
        path,
        f"expected {what} of the scenario, found {name!r}",
        hint or did_you_mean(name, known),
    )


def _fact(
    compiled: CompiledScenario, lt: LoadedTimeline, i: int, o: Observation, issues: list[Issue]
) -> Fact | None:
    window = _window(compiled, lt, i, o, issues)
    (target, level, holds, value, sd), problem = _target(compiled, lt, ("observations", i), o)
    if problem is not None:
        issues.append(problem)
    if problem is not None or window is None:
        return None
    return Fact(
        id=o.id or f"obs{lt.entry(i) + 1}",
        kind=o.kind,
        target=target,
        level=level,
        first=window[0],
        last=window[1],
        holds=holds,
        value=value,
        sd=sd,
        known=o.end.toordinal(),
        label=fact_label(o),
    )


_Target = tuple[int, int, bool, float, float]
"""What an observation is about: target index, level, holds, value and sd."""


def _target(
    c: CompiledScenario, lt: LoadedTimeline, here: tuple[str | int, ...], o: Observation
) -> tuple[_Target, Issue | None]:
    """Resolve the ids an observation names (the option, event, threshold, variable or rung)."""
    level, holds, value, sd = -1, True, 0.0, 1.0
    problem: Issue | None = None
    if o.option is not None:
        ids = [x.id for x in c.options]
        target, problem = _lookup(lt, (*here, "option"), o.option, ids, "an option id")
        holds = bool(o.taken)
    elif o.event is not None:
        target, problem = _lookup(
            lt, (*here, "event"), o.event, [e.id for e in c.events], "an event id"
        )
        holds = o.fired is not False
        if problem is None and o.branch is not None:
            branches = [b.id for b in c.events[target].branches]
            level, problem = _lookup(lt, (*here, "branch"), o.branch, branches, "a branch id")
    elif o.threshold is not None:
        names = threshold_names(c)
        several = [k for k in names if k.endswith(f".{o.threshold}")]
        hint = f"write one of {', '.join(several)}" if len(several) > 1 else None
        index, problem = _lookup(
            lt, (*here, "threshold"), o.threshold, list(names), "a threshold", hint=hint
        )
        index = names[o.threshold] if problem is None else -1
        target, level = (
            (c.thresholds[index][0], c.thresholds[index][2]) if problem is None else (-1, -1)
        )
        holds = bool(o.crossed)
    elif o.variable is not None:
        ids = list(c.variable_ids)
        target, problem = _lookup(lt, (*here, "variable"), o.variable, ids, "a variable id")
        value, sd = float(o.value or 0.0), float(o.sd or 1.0)
    else:
        assert o.arena is not None and o.rung is not None
        ids = [a.id for a in c.arenas]
        target, problem = _lookup(lt, (*here, "arena"), o.arena, ids, "an arena id")
        if problem is None:
            level, problem = _rung(c, lt, (*here, "rung"), target, o.rung)
    return (target, level, holds, value, sd), problem


def threshold_names(c: CompiledScenario) -> dict[str, int]:
    """Every spelling of a threshold an observation may use, to its index in ``c.thresholds``.

    ``arena.threshold`` always (as in actor utilities, e.g. ``strait.brink``), and the
    bare threshold id where only one arena has a threshold of that id (the key).
    """
    names: dict[str, int] = {}
    index = 0
    for arena in c.arenas:
        for tid, _ in arena.thresholds:
            names[f"{arena.id}.{tid}"] = index
            names.setdefault(c.thresholds[index][1], index)
            index += 1
    return names


def _rung(
    c: CompiledScenario,
    lt: LoadedTimeline,
    path: tuple[str | int, ...],
    arena: int,
    rung: int | str,
) -> tuple[int, Issue | None]:
    a = c.arenas[arena]
    index = a.ladder.rung_index(rung)
    if index is not None and a.low <= index <= a.high:
        return index, None
    known = [r.id for r in a.ladder.rungs]
    ranged = f"rungs {a.low} to {a.high} or their ids"
    if isinstance(rung, int):  # a number off the ladder: its range, not a did-you-mean
        hint = ranged + (f" ({', '.join(known)})" if len(known) <= 8 else "")
    else:
        hint = did_you_mean(str(rung), known) or ranged
    return -1, lt.issue(path, f"expected a rung of arena {a.id!r}, found {rung!r}", hint)


def _prior_issues(c: CompiledScenario, lt: LoadedTimeline) -> list[Issue]:
    prior = lt.timeline.prior
    if prior is None:
        return []
    out = []
    for part, known in (
        ("strategies", [s.id for s in c.scenario.strategies]),
        ("mindsets", [m.id for m in c.scenario.mindsets]),
    ):
        weights: dict[str, float] = getattr(prior, part)
        for key in weights:
            if key not in known:
                out.append(
                    lt.issue(
                        ("prior", part, key),
                        f"expected a {part[:-1] if part == 'mindsets' else 'strategy'} id of the "
                        f"scenario, found {key!r}",
                        did_you_mean(key, known),
                    )
                )
        if weights and sum(weights.values()) <= 0:
            out.append(lt.issue(("prior", part), "expected weights with a positive sum, found 0"))
    return out


def _contradictions(lt: LoadedTimeline, facts: Sequence[Fact]) -> list[Issue]:
    """A fact said to hold in a window inside one where it is said not to hold."""
    out = []
    index = {f.id: k for k, f in enumerate(lt.timeline.observations) if f.id} | {
        f"obs{lt.entry(k) + 1}": k for k in range(len(lt.timeline.observations))
    }
    for f in facts:
        if f.kind not in ("option", "event", "threshold") or not f.holds:
            continue
        for g in facts:
            same = (g.kind, g.target, g.level) == (f.kind, f.target, f.level) or (
                f.kind == "event" and g.kind == "event" and g.target == f.target and g.level < 0
            )
            if same and not g.holds and g.first <= f.first and f.last <= g.last:
                out.append(
                    lt.issue(
                        ("observations", index.get(f.id, 0)),
                        f"expected consistent observations, found {f.label!r} observed to hold "
                        f"inside the window of observation {g.id!r}, where it is observed not to "
                        f"({g.label!r})",
                        "one of them is wrong; check the dates and the sources",
                    )
                )
    return out
