"""The previous round's ladder moves: what ``last_move()`` and the reactive policies read.

A move of the previous round *moved the ladder* of an arena when its option is in
that arena, it was taken (a refused option is not recorded as a move) and, for an
option with ``escalates: success``, it succeeded. :func:`last_rung` is the highest
rung, as some reader sees it, of such moves of a group of decision slots; the
``reactive`` policies read it for the opposing side, and the expression
``last_move('arena', 'side')`` reads it through :meth:`MoveTable.last_move`.
The reference interpreter applies the same rule with scalars
(:meth:`escalade.engine.reference_policies.ScalarPolicies.last_rung`), with the
same :func:`seen_rung` and :func:`party_slots`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.scenario.compiled import CompiledOption, CompiledScenario

__all__ = ["COMMON", "MoveTable", "last_rung", "party_slots", "seen_rung"]

COMMON = 2
"""The reader index of ``last_move`` for a reader that is not a party: the higher of both views."""


def last_rung(
    prev_option: IntArray,
    prev_success: BoolArray,
    slots: list[int],
    arena: int,
    *,
    arena_of: IntArray,
    on_attempt: BoolArray,
    seen: FloatArray,
) -> FloatArray:
    """The highest ``seen`` rung of the moves of ``slots`` last round that moved ``arena``.

    Parameters
    ----------
    prev_option, prev_success : array
        ``(n, S)``: each decision slot's move of the previous round (``-1``: none
        or refused) and whether it succeeded.
    slots : list of int
        The decision slots whose moves count.
    arena : int
        The arena index.
    arena_of, on_attempt, seen : array
        Per option, with one more entry at the end for ``-1`` (no move): its
        arena (``-1`` for none), whether it moves the ladder when taken rather
        than on success, and the rung the reader sees (``-inf``: never counts).

    Returns
    -------
    array
        ``(n,)``; ``-inf`` where no such move was made.
    """
    if not slots:
        return np.full(prev_option.shape[0], -np.inf)
    # The rung a move counts for, by option and outcome (row 2o: failed, 2o + 1: succeeded):
    # a move in the arena counts when it succeeded, or when it failed but moves on attempt.
    here = arena_of == arena
    table = np.stack(
        [np.where(here & on_attempt, seen, -np.inf), np.where(here, seen, -np.inf)], axis=1
    )
    table[-1] = -np.inf  # no move: -1 picks the last row (-2 or -1 in the flat table)
    rows = prev_option[:, slots] * 2 + prev_success[:, slots]
    return np.asarray(table.ravel()[rows].max(axis=1), dtype=float)


def seen_rung(option: CompiledOption, reader: int) -> float:
    """The rung ``last_move`` counts for ``option`` as party ``reader`` (or :data:`COMMON`) sees.

    ``-inf`` for a de-escalation and for an option that does not move the
    reader's view (no rung); the common reader takes the higher of both views.
    """
    if option.deescalate or option.arena < 0:
        return -math.inf
    views = option.views if reader == COMMON else (option.views[reader],)
    counted = [float(v) for v in views if v >= 0]
    return max(counted, default=-math.inf)


def party_slots(compiled: CompiledScenario, arena: int, party: int) -> list[int]:
    """The decision slots of the actors of party ``party`` (0 or 1) of ``arena``."""
    side = compiled.arenas[arena].parties[party]
    return [k for k, i in enumerate(compiled.slots) if compiled.actors[i].side == side]


@dataclass(frozen=True, eq=False)
class MoveTable:
    """Per option and arena, what ``last_move('arena', 'side')`` needs (built once per run).

    Attributes
    ----------
    arena_of, on_attempt : array
        ``(O + 1,)`` per option (last entry: no move).
    seen : array
        ``(O + 1, 3)``: :func:`seen_rung` as party 0, party 1 and the common reader.
    slots : tuple
        Per arena, the decision slots of each party's actors.
    floor : array
        ``(A,)``: one below each arena's lowest rung (the value when nothing moved).
    """

    arena_of: IntArray
    on_attempt: BoolArray
    seen: FloatArray
    slots: tuple[tuple[list[int], list[int]], ...]
    floor: FloatArray

    @classmethod
    def of(cls, compiled: CompiledScenario) -> MoveTable:
        """The table of a compiled scenario."""
        options = compiled.options
        seen = [[seen_rung(o, r) for r in (0, 1, COMMON)] for o in options]
        return cls(
            arena_of=np.array([o.arena for o in options] + [-1], dtype=np.int64),
            on_attempt=np.array([o.on_attempt for o in options] + [False], dtype=bool),
            seen=np.array([*seen, [-np.inf] * 3], dtype=float).reshape(len(options) + 1, 3),
            slots=tuple(
                (party_slots(compiled, a.index, 0), party_slots(compiled, a.index, 1))
                for a in compiled.arenas
            ),
            floor=np.array([a.low - 1 for a in compiled.arenas], dtype=float),
        )

    def last_move(
        self, prev_option: IntArray, prev_success: BoolArray, arena: int, party: int, reader: int
    ) -> FloatArray:
        """``last_move``: party ``party``'s highest counted rung in ``arena`` as ``reader`` sees it.

        One below the arena's lowest rung where that party made no such move.
        """
        last = last_rung(
            prev_option,
            prev_success,
            self.slots[arena][party],
            arena,
            arena_of=self.arena_of,
            on_attempt=self.on_attempt,
            seen=self.seen[:, reader],
        )
        return np.asarray(np.maximum(last, self.floor[arena]), dtype=float)
