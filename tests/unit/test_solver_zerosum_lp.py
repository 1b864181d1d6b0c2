"""Unit tests for the sequence-form LP."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import UnsupportedGameError
from escalade.game.convert import normal_to_extensive
from escalade.game.examples import kuhn_poker, stripped_down_poker, trust_game
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import BehaviorProfile
from escalade.game.tree import Decision, Terminal, tree_game
from escalade.solvers import zerosum_lp
from escalade.solvers.verify import exploitability


def test_stripped_down_poker():
    g = stripped_down_poker()
    res = zerosum_lp.solve(g)
    p = res.equilibria[0].probabilities
    assert np.allclose(res.payoffs[0], [1 / 3, -1 / 3])
    # slots: King (Bet, Fold), after bet (Call, Fold), Queen (Bet, Fold)
    assert np.allclose(p, [1, 0, 2 / 3, 1 / 3, 1 / 3, 2 / 3])
    assert exploitability(g, res.equilibria[0]) < 1e-9
    # one LP is solved; the other player's plan comes from its duals
    assert res.diagnostics.extra["value_lp"] == pytest.approx(1 / 3, abs=1e-9)


@pytest.mark.parametrize("which", ["maxmin", "minmax"])
def test_either_lp_gives_both_plans(which):
    """Both LP formulations (chosen by size) reach the same value and an equilibrium."""
    g = kuhn_poker()
    s0, s1 = zerosum_lp._Seq(g, 0), zerosum_lp._Seq(g, 1)
    a = zerosum_lp._payoff_matrix(g, s0, s1)
    lp = zerosum_lp._maxmin if which == "maxmin" else zerosum_lp._minmax
    x, y, value = lp(a, s0, s1)
    assert value == pytest.approx(-1 / 18, abs=1e-9)
    assert x @ (a @ y) == pytest.approx(-1 / 18, abs=1e-9)
    probs = np.zeros(g.n_slots)
    s0.behaviour(g, x, probs)
    s1.behaviour(g, y, probs)
    assert exploitability(g, BehaviorProfile(probs)) < 1e-9


def test_constant_sum_matrix_game():
    a = np.array([[3.0, 1.0], [2.0, 4.0]])
    g = normal_to_extensive(NormalFormGame(np.stack([a, 5.0 - a])))
    res = zerosum_lp.solve(g)
    assert np.allclose(res.payoffs[0], [2.5, 2.5])
    assert res.diagnostics.max_regret < 1e-9


def test_rejects_general_sum_and_imperfect_recall():
    with pytest.raises(UnsupportedGameError, match="general-sum"):
        zerosum_lp.solve(trust_game())
    second = {"x": Terminal((1, -1)), "y": Terminal((0, 0))}
    forgetful = tree_game(
        Decision(
            "A", {"l": Decision("A", second, infoset="h"), "r": Decision("A", second, infoset="h")}
        ),
        players=("A", "B"),
    )
    with pytest.raises(UnsupportedGameError, match="perfect recall"):
        zerosum_lp.solve(forgetful)


def test_kuhn_value():
    res = zerosum_lp.solve(kuhn_poker())
    assert res.payoffs[0, 0] == pytest.approx(-1 / 18, abs=1e-9)
