from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from escalade.errors import ResultsFormatError, UsageError
from escalade.results import RUN_COLUMNS, ResultSet, Store


def mixed_table(n: int = 4) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": pd.Categorical(["wait", "graduated"] * (n // 2), ["wait", "graduated"]),
            "round": np.arange(n, dtype="int32"),
            "Utility value": np.linspace(-1.0, 1.0, n),
            "utility value": np.arange(n, dtype="int64"),  # differs only by case
            "crossed": [True, False] * (n // 2),
            "label": ["a", None] * (n // 2),
            "count": pd.array([1, None] * (n // 2), dtype="Int64"),
            "when": pd.date_range("2024-11-05", periods=n, tz="UTC"),
        }
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "escalade.duckdb") as s:
        yield s


def test_save_load_roundtrip_keeps_dtypes_order_and_index(store: Store) -> None:
    indexed = mixed_table().set_index(["strategy", "round"])
    rs = ResultSet(
        "run",
        {"seed": 7, "n": 100, "scenario_id": "toy", "scenario_hash": "sha256:ab"},
        {"outcomes": mixed_table(), "by strategy": indexed, "empty": mixed_table().iloc[:0]},
        scenario_text="id: toy\n",
    )
    run_id = store.save(rs)
    assert run_id.startswith("r") and len(run_id) == 9
    back = store.load(run_id)
    assert back.kind == "run" and back.scenario_text == "id: toy\n"
    assert dict(back.metadata) == dict(rs.metadata)
    assert back.table_names == ("outcomes", "by strategy", "empty")
    for name in rs.table_names:
        pd.testing.assert_frame_equal(back.table(name), rs.table(name))


def test_runs_with_same_table_name_and_different_columns(store: Store) -> None:
    a = store.save(ResultSet("simulate", {}, {"t": pd.DataFrame({"x": [1, 2]})}))
    b = store.save(ResultSet("explore", {}, {"t": pd.DataFrame({"y": ["u"], "z": [0.5]})}))
    assert list(store.load(a).table("t").columns) == ["x"]
    assert store.load(b).table("t").to_dict("list") == {"y": ["u"], "z": [0.5]}


def test_list_runs_newest_first_with_columns(store: Store) -> None:
    ids = [store.save(ResultSet("run", {"seed": i, "n": 10 * i}, {})) for i in range(3)]
    runs = store.list_runs()
    assert tuple(runs.columns) == RUN_COLUMNS
    assert runs["id"].tolist() == ids[::-1]
    assert runs["seed"].tolist() == [2, 1, 0]
    assert set(runs["status"]) == {"complete"}


def test_unknown_and_prefix_ids(store: Store) -> None:
    run_id = store.save(ResultSet("run", {}, {}))
    assert store.load(run_id[:5]).kind == "run"
    typo = run_id[:-1] + ("0" if run_id[-1] != "0" else "1")
    with pytest.raises(ResultsFormatError, match=f"did you mean '{run_id}'"):
        store.load(typo)
    with pytest.raises(ResultsFormatError, match="no run with id"):
        store.delete("zzz")


def test_delete_removes_run_and_data(store: Store) -> None:
    keep = store.save(ResultSet("run", {}, {"t": pd.DataFrame({"x": [1]})}))
    gone = store.save(ResultSet("run", {}, {"t": pd.DataFrame({"x": [2]})}))
    store.delete(gone)
    assert store.list_runs()["id"].tolist() == [keep]
    tables = store._connection().execute("SELECT table_name FROM duckdb_tables()").fetchall()
    assert not any(gone in name for (name,) in tables)


def test_chunked_run_is_idempotent_and_resumable(store: Store) -> None:
    run_id = store.begin("explore", {"seed": 1}, key="sweep-abc")
    assert store.find_resumable("sweep-abc") == run_id
    assert store.find_resumable("other") is None
    store.write_chunk(run_id, "outcomes", 1, pd.DataFrame({"x": [3, 4]}))
    store.write_chunk(run_id, "outcomes", 0, pd.DataFrame({"x": [9]}))
    store.write_chunk(run_id, "outcomes", 0, pd.DataFrame({"x": [1, 2]}))  # replaces chunk 0
    assert store.completed_chunks(run_id, "outcomes") == {0, 1}
    assert store.list_runs()["status"].tolist() == ["running"]
    with pytest.raises(ResultsFormatError, match="resume"):
        store.load(run_id)
    partial = store.load(run_id, allow_incomplete=True)
    assert partial.table("outcomes")["x"].tolist() == [1, 2, 3, 4]
    store.finish(run_id)
    assert store.find_resumable("sweep-abc") is None
    assert store.load(run_id).table("outcomes")["x"].tolist() == [1, 2, 3, 4]
    with pytest.raises(UsageError, match="is complete"):
        store.write_chunk(run_id, "outcomes", 2, pd.DataFrame({"x": [5]}))


def test_chunks_must_keep_their_columns(store: Store) -> None:
    run_id = store.begin("explore", {})
    store.write_chunk(run_id, "t", 0, pd.DataFrame({"x": [1]}))
    with pytest.raises(UsageError, match=r"expected columns \[x: int64\]"):
        store.write_chunk(run_id, "t", 1, pd.DataFrame({"x": [1.5]}))
    with pytest.raises(UsageError, match="chunk: expected an integer >= 0"):
        store.write_chunk(run_id, "t", -1, pd.DataFrame({"x": [1]}))
    assert store.completed_chunks(run_id, "t") == {0}


def test_row_slices_are_chunks_of_the_same_table(store: Store) -> None:
    df = pd.DataFrame({"x": range(6)})
    run_id = store.begin("explore", {})
    for k in range(3):
        store.write_chunk(run_id, "t", k, df.iloc[2 * k : 2 * k + 2])  # RangeIndex(2k, 2k+2)
    store.finish(run_id)
    pd.testing.assert_frame_equal(store.load(run_id).table("t"), df)


def test_categories_union_over_chunks(store: Store) -> None:
    run_id = store.begin("explore", {})
    store.write_chunk(run_id, "t", 0, pd.DataFrame({"s": pd.Categorical(["a"])}))
    store.write_chunk(run_id, "t", 1, pd.DataFrame({"s": pd.Categorical(["b"])}))
    store.finish(run_id)
    column = store.load(run_id).table("t")["s"]
    assert column.tolist() == ["a", "b"] and list(column.cat.categories) == ["a", "b"]


def test_describe_reports_sizes(store: Store) -> None:
    run_id = store.save(ResultSet("run", {"seed": 3}, {"t": pd.DataFrame({"x": range(5)})}))
    info = store.describe(run_id)
    assert info["id"] == run_id and info["seed"] == 3
    assert info["tables"] == {"t": {"rows": 5, "chunks": 1}}


def test_unstorable_column_is_a_usage_error(store: Store) -> None:
    bad = pd.DataFrame({"x": pd.Series([1, "a"], dtype=object)})
    with pytest.raises(UsageError, match="column 'x'"):
        store.save(ResultSet("run", {}, {"t": bad}))
    assert store.list_runs().empty  # the failed save left nothing behind


def test_non_duckdb_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("this is not a database, just some text that is long enough\n")
    with pytest.raises(ResultsFormatError, match="found a file of another kind"):
        Store(path).list_runs()


def test_foreign_duckdb_and_newer_version_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "other.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("CREATE TABLE x (a INTEGER)")
    with pytest.raises(ResultsFormatError, match="found a DuckDB file with other tables"):
        Store(foreign).list_runs()
    newer = tmp_path / "newer.duckdb"
    Store(newer).list_runs()
    with duckdb.connect(str(newer)) as con:
        con.execute("UPDATE format_version SET version = 99")
    with pytest.raises(ResultsFormatError, match="upgrade escalade"):
        Store(newer).list_runs()


def test_read_only_missing_store(tmp_path: Path) -> None:
    with pytest.raises(ResultsFormatError, match="no results store here"):
        Store(tmp_path / "missing.duckdb", read_only=True).list_runs()
    assert not (tmp_path / "missing.duckdb").exists()


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np, pandas as pd
    from escalade.results import ResultSet, Store

    N = 200_000
    store = Store(sys.argv[1])
    run_id = store.begin("explore", {"seed": 1}, key="killed")
    chunk = 0
    while True:
        df = pd.DataFrame({"chunk": np.full(N, chunk), "x": np.arange(N, dtype=float)})
        store.write_chunk(run_id, "outcomes", chunk, df)
        store.save(ResultSet("simulate", {"n": N}, {"t": df, "u": df}))
        print(chunk, flush=True)
        chunk += 1
    """
)


def test_sigkill_during_writes_leaves_store_readable(tmp_path: Path) -> None:
    path = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for _ in range(3):  # let three rounds finish, then kill in the middle of the next one
        assert proc.stdout.readline(), "the writer died early"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    with Store(path) as store:
        runs = store.list_runs()
        complete = runs[runs["status"] == "complete"]
        assert len(complete) >= 3
        for run_id in complete["id"]:
            rs = store.load(run_id)
            assert all(len(t) == 200_000 for t in rs.tables.values())
            assert rs.table_names == ("t", "u")
        run_id = store.find_resumable("killed")
        assert run_id is not None
        done = store.completed_chunks(run_id, "outcomes")
        assert done == set(range(len(done))) and len(done) >= 3
        partial = store.load(run_id, allow_incomplete=True).table("outcomes")
        assert len(partial) == 200_000 * len(done)
        assert sorted(set(partial["chunk"])) == sorted(done)
        store.write_chunk(run_id, "outcomes", len(done), partial.iloc[:10])  # resumes
        store.finish(run_id)
        assert len(store.load(run_id).table("outcomes")) == 200_000 * len(done) + 10


def test_a_new_store_gets_its_folder(tmp_path: Path) -> None:
    """`--store new/folder/x.duckdb` creates the folder, as `--out` does for a report."""
    path = tmp_path / "not" / "yet" / "results.duckdb"
    with Store(path) as store:
        run_id = store.save(ResultSet("simulate", {"seed": 1}, {"t": pd.DataFrame({"x": [2]})}))
    with Store(path, read_only=True) as store:
        assert store.load(run_id).table("t")["x"].tolist() == [2]


def test_a_store_whose_folder_cannot_be_made_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ResultsFormatError, match="expected a folder that can hold the store"):
        Store(blocker / "results.duckdb").connection()


def test_tables_without_columns_keep_their_rows(store: Store) -> None:
    """A table with rows but no columns (or an index only) loads as it was saved."""
    tables = {
        "empty": pd.DataFrame(),
        "rows": pd.DataFrame(index=range(3)),
        "keyed": pd.DataFrame(index=pd.Index(["a", "b"], name="k")),
    }
    loaded = store.load(store.save(ResultSet("simulate", {"seed": 1}, tables)))
    for name, df in tables.items():
        pd.testing.assert_frame_equal(
            loaded.table(name), df, check_index_type="equiv", check_column_type=False
        )
