"""Engine speed, measured side by side in one run (never asserted in tests).

Prints, for the reference scenario (and the DESIGN example), actor-decisions
per second of the vectorised engine for N = 10^4, 10^5, 10^6 in one process;
the ratio to the reference interpreter on the same trajectories; and the peak
memory of a run (tracemalloc) for two chunk sizes.

Also the NumPy path against the compiled kernel (``ESCALADE_KERNEL=numba``) on
the same cells, side by side in one run, with the kernel's compile time on a
cold cache (a fresh ``NUMBA_CACHE_DIR`` in a subprocess) and its first call
on a warm cache, measured separately.

Run: ``python benchmarks/engine.py [--quick]`` (``--kernel-only``: just the
NumPy path against the kernel).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
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


def path_rates(
    compiled: CompiledScenario, cell: tuple[str | None, str | None], n: int, mode: str
) -> tuple[float, float]:
    """Actor-decisions per wall and per CPU second with ``ESCALADE_KERNEL=mode``."""
    os.environ["ESCALADE_KERNEL"] = mode
    try:
        return vectorised_rates(compiled, cell, n)
    finally:
        os.environ.pop("ESCALADE_KERNEL", None)


COLD = """
import time
from escalade.engine.kernel.numba_setup import njit
start = time.perf_counter()
from escalade.engine import simulate
from escalade.engine.executors import SequentialExecutor
simulate("dprk-troops-2024", strategy="graduated", mindset="dominance", n=64, seed=1,
         executor=SequentialExecutor(), keep_traces=0)
print(time.perf_counter() - start)
"""


def first_call_seconds(cold: bool) -> float:
    """Seconds of a first kernel run of 64 trajectories in a new process (cold: empty cache)."""
    env = {**os.environ, "ESCALADE_KERNEL": "numba"}
    with tempfile.TemporaryDirectory() as cache:
        if cold:
            env["NUMBA_CACHE_DIR"] = cache
        out = subprocess.run(
            [sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True
        )
    return float(out.stdout.strip().splitlines()[-1])


def kernel_section(sizes: list[int]) -> None:
    """NumPy path and compiled kernel side by side on the cells of :data:`CELLS`."""
    print(f"== compiled kernel: cold compile {first_call_seconds(cold=True):.1f} s, "
          f"first call on a warm cache {first_call_seconds(cold=False):.2f} s")  # fmt: skip
    for name, cell in CELLS.items():
        compiled = compile_scenario(load_scenario(name))
        print(f"== {name} {cell}: NumPy path vs compiled kernel (actor-decisions/s)")
        for mode in ("numpy", "numba"):
            path_rates(compiled, cell, 2048, mode)  # warm up (and load the compiled kernel)
        for n in sizes:
            numpy_wall, numpy_cpu = path_rates(compiled, cell, n, "numpy")
            kernel_wall, kernel_cpu = path_rates(compiled, cell, n, "numba")
            print(
                f"N={n:>9,}: NumPy {numpy_wall:>12,.0f} ({numpy_cpu:>12,.0f} per CPU s)   "
                f"kernel {kernel_wall:>12,.0f} ({kernel_cpu:>12,.0f} per CPU s)   "
                f"ratio {kernel_cpu / numpy_cpu:.2f} (CPU)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N up to 10^5 only")
    parser.add_argument("--kernel-only", action="store_true", help="NumPy path vs kernel only")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    kernel_section(sizes)
    if args.kernel_only:
        return
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
