"""Many experiments at once: each row fixes the uncertainties, runs T trajectories, averages.

This is what exploration needs from the engine (``escalade.explore.scenario``):
for ``m`` rows of uncertainty values, simulate ``trajectories`` trajectories
of each and return, per row, the mean of every outcome, of each side's
utility and the probability of crossing each threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from escalade._types import FloatArray
from escalade.engine.chunk import Played, run_state
from escalade.engine.state import State, initial_state
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["BATCH", "row_columns", "side_column", "simulate_rows", "threshold_column"]

BATCH = 32_768
"""Trajectories per engine call inside :func:`simulate_rows` (bounds memory)."""


def side_column(side: str) -> str:
    """The sweep column of a side's (weighted) utility: ``utility_<side>``."""
    return f"utility_{side}"


def threshold_column(key: str) -> str:
    """The sweep column of the probability of crossing a threshold: ``p_<key>``."""
    return f"p_{key}"


def row_columns(compiled: CompiledScenario) -> list[str]:
    """Names of the columns :func:`simulate_rows` returns, in order."""
    outcomes = [o.id for o in compiled.outcomes]
    sides = [side_column(s) for s in compiled.sides]
    thresholds = [threshold_column(key) for _, key, _ in compiled.thresholds]
    return outcomes + sides + thresholds


def _summarise(
    compiled: CompiledScenario,
    st_utility: FloatArray,
    draws: FloatArray,
    outcomes: FloatArray,
    max_rungs: np.ndarray,
) -> FloatArray:
    sides = compiled.side_utilities(st_utility, draws)
    crossed = (
        np.stack([max_rungs[:, arena] >= rung for arena, _, rung in compiled.thresholds], axis=1)
        if compiled.thresholds
        else np.zeros((len(outcomes), 0))
    )
    return np.concatenate([outcomes, sides, crossed.astype(float)], axis=1)


@dataclass(frozen=True)
class _Batch:
    """Rows of a sweep played together: the cell, their uncertainties and random numbers."""

    compiled: CompiledScenario
    specs: Sequence[PolicySpec]
    seed: int
    declared: frozenset[int]
    rows: FloatArray
    span: tuple[int, int]
    streams: npt.NDArray[np.int64] | None

    def play(self, kernel: bool) -> tuple[State, Played]:
        """Play every round (in the kernel when ``kernel`` and it supports the cell)."""
        from escalade.engine.kernel.player import make_player  # noqa: PLC0415 - numba on use

        c = self.compiled
        player = make_player(c, self.specs, seed=self.seed, declared=self.declared, kernel=kernel)
        player.streams = self.streams
        st = initial_state(c, self.rows)
        st.utility_parts = None  # sweeps report no decomposition
        return st, run_state(player, st, self.span, keep=0)


def simulate_rows(
    compiled: CompiledScenario,
    specs: Sequence[PolicySpec],
    uncertainties: FloatArray,
    *,
    trajectories: int,
    seed: int,
    declared: frozenset[int] = frozenset(),
    common: bool = False,
) -> dict[str, FloatArray]:
    """Per row of ``uncertainties`` ``(m, U)``, means over ``trajectories`` runs.

    Trajectory ``k`` of row ``r`` is trajectory ``r * trajectories + k`` of a
    run with root ``seed``, so the numbers depend only on the seed and the row;
    with ``common``, it is trajectory ``k`` for every row (common random
    numbers: rows differ only through their uncertainties).
    """
    from escalade.engine.kernel.player import on_kernel  # noqa: PLC0415 - numba on use

    m = uncertainties.shape[0]
    total = m * trajectories
    per_trajectory = np.empty((total, len(row_columns(compiled))))
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        rows = uncertainties[np.arange(start, stop) // trajectories]
        streams = np.arange(start, stop, dtype=np.int64) % trajectories if common else None
        batch = _Batch(compiled, specs, seed, declared, rows, (start, stop), streams)
        st, played = on_kernel(batch.play)
        per_trajectory[start:stop] = _summarise(
            compiled, st.utility, rows, played.outcomes, played.max_path[-1]
        )
    means = per_trajectory.reshape(m, trajectories, -1).mean(axis=1)
    return {name: means[:, k] for k, name in enumerate(row_columns(compiled))}
