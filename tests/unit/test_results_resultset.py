from __future__ import annotations

import pandas as pd
import pytest

from escalade.errors import UsageError
from escalade.results import ResultSet, environment_versions, scenario_hash, utc_now


def test_resultset_is_frozen_and_validates() -> None:
    rs = ResultSet("run", {"seed": 1}, {"a": pd.DataFrame({"x": [1]})}, "text")
    assert rs.table_names == ("a",)
    with pytest.raises(AttributeError):
        rs.kind = "solve"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rs.metadata["seed"] = 2  # type: ignore[index]
    assert rs.metadata_dict() == {"seed": 1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "bogus"}, "expected one of run"),
        ({"metadata": {"x": object()}}, "JSON-serialisable"),
        ({"metadata": {"x": float("nan")}}, "JSON-serialisable"),
        ({"tables": {"t": [1, 2]}}, "expected a pandas DataFrame"),
        ({"tables": {"t": pd.DataFrame({0: [1]})}}, "expected string column names"),
        ({"tables": {"t": pd.DataFrame([[1, 2]], columns=["a", "a"])}}, "duplicate column"),
    ],
)
def test_resultset_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"kind": "run", "metadata": {}, "tables": {}}
    args.update(kwargs)
    with pytest.raises(UsageError, match=message):
        ResultSet(**args)  # type: ignore[arg-type]


def test_unknown_table_lists_known_ones() -> None:
    rs = ResultSet("solve", {}, {"equilibria": pd.DataFrame()})
    with pytest.raises(UsageError, match="tables: equilibria"):
        rs.table("outcomes")


def test_provenance_helpers() -> None:
    versions = environment_versions()
    assert {"python", "escalade", "numpy", "duckdb", "pandas"} <= set(versions)
    assert versions["pandas"] == pd.__version__
    assert scenario_hash("a") == scenario_hash("a") != scenario_hash("b")
    assert scenario_hash("a").startswith("sha256:") and len(scenario_hash("a")) == 71
    assert utc_now().endswith("+00:00")
