# ruff: noqa: E501  (scenario texts keep one element per line)
"""Known answer for ``last_move`` (docs/expressions.md, Functions): a rule reacts one round later.

A takes a rung-14 option in round 2 and nothing else that reaches rung 14; B's only rule is
``if: "last_move('a', 'west') >= 14"``. By the definition, B's rule holds in round 3 (the round
after A's move) and in no other round, so B answers in round 3 exactly, in both engines.
"""

from __future__ import annotations

import pytest

from escalade.engine.chunk import run_chunk
from escalade.engine.game_builder import build_game
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import backward_induction

SCENARIO = """
schema_version: 2
id: last-move-answer
title: B answers A's strike one round later
calendar: {start: 2024-01-01, step: week, horizon: 7}
sides: [{id: west}, {id: east}]
actors:
  - {id: a, name: A, side: west, utility: {per_round: {rung.a: 1.0}}, policy: {kind: plan, steps: [{at: 0, option: signal}, {at: 2, option: strike}, {at: 4, option: raid}, {at: 5, option: calm}]}}
  - {id: b, name: B, side: east, utility: {per_round: {rung.a: -1.0}}, policy: {kind: rules, rules: [{if: "last_move('a', 'west') >= 14", then: answer}]}}
arenas:
  - {id: a, ladder: kahn, parties: [west, east], initial: 2}
options:
  - {id: signal, actor: a, arena: a, rung: 9}
  - {id: strike, actor: a, arena: a, rung: 14}
  - {id: raid, actor: a, arena: a, rung: 13, perceived: {west: 15}}
  - {id: calm, actor: a, arena: a, rung: 16, deescalate: true}
  - {id: answer, actor: b, arena: a, rung: 15}
outcomes:
  - {id: first_answer_seen, expr: "last_move('a', 'east') >= 15", at: first}
  - {id: west_last, expr: "last_move('a', 'west')", at: end}
"""


def test_b_answers_in_the_round_after_a_strikes_and_never_otherwise() -> None:
    """The raid in round 4 is 15 as the West sees it but 13 as B (East) reads it, and the
    de-escalation in round 5 never counts: B answers only in round 3."""
    compiled = compile_scenario(loads_scenario(SCENARIO, file="last-move-answer.yaml"))
    n = 3
    reference = ReferenceInterpreter(compiled, compiled.policies(), seed=4)
    tasks = cell_tasks(compiled, (None, None), n=n, seed=4, chunk=1024, keep=n)
    vectorised = [t for task in tasks for t in run_chunk(task).traces]
    for i in range(n):
        trace = reference.run(i)
        assert trace == vectorised[i]
        answers = [r.round for r in trace.rounds for m in r.moves if m.actor == "b"]
        assert answers == [3]
        a_moves = [(r.round, m.option) for r in trace.rounds for m in r.moves if m.actor == "a"]
        assert a_moves == [(0, "signal"), (2, "strike"), (4, "raid"), (5, "calm")]
        # B's answer (rung 15, round 3) is read at the end of round 3: the 4th round; nothing of
        # the West's in round 6 (the last), so its last move at the end is none: -1 on Kahn's ladder.
        assert trace.outcomes == (4.0, -1.0)


def test_the_game_builder_plays_the_same_answer() -> None:
    """With nobody choosing, the game's value is the trajectory's utility: rungs 9, 9, 14, 15,
    15, 15, 15 (B's answer in round 3) sum to 92 for A and -92 for B."""
    compiled = compile_scenario(loads_scenario(SCENARIO, file="last-move-answer.yaml"))
    trace = ReferenceInterpreter(compiled, compiled.policies(), seed=0).run(0)
    assert [r.rungs[0] for r in trace.rounds] == [9, 9, 14, 15, 15, 15, 15]
    assert trace.utility == (92.0, -92.0)
    game = build_game(compiled, horizon=7, players=[], all_payoffs=True)
    assert backward_induction.solve(game).payoffs[0].tolist() == pytest.approx([92.0, -92.0])
