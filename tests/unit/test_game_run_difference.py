"""``escalade game`` says why its equilibrium may differ from ``escalade run``'s recommendation."""

from __future__ import annotations

from pathlib import Path

from escalade.analysis.metagame import RUN_VERSUS_GAME
from escalade.cli import main

ENTRY = Path(__file__).resolve().parents[1] / "data" / "engine" / "entry.yaml"


def test_game_explains_run_versus_game(tmp_path: Path, capsys) -> None:
    args = ["game", str(ENTRY), "--n", "40", "--bootstrap", "0", "--out", str(tmp_path)]
    assert main(args) == 0
    text = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert "escalade run and escalade game answer different questions" in text
    assert "lowest maximum regret" in text and "equilibria of this strategy-versus-mindset" in text
    page = (tmp_path / "game.html").read_text(encoding="utf-8")
    assert "answer different questions" in page and "taken as given" in page
    assert "different questions" in RUN_VERSUS_GAME
