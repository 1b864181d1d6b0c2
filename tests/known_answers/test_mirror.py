"""Mirror test: in a symmetric scenario, swapping the two sides' labels swaps the outcomes.

A symmetric two-sided crisis (same options, utilities and policies on each
side, simultaneous moves) must treat both sides alike: relabelling west as
east and east as west gives, bit for bit, the same numbers under swapped
names, and each side's expected utility equals the other's within Monte
Carlo error.
"""

from __future__ import annotations

import numpy as np

from escalade.engine import simulate
from escalade.scenario import loads_scenario

SYMMETRIC = """
schema_version: 2
id: mirror
title: A symmetric crisis
calendar: {start: 2024-01-01, step: week, horizon: 8}
sides: [{id: west}, {id: east}]
arenas: [{id: front, ladder: compact, parties: [west, east], initial: 4}]
variables:
  - {id: gain_west, initial: 0, min: -20, max: 20}
  - {id: gain_east, initial: 0, min: -20, max: 20}
actors:
  - id: west_leader
    name: West
    side: west
    utility: {per_round: {gain_west: 1.0, gain_east: -0.5, rung.front: -0.2}}
    policy: {kind: quantal, lambda: 1.5}
  - id: east_leader
    name: East
    side: east
    utility: {per_round: {gain_east: 1.0, gain_west: -0.5, rung.front: -0.2}}
    policy: {kind: quantal, lambda: 1.5}
options:
  - {id: west_push, actor: west_leader, arena: front, rung: 6, success: 0.7, cost: 0.3,
     effects: [{var: gain_west, add: 1}]}
  - {id: west_talk, actor: west_leader, arena: front, rung: 3, deescalate: true,
     effects: [{var: gain_west, add: -0.2}]}
  - {id: east_push, actor: east_leader, arena: front, rung: 6, success: 0.7, cost: 0.3,
     effects: [{var: gain_east, add: 1}]}
  - {id: east_talk, actor: east_leader, arena: front, rung: 3, deescalate: true,
     effects: [{var: gain_east, add: -0.2}]}
accidents: {front: {up: 0.05, down: 0.05}}
outcomes:
  - {id: gain_west, expr: gain_west, at: end}
  - {id: gain_east, expr: gain_east, at: end}
"""


def swap(text: str) -> str:
    return text.replace("west", "@").replace("east", "west").replace("@", "east")


def test_swapping_labels_swaps_outcomes_exactly() -> None:
    a = simulate(loads_scenario(SYMMETRIC), n=3000, seed=12)
    b = simulate(loads_scenario(swap(SYMMETRIC)), n=3000, seed=12)
    out_a = a.outcomes().set_index("outcome")["mean"]
    out_b = b.outcomes().set_index("outcome")["mean"]
    assert out_a["gain_west"] == out_b["gain_east"]
    assert out_a["gain_east"] == out_b["gain_west"]
    util_a = a.utilities().set_index("actor")["mean"]
    util_b = b.utilities().set_index("actor")["mean"]
    assert util_a["west_leader"] == util_b["east_leader"]
    assert np.array_equal(a.counts.rung_hist, b.counts.rung_hist)


def test_both_sides_fare_alike() -> None:
    result = simulate(loads_scenario(SYMMETRIC), n=40_000, seed=3, chunk_size=40_960)
    sides = result.sides().set_index("side")
    diff = sides.loc["west", "mean"] - sides.loc["east", "mean"]
    se = np.hypot(sides.loc["west", "sd"], sides.loc["east", "sd"]) / np.sqrt(result.n)
    assert abs(diff) <= 4 * se, (diff, se)
    usage = result.options().set_index("option")["usage_rate"]
    assert abs(usage["west_push"] - usage["east_push"]) < 0.02
