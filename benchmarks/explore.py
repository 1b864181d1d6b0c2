"""Benchmark: experiments per second of escalade's run_experiments.

Compares, in one run and on the same toy model (escalade.explore.examples.toy_crisis:
two uncertainties, one lever with three policies, noise):

1. escalade ``run_experiments`` in the calling process (vectorised, one model call
   per block of 1024 rows);
2. EMA Workbench's ``SequentialEvaluator`` running the same function once per
   experiment (skipped with a note when ema_workbench is not installed);
3. escalade on a local Dask cluster with two workers against one worker, on a
   CPU-heavier variant of the toy model (200 vectorised sin/cos passes per row), because
   the plain toy model is so cheap that the calling process, not the workers, is the
   bottleneck.

Run:  python benchmarks/explore.py [--scenarios N] [--ema-scenarios M] [--dask-rows R]
"""

from __future__ import annotations

import argparse
import importlib
import logging
import time
import warnings

import numpy as np

from escalade.engine.executors import DaskExecutor
from escalade.explore.designs import sample
from escalade.explore.examples import toy_crisis, toy_crisis_model
from escalade.explore.experiments import run_experiments
from escalade.explore.model import FunctionModel
from escalade.explore.scenario import ScenarioModel
from escalade.scenario import load_scenario

STANCES = ("hold", "graduated", "strike")


def ema_toy(resolve: float, p_accident: float, stance: str) -> dict[str, float]:
    """The same toy model called once per experiment, as EMA does."""
    rng = np.random.default_rng()
    out = toy_crisis(
        {
            "resolve": np.array([resolve]),
            "p_accident": np.array([p_accident]),
            "stance": np.array([stance]),
        },
        rng,
        1,
    )
    return {"war": float(out["war"][0]), "gain": float(out["gain"][0])}


def bench_escalade(n_scenarios: int) -> float:
    model = toy_crisis_model()
    design = sample(model.uncertainties, design="lhs", n=n_scenarios, seed=1)
    start = time.perf_counter()
    result = run_experiments(model, design, seed=2)
    elapsed = time.perf_counter() - start
    return len(result.outcomes) / elapsed


def bench_ema(n_scenarios: int) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ema = importlib.import_module("ema_workbench")
        except ImportError:
            return None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    model = ema.Model("toycrisis", function=ema_toy)
    model.uncertainties = [
        ema.RealParameter("resolve", 0.0, 1.0),
        ema.RealParameter("p_accident", 0.0, 0.3),
    ]
    model.levers = [ema.CategoricalParameter("stance", list(STANCES))]
    model.outcomes = [ema.ScalarOutcome("war"), ema.ScalarOutcome("gain")]
    policies = [ema.Policy(s, stance=s) for s in STANCES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        with ema.SequentialEvaluator(model) as evaluator:
            experiments, _ = evaluator.perform_experiments(scenarios=n_scenarios, policies=policies)
        elapsed = time.perf_counter() - start
    return len(experiments) / elapsed


def heavy_toy(params, rng, n):
    """The toy model plus 200 vectorised transcendental passes per row (CPU-bound)."""
    out = toy_crisis(params, rng, n)
    acc = out["gain"].copy()
    for _ in range(200):
        acc = np.sin(acc) + 0.5 * np.cos(acc)
    return {"war": out["war"], "gain": out["gain"] + 1e-9 * acc}


def heavy_model() -> FunctionModel:
    base = toy_crisis_model()
    return FunctionModel(
        heavy_toy, base.uncertainties, base.outcomes, levers=base.levers, name="heavy_toy"
    )


def bench_dask(n_rows: int, workers: int) -> float:
    distributed = importlib.import_module("distributed")
    model = heavy_model()
    n_scenarios = n_rows // len(STANCES)
    design = sample(model.uncertainties, design="lhs", n=n_scenarios, seed=1)
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        DaskExecutor(cluster.scheduler_address) as executor,
    ):
        run_experiments(model, design, seed=2, executor=executor)  # warm the workers
        start = time.perf_counter()
        result = run_experiments(model, design, seed=2, executor=executor, chunk_size=32 * 1024)
        elapsed = time.perf_counter() - start
    return len(result.outcomes) / elapsed


_SCENARIO_MODEL = None
SCENARIO_MINDSETS = ("dominance", "mirror")


def scenario_model():
    """The reference scenario as a batch model (8 trajectories per experiment)."""
    global _SCENARIO_MODEL  # noqa: PLW0603 - one model per process, built on first use
    if _SCENARIO_MODEL is None:
        _SCENARIO_MODEL = ScenarioModel(
            load_scenario("dprk-troops-2024"), trajectories=8, mindsets=SCENARIO_MINDSETS
        )
    return _SCENARIO_MODEL


def ema_scenario(**kwargs):
    """One experiment of the reference scenario, called once per experiment as EMA does."""
    model = scenario_model()
    params = {k: np.array([v]) for k, v in kwargs.items()}
    out = model.run(params, np.random.default_rng(), 1)
    return {k: float(v[0]) for k, v in out.items() if k in ("ukraine_position", "utility_west")}


def bench_scenario_escalade(points: int) -> float:
    model = scenario_model()
    design = sample(model.uncertainties, design="lhs", n=points, seed=1)
    start = time.perf_counter()
    result = run_experiments(model, design, seed=2)
    return len(result.outcomes) / (time.perf_counter() - start)


def bench_scenario_ema(points: int) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ema = importlib.import_module("ema_workbench")
        except ImportError:
            return None
    model = scenario_model()
    wrapped = ema.Model("dprk", function=ema_scenario)
    wrapped.uncertainties = [
        ema.CategoricalParameter(p.name, list(p.categories))
        if hasattr(p, "categories")
        else ema.RealParameter(p.name, p.low, p.high)
        for p in model.uncertainties
    ]
    wrapped.levers = [
        ema.CategoricalParameter("strategy", list(model.strategies)),
        ema.CategoricalParameter("mindset", list(model.mindsets)),
    ]
    wrapped.outcomes = [ema.ScalarOutcome("ukraine_position"), ema.ScalarOutcome("utility_west")]
    policies = [
        ema.Policy(f"{s}-{m}", strategy=s, mindset=m)
        for s in model.strategies
        for m in model.mindsets
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        with ema.SequentialEvaluator(wrapped) as evaluator:
            experiments, _ = evaluator.perform_experiments(scenarios=points, policies=policies)
        elapsed = time.perf_counter() - start
    return len(experiments) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200_000)
    parser.add_argument("--ema-scenarios", type=int, default=1_000)
    parser.add_argument("--dask-rows", type=int, default=1_500_000)
    parser.add_argument("--scenario-points", type=int, default=500)
    parser.add_argument("--ema-scenario-points", type=int, default=20)
    args = parser.parse_args()

    ours_s = bench_scenario_escalade(args.scenario_points)
    theirs_s = bench_scenario_ema(args.ema_scenario_points)
    print("dprk-troops-2024 (5 strategies x 2 mindsets, 8 trajectories per experiment)")
    print(f"{'escalade run_experiments (sequential)':<40}{ours_s:>16,.0f}{'':>10}")
    if theirs_s is not None:
        ratio = ours_s / theirs_s
        print(f"{'EMA Workbench SequentialEvaluator':<40}{theirs_s:>16,.0f}{ratio:>9,.0f}x")
    print("toy model")

    ours = bench_escalade(args.scenarios)
    theirs = bench_ema(args.ema_scenarios)
    print(f"{'runner':<40}{'experiments/s':>16}{'ratio':>10}")
    print(f"{'escalade run_experiments (sequential)':<40}{ours:>16,.0f}{'':>10}")
    if theirs is None:
        print("EMA Workbench SequentialEvaluator: not installed (pip install ema-workbench)")
    else:
        print(f"{'EMA Workbench SequentialEvaluator':<40}{theirs:>16,.0f}{ours / theirs:>9,.0f}x")
    one = bench_dask(args.dask_rows, 1)
    two = bench_dask(args.dask_rows, 2)
    print(f"{'escalade on Dask, 1 worker (heavy)':<40}{one:>16,.0f}{'':>10}")
    print(f"{'escalade on Dask, 2 workers (heavy)':<40}{two:>16,.0f}{two / one:>9.2f}x")


if __name__ == "__main__":
    main()
