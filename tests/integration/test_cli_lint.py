"""``escalade validate`` and ``--strict`` on the lint corpus (tests/data/lint/).

Each file starts with ``# expect: <text>``: the one message it must produce
(``valid`` for the clean base case, which every other file changes in one
place). A warning keeps the file valid (exit 0) unless ``--strict`` (exit 2); a
field of another policy kind or distribution is an error either way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from escalade.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "data" / "lint"
FILES = sorted(CORPUS.glob("*.yaml"))
ERRORS = {"policy-field-of-another-kind", "distribution-field-of-another-kind"}
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\S+): ")


def _expected(path: Path) -> str:
    match = re.match(r"# expect: (.*)\n", path.read_text(encoding="utf-8"))
    assert match, f"{path.name} lacks an '# expect:' line"
    return match.group(1)


def test_every_case_is_present() -> None:
    names = {p.stem for p in FILES}
    assert {
        "clean",
        "unread-variable",
        "unreachable-threshold",
        "unchosen-option",
        "foreign-consent",
        "late-event",
        "late-plan-step",
        "unread-uncertainty",
        "low-option",
        "idle-reactive-policy",
        "free-deescalation",
        *ERRORS,
    } <= names


def test_the_docs_list_every_warning_of_the_corpus() -> None:
    # The free de-escalation warning had no row in the docs' lint table (Berlin 1961 trial).
    docs = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"
    table = docs.read_text(encoding="utf-8").split("| warning | when |\n|---|---|\n", 1)[1]
    rows = table.split("\n\n", 1)[0].splitlines()
    warnings = [p for p in FILES if p.stem not in {"clean", *ERRORS}]
    assert len(rows) == len(warnings), rows
    assert any(row.startswith("| de-escalation free in every round |") for row in rows)


def test_clean_case_has_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    path = CORPUS / "clean.yaml"
    assert main(["validate", "--strict", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"{path}: valid" in captured.out
    assert captured.err == ""


@pytest.mark.parametrize("path", [p for p in FILES if p.stem != "clean"], ids=lambda p: p.stem)
def test_lint_case(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _expected(path)
    error = path.stem in ERRORS
    assert main(["validate", str(path)]) == (2 if error else 0)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if LOCATED.match(line)]
    assert len(lines) == 1, err  # exactly one finding, located file:line:col: path:
    located = LOCATED.match(lines[0])
    assert located is not None
    assert located["file"] == str(path)
    line = int(located["line"])
    assert 1 < line <= len(path.read_text(encoding="utf-8").splitlines())
    assert expected in lines[0]
    assert ("warning:" in lines[0]) is not error

    assert main(["validate", "--strict", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "invalid" in err


@pytest.mark.parametrize("path", [p for p in FILES if p.stem != "clean"], ids=lambda p: p.stem)
def test_lint_case_json(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = path.stem in ERRORS
    main(["validate", "--json", str(path)])
    record = json.loads(capsys.readouterr().out)
    issues = record["issues"] if error else record["warnings"]
    assert record["valid"] is not error
    assert len(issues) == 1
    assert issues[0]["severity"] == ("error" if error else "warning")
    assert issues[0]["line"] is not None and issues[0]["path"]
    main(["validate", "--json", "--strict", str(path)])
    assert json.loads(capsys.readouterr().out)["valid"] is False
