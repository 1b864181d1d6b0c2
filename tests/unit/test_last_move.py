# ruff: noqa: E501  (scenario texts keep one element per line)
"""``last_move('arena', 'side')``: checker, compiled and interpreted values, both engines agree.

The semantics are in docs/expressions.md (Functions) and docs/scenario-format.md (version 2).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from escalade.engine import render_trace
from escalade.engine.chunk import run_chunk
from escalade.engine.policies import ReactivePolicy, make_policy
from escalade.engine.reference import One, ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.engine.state import initial_state
from escalade.engine.trace import Trace
from escalade.errors import ExpressionError, Issue
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario
from escalade.scenario.expr import Env, Type, check, compile_expr, names, parse, to_source
from escalade.scenario.schema import PolicySpec

ENV = Env(
    variables=("x",),
    arenas=("ukraine", "korea"),
    options=("strike",),
    parties=(("west", "east"), ("west", "east")),
)


def issues_of(text: str, env: Env = ENV) -> tuple[Issue, ...]:
    with pytest.raises(ExpressionError) as info:
        check(parse(text), env)
    return info.value.issues


# -- the checker --------------------------------------------------------------------------


def test_last_move_is_a_number_of_an_arena() -> None:
    expr = parse("last_move('ukraine', 'west') >= 14")
    assert check(expr, ENV) is Type.BOOL
    assert check(parse("last_move('korea', 'east') + 1"), ENV) is Type.NUMBER
    assert names(expr) == {("arena", "ukraine")}
    assert to_source(expr) == "last_move('ukraine', 'west') >= 14"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("last_move('ukrain', 'west')", "unknown arena 'ukrain'", "did you mean 'ukraine'?"),
        (
            "last_move('ukraine', 'eats')",
            "expected a party side of arena 'ukraine' (west, east), found 'eats'",
            "did you mean 'east'?",
        ),
        (
            "last_move('ukraine')",
            "last_move() takes 2 arguments, found 1",
            "write last_move('arena', 'side')",
        ),
        (
            "last_move('ukraine', 'west', 'east')",
            "last_move() takes 2 arguments, found 3",
            "write last_move('arena', 'side')",
        ),
        (
            "last_move(ukraine, 'west')",
            "last_move() expects an arena id string, found an expression",
            "write last_move('ukraine', 'side')",
        ),
        (
            "last_move('ukraine', x)",
            "last_move() expects a side id string second, found an expression",
            "write last_move('ukraine', 'west')",
        ),
        (
            "last_move('ukraine', 'west') and true",
            "'and' needs true/false operands, found a number",
            "compare numbers first",
        ),
        ("lastmove('ukraine', 'west')", "unknown function 'lastmove'", "did you mean 'last_move'?"),
    ],
)
def test_checker_errors(text: str, message: str, hint: str) -> None:
    found = [issue for issue in issues_of(text) if message in issue.message]
    assert len(found) == 1, issues_of(text)
    (issue,) = found
    assert issue.hint is not None
    assert hint in issue.hint


def test_an_arena_without_parties_has_no_last_move() -> None:
    (issue,) = issues_of("last_move('ukraine', 'west')", Env(arenas=("ukraine",)))
    assert issue.message == "expected a party side of arena 'ukraine', found 'west'"
    assert issue.col == 22


# -- a small scenario reading last_move everywhere ---------------------------------------

SCENARIO = """
schema_version: 2
id: last-move
title: last_move in rules, events and outcomes
calendar: {start: 2024-01-01, step: week, horizon: 8}
order: {order}
sides: [{id: west}, {id: east}, {id: neutral}]
ladders:
  - id: small
    name: small ladder, rungs 1 to 10
    base: 1
    rungs: [{rungs}]
arenas:
  - {id: a, ladder: small, parties: [west, east], initial: 2}
actors:
  - {id: w, name: W, side: west, moves: 2, policy: {kind: quantal, lambda: 0.0}}
  - {id: g, name: G, side: west, utility: {per_round: {rung.a: -0.1}}}
  - id: e
    name: E
    side: east
    policy: {kind: rules, rules: [{if: "last_move('a', 'west') >= 7", then: hit}, {if: "last_move('a', 'west') >= 4", then: poke}]}
  - id: n
    name: N
    side: neutral
    policy: {kind: rules, rules: [{if: "last_move('a', 'west') >= 6", then: mediate}]}
variables: [{id: alarm, initial: 0, min: 0, max: 1000}]
options:
  - {id: strike, actor: w, arena: a, rung: 5, perceived: {east: 7}}
  - {id: probe, actor: w, arena: a, rung: 4, escalates: success, success: 0.5}
  - {id: demand, actor: w, arena: a, rung: 6, consent: [g], when: "last_move('a', 'west') <= 5"}
  - {id: calm, actor: w, arena: a, rung: 9, deescalate: true}
  - {id: hit, actor: e, arena: a, rung: 6, when: "last_move('a', 'east') < 6"}
  - {id: poke, actor: e, arena: a, rung: 3}
  - {id: mediate, actor: n, effects: [{var: alarm, add: 1}]}
accidents:
  a: {up: 0.1, down: "0.02 * max(last_move('a', 'east'), 0)"}
events:
  - {id: worry, prob: 0.5, when: "last_move('a', 'east') >= 3", effects: [{var: alarm, add: "last_move('a', 'west')"}]}
outcomes:
  - {id: west_last, expr: "last_move('a', 'west')", at: max}
  - {id: east_last, expr: "last_move('a', 'east')", at: mean}
  - {id: west_end, expr: "last_move('a', 'west')", at: end}
  - {id: alarm, expr: alarm, at: end}
terminal:
  - {id: top, when: "last_move('a', 'east') >= 6 and rung('a') >= 9", absorbing: false}
strategies:
  - {id: lookahead, side: west, policies: {w: {kind: best_response, depth: 2, samples: 2}}}
"""


def small(order: str = "simultaneous") -> CompiledScenario:
    rungs = ", ".join(f"{{id: r{k}, name: r{k}}}" for k in range(1, 11))
    text = SCENARIO.replace("{order}", order).replace("{rungs}", rungs)
    return compile_scenario(loads_scenario(text, file="last-move.yaml"))


def option(compiled: CompiledScenario, option_id: str) -> int:
    return next(o.index for o in compiled.options if o.id == option_id)


# Hand-built previous rounds: (W's two moves, E's move) -> last_move('a', 'west') read by
# E (party east), by W (party west) and by N or nature (the higher view); then 'east' by E.
# Slots: W has 0 and 1, G 2, E 3, N 4. The ladder's lowest rung is 1, so "none" is 0.
CASES = [
    ((), (0, 0, 0, 0)),
    ((("strike", False),), (7, 5, 7, 0)),  # on attempt: counts though it failed
    ((("probe", False),), (0, 0, 0, 0)),  # escalates on success only, and failed
    ((("probe", True),), (4, 4, 4, 0)),
    ((("calm", True),), (0, 0, 0, 0)),  # a de-escalation never counts
    ((("probe", True), ("strike", True)), (7, 5, 7, 0)),  # the highest of W's two moves
    ((("calm", True), ("demand", True)), (6, 6, 6, 0)),
    ((("poke", True),), (0, 0, 0, 3)),  # E's move: not West's
    ((("strike", True), ("hit", False)), (7, 5, 7, 6)),
]


def hand_built(compiled: CompiledScenario) -> tuple[np.ndarray, np.ndarray]:
    """``prev_option``, ``prev_success`` with one row per case."""
    prev_option = np.full((len(CASES), len(compiled.slots)), -1, dtype=np.int64)
    prev_success = np.zeros_like(prev_option, dtype=bool)
    for row, (moves, _) in enumerate(CASES):
        w_slot = 0
        for option_id, ok in moves:
            o = option(compiled, option_id)
            slot = 3 if compiled.options[o].actor == 2 else w_slot
            w_slot += slot != 3
            prev_option[row, slot], prev_success[row, slot] = o, ok
    return prev_option, prev_success


def readers(compiled: CompiledScenario) -> list[tuple[str, Env]]:
    actor = {a.id: a.index for a in compiled.actors}
    return [
        ("last_move('a', 'west')", compiled.env_for(actor["e"])),
        ("last_move('a', 'west')", compiled.env_for(actor["w"])),
        ("last_move('a', 'west')", compiled.env_for(actor["n"])),
        ("last_move('a', 'east')", compiled.env_for(actor["e"])),
    ]


def test_compiled_values_on_hand_built_states() -> None:
    compiled = small()
    assert compiled.slots == (0, 0, 1, 2, 3)
    st = initial_state(compiled, np.zeros((len(CASES), len(compiled.uncertainties))))
    for text, env in readers(compiled):
        before = compile_expr(parse(text), env)(st)
        assert before.tolist() == [0.0] * len(CASES)  # round 0: nothing moved yet
    st.prev_option, st.prev_success = hand_built(compiled)
    for k, (text, env) in enumerate(readers(compiled)):
        got = compile_expr(parse(text), env)(st)
        assert got.tolist() == [float(expected[k]) for _, expected in CASES], (text, env.reader)
    nature = compile_expr(parse("last_move('a', 'west')"), compiled.env)(st)
    assert nature.tolist() == [float(expected[2]) for _, expected in CASES]
    rows = np.array([1, 5, 8])
    again = compile_expr(parse("last_move('a', 'west')"), compiled.env_for(2))(st.take(rows))
    assert again.tolist() == [7.0, 7.0, 7.0]  # State.take keeps what last_move needs


def test_reference_values_on_hand_built_states() -> None:
    compiled = small()
    ref = ReferenceInterpreter(compiled, compiled.policies(), seed=0)
    prev_option, prev_success = hand_built(compiled)
    for row, (_, expected) in enumerate(CASES):
        s: One = ref.start(0)
        s.prev_moves = {
            k: (int(prev_option[row, k]), bool(prev_success[row, k]))
            for k in range(len(compiled.slots))
            if prev_option[row, k] >= 0
        }
        for k, (text, env) in enumerate(readers(compiled)):
            assert ref.value(compile_expr(parse(text), env), s) == expected[k], (row, text)
        as_state = ref.as_state(s)  # what a user policy sees
        for k, (text, env) in enumerate(readers(compiled)):
            assert compile_expr(parse(text), env)(as_state).tolist() == [float(expected[k])]


def test_the_reactive_policy_reads_the_same_last_rung() -> None:
    """tit_for_tat for E answers West's last rung as East sees it, as last_move does; only a
    de-escalation counts for the policy and not for last_move."""
    compiled = small()
    st = initial_state(compiled, np.zeros((len(CASES), 0)))
    st.prev_option, st.prev_success = hand_built(compiled)
    policy = make_policy(PolicySpec(kind="tit_for_tat"), 2, compiled)
    assert isinstance(policy, ReactivePolicy)
    ((arena, opponents, _),) = policy.tables
    last = policy.last_rung(SimpleNamespace(state=st), arena, opponents)  # type: ignore[arg-type]
    east = compile_expr(parse("last_move('a', 'west')"), compiled.env_for(2))(st)
    calm = [any(m == "calm" for m, _ in moves) for moves, _ in CASES]
    for row, value in enumerate(last):
        if calm[row]:
            assert value == 9  # the policy counts the de-escalation "calm" (rung 9)
        else:
            assert max(value, 0.0) == east[row]


# -- both engines agree -------------------------------------------------------------------


def compare(compiled: CompiledScenario, strategy: str | None, n: int, seed: int) -> list[Trace]:
    tasks = cell_tasks(compiled, (strategy, None), n=n, seed=seed, chunk=1024, keep=n)
    vectorised = [t for task in tasks for t in run_chunk(task).traces]
    ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=seed, declared=tasks[0].declared)
    for i in range(n):
        expected = ref.run(i)
        if expected != vectorised[i]:
            pytest.fail(
                f"trajectory {i} differs:\n--- reference\n{render_trace(expected, compiled)}\n"
                f"--- vectorised\n{render_trace(vectorised[i], compiled)}"
            )
    return vectorised


def test_best_response_rollouts_read_last_move_alike() -> None:
    """W looks ahead (rollouts copy the state) against E and N, whose rules read last_move."""
    compare(small(), "lookahead", n=4, seed=3)


@pytest.mark.parametrize("order", ["simultaneous", "sequential"])
def test_vectorised_equals_reference(order: str) -> None:
    vectorised = compare(small(order), None, n=60, seed=7)
    results = {(m.option, m.result) for t in vectorised for r in t.rounds for m in r.moves}
    # the test covers what it claims: refusals, failed and successful probes, every reader
    for wanted in [
        ("demand", "refused"),
        ("probe", "failed"),
        ("probe", "succeeded"),
        ("calm", "succeeded"),
        ("hit", "succeeded"),
        ("poke", "succeeded"),
        ("mediate", "succeeded"),
    ]:
        assert wanted in results, wanted
    assert any("worry" in r.events for t in vectorised for r in t.rounds)
