"""The random numbers of a simulation, laid out so every engine reads the same ones.

Trajectory ``i`` lives in block ``i // BLOCK`` at column ``i % BLOCK`` (see
:mod:`escalade.random`). In round ``t`` block ``b`` draws one array of shape
``(K, BLOCK)`` from ``block_generator(seed, Stream.ROUND, b, t)``; its rows are
a fixed layout of *slots* (:class:`Layout`): for each event a firing and a
branch uniform, for each actor a decision and a success uniform, for each arena
an accident uniform. Rollouts of ``best_response`` read the same layout from
``Stream.ROLLOUT`` keyed by ``(b, t, actor, sample, depth)``. Uncertainties read
``(BLOCK, U)`` from ``Stream.UNCERTAINTY``.

A chunk ``[start, stop)`` of any size generates the blocks it overlaps and
slices them, so what trajectory ``i`` sees never depends on the chunk size,
the executor, or the engine (vectorised or reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from escalade._types import FloatArray
from escalade.random import BLOCK, Stream, block_generator

if TYPE_CHECKING:
    from escalade.scenario.compiled import CompiledScenario

__all__ = [
    "BELIEF",
    "Layout",
    "ScalarStreams",
    "block_rows",
    "block_uniforms",
    "uniforms_at",
]

BELIEF = 100
"""Last element of the rollout key of fresh draws of unknown uncertainties (depths < 100)."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Row of each random slot in a round's ``(K, n)`` array of uniforms."""

    events: int
    actors: int
    arenas: int
    jumps: bool = False
    extra: int = 0

    @property
    def base(self) -> int:
        """Number of slots of the version 1 layout (events, actors, arenas)."""
        return 2 * self.events + 2 * self.actors + self.arenas

    @property
    def k(self) -> int:
        """Number of slots per round.

        Slots that scenario features add (accident jump sizes and reverts,
        further moves per round) come after the version 1 slots, so a scenario
        without those features reads exactly the numbers it read before.
        """
        return self.base + 2 * self.arenas * self.jumps + 2 * self.extra

    @classmethod
    def of(cls, compiled: CompiledScenario) -> Layout:
        """The layout of a compiled scenario."""
        c = compiled
        return cls(
            len(c.events), len(c.actors), len(c.arenas), c.has_jumps, len(c.slots) - len(c.actors)
        )

    def jump(self, arena: int) -> int:
        """Slot of arena ``arena``'s jump-size uniform (when the scenario has jumps)."""
        return self.base + 2 * arena

    def revert(self, arena: int) -> int:
        """Slot of arena ``arena``'s revert uniform (when the scenario has jumps)."""
        return self.base + 2 * arena + 1

    def slot_rows(self, slots: tuple[int, ...]) -> list[tuple[int, int]]:
        """``(decision, success)`` rows of each decision slot (actor of each slot given).

        An actor's first slot uses its version 1 rows; further slots use the
        extra rows, in slot order.
        """
        out, seen, extra = [], set(), self.base + 2 * self.arenas * self.jumps
        for actor in slots:
            if actor not in seen:
                seen.add(actor)
                out.append((self.decision(actor), self.success(actor)))
            else:
                out.append((extra, extra + 1))
                extra += 2
        return out

    def fire(self, event: int) -> int:
        """Slot of event ``event``'s firing uniform."""
        return 2 * event

    def branch(self, event: int) -> int:
        """Slot of event ``event``'s branch uniform."""
        return 2 * event + 1

    def decision(self, actor: int) -> int:
        """Slot of actor ``actor``'s decision uniform (stochastic policies)."""
        return 2 * self.events + 2 * actor

    def success(self, actor: int) -> int:
        """Slot of actor ``actor``'s success uniform."""
        return 2 * self.events + 2 * actor + 1

    def accident(self, arena: int) -> int:
        """Slot of arena ``arena``'s accident uniform."""
        return 2 * self.events + 2 * self.actors + arena


def block_uniforms(
    seed: int, stream: Stream, start: int, stop: int, rows: int, *key: int
) -> FloatArray:
    """Uniforms of shape ``(rows, stop - start)`` for trajectories ``start..stop-1``.

    Each block ``b`` draws ``(rows, BLOCK)`` from ``block_generator(seed, stream, b, *key)``.
    """
    if stop <= start:
        return np.empty((rows, 0))
    first, last = start // BLOCK, (stop - 1) // BLOCK
    parts = [
        block_generator(seed, stream, b, *key).random((rows, BLOCK)) for b in range(first, last + 1)
    ]
    whole = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
    offset = first * BLOCK
    return whole[:, start - offset : stop - offset]


def uniforms_at(
    seed: int, stream: Stream, index: npt.NDArray[np.int64], rows: int, *key: int
) -> FloatArray:
    """Uniforms of shape ``(rows, len(index))``: column ``j`` is trajectory ``index[j]``'s.

    The same numbers :func:`block_uniforms` gives each trajectory, for any
    order of trajectories, repeats allowed (common random numbers: several rows
    of a state can read one trajectory's numbers).
    """
    if len(index) == 0:
        return np.empty((rows, 0))
    blocks = np.unique(index // BLOCK)
    drawn = {
        int(b): block_generator(seed, stream, int(b), *key).random((rows, BLOCK)) for b in blocks
    }
    if len(blocks) == 1:
        return drawn[int(blocks[0])][:, index % BLOCK]
    out = np.empty((rows, len(index)))
    for b, whole in drawn.items():
        cols = index // BLOCK == b
        out[:, cols] = whole[:, index[cols] % BLOCK]
    return out


def block_rows(seed: int, stream: Stream, start: int, stop: int, columns: int) -> FloatArray:
    """Uniforms of shape ``(stop - start, columns)``; block ``b`` draws ``(BLOCK, columns)``."""
    if stop <= start:
        return np.empty((0, columns))
    first, last = start // BLOCK, (stop - 1) // BLOCK
    parts = [
        block_generator(seed, stream, b).random((BLOCK, columns)) for b in range(first, last + 1)
    ]
    whole = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)
    offset = first * BLOCK
    return whole[start - offset : stop - offset]


class ScalarStreams:
    """The same numbers, one trajectory at a time (for the reference interpreter).

    Arrays of the current block are cached, so reading trajectories in order
    generates each block once.
    """

    def __init__(self, seed: int, rows: int) -> None:
        self.seed = seed
        self.rows = rows
        self._cache: dict[tuple[int, ...], FloatArray] = {}
        self._block = -1

    def _array(self, key: tuple[int, ...], block: int) -> FloatArray:
        if block != self._block:
            self._cache.clear()
            self._block = block
        if key not in self._cache:
            stream, *rest = key
            self._cache[key] = block_generator(self.seed, Stream(stream), block, *rest).random(
                (self.rows, BLOCK)
            )
        return self._cache[key]

    def round(self, trajectory: int, t: int) -> FloatArray:
        """The ``(K,)`` uniforms of ``trajectory`` in round ``t``."""
        block, column = divmod(trajectory, BLOCK)
        return self._array((int(Stream.ROUND), t), block)[:, column]

    def rollout(self, trajectory: int, key: tuple[int, ...]) -> FloatArray:
        """The ``(K,)`` uniforms of ``trajectory`` for a rollout round ``(t, actor, s, d)``."""
        block, column = divmod(trajectory, BLOCK)
        return self._array((int(Stream.ROLLOUT), *key), block)[:, column]

    def beliefs(self, trajectory: int, key: tuple[int, ...], count: int) -> FloatArray:
        """The ``(count,)`` uniforms of a rollout's fresh draws of unknown uncertainties."""
        block, column = divmod(trajectory, BLOCK)
        full = (int(Stream.ROLLOUT), *key, -count)
        if block != self._block:
            self._cache.clear()
            self._block = block
        if full not in self._cache:
            self._cache[full] = block_generator(self.seed, Stream.ROLLOUT, block, *key).random(
                (count, BLOCK)
            )
        row: FloatArray = self._cache[full][:, column]
        return row

    def uncertainties(self, trajectory: int, count: int) -> FloatArray:
        """The ``(U,)`` uniforms of ``trajectory``'s uncertainty draws."""
        block, column = divmod(trajectory, BLOCK)
        key = (int(Stream.UNCERTAINTY), -1)
        if block != self._block:
            self._cache.clear()
            self._block = block
        if key not in self._cache:
            self._cache[key] = block_generator(self.seed, Stream.UNCERTAINTY, block).random(
                (BLOCK, count)
            )
        row: FloatArray = self._cache[key][column]
        return row
