"""Full traces of single trajectories: what happened, round by round, and why.

Both engines produce :class:`Trace` objects: the vectorised engine for a
retained sample, the reference interpreter for every trajectory it runs.
Deliberate moves and accidents are kept apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from escalade.scenario.compiled import CompiledScenario

__all__ = ["Move", "RoundTrace", "Trace", "render_trace"]


@dataclass(frozen=True, slots=True)
class Move:
    """A chosen option and what became of it: ``succeeded``, ``failed`` or ``refused``."""

    actor: str
    option: str
    result: str


@dataclass(frozen=True, slots=True)
class RoundTrace:
    """One round: events (``id`` or ``id:branch``), moves, accidents, the state after it.

    ``rungs`` are the arenas' common rungs, ``views`` each arena's rung as its
    two parties see it (``2a``, ``2a + 1``); an accident walked back shows as
    a step of the opposite sign in the next round's accidents. ``peaks`` are
    the highest common rungs of the round (after its events: every move and
    accident), above ``rungs`` where a de-escalation or an accident brought an
    arena down before the round ended.
    """

    round: int
    events: tuple[str, ...]
    moves: tuple[Move, ...]
    accidents: tuple[tuple[str, int], ...]
    rungs: tuple[int, ...]
    variables: tuple[float, ...]
    utility: tuple[float, ...]
    ended: bool
    views: tuple[int, ...] = ()
    peaks: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Trace:
    """One trajectory from start to end.

    ``utility`` is each actor's total (final weights included); ``outcomes`` the
    value of each outcome in file order.
    """

    index: int
    uncertainties: tuple[float, ...]
    initial_rungs: tuple[int, ...]
    initial_variables: tuple[float, ...]
    rounds: tuple[RoundTrace, ...]
    utility: tuple[float, ...]
    outcomes: tuple[float, ...]


def _fmt(values: tuple[float, ...], names: tuple[str, ...]) -> str:
    return ", ".join(f"{k}={v:.6g}" for k, v in zip(names, values, strict=True))


def _rung(compiled: CompiledScenario, a: int, common: int, views: tuple[int, ...]) -> str:
    """``ukraine=14``, or ``ukraine=14 (west 12, east 14)`` when the two sides' views differ."""
    arena = compiled.arenas[a]
    text = f"{arena.id}={common}"
    if len(views) > 2 * a + 1 and views[2 * a] != views[2 * a + 1]:
        sides = [compiled.sides[p] for p in arena.parties]
        text += f" ({sides[0]} {views[2 * a]}, {sides[1]} {views[2 * a + 1]})"
    return text


def render_trace(trace: Trace, compiled: CompiledScenario) -> str:
    """A readable, stable text form of a trace (used by golden tests and reports)."""
    arenas = tuple(a.id for a in compiled.arenas)
    actors = tuple(a.id for a in compiled.actors)
    unc = tuple(u.id for u in compiled.uncertainties)
    lines = [f"trajectory {trace.index}"]
    if unc:
        lines.append(f"  uncertainties: {_fmt(trace.uncertainties, unc)}")
    rungs = ", ".join(f"{a}={r}" for a, r in zip(arenas, trace.initial_rungs, strict=True))
    lines.append(f"  start: rungs {rungs}; {_fmt(trace.initial_variables, compiled.variable_ids)}")
    for r in trace.rounds:
        day = dt.date.fromordinal(int(compiled.days[r.round])).isoformat()
        lines.append(f"  round {r.round} ({day})")
        if r.events:
            lines.append(f"    events: {', '.join(r.events)}")
        for m in r.moves:
            lines.append(f"    {m.actor}: {m.option} ({m.result})")
        for arena, step in r.accidents:
            lines.append(f"    accident: {arena} {step:+d}")
        above = [f"{arenas[k]}={p}" for k, p in enumerate(r.peaks) if p > r.rungs[k]]
        if above:
            lines.append(f"    peak during the round: {', '.join(above)}")
        rungs = ", ".join(_rung(compiled, k, v, r.views) for k, v in enumerate(r.rungs))
        lines.append(f"    rungs {rungs}; {_fmt(r.variables, compiled.variable_ids)}")
        so_far = f"    utility so far {_fmt(r.utility, actors)}"
        lines.append(so_far + ("; ended" if r.ended else ""))
    with_final = " (with the final weights)" if any(a.final for a in compiled.actors) else ""
    lines.append(f"  total utility{with_final} {_fmt(trace.utility, actors)}")
    outs = tuple(o.id for o in compiled.outcomes)
    if outs:
        lines.append(f"  outcomes {_fmt(trace.outcomes, outs)}")
    return "\n".join(lines)
