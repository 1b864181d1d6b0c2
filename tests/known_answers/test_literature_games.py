"""Literature games with published values, each solved and checked by regret.

Kuhn poker: Kuhn (1950), value -1/18 to player 1. Stripped-down poker:
Reiley, Urbancic & Walker (2008), value 1/3, bet a Queen 1/3, call 2/3 (a
game in Gambit's catalogue). Trust game: Kreps (1990), subgame-perfect
outcome Not trust / Abuse. Coordination: the n x n identity game has
2^n - 1 equilibria (von Stengel 2007, ch. 3 of *Algorithmic Game Theory*).
Koller, Megiddo & von Stengel (1994, STOC) example: value 13. Savani & von
Stengel (2006, Econometrica) 6 x 6 game with long Lemke-Howson paths: unique
equilibrium (1/30, 1/6, 3/10, 3/10, 1/6, 1/30) / (1/6, 1/30, 3/10, 3/10, 1/30, 1/6).
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.game.examples import (
    coordination,
    kmvs_1994,
    kuhn_poker,
    long_lemke_howson_6x6,
    stripped_down_poker,
    trust_game,
)
from escalade.game.profiles import profile_to_dict
from escalade.game.types import GameType
from escalade.solvers import backward_induction, support_enumeration, zerosum_lp
from escalade.solvers.verify import exploitability


def test_kuhn_poker_value():
    g = kuhn_poker()
    res = zerosum_lp.solve(g)
    assert res.payoffs[0, 0] == pytest.approx(-1 / 18, abs=1e-9)
    assert exploitability(g, res.equilibria[0]) < 1e-9
    prof = profile_to_dict(g, res.equilibria[0])
    # player 1 never bets the Queen first, and always calls a bet holding the King
    assert prof["Player 1"]["Q/bet"] == pytest.approx(0.0, abs=1e-9)
    assert prof["Player 1"]["K check bet/call"] == pytest.approx(1.0)


def test_stripped_down_poker_value_and_strategies():
    g = stripped_down_poker()
    res = zerosum_lp.solve(g)
    prof = profile_to_dict(g, res.equilibria[0])
    assert res.payoffs[0, 0] == pytest.approx(1 / 3)
    assert prof["Fred"]["Queen/Bet"] == pytest.approx(1 / 3)
    assert prof["Alice"]["Call"] == pytest.approx(2 / 3)


def test_trust_game_subgame_perfect_outcome():
    g = trust_game()
    res = backward_induction.solve(g)
    prof = profile_to_dict(g, res.equilibria[0])
    assert prof["Buyer"]["Not trust"] == 1.0 and prof["Seller"]["Abuse"] == 1.0


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_coordination_has_2_to_the_n_minus_1_equilibria(n):
    res = support_enumeration.solve(coordination(n))
    assert len(res.equilibria) == 2**n - 1
    assert res.diagnostics.max_regret < 1e-12
    supports = {tuple(np.flatnonzero(e.strategies[0] > 0)) for e in res.equilibria}
    assert len(supports) == 2**n - 1


def test_koller_megiddo_von_stengel_example_value_13():
    g = kmvs_1994()
    assert g.n_infosets == 5
    assert GameType.IMPERFECT_INFORMATION in g.game_type
    res = zerosum_lp.solve(g)
    assert res.payoffs[0, 0] == pytest.approx(13.0, abs=1e-9)
    assert exploitability(g, res.equilibria[0]) < 1e-9


def test_long_lemke_howson_game_has_one_equilibrium():
    res = support_enumeration.solve(long_lemke_howson_6x6())
    assert len(res.equilibria) == 1
    x, y = res.equilibria[0].strategies
    assert np.allclose(x, np.array([1, 5, 9, 9, 5, 1]) / 30, atol=1e-12)
    assert np.allclose(y, np.array([5, 1, 9, 9, 1, 5]) / 30, atol=1e-12)
    assert res.diagnostics.max_regret < 1e-9
