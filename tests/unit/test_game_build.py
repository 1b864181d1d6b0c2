"""build_game: labels, chance nodes, non-players, limits, simultaneous information sets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from escalade.cli import main
from escalade.engine import simulate
from escalade.engine.game_builder import build_game
from escalade.errors import GameTooLargeError, UsageError
from escalade.game.extensive import NodeKind
from escalade.game.types import GameType
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.scenario.schema import policy_spec
from escalade.solvers import backward_induction

HERE = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kursk():
    return compile_scenario(load_scenario("kursk-mini"))


def _labels(game) -> list[str]:
    return [game.action_label(n) for n in range(1, game.n_nodes)]


def test_kursk_round_zero_is_readable(kursk) -> None:
    """Round 0: usa (lift_strike_limits not yet available) then rus; success 0.9; accidents."""
    game = build_game(kursk, horizon=1)
    assert game.players == ("usa", "rus")
    assert game.n_nodes == 15
    labels = _labels(game)
    assert labels[:3] == ["r0 usa: hold", "r0 rus: hold", "r0 rus: deploy_to_kursk"]
    assert {"r0 deploy_to_kursk: success", "r0 deploy_to_kursk: failure"} <= set(labels)
    assert {"r0 ukraine accident: up", "r0 ukraine accident: down"} <= set(labels)
    assert game.node_labels[0].startswith("r0 usa #")
    success = labels.index("r0 deploy_to_kursk: success") + 1
    assert game.prob[success] == pytest.approx(0.9)
    assert GameType.PERFECT_INFORMATION in game.game_type
    # lift_strike_limits is available from the election (round 2: 2024-11-11) after a deployment
    later = _labels(build_game(kursk, horizon=3))
    assert "r2 usa: lift_strike_limits" in later
    assert "r1 usa: lift_strike_limits" not in later


def test_certain_outcomes_are_not_chance_nodes() -> None:
    text = (HERE / "data" / "engine" / "entry.yaml").read_text(encoding="utf-8")
    game = build_game(compile_scenario(loads_scenario(text)), horizon=1)
    assert not np.any(game.kind == NodeKind.CHANCE)  # success 1, no events, no accidents
    assert _labels(game) == [
        "r0 challenger: hold",
        "r0 challenger: enter",
        "r0 incumbent: hold",
        "r0 incumbent: hold",
        "r0 incumbent: fight",
    ]


def test_non_players_follow_their_policy(kursk) -> None:
    """With players=['rus'], usa plays its reactive policy inside the tree; rus alone is paid."""
    game = build_game(kursk, horizon=2, players=["rus"])
    assert game.players == ("rus",)
    assert not any(": " in lab and lab.split(": ")[0].endswith("usa") for lab in _labels(game))
    everyone = build_game(kursk, horizon=2, players=["rus"], all_payoffs=True)
    assert everyone.players == ("usa", "rus")
    assert everyone.n_nodes == game.n_nodes


def test_uncertainties_change_payoffs(kursk) -> None:
    """$strike_effect (nominal 0.3) is what lifting the strike limits (cost 0.5) adds each round.

    Russia deploys in round 0, the United States lifts the limits in round 2
    (plans; lifting needs a successful deployment, probability 0.9) and gains
    the effect in round 2: doubling it adds 0.3 x 0.9 = 0.27 to its utility.
    """
    policies = [
        policy_spec("plan", steps=[{"at": 2, "option": "lift_strike_limits"}]),
        policy_spec("plan", steps=[{"at": 0, "option": "deploy_to_kursk"}]),
    ]

    def value(effect: float) -> np.ndarray:
        game = build_game(kursk, horizon=3, players=[], policies=policies, uncertainties=[effect])
        return backward_induction.solve(game).payoffs[0]

    nominal, doubled = value(0.3), value(0.6)
    assert doubled[0] - nominal[0] == pytest.approx(0.3 * 0.9)
    assert doubled[1] - nominal[1] == pytest.approx(-0.3 * 0.9)


def test_too_large_names_size_limit_and_hint(kursk) -> None:
    with pytest.raises(GameTooLargeError) as info:
        build_game(kursk, horizon=4, node_limit=100)
    message = str(info.value)
    assert "expected at most 100 nodes, reached 101 at horizon 4" in message
    assert "`horizon`" in message and "`node_limit`" in message and "--" not in message
    assert info.value.parameter == "node_limit"
    with pytest.raises(UsageError, match="information: expected 'perfect' or 'scenario'"):
        build_game(kursk, horizon=1, information="hidden")  # type: ignore[arg-type]


# tests/data/games/chancy.yaml played simultaneously, with a strike that reads this round's push.
SIMULTANEOUS = (
    (Path(__file__).resolve().parents[1] / "data" / "games" / "chancy.yaml")
    .read_text(encoding="utf-8")
    .replace(
        "id: chancy\ntitle: Chance everywhere\norder: sequential\n",
        "id: simultaneous\ntitle: A simultaneous round with chance everywhere\n",
    )
    .replace(
        "effects: [{var: pos, add: -1}]",
        "effects: [{var: pos, add: \"-1 - 0.5 * where(taken('push'), 1, 0)\"}]",
    )
)
assert "order:" not in SIMULTANEOUS and "taken('push')" in SIMULTANEOUS, "chancy.yaml changed"

CHICKEN = """
schema_version: 2
id: chicken
title: Chicken, W = L = 1, C = 10
calendar: {start: 2024-01-01, step: week, horizon: 1}
sides: [{id: west}, {id: east}]
arenas: [{id: road, ladder: compact, parties: [west, east]}]
variables: [{id: pay_a, initial: 0}, {id: pay_b, initial: 0}]
actors:
  - {id: a, name: A, side: west, utility: {final: {pay_a: 1}}}
  - {id: b, name: B, side: east, utility: {final: {pay_b: 1}}}
options:
  - {id: straight_a, actor: a, effects: [{var: pay_a, add: 1}, {var: pay_b, add: -1}]}
  - id: straight_b
    actor: b
    effects:
      - {var: pay_a, add: "-1 - 10 * where(taken('straight_a'), 1, 0)"}
      - {var: pay_b, add: "1 - 10 * where(taken('straight_a'), 1, 0)"}
"""


def test_simultaneous_tree_equals_engine_mean() -> None:
    """information='scenario' plays the engine's simultaneous round: Monte Carlo agrees."""
    compiled = compile_scenario(loads_scenario(SIMULTANEOUS))
    assert not compiled.sequential
    game = build_game(compiled, horizon=3, players=[], information="scenario")
    exact = backward_induction.solve(game).payoffs[0]
    table = simulate(compiled, n=200_000, seed=11, chunk_size=50_000).utilities()
    table = table.set_index("actor")
    for k, actor in enumerate(("w", "e")):
        half = table.loc[actor, "ci_high"] - table.loc[actor, "mean"]
        assert abs(table.loc[actor, "mean"] - exact[k]) <= 2 * half, (actor, exact[k])


def test_simultaneous_information_sets() -> None:
    """In a simultaneous round the second player cannot tell the first player's choice."""
    compiled = compile_scenario(loads_scenario(SIMULTANEOUS))
    perfect = build_game(compiled, horizon=1)
    hidden = build_game(compiled, horizon=1, information="scenario")
    assert GameType.PERFECT_INFORMATION in perfect.game_type
    assert GameType.IMPERFECT_INFORMATION in hidden.game_type
    e = hidden.players.index("e")
    sets = [h for h in range(hidden.n_infosets) if hidden.infoset_player[h] == e]
    nodes = np.flatnonzero(hidden.kind == NodeKind.DECISION)
    sizes = [int(np.sum(hidden.infoset[nodes] == h)) for h in sets]
    assert max(sizes) > 1
    assert hidden.infoset_labels[sets[0]].startswith("r0 e | ")


def test_solve_cli_simultaneous_chicken(tmp_path, capsys) -> None:
    path = tmp_path / "chicken.yaml"
    path.write_text(CHICKEN, encoding="utf-8")
    args = ["solve", str(path), "--horizon", "1", "--information", "scenario", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "enummixed"
    assert sorted(e["payoffs"]["a"] for e in out["equilibria"]) == pytest.approx([-1, -0.1, 1])
