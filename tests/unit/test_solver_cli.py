"""``escalade solve`` end to end, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.cli import main
from escalade.game.efg import format_efg
from escalade.game.examples import kuhn_poker

DATA = Path(__file__).resolve().parent.parent / "data" / "games"


def test_json_for_trust_game(capsys):
    assert main(["solve", str(DATA / "trust_game.efg"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "spe"
    assert out["equilibria"][0]["profile"]["Seller"] == {"Honor": 0.0, "Abuse": 1.0}
    assert out["equilibria"][0]["payoffs"] == {"Buyer": 0.0, "Seller": 0.0}
    assert out["path"] == ["Buyer: Not trust"]
    assert out["regret"] == 0.0


def test_kuhn_lp_keys_infosets(tmp_path, capsys):
    path = tmp_path / "kuhn.efg"
    path.write_text(format_efg(kuhn_poker()))
    assert main(["solve", str(path), "--json", "--export", str(tmp_path / "k.nfg")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "zerosum-lp"
    assert out["equilibria"][0]["payoffs"]["Player 1"] == pytest.approx(-1 / 18)
    assert "K/bet" in out["equilibria"][0]["profile"]["Player 1"]
    assert (tmp_path / "k.nfg").read_text().startswith("NFG 1 R")


def test_table_output_for_nfg(capsys):
    assert main(["solve", str(DATA / "chicken_payoff.nfg")]) == 0
    text = capsys.readouterr().out
    assert "enummixed" in text and "3 equilibria" in text and "0.9" in text


def test_bad_input_gives_location_not_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.efg"
    bad.write_text('EFG 2 R "x" { "A" }\n""\np "" 1 1 "" { "a" } 0\nt "" 1 "" { 1 2 }\n')
    assert main(["solve", str(bad)]) == 2
    assert "bad.efg:4: expected 1 payoffs" in capsys.readouterr().err
    assert main(["solve", str(DATA / "trust_game.efg"), "--method", "zerosum-lp"]) == 2
    assert "zero-sum" in capsys.readouterr().err


def test_enummixed_says_when_the_game_is_degenerate(tmp_path, capsys):
    """Falklands trial: a degenerate game's two equilibria were listed as if they were all."""
    path = tmp_path / "entry.nfg"
    path.write_text(
        'NFG 1 R "entry" { "Argentina" "United Kingdom" }\n'
        '{ { "Land" "Stay out" } { "Task force" "Accept" } }\n\n'
        "-2.3 0.3 0 0 5 -4 0 0\n"
    )
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "note: the game is degenerate ('Stay out' has 2 pure best responses)" in text
    assert "there may be others" in text
    assert "the game is degenerate" in (tmp_path / "out" / "solve.html").read_text()
    assert main(["solve", str(DATA / "chicken_payoff.nfg")]) == 0
    assert "degenerate" not in capsys.readouterr().out
