"""Literature games with published values, each solved and checked by regret.

Kuhn poker: Kuhn (1950), value -1/18 to player 1. Stripped-down poker:
Reiley, Urbancic & Walker (2008), value 1/3, bet a Queen 1/3, call 2/3 (a
game in Gambit's catalogue). Trust game: Kreps (1990), subgame-perfect
outcome Not trust / Abuse. Coordination: the n x n identity game has
2^n - 1 equilibria (von Stengel 2007, ch. 3 of *Algorithmic Game Theory*).
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.game.examples import coordination, kuhn_poker, stripped_down_poker, trust_game
from escalade.game.profiles import profile_to_dict
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
