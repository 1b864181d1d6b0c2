"""Batched ``best_response`` rollouts equal the one-candidate-at-a-time loop, to the bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalade._types import FloatArray
from escalade.engine.chunk import run_state, task_uncertainties
from escalade.engine.policies import DecisionContext
from escalade.engine.rollouts import needed, rollout_values
from escalade.engine.runner import cell_tasks
from escalade.engine.state import initial_state
from escalade.engine.streams import block_uniforms
from escalade.engine.vectorised import RoundPlayer
from escalade.random import Stream
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


def zoo(sequential: bool) -> CompiledScenario:
    text = ZOO.read_text(encoding="utf-8")
    if sequential:
        text = text.replace("calendar:", "order: sequential\ncalendar:", 1)
    return compile_scenario(loads_scenario(text, file="zoo.yaml"))


class OneAtATime(RoundPlayer):
    """The rollouts as they were written first: each (sample, candidate) on a full copy.

    Every decision also runs the batched rollouts (whole and split into tiny
    batches) and records where they differ on a needed pair.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.checked = 0
        self.differences: list[str] = []

    def loop(self, ctx: DecisionContext, candidates: list[int], depth: int, samples: int):
        st, i, t = ctx.state, ctx.actor, ctx.state.round
        start, stop = self.span
        policies = self.rollout_policies(i)
        values = np.zeros((st.n, len(candidates)))
        for s in range(samples):
            for k, option in enumerate(candidates):
                copy = st.take(np.arange(st.n))
                copy.utility_parts = None
                before = copy.utility[:, i].copy()
                forced = (i, np.full(st.n, option, dtype=np.int64))
                for d in range(min(depth, self.compiled.horizon - t)):
                    u = block_uniforms(
                        self.seed, Stream.ROLLOUT, start, stop, self.layout.k, t, i, s, d
                    )
                    first = d == 0
                    self.play(
                        copy, t + d, u, policies, events=not first,
                        forced=forced if first else None, rollouts=False,
                    )  # fmt: skip
                values[:, k] += copy.utility[:, i] - before
        return values / samples

    def rollout(
        self, ctx: DecisionContext, candidates: list[int], depth: int, samples: int, stop: bool
    ) -> FloatArray:
        del stop  # the zoo's samples are too few for the adaptive stop to act
        old = self.loop(ctx, candidates, depth, samples)
        want = needed(ctx, candidates)
        for max_rows in (1 << 17, 7):
            new = rollout_values(self, ctx, candidates, depth, samples, max_rows=max_rows)
            if not np.array_equal(old[want], new[want]):
                self.differences.append(f"round {ctx.state.round}, max_rows {max_rows}")
            assert not new[~want].any()
        self.checked += int(want.sum())
        return old


def play_both(compiled: CompiledScenario, cell: tuple[str, str], n: int) -> OneAtATime:
    task = cell_tasks(compiled, cell, n=n, seed=5, chunk=1024, keep=0)[0]
    player = OneAtATime(compiled, task.specs, seed=5, declared=task.declared)
    st = initial_state(compiled, task_uncertainties(task, compiled))
    run_state(player, st, (task.start, task.stop), 0)
    return player


@pytest.mark.parametrize("sequential", [False, True], ids=["simultaneous", "sequential"])
def test_batched_equals_one_at_a_time_on_the_zoo(sequential: bool) -> None:
    player = play_both(zoo(sequential), ("decisive", "opportunist"), n=60)
    assert player.checked > 0
    assert player.differences == []


def test_batched_equals_one_at_a_time_on_the_reference_scenario() -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    player = play_both(compiled, ("graduated", "opportunist"), n=12)
    assert player.checked > 0
    assert player.differences == []


def test_needed_leaves_out_ended_trajectories_and_hold_only_rows() -> None:
    compiled = zoo(False)
    task = cell_tasks(compiled, ("decisive", "opportunist"), n=4, seed=1, chunk=1024, keep=0)[0]
    st = initial_state(compiled, task_uncertainties(task, compiled))
    st.alive[:] = [True, True, True, False]
    rus = next(a.index for a in compiled.actors if a.id == "rus")
    options = list(compiled.options_by_actor[rus])
    available = np.zeros((4, len(compiled.options)), dtype=bool)
    available[0, options] = True  # everything available
    available[1, options[0]] = True  # one option
    available[3, options] = True  # ended: nothing needed
    moves = np.full((4, len(compiled.actors)), -1, dtype=np.int64)
    ctx = DecisionContext(compiled, st, rus, available, np.zeros(4), moves, moves >= 0)
    want = needed(ctx, [-1, *options])
    assert want[0].all()
    assert want[1].tolist() == [True, True] + [False] * (len(options) - 1)
    assert not want[2].any()  # only hold available: hold whatever the values
    assert not want[3].any()
