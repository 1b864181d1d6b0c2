"""Unit tests for backward induction (subgame-perfect equilibrium)."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import UnsupportedGameError
from escalade.game.examples import chicken, kuhn_poker, trust_game
from escalade.game.profiles import profile_to_dict
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.random import make_rng
from escalade.solvers import backward_induction
from escalade.solvers.verify import regret


def test_trust_game_spe_is_not_trust_abuse():
    """Kreps (1990): the subgame-perfect outcome of the one-shot trust game."""
    g = trust_game()
    res = backward_induction.solve(g)
    prof = profile_to_dict(g, res.equilibria[0])
    assert prof == {
        "Buyer": {"Trust": 0.0, "Not trust": 1.0},
        "Seller": {"Honor": 0.0, "Abuse": 1.0},
    }
    assert res.payoffs.tolist() == [[0.0, 0.0]]
    assert res.path.tolist() == [0, 2]
    assert res.node_values[1].tolist() == [-1.0, 2.0]
    assert res.diagnostics.max_regret == 0.0
    assert res.method == "spe" and res.game_id == g.game_id


def test_chance_nodes_average_and_path_branches():
    g = tree_game(
        Chance(
            {
                "H": (0.25, Decision("A", {"a": Terminal((1, 0)), "b": Terminal((3, 1))})),
                "T": (0.75, Terminal((5, 5))),
            }
        ),
        players=("A", "B"),
    )
    res = backward_induction.solve(g)
    assert np.allclose(res.node_values[0], [0.25 * 3 + 0.75 * 5, 0.25 + 0.75 * 5])
    assert res.path.tolist() == [0, 1, 2, 4]


def test_ties_go_to_the_lowest_action_index():
    g = tree_game(
        Decision(
            "A",
            {
                "first": Terminal((1.0,)),
                "second": Terminal((1.0 + 1e-13,)),
                "third": Terminal((0.5,)),
            },
        ),
        players=("A",),
    )
    res = backward_induction.solve(g)
    assert res.equilibria[0].probabilities.tolist() == [1.0, 0.0, 0.0]
    res = backward_induction.solve(g, tie_tol=0.0)
    assert res.equilibria[0].probabilities.tolist() == [0.0, 1.0, 0.0]


def test_three_player_centipede_like_game():
    leaf = {"stop": Terminal((0, 3, 1)), "go": Terminal((2, 2, 2))}
    g = tree_game(
        Decision(
            "A",
            {
                "stop": Terminal((1, 0, 0)),
                "go": Decision("B", {"stop": Terminal((0, 1, 0)), "go": Decision("C", leaf)}),
            },
        ),
        players=("A", "B", "C"),
    )
    res = backward_induction.solve(g)
    assert res.payoffs.tolist() == [[2.0, 2.0, 2.0]]
    assert regret(g, res.equilibria[0]).max() == 0.0


def test_random_tree_matches_plain_recursion():
    rng = make_rng(7)
    players = ("A", "B")

    def grow(depth):
        if depth == 0 or rng.random() < 0.2:
            return Terminal(tuple(rng.integers(0, 5, size=2).tolist()))
        if rng.random() < 0.3:
            return Chance({"x": (0.3, grow(depth - 1)), "y": (0.7, grow(depth - 1))})
        return Decision(
            players[int(rng.integers(2))],
            {f"a{k}": grow(depth - 1) for k in range(int(rng.integers(1, 4)))},
        )

    root = grow(6)
    g = tree_game(root, players=players)

    def value(node):
        if isinstance(node, Terminal):
            return np.asarray(node.payoffs, dtype=float)
        if isinstance(node, Chance):
            return sum(p * value(c) for p, c in node.outcomes.values())
        who = players.index(node.player)
        vals = [value(c) for c in node.actions.values()]
        return vals[int(np.argmax([v[who] for v in vals]))]

    res = backward_induction.solve(g)
    assert np.allclose(res.payoffs[0], value(root))
    assert res.diagnostics.max_regret <= 1e-12


@pytest.mark.parametrize("game", [kuhn_poker(), chicken(1, 1, 10)])
def test_rejects_other_game_types(game):
    with pytest.raises(UnsupportedGameError, match="spe"):
        backward_induction.solve(game)
