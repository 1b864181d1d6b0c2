"""Unit tests for normal-form games and the extensive-to-normal conversion."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import GameTooLargeError, UsageError
from escalade.game.convert import pure_strategies, to_normal_form
from escalade.game.examples import (
    chicken,
    coordination,
    kuhn_poker,
    stripped_down_poker,
    trust_game,
)
from escalade.game.normal_form import NormalFormGame
from escalade.game.types import GameType


def test_shape_labels_and_flags():
    g = chicken(1, 1, 10)
    assert g.shape == (2, 2)
    assert g.actions[0] == ("Swerve", "Straight")
    assert GameType.GENERAL_SUM in g.game_type and GameType.SIMULTANEOUS in g.game_type
    pennies = NormalFormGame(np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]))
    assert GameType.ZERO_SUM in pennies.game_type
    assert pennies.actions == (("1", "2"), ("1", "2"))


@pytest.mark.parametrize(
    ("payoffs", "kwargs", "message"),
    [
        (np.zeros((2, 2)), {}, "shape"),
        (np.zeros((2, 2, 2)), {"players": ("a",)}, "player names"),
        (np.zeros((2, 2, 2)), {"actions": (("a", "a"), ("b", "c"))}, "repeats"),
        (np.full((2, 2, 2), np.nan), {}, "finite"),
    ],
)
def test_invalid_normal_form(payoffs, kwargs, message):
    with pytest.raises(UsageError, match=message):
        NormalFormGame(payoffs, **kwargs)


def test_trust_game_normal_form():
    n = to_normal_form(trust_game())
    assert n.actions == (("Trust", "Not trust"), ("Honor", "Abuse"))
    assert n.payoffs[:, 0, 1].tolist() == [-1.0, 2.0]
    assert n.payoffs[:, 1, 0].tolist() == [0.0, 0.0]


def test_reduced_normal_form_merges_unreachable_choices():
    labels, _ = pure_strategies(kuhn_poker(), 0, reduced=False)
    assert len(labels) == 2**6
    reduced, _ = pure_strategies(kuhn_poker(), 0, reduced=True)
    assert len(reduced) == 27  # per card: bet, check-fold, check-call
    assert any("*" in lab for lab in reduced)


def test_poker_normal_form_payoffs_are_expectations():
    n = to_normal_form(stripped_down_poker())
    # Fred bets both cards, Alice calls: (2 - 2) / 2 = 0; Alice folds: 1
    assert n.payoffs[0, 0].tolist() == [0.0, 1.0]
    assert np.allclose(n.payoffs.sum(axis=0), 0.0)


def test_conversion_size_limit():
    with pytest.raises(GameTooLargeError, match="limit"):
        to_normal_form(kuhn_poker(), reduced=False, limit=1000)
    assert coordination(3).shape == (3, 3)
