"""Leduc hold'em: the sequence-form LP reproduces the published game value.

Leduc hold'em (Southey et al. 2005, "Bayes' bluff: opponent modelling in
poker", UAI) as played in OpenSpiel's ``leduc_poker``: a deck of two Jacks, two
Queens and two Kings; each player antes 1 and gets one private card; two
betting rounds (raise sizes 2 then 4, at most two raises per round; a player
may fold only when facing a raise); one public card is revealed between them.
A pair with the public card wins, else the higher private card; equal ranks
split the pot. The value for the first player is -0.085606424078 (OpenSpiel's
documented Leduc value, e.g. its CFR and sequence-form LP tests).
"""

from __future__ import annotations

import pytest

from escalade.game.examples import leduc
from escalade.solvers import zerosum_lp
from escalade.solvers.verify import exploitability


def test_leduc_value() -> None:
    game = leduc()
    assert game.n_infosets == 288  # the usual count for Leduc hold'em
    result = zerosum_lp.solve(game)  # about 1 s on one core
    assert result.payoffs[0, 0] == pytest.approx(-0.085606424078, abs=1e-8)
    assert exploitability(game, result.equilibria[0]) < 1e-7
