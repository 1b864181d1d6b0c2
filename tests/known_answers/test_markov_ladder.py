"""A ladder moved only by accidents is a Markov chain: exact answers by matrix powers.

With no deliberate moves, the rung follows the chain of DESIGN.md §2 step 4:
from rung r it moves up with probability up(r), down with down(r), clipped at
both ends. The distribution after t rounds is ``p0 @ P**t``; the probability
that a threshold at rung k has been reached by round t is the absorbed mass
when every rung >= k is made absorbing (the standard first-passage
construction; e.g. Kemeny & Snell, *Finite Markov Chains*, 1960, ch. 3).
The engine must agree within 4 Monte Carlo standard errors.
"""

from __future__ import annotations

import numpy as np

from escalade.engine import simulate
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario

UP = "0.02 + 0.01 * rung('war')"  # rises with the rung
DOWN = 0.06
HORIZON = 20
N = 40_000

SCENARIO = f"""
schema_version: 2
id: markov-ladder
title: Accidents only
calendar: {{start: 2024-01-01, step: week, horizon: {HORIZON}}}
sides: [{{id: west}}, {{id: east}}]
actors: [{{id: a, name: A, side: west}}, {{id: b, name: B, side: east}}]
arenas: [{{id: war, ladder: compact, parties: [west, east], initial: 5}}]
accidents: {{war: {{up: "{UP}", down: {DOWN}}}}}
"""


def transition(low: int, high: int, up: np.ndarray, down: float) -> np.ndarray:
    size = high - low + 1
    p = np.zeros((size, size))
    for i in range(size):
        u = up[i]
        p[i, min(i + 1, size - 1)] += u
        p[i, max(i - 1, 0)] += down
        p[i, i] += 1 - u - down
    return p


def test_markov_chain_of_accidents() -> None:
    compiled = compile_scenario(loads_scenario(SCENARIO))
    arena = compiled.arenas[0]
    low, high = arena.low, arena.high
    rungs = np.arange(low, high + 1)
    p = transition(low, high, 0.02 + 0.01 * rungs, DOWN)
    start = np.zeros(len(rungs))
    start[arena.initial - low] = 1.0

    result = simulate(compiled, n=N, seed=99, chunk_size=8192)

    final = start @ np.linalg.matrix_power(p, HORIZON)
    observed = result.counts.rung_hist[0, HORIZON, : len(rungs)] / N
    se = np.sqrt(final * (1 - final) / N)
    assert np.all(np.abs(observed - final) <= 4 * se + 1e-12), (observed, final)

    by_round = result.thresholds_by_round()
    for _, key, k in compiled.thresholds:
        absorbing = p.copy()
        absorbing[k - low :, :] = 0.0
        absorbing[k - low :, k - low :] = np.eye(high - k + 1)
        for t in (1, 5, HORIZON):
            dist = start @ np.linalg.matrix_power(absorbing, t)
            exact = dist[k - low :].sum()
            row = by_round[(by_round["threshold"] == key) & (by_round["round"] == t)]
            estimate = float(row["probability"].iloc[0])
            se = np.sqrt(max(exact * (1 - exact), 1e-12) / N)
            assert abs(estimate - exact) <= 4 * se + 1e-9, (key, t, estimate, exact)
