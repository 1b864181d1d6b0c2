"""Unit tests for regret, exploitability and expected payoffs."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import UnsupportedGameError, UsageError
from escalade.game.convert import to_normal_form
from escalade.game.examples import chicken, kuhn_poker, stripped_down_poker, trust_game
from escalade.game.profiles import BehaviorProfile, MixedProfile, uniform_profile
from escalade.solvers.verify import (
    best_response_values,
    expected_payoffs,
    exploitability,
    reach_probabilities,
    regret,
)


def test_uniform_kuhn_matches_normal_form():
    g = kuhn_poker()
    prof = uniform_profile(g)
    n = to_normal_form(g, reduced=False)
    mixed = uniform_profile(n)
    assert np.allclose(expected_payoffs(g, prof), expected_payoffs(n, mixed))
    # the plain normal form's uniform mix is realization-equivalent to uniform behaviour
    assert np.allclose(best_response_values(g, prof), best_response_values(n, mixed))
    assert regret(g, prof).min() > 0


def test_poker_best_response_by_hand():
    g = stripped_down_poker()
    # Fred always bets, Alice always calls: Fred's payoff (2 - 2)/2 = 0
    prof = BehaviorProfile([1, 0, 1, 0, 1, 0])
    assert np.allclose(expected_payoffs(g, prof), [0, 0])
    # Fred's best response folds the Queen: (2 - 1)/2 = 1/2; Alice's: fold -> -1
    assert np.allclose(best_response_values(g, prof), [0.5, 0.0])
    assert np.allclose(regret(g, prof), [0.5, 0.0])
    assert exploitability(g, prof) == pytest.approx(0.25)


def test_reach_excluding_a_player():
    g = trust_game()
    prof = BehaviorProfile([0.0, 1.0, 0.5, 0.5])
    assert reach_probabilities(g, prof).tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]
    assert reach_probabilities(g, prof, exclude_player=0).tolist() == [1, 1, 1, 0.5, 0.5]


def test_normal_form_regret():
    g = chicken(1, 1, 10)
    assert np.allclose(regret(g, MixedProfile.of([0.9, 0.1], [0.9, 0.1])), 0.0)
    r = regret(g, MixedProfile.of([1, 0], [1, 0]))
    assert np.allclose(r, [1.0, 1.0])


def test_bad_profiles_and_types():
    with pytest.raises(UsageError, match="distribution"):
        regret(trust_game(), BehaviorProfile([0.5, 0.2, 1.0, 0.0]))
    with pytest.raises(UsageError, match="expected 4"):
        regret(trust_game(), BehaviorProfile([1.0]))
    with pytest.raises(UnsupportedGameError, match="zero-sum"):
        exploitability(trust_game(), uniform_profile(trust_game()))
