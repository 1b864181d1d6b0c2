"""Executors: order of results, context-manager discipline, address checks."""

from __future__ import annotations

import math
import os
import socket

import _worker_probe
import pytest

from escalade.engine.executors import (
    DaskExecutor,
    ProcessExecutor,
    SequentialExecutor,
    executor_for,
    free_cores,
    usable_cores,
)
from escalade.errors import EscaladeError, UsageError


def test_sequential_yields_in_order_and_lazily():
    seen: list[int] = []

    def record(x: int) -> int:
        seen.append(x)
        return -x

    with SequentialExecutor() as ex:
        it = ex.map(record, [1, 2, 3])
        assert seen == []
        assert next(it) == -1
        assert seen == [1]
        assert list(it) == [-2, -3]


def test_process_executor_keeps_order_with_more_items_than_window():
    items = list(range(30))
    with ProcessExecutor(workers=2) as ex:
        got = list(ex.map(math.factorial, items))
    assert got == [math.factorial(i) for i in items]


def test_process_executor_raises_worker_exception():
    with ProcessExecutor(workers=1) as ex, pytest.raises(ValueError, match="math domain"):
        list(ex.map(math.sqrt, [4.0, -1.0]))


def test_process_executor_must_be_entered():
    ex = ProcessExecutor(workers=1)
    with pytest.raises(UsageError, match="not open"):
        ex.map(abs, [1])
    with ex, pytest.raises(UsageError, match="already open"):
        ex.__enter__()


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "3"])
def test_workers_validated(bad):
    with pytest.raises(UsageError, match="workers: expected a positive integer"):
        ProcessExecutor(bad)


def test_process_executor_default_workers_is_usable_cores():
    assert ProcessExecutor().workers == usable_cores()
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)


def test_workers_import_the_engine_once_and_nothing_heavy():
    # Workers are forked from a server that imported the engine (PRELOAD); none of
    # them imports pandas, SciPy, DuckDB, Plotly, the solvers or the results layer.
    heavy = [
        "pandas",
        "scipy",
        "duckdb",
        "plotly",
        "escalade.engine.equilibrium",
        "escalade.game",
        "escalade.solvers",
        "escalade.results",
        "escalade.report",
    ]
    with ProcessExecutor(workers=2) as ex:
        seen = list(ex.map(_worker_probe.loaded, [[*heavy, "escalade.engine.chunk"]] * 4))
    assert seen == [["escalade.engine.chunk"]] * 4


@pytest.mark.parametrize(
    "bad", ["localhost:8786", "tcp://", "tcp://host", "http://h:1", "tcp://h:0", "tcp://h:99999", 5]
)
def test_dask_address_malformed(bad):
    with pytest.raises(UsageError, match="scheduler: expected"):
        DaskExecutor(bad)


def test_dask_unreachable_names_the_address():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # the port is free now: nothing listens there
    address = f"tcp://127.0.0.1:{port}"
    ex = DaskExecutor(address, timeout=1.0)
    with pytest.raises(EscaladeError, match=f"Dask scheduler at {address}"), ex:
        pass


def test_executor_for_choices():
    assert isinstance(executor_for(scheduler=None, workers=None, n_tasks=1), SequentialExecutor)
    assert isinstance(executor_for(scheduler=None, workers=1, n_tasks=50), SequentialExecutor)
    ex = executor_for(scheduler=None, workers=3, n_tasks=2)
    assert isinstance(ex, ProcessExecutor)
    assert ex.workers == 2
    dask_ex = executor_for(scheduler="tcp://127.0.0.1:8786", workers=None, n_tasks=1)
    assert isinstance(dask_ex, DaskExecutor)
    assert dask_ex.address == "tcp://127.0.0.1:8786"
    with pytest.raises(UsageError):
        executor_for(scheduler="127.0.0.1:8786", workers=None, n_tasks=1)


@pytest.mark.parametrize(
    ("cores", "load", "free"),
    [(2, 0.0, 2), (2, 1.0, 2), (2, 1.6, 1), (2, 11.0, 1), (8, 3.2, 6), (8, 0.4, 8), (1, 0.0, 1)],
)
def test_free_cores_counts_the_caller_and_keeps_one(cores: int, load: float, free: int) -> None:
    assert free_cores(cores, load) == free


def test_free_cores_defaults_to_this_machine() -> None:
    assert 1 <= free_cores() <= usable_cores()
