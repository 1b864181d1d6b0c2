"""The particle filter of ``escalade replay`` against closed-form likelihoods.

* One random event with per-round probability ``p`` observed in ``H`` rounds
  (``k`` of them fired): the likelihood of the observed sequence is
  ``p^k (1-p)^(H-k)`` (Bernoulli trials; with the observation-error rate
  ``eps`` each round's probability is ``p' = p(1-eps) + (1-p) eps``). With
  ``p`` uniform on [0, 1] it is the Beta integral ``B(k+1, H-k+1)`` (Bayes
  1763; e.g. Gelman et al., *Bayesian Data Analysis*, 3rd ed., §2.1). Two
  mindsets that differ only in ``p``: the posterior is the Bayes ratio of
  their likelihoods.
* A ladder moved only by accidents is a Markov chain; the likelihood of an
  observed rung path seen with error rate ``eps`` is the forward recursion of
  a hidden Markov model (Rabiner 1989, eq. 19-21), which for ``eps = 0`` is the
  product of the exact transition probabilities.
* Results are bit-identical for a seed on every executor and task batching.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from escalade.analysis.replay import replay
from escalade.engine.executors import ProcessExecutor
from escalade.engine.particles import KEEP
from escalade.evidence.observed import loads_observed
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario

START = dt.date(2024, 1, 1)

COIN = """
schema_version: 2
id: coin
title: One random event
calendar: {start: 2024-01-01, step: week, horizon: 12}
sides: [{id: west}, {id: east}]
variables: [{id: p, initial: 0.3, min: 0, max: 1}]
actors:
  - {id: a, name: A, side: west}
  - {id: b, name: B, side: east}
options:
  - {id: harden, actor: b, once: true, effects: [{var: p, set: 0.7}]}
events:
  - {id: incident, prob: PROB, when: "round >= 1"}
mindsets:
  - {id: calm, side: east, policies: {b: {kind: hold}}}
  - {id: hard, side: east, policies: {b: {kind: plan, steps: [{at: 0, option: harden}]}}}
uncertainties:
  - {id: q, dist: uniform, low: 0, high: 1}
"""

FIRED = [1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1]  # rounds 1..11: k = 8 of H = 11


def week(t: int) -> dt.date:
    return START + dt.timedelta(weeks=t)


def observed(lines: list[str], eps: float, scenario: str = "coin") -> str:
    body = "\n".join(f"  - {line}" for line in lines)
    return (
        f"schema_version: 1\nscenario: {scenario}\nas_of: {week(12) - dt.timedelta(days=1)}\n"
        f"epsilon: {eps}\nobservations:\n{body}\n"
    )


def incidents() -> list[str]:
    return [
        f"{{between: [{week(t)}, {week(t)}], event: incident, fired: {str(bool(f)).lower()}}}"
        for t, f in enumerate(FIRED, start=1)
    ]


def coin(prob: str):
    return compile_scenario(loads_scenario(COIN.replace("PROB", prob)))


def test_bernoulli_likelihood_and_bayes_ratio_of_two_mindsets() -> None:
    eps = 0.05
    result = replay(coin("p"), loads_observed(observed(incidents(), eps)), particles=8192, seed=3)
    k, h = sum(FIRED), len(FIRED)
    exact = {}
    for cell, z, se in zip(result.cells, result.log_z, result.log_z_se, strict=True):
        p = 0.3 if cell[1] == "calm" else 0.7
        q = p * (1 - eps) + (1 - p) * eps
        exact[cell[1]] = k * math.log(q) + (h - k) * math.log(1 - q)
        assert abs(z - exact[cell[1]]) <= 3 * se + 1e-9, (cell, z, exact[cell[1]], se)
        assert 0 < se < 0.1
    ratio = 1 / (1 + math.exp(exact["calm"] - exact["hard"]))
    posterior = result.marginal(1)["hard"]
    se = math.hypot(*result.log_z_se) * ratio * (1 - ratio)
    assert abs(posterior - ratio) <= 3 * se + 1e-6, (posterior, ratio, se)
    assert posterior > 0.9  # 8 of 11 favour p = 0.7


def test_uniform_probability_gives_the_beta_integral() -> None:
    result = replay(coin("$q"), loads_observed(observed(incidents(), 0.0)), particles=16384, seed=5)
    k, h = sum(FIRED), len(FIRED)
    exact = math.lgamma(k + 1) + math.lgamma(h - k + 1) - math.lgamma(h + 2)
    for z, se in zip(result.log_z, result.log_z_se, strict=True):
        assert abs(z - exact) <= 3 * se + 1e-9, (z, exact, se)
    # The posterior of q is Beta(k+1, h-k+1): mean (k+1)/(h+2).
    q = result.uncertainties[0]
    assert abs(q["posterior"]["mean"] - (k + 1) / (h + 2)) < 0.03
    assert abs(q["prior"]["mean"] - 0.5) < 0.02


LADDER = """
schema_version: 2
id: markov-ladder
title: Accidents only
calendar: {start: 2024-01-01, step: week, horizon: 8}
sides: [{id: west}, {id: east}]
actors: [{id: a, name: A, side: west}, {id: b, name: B, side: east}]
arenas: [{id: war, ladder: compact, parties: [west, east], initial: 5}]
accidents: {war: {up: "0.1 + 0.02 * rung('war')", down: 0.15}}
"""


def forward(compiled, path: list[int], eps: float) -> float:
    """Log likelihood of the rung path seen with error rate eps (HMM forward recursion)."""
    arena = compiled.arenas[0]
    low, high = arena.low, arena.high
    size = high - low + 1
    p = np.zeros((size, size))
    for i in range(size):
        up = 0.1 + 0.02 * (low + i)
        p[i, min(i + 1, size - 1)] += up
        p[i, max(i - 1, 0)] += 0.15
        p[i, i] += 1 - up - 0.15
    alpha = np.zeros(size)
    alpha[arena.initial - low] = 1.0
    log_z = 0.0
    for rung in path:
        alpha = alpha @ p
        emit = np.full(size, eps)
        emit[rung - low] = 1 - eps
        alpha = alpha * emit
        log_z += math.log(alpha.sum())
        alpha = alpha / alpha.sum()
    return log_z


def test_rung_path_likelihood_of_an_accidents_only_ladder() -> None:
    compiled = compile_scenario(loads_scenario(LADDER))
    start = compiled.arenas[0].initial
    path = [start, start + 1, start + 1, start, start, start + 1, start + 2, start + 2]
    lines = [f"{{date: {week(t)}, arena: war, rung: {r}}}" for t, r in enumerate(path)]
    for eps, particles in ((0.0, 8192), (0.1, 8192)):
        text = observed(lines, eps, scenario="markov-ladder").replace(
            str(week(12) - dt.timedelta(days=1)), str(week(8) - dt.timedelta(days=1))
        )
        result = replay(compiled, loads_observed(text), particles=particles, seed=11)
        exact = forward(compiled, path, eps)
        z, se = float(result.log_z[0]), float(result.log_z_se[0])
        assert abs(z - exact) <= 3 * se + 1e-9, (eps, z, exact, se)
    # eps = 0: the product of the transition probabilities along the path.
    low = compiled.arenas[0].low
    product = 0.0
    prev = start
    for r in path:
        up = 0.1 + 0.02 * prev
        product += math.log(up if r > prev else 0.15 if r < prev else 1 - up - 0.15)
        prev = r
    assert math.isclose(forward(compiled, path, 0.0), product, rel_tol=1e-12), low


def test_bit_identical_across_batches_and_executors() -> None:
    compiled = coin("$q")
    lt = loads_observed(observed(incidents(), 0.02))
    base = replay(compiled, lt, particles=2048, seed=7, replicates=4)
    batched = replay(compiled, lt, particles=2048, seed=7, replicates=4, batch=3)
    with ProcessExecutor(workers=2) as pool:
        pooled = replay(compiled, lt, particles=2048, seed=7, replicates=4, executor=pool)
    for other in (batched, pooled):
        assert np.array_equal(base.log_z, other.log_z)
        assert np.array_equal(base.posterior_cells, other.posterior_cells)
        assert np.array_equal(base.prior_forecast, other.prior_forecast)
        assert base.to_dict() == other.to_dict()
    different = replay(compiled, lt, particles=2048, seed=8, replicates=4)
    assert not np.array_equal(base.log_z, different.log_z)


def test_large_replicates_return_a_bounded_sample() -> None:
    """Above KEEP particles a replicate returns an equal-weight resample: memory stays bounded."""
    lt = loads_observed(observed(incidents(), 0.0))
    result = replay(coin("$q"), lt, particles=2 * KEEP + 2048, seed=5, replicates=2)
    cells = len(result.cells)
    assert len(result.particle_weights) == cells * 2 * KEEP
    blocks = result.particle_weights.reshape(cells * 2, KEEP)
    assert np.all(blocks == blocks[:, :1])  # equal weights within a replicate
    assert math.isclose(blocks.sum(), 1.0)
    k, h = sum(FIRED), len(FIRED)
    q = result.uncertainties[0]
    assert abs(q["posterior"]["mean"] - (k + 1) / (h + 2)) < 0.03  # Beta(k+1, h-k+1)
    assert abs(q["prior"]["mean"] - 0.5) < 0.02
    exact = math.lgamma(k + 1) + math.lgamma(h - k + 1) - math.lgamma(h + 2)
    assert abs(result.log_z[0] - exact) < 0.3
