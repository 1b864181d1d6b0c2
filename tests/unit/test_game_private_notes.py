"""Games show every player the values the scenario keeps private; solve and commit say so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import escalade.scenario.catalog as escalade_catalog
from escalade.engine._game_support import private_value_notes
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario


def test_only_players_outside_known_to_get_a_note() -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    assert private_value_notes(compiled, ["rus"]) == []
    (note,) = private_value_notes(compiled, ["usa", "rus", "ukr"])
    assert note.startswith("usa, ukr decide knowing rus_redline = 15 ")
    assert note.endswith("in the scenario only rus knows it")


@pytest.fixture
def private_mini(tmp_path: Path) -> Path:
    """kursk-mini with its one uncertainty known to Russia only."""
    text = (Path(escalade_catalog.__file__).parent / "kursk-mini.yaml").read_text(encoding="utf-8")
    text = text.replace("{id: strike_effect, ", "{id: strike_effect, known_to: [rus], ", 1)
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def escalade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "escalade", *args], capture_output=True, text=True, check=True
    )


def test_solve_prints_the_note(private_mini: Path) -> None:
    out = escalade("solve", str(private_mini), "--horizon", "1")
    assert "note: usa decides knowing strike_effect = 0.3" in out.stdout
    assert "only rus knows it" in out.stdout
    quiet = escalade("solve", str(private_mini), "--horizon", "1", "--players", "rus")
    assert "note:" not in quiet.stdout


def test_commit_json_lists_the_notes(private_mini: Path) -> None:
    out = escalade("commit", str(private_mini), "--side", "west", "--horizon", "1", "--json")
    (note,) = json.loads(out.stdout)["notes"]
    assert note.startswith("usa decides knowing strike_effect = 0.3")


def test_solve_json_and_report_carry_the_notes_with_the_values_played(
    private_mini: Path, tmp_path: Path
) -> None:
    out = escalade(
        "solve", str(private_mini), "--horizon", "1", "--json", "--out", str(tmp_path / "r")
    )
    data = json.loads(out.stdout)
    (note,) = data["setup"]["notes"]
    played = data["setup"]["uncertainties"]["strike_effect"]
    assert note.startswith(f"usa decides knowing strike_effect = {played:g} ")
    html = (tmp_path / "r" / "solve.html").read_text(encoding="utf-8")
    assert "usa decides knowing strike_effect" in html


def test_the_note_names_the_value_of_the_trace_the_game_starts_from() -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    (note,) = private_value_notes(compiled, ["usa"], values={"rus_redline": 16.0})
    assert note.startswith("usa decides knowing rus_redline = 16 ")
