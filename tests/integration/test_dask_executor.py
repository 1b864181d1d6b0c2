"""The same sweep on a real Dask cluster (scheduler + two workers on 127.0.0.1)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from escalade.analysis.replay import replay
from escalade.cli import main
from escalade.engine import simulate
from escalade.engine.executors import (
    DaskExecutor,
    ProcessExecutor,
    SequentialExecutor,
    executor_for,
)
from escalade.evidence.observed import load_observed
from escalade.explore.designs import sample
from escalade.explore.examples import toy_crisis_model
from escalade.explore.experiments import run_experiments
from escalade.random import BLOCK
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


def test_dask_map_keeps_order(cluster):
    with DaskExecutor(cluster.scheduler_address) as ex:
        assert list(ex.map(math.factorial, list(range(200)))) == [
            math.factorial(i) for i in range(200)
        ]


def test_small_sweep_on_dask_equals_sequential(cluster):
    model = toy_crisis_model()
    design = sample(model.uncertainties, design="lhs", n=100, seed=2)
    ref = run_experiments(model, design, seed=3)
    with DaskExecutor(cluster.scheduler_address) as ex:
        got = run_experiments(model, design, seed=3, executor=ex)
    pd.testing.assert_frame_equal(ref.outcomes, got.outcomes)


@pytest.mark.slow
def test_same_numbers_on_every_executor_and_chunk_size(cluster):
    model = toy_crisis_model()
    design = sample(model.uncertainties, design="lhs", n=600, seed=21)
    ref = run_experiments(model, design, seed=77, replications=2)
    with DaskExecutor(cluster.scheduler_address) as ex:
        small = run_experiments(model, design, seed=77, replications=2, executor=ex, chunk_size=1)
        large = run_experiments(
            model, design, seed=77, replications=2, executor=ex, chunk_size=4 * BLOCK
        )
    with ProcessExecutor(workers=2) as ex:
        proc = run_experiments(model, design, seed=77, replications=2, executor=ex)
    for other in (small, large, proc):
        pd.testing.assert_frame_equal(ref.outcomes, other.outcomes)
        pd.testing.assert_frame_equal(ref.experiments, other.experiments)
    assert small.metadata["n_chunks"] > large.metadata["n_chunks"]


def test_executor_for_returns_a_working_dask_executor(cluster):
    ex = executor_for(scheduler=cluster.scheduler_address, workers=None, n_tasks=10)
    with ex:
        assert list(ex.map(abs, [-3, 4])) == [3, 4]


def test_simulation_on_dask_equals_in_process(cluster):
    """The engine gives the same numbers, bit for bit, on two Dask workers."""
    kw = {"strategy": "graduated", "mindset": "opportunist", "n": 3000, "seed": 8}
    with DaskExecutor(cluster.scheduler_address) as ex:
        remote = simulate("kursk-mini", executor=ex, chunk_size=1024, **kw)
    local = simulate("kursk-mini", executor=SequentialExecutor(), chunk_size=50_000, **kw)
    assert remote.to_dict() == local.to_dict()
    assert (remote.counts.floats == local.counts.floats).all()


def test_cli_simulate_with_scheduler(cluster, capsys):
    args = ["simulate", "kursk-mini", "--n", "2048", "--seed", "4", "--json"]
    assert main([*args, "--scheduler", cluster.scheduler_address, "--chunk-size", "1024"]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert main([*args, "--workers", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == remote


def test_replay_on_dask_equals_sequential(cluster):
    """The particle filters of `escalade replay` give the same numbers on a Dask cluster."""
    data = Path(__file__).parents[1] / "data" / "observed"
    compiled = compile_scenario(load_scenario(data / "coin.yaml"))
    record = load_observed(data / "coin.observed.yaml")
    base = replay(compiled, record, particles=1024, seed=11, replicates=4)
    with DaskExecutor(cluster.scheduler_address) as ex:
        remote = replay(compiled, record, particles=1024, seed=11, replicates=4, executor=ex)
    assert np.array_equal(base.log_z, remote.log_z)
    assert np.array_equal(base.posterior_cells, remote.posterior_cells)
    assert base.to_dict() == remote.to_dict()
