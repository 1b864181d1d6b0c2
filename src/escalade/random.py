"""The only place escalade creates random number generators.

Reproducibility contract
------------------------
A run is identified by a root seed (a non-negative int). Everything random is
derived from ``numpy.random.SeedSequence(seed)`` by *spawn keys*, never by
the order in which work happens. Trajectories are grouped in fixed blocks of
:data:`BLOCK` trajectories; block ``b`` of stream ``purpose`` draws from
``SeedSequence(seed, spawn_key=(purpose, b, *extra))``. A chunk of any size
generates the blocks it overlaps and slices them, so the numbers a trajectory
sees are the same whatever the chunk size and whatever the executor
(in-process, process pool, Dask).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from escalade.errors import UsageError

__all__ = [
    "BLOCK",
    "Stream",
    "block_generator",
    "make_rng",
    "root_sequence",
    "spawn",
    "validate_seed",
]

BLOCK = 1024
"""Trajectories per random block (fixed: changing it changes every result)."""


class Stream(IntEnum):
    """Purposes of random streams; part of every spawn key."""

    UNCERTAINTY = 1
    ROUND = 2
    ROLLOUT = 3
    DESIGN = 4
    EXPERIMENT = 5
    BOOTSTRAP = 6
    POLICY = 7
    FILTER = 8


def validate_seed(seed: object) -> int:
    """Return ``seed`` as an int after checking it is a non-negative integer.

    Raises
    ------
    UsageError
        If ``seed`` is not an int in ``[0, 2**63)`` (``bool`` is refused).
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise UsageError(f"seed: expected a non-negative integer, found {seed!r}")
    value = int(seed)
    if not 0 <= value < 2**63:
        raise UsageError(f"seed: expected an integer in [0, 2**63), found {value}")
    return value


def root_sequence(seed: int) -> np.random.SeedSequence:
    """Return the root ``SeedSequence`` of a run."""
    return np.random.SeedSequence(validate_seed(seed))


def make_rng(seed: int, *key: int) -> np.random.Generator:
    """Return a ``Generator`` for ``seed`` and an optional spawn ``key``.

    The same ``(seed, key)`` always gives the same stream.
    """
    seq = np.random.SeedSequence(validate_seed(seed), spawn_key=tuple(int(k) for k in key))
    return np.random.Generator(np.random.PCG64(seq))


def block_generator(seed: int, stream: Stream, block: int, *extra: int) -> np.random.Generator:
    """Return the generator of block ``block`` of ``stream`` (see module docstring)."""
    return make_rng(seed, int(stream), block, *extra)


def spawn(seed: int, n: int) -> list[np.random.SeedSequence]:
    """Return ``n`` independent child sequences of ``seed`` (for replications)."""
    return root_sequence(seed).spawn(n)
