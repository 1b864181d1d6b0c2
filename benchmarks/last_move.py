"""What reading ``last_move()`` costs, side by side with ``rung()`` (never asserted in tests).

On the reference scenario's state of N trajectories whose previous round holds a random
move of every decision slot (13 actors), times one evaluation of

- ``rung('ARENA') >= 14`` (reads a state column),
- ``last_move('ARENA', 'west') >= 14`` as an East actor reads it (the West's moves of the
  previous round, computed when read),
- the ``tit_for_tat`` policy's last rung (the same loop, inside the reactive policy),

and prints microseconds per evaluation and the ratio to ``rung()``; and the time to build the
move table that every run now builds once per chunk (``MoveTable.of``). A run that never reads
``last_move`` does nothing else for it.

Re-run: ``python benchmarks/last_move.py [--n 100000] [--repeat 50]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

from escalade.engine.moves import MoveTable
from escalade.engine.policies import ReactivePolicy, make_policy
from escalade.engine.state import State, initial_state
from escalade.scenario import expr as ex
from escalade.scenario import load_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario
from escalade.scenario.kinds import policy_spec

SCENARIO = "dprk-troops-2024"


def previous_round(compiled: CompiledScenario, n: int) -> State:
    """A state whose every slot moved last round: a random own option (or hold), 50 % success."""
    rng = np.random.default_rng(1)
    st = initial_state(compiled, np.zeros((n, len(compiled.uncertainties))))
    for k, actor in enumerate(compiled.slots):
        own = np.array([-1, *compiled.options_by_actor[actor]], dtype=np.int64)
        st.prev_option[:, k] = own[rng.integers(0, len(own), n)]
    st.prev_success[:] = rng.random(st.prev_success.shape) < 0.5
    return st


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Fastest of ``repeat`` calls, in microseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    compiled = compile_scenario(load_scenario(SCENARIO))
    arena = compiled.arenas[0]
    west, east = (compiled.sides[p] for p in arena.parties)
    reader = next(a.index for a in compiled.actors if compiled.sides[a.side] == east)
    env = compiled.env_for(reader)
    st = previous_round(compiled, args.n)
    rung = ex.compile_expr(ex.parse(f"rung('{arena.id}') >= 14"), env)
    last = ex.compile_expr(ex.parse(f"last_move('{arena.id}', '{west}') >= 14"), env)
    policy = make_policy(policy_spec("tit_for_tat"), reader, compiled)
    assert isinstance(policy, ReactivePolicy)
    (table_arena, opponents, _), *_ = policy.tables
    ctx = SimpleNamespace(state=st)
    timings = {
        "rung() >= 14": best_of(lambda: rung(st), args.repeat),
        "last_move() >= 14": best_of(lambda: last(st), args.repeat),
        "tit_for_tat last rung": best_of(
            lambda: policy.last_rung(ctx, table_arena, opponents),  # type: ignore[arg-type]
            args.repeat,
        ),
    }
    slots = len(MoveTable.of(compiled).slots[arena.index][0])
    print(f"{SCENARIO}: N = {args.n}, {len(compiled.slots)} decision slots ({slots} West)")
    print(f"reader: {compiled.actors[reader].id}; best of {args.repeat}")
    base = timings["rung() >= 14"]
    for name, micros in timings.items():
        print(f"  {name:<24} {micros:10.1f} us per evaluation  ({micros / base:5.1f}x)")
    table = best_of(lambda: MoveTable.of(compiled), args.repeat)
    print(f"  {'MoveTable.of (per chunk)':<24} {table:10.1f} us")


if __name__ == "__main__":
    main()
