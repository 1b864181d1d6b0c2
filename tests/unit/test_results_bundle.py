from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from escalade.errors import ResultsFormatError, UsageError
from escalade.results import BUNDLE_FORMAT_VERSION, ResultSet, Store, load_bundle, save_bundle

FROZEN = Path(__file__).resolve().parent.parent / "data" / "bundles" / "v1-run"


def sample() -> ResultSet:
    table = pd.DataFrame(
        {
            "strategy": pd.Categorical(["a", "b"], ["b", "a"], ordered=True),
            "round": np.array([1, 2], dtype="int16"),
            "value": [0.5, np.nan],
            "note": ["x", None],
        }
    )
    return ResultSet(
        "explore",
        {"seed": 9, "scenario_hash": "sha256:ff", "n": 2},
        {"experiments": table, "by round": table.set_index("round"), "none": table.iloc[:0]},
        "id: x\n",
    )


def test_bundle_roundtrip(tmp_path: Path) -> None:
    rs = sample()
    files = save_bundle(rs, tmp_path / "b", run_id="r12345678")
    assert {f.name for f in files} == {
        "00-experiments.parquet",
        "01-by-round.parquet",
        "02-none.parquet",
        "scenario.txt",
        "metadata.json",
    }
    header = json.loads((tmp_path / "b" / "metadata.json").read_text())
    assert header["format_version"] == BUNDLE_FORMAT_VERSION
    assert header["seed"] == 9 and header["scenario_hash"] == "sha256:ff"
    assert header["run_id"] == "r12345678" and header["escalade"]
    back = load_bundle(tmp_path / "b")
    assert back.kind == "explore" and back.scenario_text == "id: x\n"
    assert dict(back.metadata) == dict(rs.metadata)
    assert back.table_names == rs.table_names
    for name in rs.table_names:
        pd.testing.assert_frame_equal(back.table(name), rs.table(name))


def test_store_export_matches_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        run_id = store.save(sample())
        store.export_parquet(run_id[:4], tmp_path / "out")
        stored = store.load(run_id)
    exported = load_bundle(tmp_path / "out")
    for name in stored.table_names:
        pd.testing.assert_frame_equal(exported.table(name), stored.table(name))
    assert json.loads((tmp_path / "out" / "metadata.json").read_text())["run_id"] == run_id


def test_frozen_v1_bundle_still_loads() -> None:
    rs = load_bundle(FROZEN)
    assert rs.kind == "run"
    assert rs.metadata["seed"] == 20241105
    assert rs.metadata["scenario_id"] == "toy-ladder"
    assert rs.scenario_text == "id: toy-ladder\n"
    assert rs.table_names == ("outcomes", "fan chart")
    outcomes = rs.table("outcomes")
    assert list(outcomes.columns) == ["strategy", "mindset", "expected_utility", "n"]
    assert outcomes["strategy"].tolist() == ["indecision", "graduated", "decisive"]
    assert isinstance(outcomes["strategy"].dtype, pd.CategoricalDtype)
    assert outcomes["expected_utility"].tolist() == [0.25, -0.5, 1.0]
    assert outcomes["n"].dtype == np.int64
    assert rs.table("fan chart")["q50"].tolist() == [3.0, 4.0]


def test_unknown_format_version_is_refused(tmp_path: Path) -> None:
    save_bundle(sample(), tmp_path / "b")
    meta = tmp_path / "b" / "metadata.json"
    header = json.loads(meta.read_text())
    header["format_version"] = 99
    meta.write_text(json.dumps(header))
    with pytest.raises(ResultsFormatError, match=r"found 99.*upgrade escalade"):
        load_bundle(tmp_path / "b")


def test_bad_bundles(tmp_path: Path) -> None:
    with pytest.raises(ResultsFormatError, match="no such file"):
        load_bundle(tmp_path)
    (tmp_path / "metadata.json").write_text("{not json")
    with pytest.raises(ResultsFormatError, match="not valid JSON"):
        load_bundle(tmp_path)
    save_bundle(sample(), tmp_path / "b")
    (tmp_path / "b" / "00-experiments.parquet").write_bytes(b"garbage")
    with pytest.raises(ResultsFormatError, match="cannot read the table 'experiments'"):
        load_bundle(tmp_path / "b")
    with pytest.raises(UsageError, match="already holds a bundle"):
        save_bundle(sample(), tmp_path / "b")


def test_bundle_keeps_the_rows_of_tables_without_columns(tmp_path: Path) -> None:
    tables = {"empty": pd.DataFrame(), "rows": pd.DataFrame(index=range(3))}
    save_bundle(ResultSet("simulate", {"seed": 1}, tables), tmp_path / "b", run_id="r1")
    loaded = load_bundle(tmp_path / "b")
    for name, df in tables.items():
        pd.testing.assert_frame_equal(
            loaded.table(name), df, check_index_type="equiv", check_column_type=False
        )
