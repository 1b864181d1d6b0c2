"""Utility decomposition: each actor's discounted utility split by term.

An actor's utility is a sum of *parts*: one per ``per_round`` weight, the
costs of its options, one per threshold utility, one per ``final`` weight.
The vectorised engine adds every part's discounted contribution to
``State.utility_parts`` (``(n, P)``) alongside ``State.utility``, so the
parts of an actor sum to its utility (to rounding). :func:`part_labels`
names the ``P`` columns; :func:`part_offsets` says where an actor's start.

Within one actor the parts are ordered ``per_round`` terms, ``costs``,
thresholds, ``final`` terms and, when a terminal condition carries a utility
for the actor, that utility. The frozen state's flow after an absorbing end
counts in the ``per_round`` terms it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.scenario.compiled import CompiledActor, CompiledScenario, UtilityTerm

__all__ = [
    "add_parts",
    "part_actors",
    "part_count",
    "part_labels",
    "part_offsets",
    "terminal_part",
]


def _terminal(compiled: CompiledScenario, actor: CompiledActor) -> bool:
    """Whether some terminal condition carries a utility for ``actor``."""
    return any(t.utility[actor.index] is not None for t in compiled.terminal)


def _width(compiled: CompiledScenario, actor: CompiledActor) -> int:
    return (
        len(actor.per_round)
        + 1
        + len(actor.thresholds)
        + len(actor.final)
        + _terminal(compiled, actor)
    )


def part_offsets(compiled: CompiledScenario) -> list[int]:
    """The first part column of each actor (and, last, the total count)."""
    offsets = [0]
    for actor in compiled.actors:
        offsets.append(offsets[-1] + _width(compiled, actor))
    return offsets


def terminal_part(compiled: CompiledScenario, actor: int) -> int:
    """The column of ``actor``'s terminal utility (its last part)."""
    return part_offsets(compiled)[actor + 1] - 1


def part_count(compiled: CompiledScenario) -> int:
    """The number of part columns ``P``."""
    return part_offsets(compiled)[-1]


def part_actors(compiled: CompiledScenario) -> IntArray:
    """The actor index of each part column, shape ``(P,)``."""
    offsets = part_offsets(compiled)
    return np.repeat(np.arange(len(compiled.actors)), np.diff(offsets)).astype(np.int64)


def _term_name(compiled: CompiledScenario, term: UtilityTerm) -> str:
    if term.kind == "var":
        return compiled.variable_ids[term.index]
    return f"rung of {compiled.arenas[term.index].id}"


def part_labels(compiled: CompiledScenario) -> list[dict[str, str]]:
    """One label per part column: ``actor``, ``side``, ``kind`` and ``term``.

    ``kind`` is ``per_round``, ``costs``, ``threshold``, ``final`` or ``terminal``; ``term``
    names the variable, the arena's rung (``rung of ARENA``), the threshold
    (``ARENA.ID``) or ``option costs``; a ``final`` term's name ends in ``(final)``
    (a variable weighted per round and again at the end is two terms, two names).
    """
    labels = []
    for actor in compiled.actors:
        base = {"actor": actor.id, "side": compiled.sides[actor.side]}
        for term in actor.per_round:
            labels.append({**base, "kind": "per_round", "term": _term_name(compiled, term)})
        labels.append({**base, "kind": "costs", "term": "option costs"})
        for th in actor.thresholds:
            labels.append({**base, "kind": "threshold", "term": th.id})
        for term in actor.final:
            name = f"{_term_name(compiled, term)} (final)"
            labels.append({**base, "kind": "final", "term": name})
        if _terminal(compiled, actor):
            labels.append({**base, "kind": "terminal", "term": "terminal state"})
    return labels


def add_parts(
    parts: FloatArray | None,
    first: int,
    contributions: Sequence[FloatArray | float],
    weight: FloatArray | float,
    alive: BoolArray | None = None,
) -> None:
    """Add ``weight * contribution`` to ``parts[:, first + k]`` (rows in ``alive`` only).

    ``parts`` None (a state without a decomposition) is a no-op.
    """
    if parts is None:
        return
    scale = np.asarray(weight, dtype=float)
    if alive is not None:
        scale = np.where(alive, scale, 0.0)
    for k, contribution in enumerate(contributions):
        parts[:, first + k] += scale * contribution
