"""Engine speed, measured side by side in one run (never asserted in tests).

Prints, for the reference scenario (and the DESIGN example), actor-decisions
per second of the vectorised engine for N = 10^4, 10^5, 10^6 in one process;
the ratio to the reference interpreter on the same trajectories; and the peak
memory of a run (tracemalloc) for two chunk sizes.

Run: ``python benchmarks/engine.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from escalade.engine import simulate
from escalade.engine.executors import SequentialExecutor
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.scenario import load_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario

CELLS = {
    "dprk-troops-2024": ("graduated", "dominance"),  # rules and reactive policies
    "kursk-mini": ("graduated", None),
}


def decisions(compiled: CompiledScenario, n: int) -> int:
    return n * compiled.horizon * len(compiled.actors)


def vectorised_rate(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int
) -> float:
    rate, _ = vectorised_rates(compiled, cell, n)
    return rate


def vectorised_rates(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int
) -> tuple[float, float]:
    """Actor-decisions per wall second and per CPU second of this process."""
    start, cpu = time.perf_counter(), time.process_time()
    simulate(
        compiled,
        strategy=cell[0],
        mindset=cell[1],
        n=n,
        seed=1,
        executor=SequentialExecutor(),
        keep_traces=0,
    )
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    return decisions(compiled, n) / wall, decisions(compiled, n) / used


def reference_rate(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int
) -> float:
    task = cell_tasks(compiled, cell, n=n, seed=1, chunk=1024, keep=0)[0]
    ref = ReferenceInterpreter(compiled, task.specs, seed=1, declared=task.declared)
    start = time.perf_counter()
    for i in range(n):
        ref.run(i)
    return decisions(compiled, n) / (time.perf_counter() - start)


def peak_memory(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int, chunk: int
) -> float:
    tracemalloc.start()
    simulate(
        compiled,
        strategy=cell[0],
        mindset=cell[1],
        n=n,
        seed=1,
        chunk_size=chunk,
        executor=SequentialExecutor(),
        keep_traces=0,
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N up to 10^5 only")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    for name, cell in CELLS.items():
        compiled = compile_scenario(load_scenario(name))
        print(f"== {name} {cell}: {len(compiled.actors)} actors, {compiled.horizon} rounds")
        vectorised_rate(compiled, cell, 2048)  # warm up
        for n in sizes:
            rate, cpu_rate = vectorised_rates(compiled, cell, n)
            print(
                f"vectorised  N={n:>9,}: {rate:>14,.0f} actor-decisions/s "
                f"({cpu_rate:,.0f} per CPU second)"
            )
        ref_n = 200
        ref = reference_rate(compiled, cell, ref_n)
        vec = vectorised_rate(compiled, cell, 100_000)
        print(f"reference   N={ref_n:>9,}: {ref:>14,.0f} actor-decisions/s")
        print(f"ratio vectorised / reference: {vec / ref:,.0f}x")
        for chunk in (20_000, 100_000):
            mib = peak_memory(compiled, cell, 200_000, chunk)
            print(f"peak memory N=200,000 chunk={chunk:,}: {mib:,.0f} MiB")


if __name__ == "__main__":
    main()
