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

import numpy as np

from escalade._types import FloatArray
from escalade.random import BLOCK, Stream, block_generator

__all__ = ["Layout", "ScalarStreams", "block_rows", "block_uniforms"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Row of each random slot in a round's ``(K, n)`` array of uniforms."""

    events: int
    actors: int
    arenas: int

    @property
    def k(self) -> int:
        """Number of slots per round."""
        return 2 * self.events + 2 * self.actors + self.arenas

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
