"""Unit tests for the Gambit .efg/.nfg reader and the strict writer."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from escalade.errors import GameFormatError, UsageError
from escalade.game.efg import format_efg, parse_efg, read_efg
from escalade.game.examples import chicken, kuhn_poker, stripped_down_poker, trust_game
from escalade.game.gambit_io import read_game, write_game
from escalade.game.nfg import format_nfg, parse_nfg

DATA = Path(__file__).resolve().parent.parent / "data" / "games"


def _same(a, b) -> None:
    assert a.players == b.players
    assert np.array_equal(a.parent, b.parent)
    assert np.array_equal(a.kind, b.kind)
    assert np.array_equal(a.infoset, b.infoset)
    assert a.infoset_actions == b.infoset_actions
    assert np.allclose(a.prob, b.prob)
    assert np.allclose(
        a.payoffs[a.terminal[a.terminal >= 0]], b.payoffs[b.terminal[b.terminal >= 0]]
    )


@pytest.mark.parametrize("make", [trust_game, stripped_down_poker, kuhn_poker])
def test_efg_round_trip(make):
    g = make()
    text = format_efg(g)
    back = parse_efg(text)
    _same(g, back)
    assert format_efg(back) == text


def test_strict_dialect_details():
    text = format_efg(stripped_down_poker())
    assert 'c "" 1 "" { "King" 1/2 "Queen" 1/2 } 0' in text
    assert 'p "" 2 1 "after bet" { "Call" "Fold" } 0' in text
    # every terminal has its own outcome with payoffs
    assert sum(line.startswith("t ") for line in text.splitlines()) == 6
    assert all("{" in line for line in text.splitlines() if line.startswith("t "))


def test_read_optional_forms():
    g = read_efg(DATA / "stripped_poker_optional.efg")
    assert g.players == ("Fred", "Alice")
    assert g.infoset_labels == ("King", "after bet", "Queen")
    assert g.n_infosets == 3  # Alice's abbreviated node joins "after bet"
    # outcomes accumulate: -1/2 at Alice's node plus -3/2 at the terminal
    term = g.kind == 0
    pay = sorted(map(tuple, g.payoffs[g.terminal[term]].tolist()))
    assert pay == sorted([(2, -2), (1, -1), (-1, 1), (-2, 2), (1, -1), (-1, 1)])
    assert np.allclose(g.prob[1:3], 0.5)


def test_read_nfg_both_versions():
    pd = read_game(DATA / "prisoners_outcome.nfg")
    assert pd.actions == (("Cooperate", "Defect"), ("Cooperate", "Defect"))
    assert pd.payoffs[:, 1, 0].tolist() == [5.0, 0.0]
    ch = read_game(DATA / "chicken_payoff.nfg")
    assert np.array_equal(ch.payoffs, chicken(1, 1, 10).payoffs)


@pytest.mark.parametrize("outcomes", [False, True])
def test_nfg_round_trip(outcomes):
    g = chicken(2, 0.5, 5)
    back = parse_nfg(format_nfg(g, outcomes=outcomes))
    assert np.array_equal(back.payoffs, g.payoffs)
    assert back.actions == g.actions


def test_quoted_strings_with_escapes():
    text = (
        'EFG 2 R "say \\"hi\\"" { "A" }\n""\n'
        'p "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1 }\nt "" 2 "" { 2 }\n'
    )
    g = parse_efg(text)
    assert g.name == 'say "hi"'
    assert "\"say 'hi'\"" in format_efg(g)


def test_write_game_by_suffix(tmp_path):
    write_game(stripped_down_poker(), tmp_path / "p.efg")
    write_game(stripped_down_poker(), tmp_path / "p.nfg")
    assert read_game(tmp_path / "p.efg").n_nodes == 11
    assert read_game(tmp_path / "p.nfg").shape == (4, 2)
    with pytest.raises(UsageError, match=r"\.efg or \.nfg"):
        write_game(trust_game(), tmp_path / "p.txt")


HEAD = 'EFG 2 R "g" { "A" "B" }\n""\n'


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('p "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1 2 }\n', 4, "ends before the tree"),
        ('p "" 1 1 "" { "x" "x" } 0\nt "" 1 "" { 1 2 }\nt "" 2 "" { 1 2 }\n', 3, "duplicate"),
        ('c "" 1 "" { "h" 1/2 "t" 1/3 } 0\nt "" 1 "" { 1 2 }\nt "" 2 "" { 1 2 }\n', 3, "sum to"),
        ('p "" 1 1 "" { "x" } 0\nt "" 1 "" { 1 2 3 }\n', 4, "expected 2 payoffs"),
        ('p "" 1 1 "" { "x" } 0\nt "" 1 "" { 1 2x }\n', 4, "expected a number"),
        ('p "" 3 1 "" { "x" } 0\nt "" 1 "" { 1 2 }\n', 3, "player number"),
        ('p "" 1 1 "" { "x" } 0\nt "" 1 "" { 1 2 }\nt "" 2 "" { 1 2 }\n', 5, "after the end"),
        ('p "" 1 1 "" { "x" } 0\nt "" 1 "unterminated { 1 2 }\n', 4, "unterminated"),
        ('p "" 1 1 "" { "x" } 0\nt "" 7\n', 4, "before its payoffs"),
        ('p "" 1 1 "" { "x" } 0\nt "" 1 "" { 1/0 2 }\n', 4, "division by zero"),
        ('p "" 1 2 0\nt "" 1 "" { 1 2 }\n', 3, "before its actions"),
        ('q "" 1\n', 3, "expected 'p' or 'c' or 't'"),
    ],
)
def test_malformed_efg_reports_file_and_line(body, line, message):
    with pytest.raises(GameFormatError) as info:
        parse_efg(HEAD + body, file="bad.efg")
    issue = info.value.issues[0]
    assert issue.file == "bad.efg" and issue.line == line, issue.render()
    assert message in issue.message
    assert str(info.value).startswith(f"bad.efg:{line}: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('NFG 1 R "g" { "A" "B" } { 2 2 }\n1 2 3 4 5 6 7\n', "a payoff"),
        ('NFG 1 R "g" { "A" "B" } { 2 2 }\n1 2 3 4 5 6 7 8 9\n', "after the last payoff"),
        ('NFG 1 R "g" { "A" "B" } { 2 }\n1 2\n', "strategies for 2 players"),
        ('NFG 1 R "g" { "A" "B" } { { "a" "a" } { "b" } }\n1 2 3 4\n', "duplicate"),
        ('NFG 1 R "g" { "A" "B" } { 1 1 }\n{ { "" 1 2 } }\n2\n', "outcome number in 0..1"),
        ('NFG 2 R "g" { "A" } { 1 }\n1\n', "version 1"),
        ('NFG 1 R "g" { "A" "B" } { 1 1 \n1 2\n', "end of the file"),
    ],
)
def test_malformed_nfg(text, message):
    with pytest.raises(GameFormatError, match=message):
        parse_nfg(text, file="bad.nfg")


def test_unreadable_file(tmp_path):
    with pytest.raises(GameFormatError, match="cannot read"):
        read_game(tmp_path / "missing.efg")


def test_pygambit_reads_our_files():
    gbt = pytest.importorskip("pygambit")
    for g in (trust_game(), stripped_down_poker(), kuhn_poker()):
        gg = gbt.read_efg(io.StringIO(format_efg(g)))
        assert len(gg.players) == g.n_players
        assert len(gg.infosets) == g.n_infosets
        assert sum(n.is_terminal for n in gg.nodes) == g.payoffs.shape[0]
        back = parse_efg(gg.to_efg())  # and we read Gambit's own output
        _same(g, back)
    gn = gbt.read_nfg(io.StringIO(format_nfg(chicken(1, 1, 10))))
    assert [len(p.strategies) for p in gn.players] == [2, 2]
    assert np.array_equal(parse_nfg(gn.to_nfg()).payoffs, chicken(1, 1, 10).payoffs)
