"""Private values as a chance move at the root of a scenario's game (``private="chance"``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import escalade.scenario.catalog as escalade_catalog
from escalade.engine.game_builder import build_game
from escalade.game.extensive import NodeKind
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario
from escalade.solvers.registry import default_method, solve

MINI = Path(escalade_catalog.__file__).parent / "kursk-mini.yaml"
TRIANGULAR = "{id: strike_effect, dist: triangular, low: 0.1, mode: 0.3, high: 0.8, "


def mini(replacement: str | None = None) -> CompiledScenario:
    """kursk-mini with its uncertainty known to Russia only (or replaced)."""
    text = MINI.read_text(encoding="utf-8")
    new = replacement or TRIANGULAR + "known_to: [rus], "
    text = text.replace(TRIANGULAR, new, 1)
    assert new in text
    return compile_scenario(loads_scenario(text, file="mini.yaml"))


def root_branch(game: object) -> np.ndarray:
    """For every node, which child of the root it descends from."""
    branch = np.full(game.n_nodes, -1)
    first = game.first_child[0]
    for node in range(1, game.n_nodes):
        parent = game.parent[node]
        branch[node] = node - first if parent == 0 else branch[parent]
    return branch


def test_the_root_draws_three_pearson_tukey_points() -> None:
    compiled = mini()
    game = build_game(compiled, horizon=1, players=["usa"], private="chance")
    assert game.kind[0] == NodeKind.CHANCE
    kids = np.arange(game.first_child[0], game.first_child[0] + game.n_children[0])
    assert game.prob[kids].tolist() == pytest.approx([0.185, 0.63, 0.185])
    ppf = compiled.uncertainties[0].ppf(np.array([0.05, 0.5, 0.95]))
    assert game.chance_actions[0] == tuple(f"strike_effect = {v:g}" for v in ppf)


def test_a_player_who_does_not_know_the_value_cannot_tell_the_draws_apart() -> None:
    game = build_game(mini(), horizon=1, players=["usa"], private="chance")
    branch = root_branch(game)
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    spans = [len(set(branch[dec[game.infoset[dec] == h]])) for h in np.unique(game.infoset[dec])]
    assert max(spans) == 3  # one information set holds a node of every draw
    result = solve(game)
    assert default_method(game) == "single"
    assert result.method == "single"
    assert result.diagnostics.max_regret == pytest.approx(0.0, abs=1e-9)


def test_a_player_who_knows_every_value_gets_the_nominal_game() -> None:
    compiled = mini()
    bayes = build_game(compiled, horizon=2, players=["rus"], private="chance")
    nominal = build_game(compiled, horizon=2, players=["rus"])
    assert bayes.n_nodes == nominal.n_nodes
    assert np.array_equal(bayes.payoffs, nominal.payoffs)


def test_a_choice_takes_its_values_with_their_weights() -> None:
    compiled = mini(
        "{id: strike_effect, dist: choice, values: [0.1, 0.5], weights: [1, 3], known_to: [rus], "
    )
    game = build_game(compiled, horizon=1, players=["usa", "rus"], private="chance")
    kids = np.arange(game.first_child[0], game.first_child[0] + game.n_children[0])
    assert game.prob[kids].tolist() == pytest.approx([0.25, 0.75])
    assert game.chance_actions[0] == ("strike_effect = 0.1", "strike_effect = 0.5")
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    branch = root_branch(game)
    for h in np.unique(game.infoset[dec]):
        seen = set(branch[dec[game.infoset[dec] == h]])
        player = game.players[game.infoset_player[h]]
        assert len(seen) == 1 or player == "usa"  # Russia knows the draw; only usa is blind


def test_solve_with_one_player_builds_the_bayesian_game(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    text = MINI.read_text(encoding="utf-8").replace(TRIANGULAR, TRIANGULAR + "known_to: [rus], ")
    path.write_text(text, encoding="utf-8")
    args = [sys.executable, "-m", "escalade", "solve", str(path), "--horizon", "1"]
    out = subprocess.run([*args, "--players", "usa"], capture_output=True, text=True, check=True)
    assert "note: strike_effect is drawn at the start (a chance move) and hidden from usa" in (
        out.stdout
    )
    assert "method single" in out.stdout
    fixed = subprocess.run(
        [*args, "--players", "usa", "--private", "nominal"], capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert "usa decides knowing strike_effect" in fixed.stdout
    assert "method spe" in fixed.stdout
