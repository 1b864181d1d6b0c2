from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from escalade.cli import main
from escalade.results import ResultSet, Store, load_bundle


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "runs.duckdb"
    with Store(path) as store:
        store.save(
            ResultSet(
                "run",
                {"scenario_id": "toy", "seed": 11, "n": 200, "scenario_hash": "sha256:aa"},
                {"outcomes": pd.DataFrame({"strategy": ["wait", "strike"], "eu": [0.25, -1.5]})},
                "id: toy\n",
            )
        )
        store.save(ResultSet("explore", {"scenario_id": "toy", "seed": 12, "n": 8}, {}))
    return path


def ids(path: Path) -> list[str]:
    with Store(path, read_only=True) as store:
        return list(store.list_runs()["id"])


def test_list_table_and_json(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "list", "--store", str(store_path)]) == 0
    out = capsys.readouterr().out
    newest, oldest = ids(store_path)
    assert out.index(newest) < out.index(oldest)
    assert "explore" in out and "complete" in out
    # n counts trajectories for a run but design points for an explore: the table says so
    words = " ".join(out.split())  # the note wraps to the table's width
    assert "n: trajectories per cell for run" in words and "design points for explore" in words
    assert main(["runs", "list", "--store", str(store_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [newest, oldest]
    assert rows[1] | {"created": None} == {
        "id": oldest,
        "kind": "run",
        "status": "complete",
        "created": None,
        "scenario_id": "toy",
        "scenario_hash": "sha256:aa",
        "n": 200,
        "seed": 11,
    }
    assert rows[0]["scenario_hash"] is None


def test_show_prints_metadata_and_heads(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = ids(store_path)[1]
    assert main(["runs", "show", run_id[:5], "--store", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert run_id in out and "sha256:aa" in out
    assert "outcomes: 2 rows" in out and "strike" in out and "-1.5" in out
    assert not re.search(r"│ key +│ NA", out)  # Su-24 trial: a run without a key showed "NA"
    assert main(["runs", "show", run_id, "--store", str(store_path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["metadata"]["seed"] == 11
    assert shown["tables"]["outcomes"] == {"rows": 2, "chunks": 1, "columns": ["strategy", "eu"]}


def test_export_and_delete(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = ids(store_path)[1]
    out_dir = tmp_path / "bundle"
    assert (
        main(["runs", "export", run_id, "--parquet", str(out_dir), "--store", str(store_path)]) == 0
    )
    assert "metadata.json" in capsys.readouterr().out
    assert load_bundle(out_dir).table("outcomes")["eu"].tolist() == [0.25, -1.5]
    assert main(["runs", "delete", run_id, "--store", str(store_path)]) == 0
    assert f"deleted run {run_id}" in capsys.readouterr().out
    assert run_id not in ids(store_path)


def test_errors_are_messages_not_tracebacks(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = ids(store_path)[0]
    assert main(["runs", "show", run_id[:-1] + "x", "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert "no run with id" in err and f"did you mean '{run_id}'" in err
    assert "Traceback" not in err
    missing = tmp_path / "nothing.duckdb"
    assert main(["runs", "list", "--store", str(missing)]) == 2
    assert "no results store here" in capsys.readouterr().err
    assert not missing.exists()
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is certainly not a duckdb database file\n")
    assert main(["runs", "list", "--store", str(text)]) == 2
    assert "found a file of another kind" in capsys.readouterr().err


def test_default_store_is_in_working_directory(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(store_path.parent)
    store_path.rename(store_path.parent / "escalade.duckdb")
    assert main(["runs", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
