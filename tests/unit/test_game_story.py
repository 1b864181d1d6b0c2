"""The story of a scenario's equilibrium: fixed-policy moves, every actor's payoff, the setup.

``escalade solve`` used to tell only the players' moves and payoffs: an actor
following a fixed policy (here the incumbent's plan to advertise in round 0)
moved without a row, its payoff was not printed, and nothing said which
policies the non-players followed or which uncertainty values the game used.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from escalade.analysis.game_story import scenario_game
from escalade.cli import main
from escalade.engine.game_builder import build_game
from escalade.errors import UsageError
from escalade.game.convert import select_players
from escalade.game.narrative import narrative
from escalade.game.profiles import BehaviorProfile
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import backward_induction

MARKET = """
schema_version: 2
id: market-story
title: Entry with an incumbent on a plan
order: sequential
calendar: {start: 2024-01-01, step: week, horizon: 2}
sides: [{id: west}, {id: east}]
arenas: [{id: market, ladder: compact, parties: [west, east], initial: 3}]
variables:
  - {id: gain_c, initial: 0, min: -10, max: 10}
  - {id: gain_i, initial: 0, min: -10, max: 10}
uncertainties:
  - {id: margin, dist: uniform, low: 1, high: 3}
actors:
  - {id: incumbent, name: I, side: west, utility: {final: {gain_i: 1}},
     policy: {kind: plan, steps: [{at: 0, option: advertise}]}}
  - {id: challenger, name: C, side: east, utility: {final: {gain_c: 1}}}
options:
  - {id: advertise, actor: incumbent, arena: market, rung: 3, once: true,
     effects: [{var: gain_i, add: 1}]}
  - {id: enter, actor: challenger, arena: market, rung: 4, once: true,
     effects: [{var: gain_c, add: $margin}, {var: gain_i, add: -2}]}
  - {id: probe, actor: challenger, arena: market, rung: 3, effects: [{var: gain_c, add: 1.5}]}
strategies:
  - {id: quiet, side: west, policies: {incumbent: {kind: hold}}}
"""


@pytest.fixture
def market(tmp_path: Path) -> Path:
    path = tmp_path / "market.yaml"
    path.write_text(MARKET, encoding="utf-8")
    return path


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_fixed_moves_payoffs_and_setup(market: Path, capsys, tmp_path: Path) -> None:
    args = ["solve", str(market), "--horizon", "1", "--players", "challenger"]
    out = _json(args, capsys)
    rows = [(r["round"], r["who"], r["kind"], r["what"]) for r in out["narrative"][0]["rows"]]
    assert rows == [
        ("0", "incumbent", "fixed", "advertise"),  # the plan's move, missing before
        ("0", "challenger", "choice", "enter"),
        ("", "end", "end", "payoffs: challenger 2, incumbent -1"),  # every actor, players first
    ]
    assert out["actor_payoffs"] == [{"challenger": 2.0, "incumbent": -1.0}]
    nominal = compile_scenario(loads_scenario(MARKET)).nominal_uncertainties()
    assert out["setup"] == {
        "players": ["challenger"],
        "fixed_policies": [{"actor": "incumbent", "policy": "default", "kind": "plan"}],
        "strategy": None,
        "mindset": None,
        "uncertainties": {"margin": float(nominal[0])},
        "drawn_at_start": [],
        "notes": [],
    }
    assert main([*args, "--out", str(tmp_path / "report")]) == 0
    text = capsys.readouterr().out
    assert "players (choose freely): challenger" in text
    assert "fixed policies (moves marked 'fixed'): incumbent (its default policy, plan)" in text
    assert f"uncertainties fixed for the whole game: margin = {nominal[0]:.4g}" in text
    assert "payoffs: challenger 2, incumbent -1" in text
    page = (tmp_path / "report" / "solve.html").read_text(encoding="utf-8")
    assert "advertise" in page and "fixed" in page and "incumbent -1" in page
    assert "players (choose freely): challenger" in page


def test_the_strategy_followed_is_named(market: Path, capsys) -> None:
    args = ["solve", str(market), "--horizon", "1", "--players", "challenger"]
    out = _json([*args, "--strategy", "quiet"], capsys)
    assert out["setup"]["fixed_policies"] == [
        {"actor": "incumbent", "policy": "strategy quiet", "kind": "hold"}
    ]
    assert out["setup"]["strategy"] == "quiet"
    assert [r["kind"] for r in out["narrative"][0]["rows"]] == ["choice", "end"]  # it holds


def test_a_kept_move_between_decisions(market: Path, capsys) -> None:
    """Deciding every 2 rounds, the challenger keeps round 0's move in round 1: a fixed row."""
    args = ["solve", str(market), "--horizon", "2", "--players", "challenger"]
    out = _json([*args, "--decision-every", "2"], capsys)
    rows = [(r["round"], r["who"], r["kind"], r["what"]) for r in out["narrative"][0]["rows"]]
    assert rows[1] == ("0", "challenger", "choice", "probe")
    assert rows[2][:3] == ("1", "challenger", "fixed")
    assert rows[2][3].startswith("probe (kept")


def test_all_players_no_fixed_rows() -> None:
    sg = scenario_game(compile_scenario(loads_scenario(MARKET)), horizon=1)
    assert sg.game.players == sg.full.players == ("incumbent", "challenger")
    rows, _ = sg.story(backward_induction.solve(sg.game).equilibria[0])  # type: ignore[arg-type]
    assert [r.kind for r in rows] == ["choice", "choice", "end"]


def test_narrative_fixed_moves_tell_courses_apart() -> None:
    """Two chance outcomes with the same choice but different fixed moves are two branches."""
    game = tree_game(
        Chance(
            {
                "rain": (0.6, Decision("a", {"stay": Terminal((1.0,)), "go": Terminal((0.0,))})),
                "sun": (0.4, Decision("a", {"stay": Terminal((2.0,)), "go": Terminal((0.0,))})),
            }
        ),
        players=["a"],
    )
    profile = BehaviorProfile(np.array([1.0, 0.0, 1.0, 0.0]))
    merged, _ = narrative(game, profile)
    assert "the same course in every case" in merged[0].what

    def fixed(node: int) -> list[tuple[str, str, str]]:
        return [("0", "b", "umbrella")] if game.action_label(node) == "rain" else []

    split, _ = narrative(game, profile, fixed=fixed)
    assert [(r.branch, r.who, r.kind, r.what) for r in split[:4]] == [
        ("", "chance", "chance", "rain 0.6, sun 0.4"),
        ("1", "chance", "chance", "rain"),
        ("1", "b", "fixed", "umbrella"),
        ("1", "a", "choice", "stay"),
    ]


def test_select_players() -> None:
    game = tree_game(
        Decision("a", {"x": Terminal((1.0, 2.0, 3.0)), "y": Terminal((0.0, 0.0, 0.0))}),
        players=["a", "b", "c"],
    )
    picked = select_players(game, ["c", "a"])
    assert picked.players == ("c", "a")
    assert picked.payoffs.tolist() == [[3.0, 1.0], [0.0, 0.0]]
    assert picked.players[int(picked.infoset_player[0])] == "a"
    with pytest.raises(UsageError, match="every one who moves"):
        select_players(game, ["b"])


@pytest.mark.parametrize(
    "shape",
    [
        {"horizon": 1, "players": ["usa", "rus"]},
        {"horizon": 1, "players": ["usa", "rus"], "information": "scenario"},
        {"horizon": 1, "players": ["usa"], "private": "chance"},
    ],
    ids=["perfect", "simultaneous", "private-chance"],
)
def test_tracer_follows_every_node_of_the_built_game(shape: dict) -> None:
    """The tracer re-walks the game builder: every node of the built game is found again.

    A change to how the builder expands a round (or the root) that the tracer
    does not mirror fails here instead of silently dropping fixed-policy rows.
    """
    sg = scenario_game(compile_scenario(load_scenario("dprk-troops-2024")), **shape)
    moves = [m for node in range(sg.full.n_nodes) for m in sg.tracer.before(sg.full, node)]
    assert sg.tracer.matched
    assert moves and {m.actor for m in moves} <= {r.actor for r in sg.roles if not r.player}
    if shape.get("private") == "chance":
        assert sg.tracer.drawn == ["rus_redline"] and "rus_redline" not in sg.uncertainties


@pytest.mark.parametrize("players", [["rus", "usa"], None, [], ["rus"]])
def test_the_solved_game_is_build_games(players: list[str] | None) -> None:
    """The players' game is the one ``build_game`` builds (same id, player order as given)."""
    compiled = compile_scenario(load_scenario("kursk-mini"))
    sg = scenario_game(compiled, horizon=2, players=players)
    game = build_game(compiled, horizon=2, players=players)
    assert sg.game.players == game.players and sg.game.game_id == game.game_id
    assert sg.full.players[: len(game.players)] == game.players or players == []


def test_a_strategy_whose_actors_all_choose_freely_is_said_to_fix_no_move(capsys) -> None:
    """Berlin 1961 trial: `solve --players usa sov --strategy firmness` printed "cell: strategy
    firmness" though usa, the only actor firmness sets, chose freely: the strategy did nothing."""
    assert main(["solve", "kursk-mini", "--horizon", "1", "--players", "usa", "--strategy",
                 "graduated"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert (
        "cell: strategy graduated (fixes no move: every actor it sets a policy for is a player)"
        in out
    )
    assert main(["solve", "kursk-mini", "--horizon", "1", "--players", "rus", "--strategy",
                 "graduated"]) == 0  # fmt: skip
    assert "cell: strategy graduated, mindset" in capsys.readouterr().out
