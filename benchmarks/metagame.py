"""The strategy meta-game against ``escalade run`` on the same cells, N and seed.

Prints the wall time of ``escalade game`` (simulation keeping per-trajectory
utilities, then the analysis with 200 bootstrap resamples) and of ``escalade
run`` (simulation, tables, DuckDB store, HTML report) on the reference
scenario, their ratio, and the time of the analysis alone: the equilibrium
computation (Nash equilibria, α-Rank, both Stackelberg LPs) and the bootstrap.
Both run in this process on the default executor; the order alternates over
``--repeat`` rounds and the best time of each is kept.

Run: ``python benchmarks/metagame.py [--n 2000] [--repeat 2]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from escalade.analysis.metagame import MetaAnalysis, analyse
from escalade.scenario import load_scenario
from escalade.workflows.game import GameOptions, game_scenario
from escalade.workflows.run import RunOptions, run_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="dprk-troops-2024")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    best = {"game": float("inf"), "run": float("inf")}
    result: MetaAnalysis | None = None
    for k in range(args.repeat):
        for what in ("game", "run") if k % 2 == 0 else ("run", "game"):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                if what == "game":
                    result = game_scenario(scenario, GameOptions(n=args.n, seed=2024))
                else:
                    options = RunOptions(
                        n=args.n, seed=2024, store=Path(tmp) / "s.duckdb", out=Path(tmp)
                    )
                    run_scenario(scenario, options)
                best[what] = min(best[what], time.perf_counter() - started)
    assert result is not None
    solve = min(analyse(result.game, bootstrap=0).seconds for _ in range(5))
    started = time.perf_counter()
    analyse(result.game, bootstrap=200)
    total = time.perf_counter() - started
    g = result.game
    print(f"{args.scenario}: {len(g.rows)} x {len(g.cols)} cells, N = {args.n} per cell")
    print(f"escalade run : {best['run']:.2f} s")
    print(f"escalade game: {best['game']:.2f} s ({best['game'] / best['run']:.2f}x run)")
    print(f"equilibrium computation (Nash, alpha-Rank, Stackelberg): {solve:.4f} s")
    print(f"analysis with 200 bootstrap resamples: {total:.3f} s")


if __name__ == "__main__":
    main()
