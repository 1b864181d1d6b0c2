"""pygambit's solvers through our files, judged by our own regret code (optional extra)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from escalade.game.convert import to_normal_form
from escalade.game.examples import chicken, stripped_down_poker, trust_game
from escalade.game.nfg import format_nfg
from escalade.solvers import backward_induction, gambit_lcp, gambit_logit

gbt = pytest.importorskip("pygambit")


def test_lcp_on_poker_both_forms():
    g = stripped_down_poker()
    for game in (g, to_normal_form(g)):
        res = gambit_lcp.solve(game)
        assert res.diagnostics.max_regret < 1e-9
        assert np.allclose(res.payoffs[0], [1 / 3, -1 / 3])


def test_lcp_nash_need_not_be_subgame_perfect():
    g = trust_game()
    res = gambit_lcp.solve(g)
    assert res.diagnostics.max_regret < 1e-9
    assert np.allclose(res.payoffs[0], backward_induction.solve(g).payoffs[0])


def test_logit_result_is_judged_by_our_regret():
    """pygambit 16.7's logit stops far from Nash on Chicken; our regret says so."""
    game = chicken(1, 1, 10)
    res = gambit_logit.solve(game)
    assert res.method == "gambit-logit"
    ggame = gbt.read_nfg(io.StringIO(format_nfg(game)))
    theirs = gbt.nash.logit_solve(ggame).equilibria[0]
    assert res.diagnostics.max_regret == pytest.approx(float(theirs.max_regret()), abs=1e-9)
    assert np.allclose(res.equilibria[0].strategies[0], res.equilibria[0].strategies[1])
