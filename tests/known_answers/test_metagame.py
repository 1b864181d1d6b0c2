"""The strategy meta-game on scenarios built to be textbook 2x2 games, and its solvers.

Each scenario has two actors (sides west and east); a strategy (west) or a
mindset (east) either takes the actor's ``dare`` option in round 0 or holds.
In round 1 one event per cell adds that cell's payoffs to the two payoff
variables the actors' ``final`` utilities weigh, and two zero-mean noise
events (±1 with probability 1/2 each, one per row) make the estimates noisy,
so the meta-game's payoffs are the textbook bimatrix plus sampling error.

Closed forms (payoffs (row, column); strategies hold = 0, dare = 1):

* Chicken, payoffs (0,0) (-1,1) / (1,-1) (-10,-10): pure equilibria
  (hold, dare) and (dare, hold) and a mixed one, each daring with probability
  1/(1 + 10 - 1) ... = 0.1 (indifference: -p = 1 - 11 p) (Rapoport & Chammah
  1966, "The game of chicken", *American Behavioral Scientist* 10).
* Prisoner's Dilemma, (3,3) (0,5) / (5,0) (1,1): the unique equilibrium is
  (dare, dare), i.e. defect (Axelrod 1984, *The Evolution of Cooperation*).
* Matching Pennies, (1,-1) (-1,1) / (-1,1) (1,-1): unique, both mix 1/2 (von
  Neumann & Morgenstern 1944).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from escalade.cli import main
from escalade.scenario import loads_scenario
from escalade.workflows.game import GameOptions, game_scenario

CELLS = {(0, 0): "hh", (0, 1): "hd", (1, 0): "dh", (1, 1): "dd"}
WHEN = {
    "hh": "not taken('dare_w') and not taken('dare_e')",
    "hd": "not taken('dare_w') and taken('dare_e')",
    "dh": "taken('dare_w') and not taken('dare_e')",
    "dd": "taken('dare_w') and taken('dare_e')",
}


def bimatrix_scenario(name: str, a: list[list[float]], b: list[list[float]]) -> str:
    """A scenario whose meta-game is the bimatrix ``(a, b)`` plus zero-mean noise."""
    events = []
    for (i, j), cell in CELLS.items():
        events.append(
            f'  - {{id: pay_{cell}, prob: 1, once: true, when: "round == 1 and {WHEN[cell]}", '
            f"effects: [{{var: pw, add: {a[i][j]}}}, {{var: pe, add: {b[i][j]}}}]}}"
        )
    for row, cond in (("d", "taken('dare_w')"), ("h", "not taken('dare_w')")):
        events.append(
            f'  - {{id: noise_{row}, prob: 1, once: true, when: "round == 1 and {cond}", '
            "branches: [{id: up, prob: 0.5, effects: [{var: pw, add: 1}, {var: pe, add: -1}]}, "
            "{id: down, prob: 0.5, effects: [{var: pw, add: -1}, {var: pe, add: 1}]}]}"
        )
    return f"""schema_version: 1
id: {name}
title: {name} as a scenario
calendar: {{start: 2024-01-01, step: week, horizon: 2}}
sides: [{{id: west}}, {{id: east}}]
arenas: [{{id: front, ladder: compact, parties: [west, east], initial: 3}}]
variables:
  - {{id: pw, initial: 0, min: -100, max: 100}}
  - {{id: pe, initial: 0, min: -100, max: 100}}
actors:
  - {{id: w, name: W, side: west, utility: {{final: {{pw: 1}}}}}}
  - {{id: e, name: E, side: east, utility: {{final: {{pe: 1}}}}}}
options:
  - {{id: dare_w, actor: w, arena: front, rung: 4}}
  - {{id: dare_e, actor: e, arena: front, rung: 4}}
events:
{chr(10).join(events)}
strategies:
  - {{id: hold, side: west, policies: {{w: {{kind: hold}}}}}}
  - {{id: dare, side: west, policies: {{w: {{kind: plan, steps: [{{at: 0, option: dare_w}}]}}}}}}
mindsets:
  - {{id: hold, side: east, policies: {{e: {{kind: hold}}}}}}
  - {{id: dare, side: east, policies: {{e: {{kind: plan, steps: [{{at: 0, option: dare_e}}]}}}}}}
"""


CHICKEN = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])


def _solve(name: str, game: tuple[list[list[float]], list[list[float]]], n: int = 4000):
    scenario = loads_scenario(bimatrix_scenario(name, *game))
    return game_scenario(scenario, GameOptions(n=n, seed=7, bootstrap=100))


def _dare(profile: dict[str, dict[str, float]], side: str) -> float:
    return profile[side].get("dare", 0.0)


def _check_payoffs(result, game) -> float:
    """Estimated payoffs equal the bimatrix within 4 standard errors; return the largest SE."""
    g = result.game
    truth = np.array(game, dtype=float)
    assert np.all(np.abs(g.payoffs - truth) <= 4 * g.se + 1e-12)
    assert g.se.max() > 0  # the noise is there
    return float(g.se.max())


def test_chicken() -> None:
    result = _solve("chicken", CHICKEN)
    se = _check_payoffs(result, CHICKEN)
    assert not result.degenerate
    found = sorted((_dare(e["profile"], "west"), _dare(e["profile"], "east")) for e in result.nash)
    assert len(found) == 3
    assert found[0] == (0.0, 1.0) and found[2] == (1.0, 0.0)
    # mixed: p = (A00 - A01) / (A00 - A01 - A10 + A11) with estimated payoffs; the
    # derivative of p in each payoff is at most 1/10 here, so 4 SEs in 4 cells bound it
    p_w, p_e = found[1]
    assert abs(p_w - 0.1) <= 4 * 4 * se / 10 and abs(p_e - 0.1) <= 4 * 4 * se / 10
    pure = [
        e for e in result.nash if e["dimension"] == 0 and max(e["profile"]["west"].values()) == 1
    ]
    assert all(e["robustness"] == 1.0 for e in pure)


def test_prisoners_dilemma() -> None:
    result = _solve("pd", PD)
    _check_payoffs(result, PD)
    assert len(result.nash) == 1
    (eq,) = result.nash
    assert eq["profile"] == {"west": {"dare": 1.0}, "east": {"dare": 1.0}}
    assert eq["payoffs"]["west"] == pytest.approx(1.0, abs=0.1)
    assert eq["robustness"] == 1.0
    # commitment cannot help in PD: defecting is dominant, the follower defects too
    assert result.stackelberg["west"]["value_of_commitment"] == pytest.approx(0.0, abs=1e-9)
    assert result.alpha_rank["by_side"]["west"]["dare"] > 0.99


def test_matching_pennies() -> None:
    result = _solve("pennies", PENNIES)
    se = _check_payoffs(result, PENNIES)
    (eq,) = result.nash
    # p = 1/2 + O(error): the derivative of the indifference mix in each payoff is 1/8 here
    assert abs(_dare(eq["profile"], "west") - 0.5) <= 4 * 4 * se / 8
    assert abs(_dare(eq["profile"], "east") - 0.5) <= 4 * 4 * se / 8
    assert eq["payoffs"]["west"] == pytest.approx(0.0, abs=4 * se)
    # the row side committing to 1/2 guarantees the value; commitment is worth about 0
    assert abs(result.stackelberg["west"]["value_of_commitment"]) <= 4 * se


def test_cli_json(tmp_path, capsys) -> None:
    path = tmp_path / "chicken.yaml"
    path.write_text(bimatrix_scenario("chicken", *CHICKEN), encoding="utf-8")
    assert main(["game", str(path), "--n", "1000", "--bootstrap", "20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["equilibria"]) == 3
    west = out["sides"]["west"]
    assert west["role"] == "rows" and len(west["nash"]) == 3
    assert set(west["stackelberg"]) >= {"commitment", "follower_response", "leader_value"}
    # Chicken: the row committing to dare makes the column swerve: value 1 (best Nash is 1 too)
    assert west["stackelberg"]["follower_response"] == "hold"
    assert west["stackelberg"]["leader_value"] == pytest.approx(1.0, abs=0.2)
    assert main(["game", str(path), "--n", "200", "--bootstrap", "0"]) == 0
    text = capsys.readouterr().out
    assert "Nash equilibria (3)" in text and "value of commitment" in text
