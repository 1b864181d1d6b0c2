# ruff: noqa: E501  (scenario texts keep one element per line)
"""Known answer for ``last_move`` (docs/expressions.md, Functions): a rule reacts one round later.

A takes a rung-14 option in round 2 and nothing else that reaches rung 14; B's only rule is
``if: "last_move('a', 'west') >= 14"``. By the definition, B's rule holds in round 3 (the round
after A's move) and in no other round, so B answers in round 3 exactly, in both engines.
"""

from __future__ import annotations

from escalade.engine.chunk import run_chunk
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario

SCENARIO = """
schema_version: 2
id: last-move-answer
title: B answers A's strike one round later
calendar: {start: 2024-01-01, step: week, horizon: 7}
sides: [{id: west}, {id: east}]
actors:
  - {id: a, name: A, side: west, policy: {kind: plan, steps: [{at: 0, option: signal}, {at: 2, option: strike}, {at: 4, option: raid}, {at: 5, option: calm}]}}
  - {id: b, name: B, side: east, policy: {kind: rules, rules: [{if: "last_move('a', 'west') >= 14", then: answer}]}}
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
