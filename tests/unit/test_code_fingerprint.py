"""The code fingerprint: a hash of escalade's own source, recorded beside the version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import escalade
from escalade._fingerprint import FINGERPRINT_CHARS, code_fingerprint, source_fingerprint
from escalade.report.replay_report import replay_report
from escalade.results import ResultSet
from escalade.results.provenance import Provenance, environment_versions


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "engine").mkdir()
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "engine" / "kernel.py").write_text("RATE = 0.1\n", encoding="utf-8")
    return tmp_path


def test_it_changes_when_a_source_file_changes(tree: Path) -> None:
    before = source_fingerprint(tree)
    assert len(before) == FINGERPRINT_CHARS and int(before, 16) >= 0
    assert source_fingerprint(tree) == before  # the same code, the same fingerprint
    (tree / "engine" / "kernel.py").write_text("RATE = 0.2\n", encoding="utf-8")
    edited = source_fingerprint(tree)
    assert edited != before
    (tree / "engine" / "kernel.py").rename(tree / "engine" / "kernel2.py")
    renamed = source_fingerprint(tree)
    assert renamed not in (before, edited)
    (tree / "engine" / "notes.txt").write_text("not code", encoding="utf-8")
    (tree / "engine" / "__pycache__").mkdir()
    (tree / "engine" / "__pycache__" / "kernel2.cpython-311.pyc").write_bytes(b"\0")
    assert source_fingerprint(tree) == renamed  # only .py files count


def test_the_package_fingerprint_is_computed_once() -> None:
    # its cost (about 10 ms) is measured in benchmarks, not asserted here
    package = Path(escalade.__file__).resolve().parent
    assert code_fingerprint() == source_fingerprint(package)
    assert code_fingerprint() is code_fingerprint()  # cached for the process


def test_the_provenance_records_it_beside_the_version() -> None:
    versions = environment_versions()
    assert versions["escalade_code"] == code_fingerprint()
    assert list(versions)[:3] == ["python", "escalade", "escalade_code"]
    flat = Provenance.from_mapping({"seed": 1, **versions})
    assert flat.versions["escalade_code"] == code_fingerprint() and not flat.extra
    assert flat.escalade_build == f"{escalade.__version__} (code {code_fingerprint()})"
    assert flat.to_mapping() == {"seed": 1, **versions}


def test_a_store_written_before_the_fingerprint_still_reads() -> None:
    old = {"seed": 1, "python": "3.11.9", "escalade": "0.1.0.dev0", "numpy": "2.1.0"}
    prov = Provenance.from_mapping(old)
    assert "escalade_code" not in prov.versions and not prov.extra
    assert prov.escalade_build == prov.escalade_version == "0.1.0.dev0"
    assert prov.to_mapping() == old
    nested = Provenance.from_mapping({"seed": 1, "versions": {"escalade": "0.1.0.dev0"}})
    assert nested.escalade_build == "0.1.0.dev0"


def test_the_report_footer_shows_it() -> None:
    posterior = pd.DataFrame(
        {"of": ["strategies", "mindsets"], "id": ["hold", "calm"], "prior": [1.0, 1.0],
         "posterior": [1.0, 1.0]}
    )  # fmt: skip
    base = ResultSet("replay", {"scenario_id": "coin"}, {"posterior": posterior})
    for versions, shown in [
        ({"escalade": "0.1.0.dev0"}, "0.1.0.dev0"),  # stored before the fingerprint
        (
            {"escalade": "0.1.0.dev0", "escalade_code": "0123456789ab"},
            "0.1.0.dev0 (code 0123456789ab)",
        ),
    ]:
        meta = {**base.metadata_dict(), "versions": versions}
        rs = ResultSet("replay", meta, dict(base.tables))
        assert replay_report(rs).method_notes["escalade"] == shown
