"""The equilibrium story: moves in order, chance outcomes as branches, equal courses merged."""

from __future__ import annotations

import json

import numpy as np
import pytest

from escalade.cli import main
from escalade.game.narrative import narrative
from escalade.game.profiles import BehaviorProfile
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.solvers import backward_induction


def _game(same: bool):  # type: ignore[no-untyped-def]
    """Chance (rain 0.7, sun 0.3), then a chooses; with ``same`` the choice never matters."""
    rain = Decision("a", {"r0 a: stay": Terminal((1.0,)), "r0 a: go": Terminal((0.0,))})
    sun = Decision(
        "a",
        {"r0 a: stay": Terminal((2.0,)), "r0 a: go": Terminal((0.0 if same else 5.0,))},
    )
    return tree_game(
        Chance({"r0 weather: rain": (0.7, rain), "r0 weather: sun": (0.3, sun)}), players=["a"]
    )


def test_branches_when_chance_changes_the_course() -> None:
    game = _game(same=False)
    profile = backward_induction.solve(game).equilibria[0]
    rows, dropped = narrative(game, profile)  # type: ignore[arg-type]
    assert dropped == 0
    table = [(r.branch, r.round, r.who, r.what) for r in rows]
    assert table == [
        ("", "0", "chance", "weather: rain 0.7, sun 0.3"),
        ("1", "0", "chance", "weather: rain"),
        ("1", "0", "a", "stay"),
        ("1", "", "end", "payoffs: a 1"),
        ("2", "0", "chance", "weather: sun"),
        ("2", "0", "a", "go"),
        ("2", "", "end", "payoffs: a 5"),
    ]
    assert [r.reach for r in rows] == pytest.approx([1, 0.7, 0.7, 0.7, 0.3, 0.3, 0.3])


def test_one_course_merged_with_expected_payoffs() -> None:
    game = _game(same=True)
    profile = backward_induction.solve(game).equilibria[0]
    rows, _ = narrative(game, profile)  # type: ignore[arg-type]
    assert [r.who for r in rows] == ["chance", "a", "end"]
    assert "the same course in every case" in rows[0].what
    assert rows[-1].what == "payoffs: a 1.3"  # 0.7 * 1 + 0.3 * 2


def test_mixed_choice_splits_and_limits() -> None:
    game = _game(same=False)
    # a mixes 1/4 stay, 3/4 go at both information sets
    profile = BehaviorProfile(np.array([0.25, 0.75, 0.25, 0.75]))
    rows, _ = narrative(game, profile)
    mixes = [r for r in rows if r.who == "a" and "," in r.what]
    assert mixes and mixes[0].what == "go 0.75, stay 0.25"
    few, dropped = narrative(game, profile, max_rows=3)
    assert len(few) == 3 and dropped > 0
    # the weather does not change what a does: one course, a split 0.75 / 0.25 in it
    assert rows[0].who == "chance" and "same course" in rows[0].what
    pruned, gone = narrative(game, profile, min_reach=0.3)
    assert gone == 1 and all(r.reach >= 0.3 for r in pruned)


def test_solve_cli_story(capsys) -> None:
    assert main(["solve", "kursk-mini", "--horizon", "3"]) == 0
    story = capsys.readouterr().out
    assert "Equilibrium path" in story and "the same course in every case" in story
    assert main(["solve", "kursk-mini", "--horizon", "3", "--full"]) == 0
    full = capsys.readouterr().out
    assert "r1 usa: hold" in full and len(full.splitlines()) > 3 * len(story.splitlines())
    assert main(["solve", "kursk-mini", "--horizon", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = data["narrative"][0]["rows"]
    assert rows[0] == {
        "branch": "",
        "round": "0",
        "who": "usa",
        "what": "hold",
        "probability": 1.0,
        "reach": 1.0,
        "kind": "choice",
    }
    assert rows[-1]["who"] == "end"


def test_an_event_that_fires_is_told_as_firing() -> None:
    """Su-24 trial: "airspace_incident: no 0.93, airspace_incident 0.07" read as two names."""
    calm = Decision("a", {"r1 a: stay": Terminal((1.0,)), "r1 a: go": Terminal((0.0,))})
    hot = Decision("a", {"r1 a: stay": Terminal((0.0,)), "r1 a: go": Terminal((3.0,))})
    game = tree_game(
        Chance({"r1 incident: no": (0.9, calm), "r1 incident": (0.1, hot)}), players=["a"]
    )
    profile = backward_induction.solve(game).equilibria[0]
    rows, _ = narrative(game, profile)  # type: ignore[arg-type]
    whats = [r.what for r in rows if r.who == "chance"]
    assert whats == ["incident: no 0.9, fires 0.1", "incident: no", "incident: fires"]


def test_a_drawn_value_takes_its_probability_in_parentheses() -> None:
    """A private draw read "breakdown_prob = 0.725 0.63, breakdown_prob = 0.5225 0.185"."""
    go = Decision("a", {"r0 a: go": Terminal((1.0,)), "r0 a: stay": Terminal((0.0,))})
    game = tree_game(
        Chance({"r0 x = 0.725": (0.63, go), "r0 x = 0.5225": (0.37, go)}), players=["a"]
    )
    rows, _ = narrative(game, backward_induction.solve(game).equilibria[0])  # type: ignore[arg-type]
    assert rows[0].what == "x = 0.725 (p 0.63), 0.5225 (p 0.37) (the same course in every case)"
