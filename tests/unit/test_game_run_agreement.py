"""``escalade game`` says whether run's recommendation is an equilibrium strategy (Su-24 trial).

It used to print, whatever the game, that run's recommendation "need not be an equilibrium
strategy here", also when it was the only equilibrium's strategy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from escalade.analysis.metagame import run_versus_game
from escalade.cli import main

ENTRY = Path(__file__).resolve().parents[1] / "data" / "engine" / "entry.yaml"


def test_agreement_is_said_when_some_equilibrium_plays_runs_choice() -> None:
    payoffs = np.array([[-45.0, -73.0], [-25.0, -26.0]])  # b has no regret
    text = run_versus_game(["a", "b"], payoffs, [["b"]])
    assert "here they agree" in text and "b (the lowest maximum regret)" in text
    assert "need not" not in text


def test_disagreement_is_said_when_no_equilibrium_plays_it() -> None:
    payoffs = np.array([[0.0, 10.0], [5.0, 5.0]])  # regrets: a 5, b 5 -> a (first); nash on b
    text = run_versus_game(["a", "b"], payoffs, [["b"]])
    assert "here they differ" in text and "a (the lowest maximum regret)" in text
    assert "is not an equilibrium strategy" in text


def test_the_terminal_and_the_report_say_it(tmp_path: Path, capsys) -> None:
    args = ["game", str(ENTRY), "--n", "40", "--bootstrap", "0", "--out", str(tmp_path)]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "need not be an equilibrium" not in out
    assert ("here they agree" in out) != ("here they differ" in out)
    assert "robustness: not computed (--bootstrap 0)" in out
    page = (tmp_path / "game.html").read_text(encoding="utf-8")
    assert ("here they agree" in page) != ("here they differ" in page)
