"""Sobol' warnings on the Ishigami function: off at an adequate N, on at an N too small.

At N = 2^13 base samples the bootstrap half-widths are below 0.05 (see test_ishigami.py,
closed form from Ishigami & Homma 1990), so no interval is wider than 0.1; at N = 2^5
they are far wider and the warning names the flag to raise.
"""

from __future__ import annotations

import pandas as pd
import pytest

from escalade.explore.designs import sample
from escalade.explore.examples import ishigami_model
from escalade.explore.experiments import run_experiments
from escalade.explore.sensitivity import sobol_indices, sobol_warnings


def _indices(n: int):
    model = ishigami_model()
    design = sample(model.uncertainties, design="sobol", n=n, seed=2024, sensitivity=True)
    result = run_experiments(model, design, seed=1)
    return sobol_indices(result, design, seed=5).indices


@pytest.mark.parametrize(("n", "warned"), [(2**13, False), (2**5, True)])
def test_warning_only_when_intervals_are_wide(n: int, warned: bool) -> None:
    warnings = sobol_warnings(_indices(n), n=n)
    assert bool(warnings) is warned
    if warned:
        assert "raise `n` (now" in warnings[0] and f"now {n}" in warnings[0]


def test_too_few_trajectories_names_what_to_raise() -> None:
    warnings = sobol_warnings(_indices(2**13), n=2**13, trajectories=32)
    assert len(warnings) == 1 and "trajectories per experiment" in warnings[0]
    assert "64" in warnings[0]
    assert sobol_warnings(_indices(2**13), n=2**13, trajectories=64) == []


def test_the_suggested_n_brings_the_widest_interval_under_the_limit() -> None:
    """Karabakh 2020: intervals 0.76 wide at n = 32 got "e.g. to 128 points", which halves them.

    The width falls as 1/√n, so 0.76 needs 32 × 7.6² ≈ 1,848, a power of two: 2,048.
    """
    indices = pd.DataFrame(
        {"parameter": ["a", "b"], "S1_conf": [0.38, 0.01], "ST_conf": [0.1, 0.01]}
    )
    (warning,) = sobol_warnings(indices, n=32)
    # n is the base sample (Falklands trial: "about 4,096 points" read as the design's size);
    # two parameters make a design of n x (2 x 2 + 2) points
    assert "so `n` 2,048 (a design of 12,288 points) brings them under 0.1" in warning
    assert "(`n` 128 would halve them)" in warning
    (small,) = sobol_warnings(indices.assign(S1_conf=[0.07, 0.01], ST_conf=[0.05, 0.01]), n=32)
    assert "`n` 64 (a design of 384 points)" in small and "halve" not in small
