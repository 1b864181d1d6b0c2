"""V4 (b): the discrete war of attrition, simulated as a scenario, pays 0 on average.

REFERENCE.md V4 (Maynard Smith 1974; Bishop & Cannings 1978; discrete-turn
version derived there): each turn both sides stay or quit at once; if exactly
one quits the other gets V; both quit gives 0; both stay costs each c and play
continues. In the stationary symmetric equilibrium each quits with
probability c / (V + c) per turn and the expected net payoff is 0. With
V = 10, c = 1, a quit attempt each round that "succeeds" with probability
1/11 is exactly that mixed strategy.
"""

from __future__ import annotations

from escalade.engine import simulate
from escalade.scenario import loads_scenario

V, C = 10, 1
PI = C / (V + C)

SCENARIO = f"""
schema_version: 2
id: attrition
title: Discrete war of attrition
calendar: {{start: 2024-01-01, step: day, horizon: 90}}
sides: [{{id: west}}, {{id: east}}]
variables:
  - {{id: one, initial: 1, min: 1, max: 1}}
  - {{id: qa, initial: 0, min: 0, max: 1}}
  - {{id: qb, initial: 0, min: 0, max: 1}}
actors:
  - id: a
    name: A
    side: west
    utility: {{per_round: {{one: "{V} * qb * (1 - qa) - {C} * (1 - qa) * (1 - qb)"}}}}
    policy: {{kind: rules, rules: [{{if: "true", then: quit_a}}]}}
  - id: b
    name: B
    side: east
    utility: {{per_round: {{one: "{V} * qa * (1 - qb) - {C} * (1 - qa) * (1 - qb)"}}}}
    policy: {{kind: rules, rules: [{{if: "true", then: quit_b}}]}}
options:
  - {{id: quit_a, actor: a, success: {PI!r}, effects: [{{var: qa, set: 1}}]}}
  - {{id: quit_b, actor: b, success: {PI!r}, effects: [{{var: qb, set: 1}}]}}
# The contest ends when someone quits: the prize is paid once, nothing accrues afterwards.
terminal: [{{when: "qa + qb >= 1", absorbing: false}}]
outcomes:
  - {{id: duration, expr: "qa + qb >= 1", at: first}}
"""


def test_mean_payoff_is_zero() -> None:
    result = simulate(loads_scenario(SCENARIO), n=120_000, seed=74, chunk_size=30_000)
    utilities = result.utilities().set_index("actor")
    for actor in ("a", "b"):
        row = utilities.loc[actor]
        half = row["ci_high"] - row["mean"]
        assert abs(row["mean"]) <= 2 * half, (actor, row["mean"], half)  # 4 standard errors
        assert half < 0.05
    # Both stay with probability (V/(V+c))**2 per turn: expected duration 1 / (1 - that).
    expected = 1 / (1 - (1 - PI) ** 2)
    duration = result.outcomes().set_index("outcome").loc["duration"]
    assert abs(duration["mean"] - expected) <= 2 * (duration["ci_high"] - duration["mean"])
