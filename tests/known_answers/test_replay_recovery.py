"""The replay filter learns what generated a record: mindset recovery and calibration.

* Mindset recovery: records simulated by the engine under each of two
  mindsets that are easy to tell apart put at least 90% posterior on the true
  one in at least 90% of replications (with these settings the Bayes factor of
  a 12-round record exceeds 9 with probability about 0.98, from the binomial
  distribution of the number of incidents).
* Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman
  2018, "Validating Bayesian inference algorithms with simulation-based
  calibration", arXiv:1804.06788): draw the parameters from the prior,
  simulate a record, run the filter, rank the true value among L posterior
  draws; if the posterior is right the rank is uniform on 0..L (chi-square
  test, p > 0.01), here for two uncertainties over 200 replications.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from escalade.analysis.replay import replay
from escalade.engine import simulate
from escalade.evidence.observed import loads_observed
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario

START = dt.date(2024, 1, 1)
EPS = 0.02

RECOVER = """
schema_version: 2
id: recover
title: Two mindsets that differ in how often incidents happen
calendar: {start: 2024-01-01, step: week, horizon: 13}
sides: [{id: west}, {id: east}]
variables: [{id: p, initial: 0.2, min: 0, max: 1}]
actors:
  - {id: a, name: A, side: west}
  - {id: b, name: B, side: east}
options:
  - {id: harden, actor: b, once: true, effects: [{var: p, set: 0.8}]}
events:
  - {id: incident, prob: p, when: "round >= 1"}
mindsets:
  - {id: calm, side: east, policies: {b: {kind: hold}}}
  - {id: hard, side: east, policies: {b: {kind: plan, steps: [{at: 0, option: harden}]}}}
"""

SBC = """
schema_version: 2
id: sbc
title: An incident rate and a drift
calendar: {start: 2024-01-01, step: week, horizon: 8}
sides: [{id: west}, {id: east}]
actors: [{id: a, name: A, side: west}]
variables: [{id: x, initial: 0, min: -1000, max: 1000}]
uncertainties:
  - {id: rate, dist: uniform, low: 0.1, high: 0.9}
  - {id: drift, dist: normal, mean: 0, sd: 1}
events:
  - {id: incident, prob: $rate}
  - {id: tick, prob: 1, effects: [{var: x, add: $drift}]}
"""


def week(t: int) -> dt.date:
    return START + dt.timedelta(weeks=t)


def timeline(scenario: str, horizon: int, lines: list[str]) -> str:
    body = "\n".join(f"  - {line}" for line in lines)
    return (
        f"schema_version: 1\nscenario: {scenario}\nas_of: {week(horizon)}\nepsilon: {EPS}\n"
        f"observations:\n{body}\n"
    )


def incidents(trace, rounds, rng: np.random.Generator) -> list[str]:
    """The incident of each round as observed: what happened, misreported with rate EPS."""
    out = []
    for t in rounds:
        fired = "incident" in trace.rounds[t].events
        if rng.random() < EPS:
            fired = not fired
        out.append(
            f"{{between: [{week(t)}, {week(t)}], event: incident, fired: {str(fired).lower()}}}"
        )
    return out


def recovered(replications: int) -> float:
    compiled = compile_scenario(loads_scenario(RECOVER))
    rng = np.random.default_rng(2018)
    hits = 0
    for r in range(replications):
        truth = ("calm", "hard")[r % 2]
        record = simulate(compiled, mindset=truth, n=1, seed=1000 + r, keep_traces=1).traces[0]
        lt = loads_observed(timeline("recover", 13, incidents(record, range(1, 13), rng)))
        result = replay(compiled, lt, particles=512, replicates=4, seed=r)
        hits += result.marginal(1)[truth] >= 0.9
    return hits / replications


def test_mindset_recovery() -> None:
    assert recovered(20) >= 0.9


@pytest.mark.slow
def test_mindset_recovery_100() -> None:
    assert recovered(100) >= 0.9


@pytest.mark.slow
def test_simulation_based_calibration() -> None:
    compiled = compile_scenario(loads_scenario(SBC))
    rng = np.random.default_rng(1804)
    draws, replications = 19, 200
    ranks = np.zeros((replications, 2), dtype=int)
    for r in range(replications):
        truth = np.array([rng.uniform(0.1, 0.9), rng.normal(0.0, 1.0)])
        record = simulate(compiled, n=1, seed=5000 + r, uncertainties=truth, keep_traces=1).traces[
            0
        ]
        lines = incidents(record, range(8), rng)
        for t in (1, 3, 5, 7):
            value = record.rounds[t].variables[0] + rng.normal(0.0, 2.0)
            lines.append(f"{{date: {week(t)}, variable: x, value: {value:.6f}, sd: 2}}")
        result = replay(compiled, loads_observed(timeline("sbc", 8, lines)), particles=2048, seed=r)
        sample = result.posterior_draws(draws, rng)
        for k in range(2):
            below = int((sample[:, k] < truth[k]).sum())
            ties = int((sample[:, k] == truth[k]).sum())
            ranks[r, k] = below + int(rng.integers(0, ties + 1))
    for k in range(2):
        counts = np.bincount(ranks[:, k] // 4, minlength=5)  # 20 ranks in 5 bins
        p = stats.chisquare(counts).pvalue
        assert p > 0.01, (k, counts, p)
