"""The same sweep on a real Dask cluster (scheduler + two workers on 127.0.0.1)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from escalade.engine.executors import DaskExecutor, ProcessExecutor, executor_for
from escalade.explore.designs import sample
from escalade.explore.examples import toy_crisis_model
from escalade.explore.experiments import run_experiments
from escalade.random import BLOCK

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
