"""``escalade validate``, ``escalade schema`` and ``--version``, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from escalade import __version__
from escalade.cli import main
from escalade.scenario import load_scenario

INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "validate" in capsys.readouterr().err


def test_validate_catalog_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "kursk-mini"]) == 0
    assert "kursk-mini: valid" in capsys.readouterr().out


def test_validate_invalid_file_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    path = INVALID / "unknown-side.yaml"
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:10:11: actors[0].side:" in err
    assert "did you mean 'west'?" in err
    assert "Traceback" not in err


def test_validate_mixed_lists_all(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["validate", "kursk-mini", str(INVALID / "tabs.yaml"), str(INVALID / "binary.yaml")]
    )
    assert code == 2
    captured = capsys.readouterr()
    assert "kursk-mini: valid" in captured.out
    assert "tabs" in captured.err and "NUL byte" in captured.err


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", str(INVALID / "probability-out-of-range.yaml")]) == 2
    record = json.loads(capsys.readouterr().out)
    assert record["valid"] is False
    assert record["issues"][0]["path"] == "options[1].success"


def test_schema_validates_catalog_scenario(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    schema = json.loads(out.read_text())
    data = YAML(typ="safe", pure=True).load(load_scenario("kursk-mini").text)
    data["calendar"]["start"] = str(data["calendar"]["start"])
    for source in data["sources"]:
        source["date"] = str(source["date"])
    jsonschema.validate(data, schema)
    data["actors"][0]["nmae"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
