"""Speed of ``escalade replay`` on the reference scenario (never asserted in tests).

Part 1, per kind of cell, one replicate filter of ``--particles`` particles
conditioned on the shipped record, side by side with the plain engine
(``run_grid``, one process) on the same cell and trajectories: particles per
second and the ratio (what the filter's weighting, tracking and resampling
add). The cells differ in cost: the ``opportunist`` mindset decides by
rollouts (``best_response``), the others by rules.

Part 2, the whole replay (every strategy x mindset cell, conditioned filters
plus the prior filters for the scores) with ``--workers`` processes: wall time,
particles per second, and the time 10^6 conditioned particles over the 16
rounds would take at that rate (the issue's target: under 60 s on 2 cores).

Re-run: ``python benchmarks/replay.py [--particles 2048] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from escalade.analysis import replay as replay_module
from escalade.engine import run_grid
from escalade.engine.executors import ProcessExecutor
from escalade.engine.particles import run_filter
from escalade.evidence.facts import compile_observations
from escalade.evidence.observed import load_observed
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

SCENARIO = "dprk-troops-2024"
RECORD = Path(__file__).parents[1] / "examples" / "dprk-troops-2024.observed.yaml"


def per_cell(particles: int) -> None:
    """Part 1: one filter vs the plain engine, per kind of cell."""
    compiled = compile_scenario(load_scenario(SCENARIO))
    lt = load_observed(RECORD)
    facts = compile_observations(compiled, lt)
    weigh = (True,) * len(facts)
    print(f"{SCENARIO}: {len(facts)} observations, {compiled.horizon} rounds, one process")
    run_grid(compiled, [(None, None)], n=64, seed=1, workers=1, keep_traces=0)  # warm up
    print(f"{'cell':34s} {'filter p/s':>11s} {'engine p/s':>11s} {'ratio':>6s} {'resampled':>9s}")
    for cell in (("indecision", "dominance"), ("decisive", "mirror"), ("graduated", "opportunist")):
        task = replay_module._tasks(
            compiled,
            [cell],
            facts,
            weigh,
            particles=2 * particles,
            replicates=2,
            seed=1,
            eps=lt.timeline.epsilon,
        )[0]
        start = time.perf_counter()
        result = run_filter(task)
        filtered = particles / (time.perf_counter() - start)
        start = time.perf_counter()
        run_grid(compiled, [cell], n=particles, seed=1, workers=1, keep_traces=0)
        plain = particles / (time.perf_counter() - start)
        label = f"{cell[0]} x {cell[1]}"
        print(
            f"{label:34s} {filtered:11,.0f} {plain:11,.0f} {filtered / plain:6.2f} "
            f"{int(result.resampled.sum()):9d}"
        )


def whole(particles: int, workers: int) -> None:
    """Part 2: the whole replay on ``workers`` processes."""
    compiled = compile_scenario(load_scenario(SCENARIO))
    lt = load_observed(RECORD)
    cells = len(compiled.scenario.strategies) * len(compiled.scenario.mindsets)
    start = time.perf_counter()
    with ProcessExecutor(workers=workers) as pool:
        replay_module.replay(compiled, lt, particles=particles, seed=1, executor=pool)
    seconds = time.perf_counter() - start
    conditioned = particles * cells
    rate = 2 * conditioned / seconds  # conditioned and prior filters
    print(
        f"whole replay: {cells} cells x {particles} particles (+ as many for the prior), "
        f"{workers} workers: {seconds:.1f} s, {rate:,.0f} particles/s "
        f"({rate * compiled.horizon:,.0f} particle-rounds/s)"
    )
    print(
        f"10^6 conditioned particles x {compiled.horizon} rounds at this rate: "
        f"{1e6 / (conditioned / (seconds / 2)):.0f} s without the prior filters, "
        f"{2e6 / rate:.0f} s with them"
    )


def main() -> None:
    """Print both parts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=2048, help="particles per cell")
    parser.add_argument("--workers", type=int, default=2, help="processes for part 2")
    args = parser.parse_args()
    per_cell(args.particles)
    whole(args.particles, args.workers)


if __name__ == "__main__":
    main()
