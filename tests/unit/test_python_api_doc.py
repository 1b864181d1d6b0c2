"""docs/python-api.md runs as written: every example in it is a doctest, run in a fresh folder."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "python-api.md"


def test_every_code_block_is_a_doctest() -> None:
    """A ```python block would not be run: the examples are ```pycon blocks."""
    fences = re.findall(r"^```(\w*)", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    opening = fences[0::2]
    assert opening, "no code block"
    assert set(opening) == {"pycon"}, opening


def test_the_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        report=True,
    )
    assert result.attempted >= 40
    assert result.failed == 0
    assert (tmp_path / "escalade.duckdb").exists()  # where a run goes by default, as documented
    assert (tmp_path / "escalade-report" / "report.html").exists()


def test_the_readme_links_the_page() -> None:
    assert "`docs/python-api.md`" in (ROOT / "README.md").read_text(encoding="utf-8")
