"""Sobol' warnings on the Ishigami function: off at an adequate N, on at an N too small.

At N = 2^13 base samples the bootstrap half-widths are below 0.05 (see test_ishigami.py,
closed form from Ishigami & Homma 1990), so no interval is wider than 0.1; at N = 2^5
they are far wider and the warning names the flag to raise.
"""

from __future__ import annotations

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
