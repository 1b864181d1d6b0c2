"""Steps of a round that both engines' vectorised parts share: views, rung effects, checks.

``views[:, 2a + p]`` is arena ``a``'s rung as its party ``p`` sees it (see
:class:`~escalade.engine.state.State`); these helpers move them and keep the
common rungs in step.
"""

from __future__ import annotations

import numpy as np

from escalade._types import BoolArray, FloatArray
from escalade.engine.state import State, sync_rungs
from escalade.errors import SimulationError
from escalade.scenario.compiled import CompiledScenario, RungEffect

__all__ = [
    "checked_probability",
    "escalate",
    "geometric",
    "move_numbers",
    "move_rungs",
    "reader",
]


def move_numbers(slots: tuple[int, ...]) -> list[int]:
    """The move number (0, 1, …) of each decision slot within its actor's moves."""
    seen: dict[int, int] = {}
    out = []
    for actor in slots:
        out.append(seen.get(actor, 0))
        seen[actor] = out[-1] + 1
    return out


def reader(c: CompiledScenario, arena: int, actor: int) -> tuple[str, int]:
    """Where actor ``actor`` reads ``arena``'s rung: its side's view, or the common rung."""
    party = c.party(arena, actor)
    return ("views", 2 * arena + party) if party >= 0 else ("rungs", arena)


def geometric(discount: float, t: int, horizon: int) -> tuple[float, float]:
    """``(discount**t, Σ_{s=t+1}^{horizon-1} discount**s)``."""
    later = sum(discount**s for s in range(t + 1, horizon))
    return discount**t, later


def escalate(
    st: State,
    arena: int,
    views: tuple[int, int],
    moved: BoolArray,
    down: FloatArray | None,
) -> None:
    """Raise each view of ``arena`` to the option's rung where ``moved``.

    With ``down``, record the de-escalation target instead, to settle at the
    end of the round.
    """
    changed = False
    for p in (0, 1):
        target = views[p]
        if target < 0:
            continue
        col = 2 * arena + p
        if down is not None:
            down[:, col] = np.where(moved, np.minimum(down[:, col], target), down[:, col])
        else:
            st.views[:, col] = np.where(
                moved, np.maximum(st.views[:, col], target), st.views[:, col]
            )
            changed = True
    if changed:
        sync_rungs(st)


def move_rungs(
    st: State, c: CompiledScenario, effects: tuple[RungEffect, ...], mask: BoolArray, element: str
) -> None:
    """Rung effects of an event or branch where ``mask`` holds (``add`` rounded, then clipped)."""
    if not effects or not mask.any():
        return
    for e in effects:
        arena = c.arenas[e.arena]
        value = np.asarray(e.value(st), dtype=float)
        bad = mask & ~np.isfinite(value)
        if bad.any():
            raise SimulationError(
                f"{element}, rung effect on {arena.id!r}, round {st.round}: expected a finite "
                f"number, found {value[np.argmax(bad)]}"
            )
        cols = (2 * e.arena, 2 * e.arena + 1) if e.party < 0 else (2 * e.arena + e.party,)
        for col in cols:
            current = st.views[:, col]
            new = value if e.to else current + np.rint(value)
            st.views[:, col] = np.where(mask, np.clip(new, arena.low, arena.high), current)
    sync_rungs(st)


BRANCH_TOLERANCE = 1e-9
"""How far from 1 the branch probabilities of a firing event may sum (rounding)."""


def check_branch_total(total: FloatArray, where: BoolArray, element: str, t: int) -> None:
    """A :class:`SimulationError` unless the branch probabilities sum to 1 wherever ``where``.

    Validation checks constant probabilities; this catches expressions (the last
    branch would otherwise silently take whatever is left).
    """
    bad = where & ~(np.abs(np.asarray(total, dtype=float) - 1.0) <= BRANCH_TOLERANCE)
    if bad.any():
        raise SimulationError(
            f"{element} branches, round {t}: expected branch probabilities summing to 1, found "
            f"{total[np.argmax(bad)]:.6g}; hint: make the last branch 1 minus the others, e.g. "
            "prob: 1 - $first"
        )


def checked_probability(value: FloatArray, where: BoolArray, element: str, t: int) -> FloatArray:
    """``value`` if it is a probability wherever ``where`` holds, else a SimulationError."""
    value = np.asarray(value, dtype=float)
    bad = where & ~((value >= 0.0) & (value <= 1.0))
    if bad.any():
        raise SimulationError(
            f"{element}, round {t}: expected a probability in [0, 1], found "
            f"{value[np.argmax(bad)]}; hint: check the expression and the ranges of the "
            "uncertainties it reads"
        )
    return value
