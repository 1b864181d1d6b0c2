"""Games built from scenarios: a hand-solved entry game, and agreement with the engine.

The one-stage entry (chain-store) game of Selten (1978), "The chain store
paradox", *Theory and Decision* 9: a challenger enters or stays out; the
incumbent fights or acquiesces. With payoffs out (0, 0), enter/acquiesce
(2, -2), enter/fight (-1, -3), backward induction gives: the incumbent
acquiesces (-2 > -3), so the challenger enters: payoffs (2, -2). Written as a
scenario, built with ``build_game`` and solved by backward induction.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from escalade.cli import main
from escalade.engine import simulate
from escalade.engine.chunk import run_chunk
from escalade.engine.game_builder import build_game
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import cell_tasks
from escalade.errors import GameTooLargeError, UnsupportedGameError, UsageError
from escalade.game.convert import to_normal_form
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import backward_induction, support_enumeration
from escalade.solvers.verify import expected_payoffs

ENTRY = (Path(__file__).resolve().parents[1] / "data" / "engine" / "entry.yaml").read_text(
    encoding="utf-8"
)


def test_entry_game_spe() -> None:
    game = build_game(compile_scenario(loads_scenario(ENTRY)), horizon=1)
    result = backward_induction.solve(game)
    assert result.payoffs.tolist() == [[2.0, -2.0]]
    assert result.diagnostics.max_regret == pytest.approx(0.0)


def test_entry_game_through_the_cli(tmp_path, capsys) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(ENTRY, encoding="utf-8")
    assert main(["solve", str(path), "--horizon", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["path"] == ["challenger: r0 challenger: enter", "incumbent: r0 incumbent: hold"]
    assert main(["solve", str(path), "--horizon", "1", "--export", str(tmp_path / "g.efg")]) == 0
    assert (tmp_path / "g.efg").read_text(encoding="utf-8").startswith("EFG 2 R")


# Two actors, chance in events, success and accidents (shared with tests/unit/test_game_build.py).
CHANCE = (Path(__file__).resolve().parents[1] / "data" / "games" / "chancy.yaml").read_text(
    encoding="utf-8"
)


def assert_engine_mean(compiled, exact, *, seed: int, actors=("w", "e")) -> None:
    """Each actor's tree value lies within two half-widths of the engine's 95% interval."""
    table = simulate(compiled, n=200_000, seed=seed, chunk_size=50_000).utilities()
    table = table.set_index("actor")
    for k, actor in enumerate(actors):
        half = table.loc[actor, "ci_high"] - table.loc[actor, "mean"]
        assert abs(table.loc[actor, "mean"] - exact[k]) <= 2 * half, (
            actor,
            exact[k],
            table.loc[actor].to_dict(),
        )


def test_tree_expectation_equals_engine_mean() -> None:
    """Nobody choosing: the tree's value is each actor's expected utility under the policies."""
    compiled = compile_scenario(loads_scenario(CHANCE))
    game = build_game(compiled, horizon=3, players=[])
    assert_engine_mean(compiled, backward_induction.solve(game).payoffs[0], seed=5)


def test_players_choose_and_profiles_are_consistent() -> None:
    compiled = compile_scenario(loads_scenario(CHANCE))
    game = build_game(compiled, horizon=2, players=["w"])
    result = backward_induction.solve(game)
    value = expected_payoffs(game, result.equilibria[0])
    assert np.allclose(value, result.payoffs[0])
    # Choosing freely is at least as good as the rules policy.
    fixed = backward_induction.solve(build_game(compiled, horizon=2, players=[])).payoffs[0][0]
    assert result.payoffs[0][0] >= fixed - 1e-12


def test_limits_and_errors() -> None:
    compiled = compile_scenario(loads_scenario(CHANCE))
    with pytest.raises(GameTooLargeError, match="expected at most 50 nodes"):
        build_game(compiled, horizon=3, node_limit=50)
    with pytest.raises(UsageError, match="horizon: expected 1 to 3"):
        build_game(compiled, horizon=9)
    with pytest.raises(UsageError, match="players: expected actor ids"):
        build_game(compiled, horizon=1, players=["nobody"])
    quantal = CHANCE.replace("policy: {kind: graduated}", "policy: {kind: quantal}")
    with pytest.raises(UnsupportedGameError, match="not deterministic"):
        build_game(compile_scenario(loads_scenario(quantal)), horizon=1, players=["w"])


def test_equilibrium_policy_reproduces_the_solver() -> None:
    """Simulating the SPE strategy gives the solver's expected payoff (within 4 standard errors)."""
    text = CHANCE.replace(
        'policy: {kind: rules, rules: [{if: "pos < 1", then: push}]}',
        "policy: {kind: equilibrium, horizon: 3}",
    )
    compiled = compile_scenario(loads_scenario(text))
    game = build_game(compiled, horizon=3, players=["w"])
    value = backward_induction.solve(game).payoffs[0][0]
    result = simulate(compiled, n=100_000, seed=8, chunk_size=50_000)
    row = result.utilities().set_index("actor").loc["w"]
    assert abs(row["mean"] - value) <= 2 * (row["ci_high"] - row["mean"]), (row["mean"], value)
    # and it beats the rules policy it replaced
    rules = simulate(compile_scenario(loads_scenario(CHANCE)), n=100_000, seed=8)
    assert row["mean"] > rules.utilities().set_index("actor").loc["w", "mean"]
    assert result.options().set_index("option").loc["push", "usage_rate"] > 0


def test_equilibrium_policy_in_the_reference_interpreter() -> None:
    text = CHANCE.replace(
        'policy: {kind: rules, rules: [{if: "pos < 1", then: push}]}',
        "policy: {kind: equilibrium, horizon: 2}",
    )
    compiled = compile_scenario(loads_scenario(text))
    tasks = cell_tasks(compiled, (None, None), n=30, seed=4, chunk=1024, keep=30)
    vectorised = run_chunk(tasks[0]).traces
    ref = ReferenceInterpreter(compiled, tasks[0].specs, seed=4)
    assert [ref.run(i) for i in range(30)] == list(vectorised)


def _chicken(w: float, lose: float, c: float) -> str:
    """Chicken (REFERENCE.md V3) as a one-round simultaneous scenario; hold = swerve."""
    both = "where(taken('straight_a'), 1, 0)"
    return f"""
schema_version: 2
id: chicken
title: Chicken
calendar: {{start: 2024-01-01, step: week, horizon: 1}}
sides: [{{id: west}}, {{id: east}}]
arenas: [{{id: road, ladder: compact, parties: [west, east]}}]
variables: [{{id: pay_a, initial: 0}}, {{id: pay_b, initial: 0}}]
actors:
  - {{id: a, name: A, side: west, utility: {{final: {{pay_a: 1}}}}}}
  - {{id: b, name: B, side: east, utility: {{final: {{pay_b: 1}}}}}}
options:
  - {{id: straight_a, actor: a, effects: [{{var: pay_a, add: {w}}}, {{var: pay_b, add: {-lose}}}]}}
  - id: straight_b
    actor: b
    effects:
      - {{var: pay_a, add: "{-lose} - {c + w - lose} * {both}"}}
      - {{var: pay_b, add: "{w} - {w + c - lose} * {both}"}}
"""


@pytest.mark.parametrize(
    ("w", "lose", "c", "q", "crash"),
    [(1, 1, 10, 0.1, 0.01), (2, 0.5, 5, 0.3077, 0.0947)],
)
def test_v3_chicken_scenario(w, lose, c, q, crash) -> None:
    """V3 (REFERENCE.md §3; Dixit, Skeath & McAdams, *Games of Strategy*, ch. 7).

    The scenario's round is simultaneous; ``information="scenario"`` keeps it so
    (one information set per player). Its normal form has the two pure
    equilibria and the mixed one with P(Straight) = W / (W + C - L), payoff
    -L q*, crash probability q*². Sequentialised (the default), the first mover
    goes straight and wins: (W, -L).
    """
    compiled = compile_scenario(loads_scenario(_chicken(w, lose, c)))
    game = build_game(compiled, horizon=1, information="scenario")
    assert game.n_infosets == 2
    result = support_enumeration.solve(to_normal_form(game))
    assert len(result.equilibria) == 3
    assert result.diagnostics.max_regret < 1e-9
    k = next(k for k, e in enumerate(result.equilibria) if np.all(e.strategies[0] > 0))
    q_star = w / (w + c - lose)
    mixed = result.equilibria[k].strategies
    assert mixed[0][1] == pytest.approx(q_star) and mixed[1][1] == pytest.approx(q_star)
    assert q_star == pytest.approx(q, abs=5e-5)
    assert mixed[0][1] * mixed[1][1] == pytest.approx(crash, abs=5e-5)
    assert result.payoffs[k] == pytest.approx([-lose * q_star] * 2)
    first_mover = backward_induction.solve(build_game(compiled, horizon=1))
    assert first_mover.payoffs[0] == pytest.approx([w, -lose])


def _ultimatum(p: float, c_a: float, c_b: float) -> str:
    """Fearon's ultimatum (REFERENCE.md V1) as a scenario: A demands x, B accepts or fights."""
    demands = "\n".join(
        f"  - {{id: demand_{k:02d}, actor: a, effects: [{{var: pay_a, set: {k / 20:.2f}}}, "
        f"{{var: pay_b, set: {1 - k / 20:.2f}}}]}}"
        for k in range(21)
    )
    war = f"[{{var: pay_a, set: {p - c_a:.4f}}}, {{var: pay_b, set: {1 - p - c_b:.4f}}}]"
    return f"""
schema_version: 2
id: ultimatum
title: Ultimatum
order: sequential
calendar: {{start: 2024-01-01, step: week, horizon: 1}}
sides: [{{id: west}}, {{id: east}}]
arenas: [{{id: table, ladder: compact, parties: [west, east]}}]
variables:
  - {{id: pay_a, initial: {p - c_a:.4f}}}
  - {{id: pay_b, initial: {1 - p - c_b:.4f}}}
actors:
  - {{id: a, name: A, side: west, utility: {{final: {{pay_a: 1}}}}}}
  - {{id: b, name: B, side: east, utility: {{final: {{pay_b: 1}}}}}}
options:
{demands}
  - {{id: war, actor: b, arena: table, rung: 8, effects: {war}}}
"""


@pytest.mark.parametrize(
    ("p", "c_a", "c_b", "x_star"),
    [(0.4, 0.1, 0.05, 0.45), (0.6, 0.2, 0.3, 0.9), (0.8, 0.1, 0.3, 1.0)],
)
def test_v1_ultimatum_scenario(p, c_a, c_b, x_star) -> None:
    """V1 (REFERENCE.md §3; Fearon 1995): A's subgame-perfect demand is min(1, p + c_B), accepted.

    Demands on a 0.05 grid; war (or no demand) gives (p - c_A, 1 - p - c_B).
    Backward induction: B accepts x iff 1 - x >= 1 - p - c_B (ties: hold, the
    first action, i.e. accept), so A demands the largest such x.
    """
    compiled = compile_scenario(loads_scenario(_ultimatum(p, c_a, c_b)))
    game = build_game(compiled, horizon=1)
    result = backward_induction.solve(game)
    assert result.payoffs[0] == pytest.approx([x_star, 1 - x_star])
    assert result.diagnostics.max_regret <= 1e-12
    assert result.path is not None
    moves = [game.action_label(n) for n in result.path.tolist()[1:]]
    assert moves == [f"r0 a: demand_{round(x_star * 20):02d}", "r0 b: hold"]


# The same scenario with jumping accidents that may be walked back the next round.
JUMPY = CHANCE.replace(
    """front: {up: "0.05 * rung('front')", down: 0.1}""",
    """front: {up: "0.05 * rung('front')", down: 0.1, jump: {sizes: [1, 3], weights: [0.6, 0.4]},
          revert: "where(rung('front') >= 6, 0.7, 0.2)"}""",
).replace("id: chancy", "id: jumpy")


def test_tree_with_jumps_and_walk_backs_equals_engine_mean() -> None:
    """Jump sizes and walk-backs are chance branches: the tree's value is the engine's mean."""
    compiled = compile_scenario(loads_scenario(JUMPY))
    assert compiled.has_jumps
    game = build_game(compiled, horizon=3, players=[])
    exact = backward_induction.solve(game).payoffs[0]
    plain = backward_induction.solve(
        build_game(compile_scenario(loads_scenario(CHANCE)), horizon=3, players=[])
    ).payoffs[0]
    assert abs(exact[0] - plain[0]) > 0.01  # the jumps matter to this payoff
    assert_engine_mean(compiled, exact, seed=6)


ONE_ARENA = """
schema_version: 2
id: drift
title: Accidents alone
calendar: {start: 2024-01-01, step: week, horizon: 2}
sides: [{id: west}, {id: east}]
arenas: [{id: front, ladder: compact, parties: [west, east], initial: 4}]
actors:
  - {id: w, name: W, side: west, utility: {per_round: {rung.front: 1.0}}}
  - {id: e, name: E, side: east}
accidents:
  front: {up: 0.5, down: 0.0, jump: {sizes: [3]}, revert: 0.4}
"""


def test_a_single_jump_size_and_its_walk_back_by_hand() -> None:
    """``sizes: [3]`` moves three rungs (it moved one before), walked back with probability 0.4.

    Round 0 pays the rung after its accident: 4 + 0.5 * 3 = 5.5 in expectation. Round 1
    starts from 7 (up, kept: 0.5 * 0.6), 4 (up, walked back: 0.5 * 0.4) or 4 (stay: 0.5), then
    adds 1.5 in expectation, capped at rung 12: 0.3 * (7 + 1.5) + 0.7 * (4 + 1.5) = 6.4.
    The total, 11.9, is the tree's value and the engine's mean.
    """
    compiled = compile_scenario(loads_scenario(ONE_ARENA))
    game = build_game(compiled, horizon=2, players=[])
    assert backward_induction.solve(game).payoffs[0][0] == pytest.approx(11.9)
    labels = {game.action_label(node) for node in range(1, game.n_nodes)}
    assert {"r0 front accident: up 3", "r0 front accident: up 3, walked back"} <= labels
    assert "r0 front accident: down 3" not in labels  # probability 0: no branch
    table = simulate(compiled, n=100_000, seed=3).utilities().set_index("actor")
    half = table.loc["w", "ci_high"] - table.loc["w", "mean"]
    assert abs(table.loc["w", "mean"] - 11.9) <= 2 * half


# W moves twice a round: its rules take push, then probe (what the first move left).
TWICE = (
    CHANCE.replace("id: chancy", "id: twice")
    .replace(
        """    policy: {kind: rules, rules: [{if: "pos < 1", then: push}]}""",
        """    moves: 2
    policy: {kind: rules, rules: [{if: "pos < 1", then: push}, {if: "true", then: probe}]}""",
    )
    .replace(
        "  - {id: strike,",
        """  - {id: probe, actor: w, arena: front, rung: 3, success: 0.5,
     effects: [{var: pos, add: 0.5}]}
  - {id: strike,""",
    )
)


@pytest.mark.parametrize("information", ["perfect", "scenario"])
def test_tree_with_two_moves_a_round_equals_engine_mean(information) -> None:
    """``moves: 2``: one decision per move, the second among what the first left."""
    compiled = compile_scenario(loads_scenario(TWICE))
    assert [a.moves for a in compiled.actors] == [2, 1]
    game = build_game(compiled, horizon=3, players=[], information=information)
    assert_engine_mean(compiled, backward_induction.solve(game).payoffs[0], seed=8)


PICK_TWO = """
schema_version: 2
id: pick-two
title: Two moves, three options
order: sequential
calendar: {start: 2024-01-01, step: week, horizon: 2}
sides: [{id: west}, {id: east}]
variables: [{id: v, initial: 0}]
actors:
  - {id: w, name: W, side: west, moves: 2, utility: {per_round: {v: 1.0}}}
  - {id: e, name: E, side: east}
options:
  - {id: small, actor: w, effects: [{var: v, add: 1}]}
  - {id: large, actor: w, effects: [{var: v, add: 3}], once: true}
  - {id: bad, actor: w, effects: [{var: v, add: -2}]}
"""


def test_a_player_with_two_moves_takes_its_two_best_options() -> None:
    """By hand: round 0 takes large and small (v = 4, paid 4); round 1 small, then hold, since
    large is spent and bad loses (v = 5): 9 in all. One move a round would give 3 + 4 = 7."""
    game = build_game(compile_scenario(loads_scenario(PICK_TWO)), horizon=2, players=["w"])
    result = backward_induction.solve(game)
    assert result.payoffs[0][0] == pytest.approx(9.0)
    labels = {game.action_label(node) for node in range(1, game.n_nodes)}
    assert {"r0 w: large", "r0 w move 2: small", "r0 w move 2: hold"} <= labels
    assert "r0 w move 2: large" not in {  # what the first move took is not offered again
        game.action_label(node)
        for node in range(1, game.n_nodes)
        if game.action_label(int(game.parent[node])) == "r0 w: large"
    }
    one = build_game(
        compile_scenario(loads_scenario(PICK_TWO.replace("moves: 2, ", ""))), horizon=2
    )
    assert backward_induction.solve(one).payoffs[0][0] == pytest.approx(7.0)


def test_two_moves_keep_perfect_recall_in_a_simultaneous_round() -> None:
    """The second move's information set knows what the first move picked."""
    simultaneous = PICK_TWO.replace("order: sequential\n", "")
    game = build_game(
        compile_scenario(loads_scenario(simultaneous)), horizon=1, information="scenario"
    )
    assert game.has_perfect_recall


def test_the_story_tells_a_second_move_by_its_number(capsys) -> None:
    """`solve` told "nato_cmd move 2: hold" in the 'what' column, repeating the actor."""
    path = Path(__file__).resolve().parents[1] / "data" / "pick-two.yaml"
    try:
        path.write_text(PICK_TWO, encoding="utf-8")
        assert main(["solve", str(path), "--horizon", "1", "--players", "w"]) == 0
    finally:
        path.unlink()
    out = capsys.readouterr().out
    assert "(move 2)" in out and "w move 2" not in out
