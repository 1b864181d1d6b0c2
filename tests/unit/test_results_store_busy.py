"""No result is lost to a busy or damaged store (issue 18, finding 6); real DuckDB files.

Another process holds the store the way ``escalade explore`` does while it sweeps: a
child Python process with the file open for writing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from escalade.cli import main
from escalade.results import ResultSet, Store
from escalade.results._locking import REPAIR_HINT
from escalade.results.pending import pending_bundles, pending_dir
from escalade.results.pool import ReadPool
from escalade.results.repair import _problem, repair_store
from escalade.results.store import StoreBusy, StoreCorrupt
from escalade.workflows.run import save_or_stash
from storeholder import held


def result(value: int = 1) -> ResultSet:
    return ResultSet("simulate", {"seed": value}, {"t": pd.DataFrame({"x": [value, 2]})})


def new_store(path: Path) -> Path:
    with Store(path) as store:
        store.save(result(0))
    return path


def test_a_store_held_briefly_is_waited_for(tmp_path: Path) -> None:
    path = new_store(tmp_path / "s.duckdb")
    with held(path, seconds=1.5):
        started = time.monotonic()
        with Store(path, wait=60) as store:
            run_id = store.save(result(7))
        assert time.monotonic() - started > 0.5
    with Store(path, read_only=True) as store:
        assert store.load(run_id).metadata["seed"] == 7


def test_a_store_held_beyond_the_wait_says_so(tmp_path: Path) -> None:
    path = new_store(tmp_path / "s.duckdb")
    with held(path), pytest.raises(StoreBusy, match=r"kept the store locked for 0\.3 s"):
        Store(path, wait=0.3).list_runs()


def test_a_store_left_open_in_this_process_is_named_not_another_process(tmp_path: Path) -> None:
    """A notebook that kept a Store open read-write, then opens it read-only: the
    message said another process held it."""
    path = new_store(tmp_path / "s.duckdb")
    with Store(path) as writer:
        writer.list_runs()
        with pytest.raises(StoreBusy, match="this process still has the store open read-write"):
            Store(path, read_only=True, wait=0).list_runs()


def test_results_kept_aside_are_merged_at_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = new_store(tmp_path / "s.duckdb")
    monkeypatch.setenv("ESCALADE_STORE_WAIT", "0.3")
    with held(path):
        saved = save_or_stash(result(5), path)
    assert saved.run_id is None and saved.pending is not None
    assert saved.pending.parent == pending_dir(path) and "locked" in (saved.problem or "")
    assert pending_bundles(path) == [saved.pending]
    with Store(path) as store:
        assert len(store.merged) == 1
        merged = store.load(store.merged[0])
        assert merged.metadata["seed"] == 5 and merged.table("t")["x"].tolist() == [5, 2]
        assert len(store.list_runs()) == 2
    assert not pending_dir(path).exists()
    with Store(path) as store:  # merged once, never twice
        assert len(store.list_runs()) == 2


def test_a_half_written_bundle_is_not_merged(tmp_path: Path) -> None:
    path = new_store(tmp_path / "s.duckdb")
    (pending_dir(path) / ".partial-x").mkdir(parents=True)
    with Store(path) as store:
        assert store.merged == [] and len(store.list_runs()) == 1


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_escalade_run_keeps_its_results_and_report_when_the_store_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review: `run` while `explore` held the store exited 2 with nothing and no report."""
    path = new_store(tmp_path / "c.duckdb")
    monkeypatch.setenv("ESCALADE_STORE_WAIT", "0.5")
    argv = ["run", "kursk-mini", "--n", "40", "--store", str(path), "--out", str(tmp_path / "r")]
    with held(path):
        code, _, err = run_cli([*argv, "--json"], capsys)
    assert code == 0, err
    assert "warning: the run was not stored" in err and "escalade runs import" in err
    assert (tmp_path / "r" / "report.html").stat().st_size > 10_000
    code, out, err = run_cli(["runs", "import", "--store", str(path)], capsys)
    assert code == 0 and out.startswith("merged 1 of 1 pending results"), (out, err)
    with Store(path, read_only=True) as store:
        runs = store.list_runs()
        assert list(runs["kind"]) == ["run", "simulate"]


def test_three_runs_at_once_on_one_store_are_all_kept(tmp_path: Path) -> None:
    """The review lost one of three simultaneous `escalade run` on one store."""
    path = tmp_path / "three.duckdb"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [
                *[sys.executable, "-m", "escalade", "run", "kursk-mini", "--n", "30"],
                *["--seed", str(i), "--store", str(path), "--no-report", "--json"],
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    with Store(path) as store:  # merges whatever was kept aside
        seeds = sorted(int(s) for s in store.list_runs()["seed"])
    assert seeds == [0, 1, 2]


def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "bad.duckdb"
    with Store(path) as store:
        for i in range(3):
            store.save(result(i))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def test_a_truncated_store_gets_its_own_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = damaged(tmp_path)
    with pytest.raises(StoreCorrupt, match="truncated or damaged") as caught, Store(path) as s:
        s.list_runs()
    assert "runs repair" in str(caught.value) and "another process" not in str(caught.value)
    code, _, err = run_cli(["runs", "list", "--store", str(path)], capsys)
    assert code == 2 and "truncated or damaged" in err and "Traceback" not in err


def test_runs_repair_moves_a_damaged_store_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = damaged(tmp_path)
    before = path.read_bytes()
    code, out, _ = run_cli(["runs", "repair", "--store", str(path)], capsys)
    assert "moved the damaged store aside to" in out
    aside = next(tmp_path.glob("bad.duckdb.damaged-*"))
    assert aside.read_bytes() == before  # kept as it was
    with Store(path) as store:  # a working store again, with what could be read
        assert len(store.list_runs()) <= 3
    assert code in (0, 1)
    assert "(hint: repairing it" not in out  # the hint says to do what is being done
    code, out, _ = run_cli(["runs", "repair", "--store", str(path)], capsys)
    assert code == 0 and "nothing to repair" in out


def test_repair_says_what_it_could_not_read_whole_without_the_hint_to_repair() -> None:
    """A new user's `runs repair` printed "(hint: repairing it (...repair_store, on );"."""
    io = (
        'IO Error: Could not read enough bytes from file "s.duckdb.damaged-20261202T141649Z": '
        "attempted to read 262144 bytes from location 12333056"
    )
    problem = _problem(StoreCorrupt(f"s.duckdb: the store file is truncated or damaged ({io}) "
                                    f"(hint: {REPAIR_HINT})\nmore"))  # fmt: skip
    assert problem == f"s.duckdb: the store file is truncated or damaged ({io})"
    assert _problem(StoreCorrupt("x (hint: upgrade duckdb)")) == "x (hint: upgrade duckdb)"
    long = _problem(StoreCorrupt("word " * 200))
    assert len(long) <= 502 and long.endswith("word …")


def test_repair_copies_the_runs_it_can_read_with_their_ids(tmp_path: Path) -> None:
    """One block of one run's data damaged: the two other runs are copied, ids kept."""
    path = tmp_path / "s.duckdb"
    rng = np.random.default_rng(1)
    with Store(path) as store:
        tables = [{"t": pd.DataFrame({"x": rng.random(200_000)})} for _ in range(3)]
        ids = [store.save(ResultSet("simulate", {"seed": i}, t)) for i, t in enumerate(tables)]
    data = bytearray(path.read_bytes())
    start = 3 * 4096 + 4 * 256 * 1024 + 100  # DuckDB: 3 header pages, then 256 KiB blocks
    data[start : start + 64] = bytes(b ^ 0xFF for b in data[start : start + 64])
    path.write_bytes(bytes(data))
    report = repair_store(path)
    assert report.needed and report.unreadable is None
    assert len(report.copied) == 2 and len(report.lost) == 1
    assert set(report.copied) | set(report.lost) == set(ids)
    with Store(path, read_only=True) as store:
        assert sorted(store.list_runs()["id"]) == sorted(report.copied)
        for run_id in report.copied:
            seed = store.load(run_id).metadata["seed"]
            assert store.load(run_id).table("t")["x"].equals(tables[seed]["t"]["x"])


def test_a_pool_serves_readers_at_once_and_lets_this_process_write(tmp_path: Path) -> None:
    path = new_store(tmp_path / "s.duckdb")
    pool = ReadPool(path, size=4)
    both_in = threading.Barrier(2, timeout=30)
    seen: list[int] = []

    def read() -> None:
        with pool.reading() as store:
            assert store is not None
            both_in.wait()  # two readers hold cursors at the same time
            seen.append(len(store.list_runs()))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert seen == [1, 1]
    with pool.writing(), Store(path) as store:  # no "different configuration" error
        store.save(result(9))
    with pool.reading() as store:
        assert store is not None and len(store.list_runs()) == 2
    # the pool closed the file when its readers left, so another process could take it
    with held(path), pytest.raises(StoreBusy), ReadPool(path, wait=0.2).reading() as store:
        assert store is not None
        store.list_runs()
    assert ReadPool(tmp_path / "none.duckdb").reading().__enter__() is None
