"""The strategy meta-game against ``escalade run`` on the same cells, N and seed.

Prints the wall time of ``escalade game`` (simulation keeping per-trajectory
utilities, then the analysis with 200 bootstrap resamples) and of ``escalade
run`` (simulation, tables, DuckDB store, HTML report) on the reference
scenario, their ratio, and the time of the analysis alone: the equilibrium
computation (Nash equilibria, α-Rank, both Stackelberg LPs) and the bootstrap.
Both run in this process on the default executor; the order alternates over
``--repeat`` rounds and the best time of each is kept.

First the degenerate path side by side: all equilibria of two degenerate
4 x 3 games (payoffs with ties; two equal columns), where every pair of
supports is tried, with each
support program solved by vertex enumeration (the default) and by SciPy's LP
(the previous way), best of ``--repeat`` each, alternating, and their ratio.
``--solver-only`` skips the simulations.

Run: ``python benchmarks/metagame.py [--n 2000] [--repeat 2] [--solver-only]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from escalade.analysis.metagame import MetaAnalysis, MetaGame, analyse
from escalade.scenario import load_scenario
from escalade.solvers.bimatrix import equilibria
from escalade.workflows.game import GameOptions, game_scenario
from escalade.workflows.run import RunOptions, run_scenario


def degenerate_games() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Two degenerate 4 x 3 games: ties everywhere, and two equal columns."""
    ties = (
        np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
        np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0]]),
    )
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    a[:, 2], b[:, 2] = a[:, 1], b[:, 1]  # a mindset that never differs in play from another
    return {"ties": ties, "equal columns": (a, b)}


def degenerate(repeat: int) -> None:
    """Time the degenerate path, vertex enumeration against the LP, side by side."""
    for name, game in degenerate_games().items():
        best = {"vertex": float("inf"), "lp": float("inf")}
        found = {}
        for k in range(max(repeat, 3)):
            for method in ("vertex", "lp") if k % 2 == 0 else ("lp", "vertex"):
                started = time.perf_counter()
                found[method] = equilibria(*game, method=method)
                best[method] = min(best[method], time.perf_counter() - started)
        same = sorted(e.dimension for e in found["vertex"].found) == sorted(
            e.dimension for e in found["lp"].found
        )
        print(
            f"degenerate 4 x 3 game, {name} ({len(found['vertex'].found)} equilibria, "
            f"as many and as large as the LP's: {same}): vertex enumeration "
            f"{best['vertex']:.4f} s, LP {best['lp']:.4f} s ({best['lp'] / best['vertex']:.0f}x)"
        )


def degenerate_analysis() -> None:
    """The whole analysis of a degenerate meta-game, with and without the bootstrap."""
    rng = np.random.default_rng(2)
    n = 2000
    samples = rng.normal(size=(2, 4, 3))[None] + rng.normal(scale=0.5, size=(n, 2, 4, 3))
    samples[..., 2] = samples[..., 1]  # a mindset that never differs in play from another
    game = MetaGame(
        "west",
        "east",
        ("a", "b", "c", "d"),
        ("x", "y", "z"),
        samples.mean(axis=0),
        samples.std(axis=0, ddof=1) / np.sqrt(n),
        samples,
    )
    solve = min(analyse(game, bootstrap=0).seconds for _ in range(3))
    started = time.perf_counter()
    found = analyse(game, bootstrap=200)
    total = time.perf_counter() - started
    print(
        f"degenerate 4 x 3 meta-game (N = {n}, two equal columns, {len(found.nash)} equilibria): "
        f"equilibrium computation {solve:.4f} s, with 200 bootstrap resamples {total:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="dprk-troops-2024")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--solver-only", action="store_true", help="only the degenerate path")
    args = parser.parse_args()
    degenerate(args.repeat)
    degenerate_analysis()
    if args.solver_only:
        return
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
