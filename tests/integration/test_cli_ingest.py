"""The escalade ingest command, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from escalade.cli import main

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


def test_ingest_yaml_to_file(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    code = main(
        ["ingest", str(ARTICLES / "edge_cases.txt"), "--date", "2024-11-06", "--out", str(out)]
    )
    assert code == 0
    doc = YAML(typ="safe", pure=True).load(out.read_text("utf-8"))
    assert doc["sources"] == [
        {"id": "edge-cases", "title": "Allies weigh a reply to the border build-up",
         "date": "2024-11-06", "file": "edge_cases.txt"}
    ]  # fmt: skip
    kinds = {item["kind"] for item in doc["evidence"]}
    assert kinds == {"actor", "person", "quote", "number", "date", "option"}
    quote = next(i for i in doc["evidence"] if i["kind"] == "quote")
    assert quote["source"]["ref"] == "edge-cases"


def test_ingest_json_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(ARTICLES / "edge_cases.txt"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sources"][0]["id"] == "edge-cases"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (
            b"<html><script>alert('x')</script><style>p{}</style></html>",
            "with visible text, found none",
        ),
    ],
)
def test_ingest_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    assert main(["ingest", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_ingest_bad_date_and_large_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(ARTICLES / "edge_cases.txt"), "--date", "yesterday"]) == 2
    big = tmp_path / "big.txt"
    big.write_text("The Kremlin said 10,000 troops moved. " * 280_000, encoding="utf-8")  # ~10 MB
    assert main(["ingest", str(big)]) == 2
    assert "at most 500,000 characters" in capsys.readouterr().err


def test_ingest_with_scenario(tmp_path: Path) -> None:
    try:
        from escalade.scenario import load_scenario  # noqa: F401, PLC0415
    except ImportError:
        pytest.skip("escalade.scenario.load_scenario is not available yet")
    out = tmp_path / "o.json"
    code = main(
        [
            "ingest",
            str(ARTICLES / "edge_cases.txt"),
            "--scenario",
            "kursk-mini",
            "--json",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert json.loads(out.read_text("utf-8"))["sources"]
