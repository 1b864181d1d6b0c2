"""Every broken scenario in tests/data/invalid/ gets a located, worded ScenarioError.

Each file starts with ``# expect: <text>``: a phrase the message must contain.
The full rendered message is also kept as a golden file (``--regen-golden``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from escalade.errors import ScenarioError
from escalade.scenario import load_scenario, loads_scenario

CORPUS = Path(__file__).resolve().parents[1] / "data" / "invalid"
FILES = sorted(CORPUS.glob("*.yaml"))


def _expected(path: Path) -> str:
    head = path.read_bytes()[:200].decode("utf-8", "replace")
    match = re.match(r"# expect: (.*)\n", head)
    assert match, f"{path.name} lacks an '# expect:' line"
    return match.group(1)


def test_corpus_is_large_enough() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_invalid_scenario(path: Path, golden) -> None:
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert time.perf_counter() - started < 5.0
    text = info.value.render().replace(str(path), path.name)
    assert _expected(path) in text
    for issue in info.value.issues:
        assert issue.file is not None
        assert issue.message
    if path.stem not in {"empty", "binary", "deep-nesting"}:
        assert any(i.line is not None for i in info.value.issues), text
    golden(f"invalid/{path.stem}.txt", text + "\n")


def test_empty_string_and_whitespace() -> None:
    for text in ("", "   \n\n", "# only a comment\n"):
        with pytest.raises(ScenarioError, match="empty document"):
            loads_scenario(text)


def test_multi_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("schema_version: 1\ndescription: '" + "x" * (6 * 1024 * 1024) + "'\n")
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="MiB"):
        load_scenario(path)
    assert time.perf_counter() - started < 5.0


def test_all_problems_reported_at_once() -> None:
    base = load_scenario("kursk-mini").text
    broken = base.replace("side: west\n", "side: wset\n", 1).replace("success: 0.9", "success: 2")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(broken, file="two.yaml")
    messages = [i.message for i in info.value.errors]
    assert len(messages) >= 2
    assert any("wset" in m for m in messages) and any("found 2" in m for m in messages)
