"""The adaptive stop of ``best_response`` rollouts (``stop: separated``).

Student-t quantiles are the two-sided 95 % (one-sided 97.5 %) values of any
t table (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalade.engine import rollouts
from escalade.engine.chunk import run_chunk
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.engine.stopping import MIN_SAMPLES, leaders, paired_values, separated, t_quantile
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"
CELLS = [("decisive", "opportunist"), ("probing", "cautious"), ("graduated", "opportunist")]


def zoo(*, stop: str | None, sequential: bool = False) -> CompiledScenario:
    """The feature zoo with 8 rollout samples, so that the stop can act."""
    text = ZOO.read_text(encoding="utf-8")
    extra = f", stop: {stop}" if stop else ""
    for old in ("depth: 2, samples: 2}", "depth: 2, samples: 3}"):
        text = text.replace(old, f"depth: 2, samples: 8{extra}}}")
    if sequential:
        text = text.replace("calendar:", "order: sequential\ncalendar:", 1)
    return compile_scenario(loads_scenario(text, file="zoo.yaml"))


def traces(compiled: CompiledScenario, cell: tuple[str, str], n: int, chunk: int) -> list[object]:
    tasks = cell_tasks(compiled, cell, n=n, seed=7, chunk=chunk, keep=n)
    return [t for task in tasks for t in run_chunk(task).traces]


def test_t_quantiles_match_the_table() -> None:
    assert t_quantile(1) == pytest.approx(12.706, abs=5e-4)
    assert t_quantile(2) == pytest.approx(4.303, abs=5e-4)
    assert t_quantile(7) == pytest.approx(2.365, abs=5e-4)


def test_leaders_take_the_highest_sum_and_the_earlier_candidate_on_ties() -> None:
    sums = np.array([1.0, 3.0, 3.0, 0.0, 0.0, 2.0])
    rows = np.array([0, 0, 0, 1, 1, 2])
    assert leaders(sums, rows, 3).tolist() == [1, 1, 1, 3, 3, 5]


def test_separated_by_hand() -> None:
    # leader [10, 11, 12]; a candidate always 9 below (no spread) separates at once;
    # one with shortfalls [1, -1, 2] does not: mean 2/3, sd 1.528, 2/3 - 4.303 * 0.882 < 0.
    # one that matched the leader in every sample counts as separated (a tie for good).
    values = np.array([[10.0, 1.0, 9.0, 10.0], [11.0, 2.0, 12.0, 11.0], [12.0, 3.0, 10.0, 12.0]])
    lead = np.array([0, 0, 0, 0])
    apart, shortfall = separated(values, lead)
    assert apart.tolist() == [False, True, False, True]
    assert shortfall.tolist() == pytest.approx([0.0, 9.0, 2 / 3, 0.0])


@pytest.mark.parametrize("sequential", [False, True], ids=["simultaneous", "sequential"])
def test_engines_stop_on_the_same_samples(sequential: bool) -> None:
    compiled = zoo(stop=None, sequential=sequential)
    for cell in CELLS:
        tasks = cell_tasks(compiled, cell, n=4, seed=7, chunk=1024, keep=4)
        vectorised = run_chunk(tasks[0]).traces
        ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=7, declared=tasks[0].declared)
        for i in range(4):
            assert ref.run(i) == vectorised[i], (cell, i)


def test_the_stop_plays_fewer_rollouts_and_all_plays_every_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    played: list[int] = []
    original = rollouts._play

    def counting(player, ctx, batch, depth):  # type: ignore[no-untyped-def]
        played.append(batch.state.n)
        return original(player, ctx, batch, depth)

    monkeypatch.setattr(rollouts, "_play", counting)
    cell = ("decisive", "opportunist")
    traces(zoo(stop="all"), cell, n=40, chunk=1024)
    every = sum(played)
    played.clear()
    traces(zoo(stop=None), cell, n=40, chunk=1024)
    adaptive = sum(played)
    assert every > 0
    assert MIN_SAMPLES / 8 * every <= adaptive < 0.8 * every


def test_the_stop_does_not_depend_on_the_chunk_size() -> None:
    compiled = zoo(stop="separated")
    for cell in CELLS[:2]:
        assert traces(compiled, cell, n=10, chunk=3) == traces(compiled, cell, n=10, chunk=1024)


DEMO = """
schema_version: 2
id: stop-demo
title: A candidate that loses in every sample
calendar: {start: 2020-01-06, step: week, horizon: 3}
sides: [{id: a, name: A}, {id: b, name: B}]
actors:
  - {id: x, name: X, side: a, utility: {per_round: {v: 1.0}}}
  - {id: y, name: Y, side: b, utility: {per_round: {v: -1.0}}}
arenas:
  - {id: ar, name: Arena, ladder: compact, parties: [a, b], initial: 0}
variables:
  - {id: v, initial: 0}
options:
  - {id: gamble, actor: x, arena: ar, rung: 0, cost: 0.5, success: 0.5, effects: [{var: v, add: 1}]}
  - {id: wasteful, actor: x, arena: ar, rung: 0, cost: 0.01}
events:
  - {id: noise, prob: 0.5, effects: [{var: v, add: 1}]}
strategies:
  - {id: sampled, side: a, policies: {x: {kind: best_response, depth: 2, samples: 6}}}
mindsets:
  - {id: m, side: b, policies: {y: {kind: hold}}}
"""


def test_paired_values_follow_the_leader_a_candidate_lost_to() -> None:
    means = np.array([5.0, 9.0, 4.0, 7.0])  # candidate 1 stopped early on lucky samples
    ref = np.array([-1, 0, 3, -1])
    when = np.array([-1, 3, 4, -1])
    shortfall = np.array([0.0, 0.01, 1.5, 0.0])
    # 2 lost to 3 at sample 4 (7 - 1.5); 1 lost to 0 at sample 3 (5 - 0.01)
    assert paired_values(means, ref, shortfall, when).tolist() == [5.0, 4.99, 5.5, 7.0]


def test_a_candidate_that_loses_in_every_sample_is_never_chosen() -> None:
    """`wasteful` is hold less 0.01 in every sample; stopped early, it must stay below hold."""
    compiled = compile_scenario(loads_scenario(DEMO, file="demo.yaml"))
    moves = {
        move.option
        for trace in traces(compiled, ("sampled", "m"), n=1000, chunk=1024)
        for r in trace.rounds
        for move in r.moves
    }
    assert "gamble" in moves
    assert "wasteful" not in moves
    tasks = cell_tasks(compiled, ("sampled", "m"), n=6, seed=7, chunk=1024, keep=6)
    vectorised = run_chunk(tasks[0]).traces
    ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=7, declared=tasks[0].declared)
    assert [ref.run(i) for i in range(6)] == list(vectorised)
