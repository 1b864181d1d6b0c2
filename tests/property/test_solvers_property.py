"""Differential test: the sequence-form LP and support enumeration agree on zero-sum games."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from escalade.game.convert import normal_to_extensive
from escalade.game.normal_form import NormalFormGame
from escalade.solvers import support_enumeration, zerosum_lp

matrices = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.floats(-10, 10, allow_subnormal=False))
)


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_lp_value_equals_support_enumeration_value(a):
    game = NormalFormGame(np.stack([a, -a]))
    enum = support_enumeration.solve(game)
    assume(len(enum.equilibria) > 0)  # degenerate draws may defeat equal-size supports
    lp = zerosum_lp.solve(normal_to_extensive(game))
    assert lp.diagnostics.max_regret < 1e-7
    assert enum.diagnostics.max_regret < 1e-7
    # every Nash equilibrium of a zero-sum game pays the game value
    assert np.allclose(enum.payoffs[:, 0], lp.payoffs[0, 0], atol=1e-7)
