"""The mean interval of a value that is the same in every trajectory is a point."""

from __future__ import annotations

import numpy as np

from escalade.engine.summary import mean_interval


def block_sums(values: np.ndarray, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Sums and sums of squares added block by block, as the runner adds them."""
    total, squares = np.zeros(1), np.zeros(1)
    for start in range(0, len(values), block):
        part = values[start : start + block]
        total += part.sum()
        squares += (part * part).sum()
    return total, squares


def test_a_constant_value_has_sd_zero_and_a_point_interval() -> None:
    """A discounted final weight (5 x 0.98^9 x 0.5) in each of 2,000 trajectories."""
    for value in (5 * 0.98**9 * 0.5, 4.1689, -93.1, 1e6 / 3):
        total, squares = block_sums(np.full(2000, value))
        mean, sd, low, high = mean_interval(total, squares, 2000)
        assert sd[0] == 0.0
        assert low[0] == high[0] == mean[0]


def test_a_real_spread_is_kept() -> None:
    values = np.where(np.arange(2000) % 2 == 0, 4.0, 4.001)
    total, squares = block_sums(values)
    _, sd, low, high = mean_interval(total, squares, 2000)
    assert abs(sd[0] - 0.0005) < 1e-6
    assert high[0] - low[0] > 0
