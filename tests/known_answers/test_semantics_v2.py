# ruff: noqa: E501  (scenario texts keep one element per line)
"""Known answers for the version 2 round semantics (docs/engine.md, "One round").

Each scenario is small enough that its answer follows by hand or by an exact Markov chain; both
engines (vectorised and reference interpreter) must give it.
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.engine import simulate
from escalade.engine.reference import ReferenceInterpreter
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario

HEAD = """
schema_version: 2
id: {id}
title: known answer
calendar: {{start: 2024-01-01, step: week, horizon: {horizon}}}
{order}
sides: [{{id: west}}, {{id: east}}]
"""


def scenario(body: str, *, id: str = "ka", horizon: int = 3, order: str = "") -> CompiledScenario:
    text = HEAD.format(id=id, horizon=horizon, order=order) + body
    return compile_scenario(loads_scenario(text, file=f"{id}.yaml"))


def reference_runs(compiled: CompiledScenario, n: int, seed: int = 1) -> list:
    ref = ReferenceInterpreter(compiled, compiled.policies(), seed=seed)
    return [ref.run(i) for i in range(n)]


# -- peaks: escalations resolve before de-escalations -------------------------------------

PEAK = """
actors:
  - {{id: {first}, name: A, side: {first_side}, policy: {{kind: plan, steps: [{{at: 0, option: {first_option}}}]}}}}
  - {{id: {second}, name: B, side: {second_side}, policy: {{kind: plan, steps: [{{at: 0, option: {second_option}}}]}}}}
ladders:
  - id: defcon
    name: ladder
    rungs: [{ids}]
    thresholds: [{{id: alert, name: alert, at: 10}}]
arenas:
  - {{id: cuba, ladder: defcon, parties: [west, east], initial: 5}}
options:
  - {{id: defcon2, actor: usa, arena: cuba, rung: 11}}
  - {{id: turn_back, actor: sov, arena: cuba, rung: 6, deescalate: true}}
outcomes:
  - {{id: peak, expr: "rung('cuba')", at: max}}
  - {{id: last, expr: "rung('cuba')", at: end}}
"""


@pytest.mark.parametrize("order", ["", "order: sequential"], ids=["simultaneous", "sequential"])
@pytest.mark.parametrize("usa_first", [True, False], ids=["usa-first", "sov-first"])
def test_peak_is_seen_whatever_the_order(order: str, usa_first: bool) -> None:
    """US DEFCON 2 (rung 11) and Soviet ships turning back (down to 6) in one round: the round
    ends at 6, but the peak 11 is seen by `at: max` and crosses the threshold at 10."""
    usa = ("usa", "west", "defcon2")
    sov = ("sov", "east", "turn_back")
    a, b = (usa, sov) if usa_first else (sov, usa)
    body = PEAK.format(
        first=a[0],
        first_side=a[1],
        first_option=a[2],
        second=b[0],
        second_side=b[1],
        second_option=b[2],
        ids=", ".join(f"{{id: r{k}, name: r{k}}}" for k in range(13)),
    )
    compiled = scenario(body, horizon=1, order=order)
    tables = simulate(compiled, n=64, seed=3).tables()
    outcomes = tables["outcomes"].set_index("outcome")["mean"]
    assert outcomes["peak"] == 11
    assert outcomes["last"] == 6
    assert tables["thresholds"].set_index("threshold").loc["alert", "probability"] == 1.0
    for trace in reference_runs(compiled, 4):
        assert trace.outcomes == (11.0, 6.0)


# -- escalation on attempt ----------------------------------------------------------------

ATTEMPT = """
actors:
  - {{id: ind, name: India, side: west, policy: {{kind: plan, steps: [{{at: 0, option: strike}}]}}}}
  - {{id: pak, name: Pakistan, side: east}}
arenas:
  - {{id: kashmir, ladder: kahn, parties: [west, east], initial: 9}}
options:
  - {{id: strike, actor: ind, arena: kashmir, rung: 14, success: 0.3{escalates}}}
outcomes:
  - {{id: rung, expr: "rung('kashmir')", at: end}}
"""


def test_a_failed_strike_escalates_on_attempt() -> None:
    """A cross-border strike that succeeds with probability 0.3: the act is the escalation, so
    the rung is 14 in every trajectory; with `escalates: success` it is 14 with probability 0.3
    (binomial: within 4 standard errors)."""
    n = 20_000
    attempt = scenario(ATTEMPT.format(escalates=""), horizon=1)
    result = simulate(attempt, n=n, seed=5).tables()
    assert result["outcomes"].set_index("outcome").loc["rung", "mean"] == 14
    success = scenario(ATTEMPT.format(escalates=", escalates: success"), horizon=1)
    mean = simulate(success, n=n, seed=5).tables()["outcomes"].set_index("outcome")["mean"]
    share = (mean["rung"] - 9) / (14 - 9)
    assert abs(share - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)
    runs = reference_runs(attempt, 20)
    assert all(t.rounds[0].rungs == (14,) for t in runs)
    assert {m.result for t in runs for m in t.rounds[0].moves} == {"succeeded", "failed"}


# -- accidents with jumps against the exact Markov chain ---------------------------------

JUMPS = """
actors:
  - {{id: a, name: A, side: west}}
ladders:
  - id: small
    name: small
    rungs: [{ids}]
arenas:
  - {{id: x, ladder: small, parties: [west, east], initial: 3}}
accidents:
  x: {{up: 0.2, down: 0.1, jump: {{sizes: [1, 2], weights: [0.75, 0.25]}}}}
outcomes:
{outcomes}
"""


def jump_chain(size: int, up: float, down: float, sizes: dict[int, float]) -> np.ndarray:
    """One round's transition matrix: up/down by a jump of each size, clipped to the ladder."""
    matrix = np.zeros((size, size))
    for r in range(size):
        matrix[r, r] += 1 - up - down
        for jump, w in sizes.items():
            matrix[r, min(r + jump, size - 1)] += up * w
            matrix[r, max(r - jump, 0)] += down * w
    return matrix


def test_jump_accidents_match_the_exact_chain() -> None:
    """Final-rung distribution after 5 rounds equals the matrix power of the jump chain."""
    size, horizon, n = 7, 5, 40_000
    body = JUMPS.format(
        ids=", ".join(f"{{id: r{k}, name: r{k}}}" for k in range(size)),
        outcomes="\n".join(
            f"  - {{id: at{k}, expr: \"rung('x') == {k}\", at: end}}" for k in range(size)
        ),
    )
    compiled = scenario(body, horizon=horizon)
    start = np.zeros(size)
    start[3] = 1.0
    exact = start @ np.linalg.matrix_power(jump_chain(size, 0.2, 0.1, {1: 0.75, 2: 0.25}), horizon)
    means = simulate(compiled, n=n, seed=9).tables()["outcomes"].set_index("outcome")["mean"]
    for k in range(size):
        se = np.sqrt(max(exact[k] * (1 - exact[k]), 1e-12) / n)
        assert abs(means[f"at{k}"] - exact[k]) < 4 * se + 1e-9, (k, means[f"at{k}"], exact[k])


def test_reverted_accidents_are_walked_back_next_round() -> None:
    """With `revert: 1`, every accidental move is undone at the start of the next round."""
    body = JUMPS.format(
        ids=", ".join(f"{{id: r{k}, name: r{k}}}" for k in range(7)),
        outcomes="  - {id: end, expr: \"rung('x')\", at: end}",
    ).replace("weights: [0.75, 0.25]}}", "weights: [0.75, 0.25]}, revert: 1}")
    compiled = scenario(body, horizon=6)
    for trace in reference_runs(compiled, 30) + list(
        simulate(compiled, n=30, seed=1, keep_traces=30).traces
    ):
        level = 3
        pending = 0
        for r in trace.rounds:
            steps = [step for _, step in r.accidents]
            if pending:
                assert steps[0] == -pending
                steps = steps[1:]
            pending = sum(steps)
            level += sum(step for _, step in r.accidents)
            assert r.rungs == (level,)


# -- absorbing terminal states -------------------------------------------------------------

TERMINAL = """
actors:
  - id: usa
    name: US
    side: west
    utility: {{per_round: {{rung.ukraine: -1}}, discount: 0.9}}
    policy: {{kind: plan, steps: [{{at: 2, option: exchange}}]}}
  - {{id: rus, name: Russia, side: east}}
arenas:
  - {{id: ukraine, ladder: kahn, parties: [west, east], initial: 12}}
options:
  - {{id: exchange, actor: usa, arena: ukraine, rung: 30}}
{terminal}
"""


def test_absorbing_terminal_scores_as_staying_there() -> None:
    """Ending at round 2 in rung 30 scores what staying at rung 30 to the horizon scores (closed
    form: sum of discounted flows), plus the terminal's per-round utility from round 2 on."""
    horizon, d = 6, 0.9
    flows = [-12.0, -12.0] + [-30.0] * (horizon - 2)
    stay = sum(d**t * f for t, f in enumerate(flows))
    extra = sum(d**t * -5.0 for t in range(2, horizon))
    absorbing = scenario(
        TERMINAL.format(
            terminal="terminal: [{when: \"rung('ukraine') >= 30\", utility: {usa: -5}}]"
        ),
        horizon=horizon,
    )
    staying = scenario(TERMINAL.format(terminal=""), horizon=horizon)
    stopping = scenario(
        TERMINAL.format(terminal="terminal: [{when: \"rung('ukraine') >= 30\", absorbing: false}]"),
        horizon=horizon,
    )
    for compiled, expected in (
        (absorbing, stay + extra),
        (staying, stay),
        (stopping, sum(d**t * f for t, f in enumerate(flows[:3]))),
    ):
        utility = simulate(compiled, n=8, seed=1).tables()["utilities"].set_index("actor")
        assert utility.loc["usa", "mean"] == pytest.approx(expected, rel=1e-12)
        assert reference_runs(compiled, 1)[0].utility[0] == pytest.approx(expected, rel=1e-12)


# -- several moves a round -----------------------------------------------------------------

MOVES = """
actors:
  - id: usa
    name: US
    side: west
    moves: 2
    policy: {kind: rules, rules: [{if: "true", then: a}, {if: "true", then: b}, {if: "true", then: c}]}
  - {id: rus, name: Russia, side: east}
options:
  - {id: a, actor: usa, once: true}
  - {id: b, actor: usa, once: true}
  - {id: c, actor: usa, once: true}
"""


def test_rules_take_every_matching_rule_up_to_moves() -> None:
    """`moves: 2` with three matching rules: a and b in round 0, c in round 1, then nothing."""
    compiled = scenario(MOVES, horizon=3)
    expected = [("a", "b"), ("c",), ()]
    for trace in [*reference_runs(compiled, 2), *simulate(compiled, n=2, keep_traces=2).traces]:
        assert [tuple(m.option for m in r.moves) for r in trace.rounds] == expected


# -- rung-moving events and per-side views -------------------------------------------------

EVENTS = """
actors:
  - {id: usa, name: US, side: west, utility: {per_round: {rung.caribbean: -1}}}
  - {id: sov, name: USSR, side: east, utility: {per_round: {rung.caribbean: -1}}}
arenas:
  - {id: caribbean, ladder: kahn, parties: [west, east], initial: 5}
events:
  - id: submarine
    at: 2024-01-08
    effects: [{rung: caribbean, side: west, add: 4}]
  - id: u2
    at: 2024-01-15
    effects: [{rung: caribbean, to: 12}]
outcomes:
  - {id: west_view, expr: "rung('caribbean', 'west')", at: end}
  - {id: east_view, expr: "rung('caribbean', 'east')", at: end}
  - {id: common, expr: "rung('caribbean')", at: end}
"""


def test_events_move_one_or_both_views_and_each_actor_pays_its_own() -> None:
    """A submarine incident moves the West's view by 4; a shoot-down moves both views to 12.
    Each actor's rung weight reads its own side's view."""
    compiled = scenario(EVENTS, horizon=3)
    trace = reference_runs(compiled, 1)[0]
    assert [r.views for r in trace.rounds] == [(5, 5), (9, 5), (12, 12)]
    assert trace.utility == (-(5 + 9 + 12), -(5 + 5 + 12))
    tables = simulate(compiled, n=4, seed=1).tables()
    assert tables["outcomes"].set_index("outcome")["mean"].to_dict() == {
        "west_view": 12.0,
        "east_view": 12.0,
        "common": 12.0,
    }
    assert tuple(tables["utilities"]["mean"]) == (-26.0, -22.0)


# -- a red line known only to its owner ----------------------------------------------------

REDLINE = """
actors:
  - id: usa
    name: US
    side: west
    utility: {{per_round: {{gain: 1, damage: -1}}}}
    policy: {{kind: best_response, depth: 2, samples: 32}}
  - id: rus
    name: Russia
    side: east
    policy: {{kind: rules, rules: [{{if: "rung('ukraine') >= $redline", then: demonstration}}]}}
arenas:
  - {{id: ukraine, ladder: kahn, parties: [west, east], initial: 12}}
variables:
  - {{id: gain, initial: 0}}
  - {{id: damage, initial: 0}}
options:
  - {{id: push, actor: usa, arena: ukraine, rung: 15, once: true, effects: [{{var: gain, set: 3}}]}}
  - {{id: demonstration, actor: rus, arena: ukraine, rung: 20, once: true,
      effects: [{{var: damage, set: 10}}]}}
uncertainties:
  - {{id: redline, dist: choice, values: [14, 16], weights: [0.2, 0.8], known_to: {known}}}
"""


@pytest.mark.parametrize("known", [["rus"], ["rus", "usa"]], ids=["private", "shared"])
def test_a_private_red_line(known: list[str]) -> None:
    """Russia demonstrates when the rung reaches its red line (14 or 16). Pushing to 15 is worth
    +3 a round to the US, and costs 10 a round once Russia answers: +6 over two rounds if the red
    line is 16, -4 if it is 14. Russia reacts at the true value; a US that knows the line pushes
    exactly where it is 16, a US that does not averages over its prior (0.8 × 6 + 0.2 × −4 = 4 > 0)
    and pushes everywhere."""
    compiled = scenario(REDLINE.format(known=known), horizon=2)
    traces = [*reference_runs(compiled, 24), *simulate(compiled, n=24, keep_traces=24).traces]
    seen = set()
    for trace in traces:
        line = trace.uncertainties[0]
        pushed = any(m.option == "push" for m in trace.rounds[0].moves)
        answered = any(m.option == "demonstration" for m in trace.rounds[1].moves)
        assert pushed == (known == ["rus"] or line == 16)
        assert answered == (pushed and line == 14)
        seen.add(line)
    assert seen == {14.0, 16.0}
