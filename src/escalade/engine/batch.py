"""Many experiments at once: each row fixes the uncertainties, runs T trajectories, averages.

This is what exploration needs from the engine (``escalade.explore.scenario``):
for ``m`` rows of uncertainty values, simulate ``trajectories`` trajectories
of each and return, per row, the mean of every outcome, of each side's
utility and the probability of crossing each threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from escalade._types import FloatArray
from escalade.engine.chunk import run_state
from escalade.engine.state import initial_state
from escalade.engine.vectorised import RoundPlayer
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
    m = uncertainties.shape[0]
    total = m * trajectories
    per_trajectory = np.empty((total, len(row_columns(compiled))))
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        rows = uncertainties[np.arange(start, stop) // trajectories]
        player = RoundPlayer(compiled, specs, seed=seed, declared=declared)
        if common:
            player.streams = np.arange(start, stop, dtype=np.int64) % trajectories
        st = initial_state(compiled, rows)
        st.utility_parts = None  # sweeps report no decomposition
        played = run_state(player, st, (start, stop), keep=0)
        per_trajectory[start:stop] = _summarise(
            compiled, st.utility, rows, played.outcomes, played.max_path[-1]
        )
    means = per_trajectory.reshape(m, trajectories, -1).mean(axis=1)
    return {name: means[:, k] for k, name in enumerate(row_columns(compiled))}
