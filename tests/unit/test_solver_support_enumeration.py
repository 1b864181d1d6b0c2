"""Unit tests for support enumeration on bimatrix games."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import GameTooLargeError, UnsupportedGameError
from escalade.game.examples import chicken, coordination, trust_game
from escalade.game.normal_form import NormalFormGame
from escalade.solvers import support_enumeration
from escalade.solvers.verify import regret


def test_matching_pennies_unique_mixed():
    g = NormalFormGame(np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]))
    res = support_enumeration.solve(g)
    assert len(res.equilibria) == 1
    assert np.allclose(res.equilibria[0].strategies[0], [0.5, 0.5])
    assert np.allclose(res.payoffs, 0.0)
    assert res.diagnostics.max_regret < 1e-12


def test_prisoners_dilemma_unique_pure():
    a = np.array([[3, 0], [5, 1]])
    res = support_enumeration.solve(NormalFormGame(np.stack([a, a.T])))
    assert len(res.equilibria) == 1
    assert res.equilibria[0].strategies[0].tolist() == [0.0, 1.0]


def test_von_stengel_3x2_example():
    """von Stengel (2007), Algorithmic Game Theory ch. 3, Fig. 3.3: three equilibria."""
    a = np.array([[3, 3], [2, 5], [0, 6]])
    b = np.array([[3, 2], [2, 6], [3, 1]])
    res = support_enumeration.solve(NormalFormGame(np.stack([a, b])))
    found = sorted(tuple(np.round(e.strategies[0], 6)) for e in res.equilibria)
    assert found == sorted([(1.0, 0.0, 0.0), (0.8, 0.2, 0.0), (0.0, 1 / 3, 2 / 3)]) or np.allclose(
        found, sorted([(1.0, 0.0, 0.0), (0.8, 0.2, 0.0), (0.0, 1 / 3, 2 / 3)]), atol=1e-6
    )
    for eq in res.equilibria:
        assert regret(NormalFormGame(np.stack([a, b])), eq).max() < 1e-9


def test_limits_and_types():
    with pytest.raises(GameTooLargeError, match="support pairs"):
        support_enumeration.solve(coordination(12), max_supports=1000)
    with pytest.raises(UnsupportedGameError, match="sequential"):
        support_enumeration.solve(trust_game())
    three = NormalFormGame(np.zeros((3, 2, 2, 2)))
    with pytest.raises(UnsupportedGameError, match="three or more players"):
        support_enumeration.solve(three)
    assert len(support_enumeration.solve(chicken(1, 1, 10)).equilibria) == 3


def test_a_hopeless_size_points_to_the_zero_sum_abstraction_not_a_higher_limit() -> None:
    rng = np.random.default_rng(0)
    big = NormalFormGame(rng.normal(size=(2, 25, 36)))  # about 8.8e16 support pairs
    with pytest.raises(GameTooLargeError) as caught:
        support_enumeration.solve(big, max_supports=2_000_000)
    text = caught.value.render_parameters(lambda p: "--" + p.replace("_", "-"))
    assert "far too many to enumerate" in text and "--zero-sum" in text
    small = NormalFormGame(rng.normal(size=(2, 12, 12)))
    with pytest.raises(GameTooLargeError, match="raise `max_supports`"):
        support_enumeration.solve(small, max_supports=100_000)  # 2.7e6 pairs: raise it


def test_a_degenerate_game_is_said_and_a_generic_one_is_not():
    """Falklands trial: an entry game in normal form (the challenger stays out, the defender
    indifferent between its replies) gave two 'equilibria', the ends of a continuum, with no
    word that the game is degenerate and that support enumeration may miss equilibria."""
    # Argentina (rows): Land / Stay out; Britain (columns): Task force / Accept
    a = np.array([[-2.3, 5.0], [0.0, 0.0]])
    b = np.array([[0.3, -4.0], [0.0, 0.0]])
    game = NormalFormGame(
        np.stack([a, b]),
        players=["Argentina", "United Kingdom"],
        actions=[["Land", "Stay out"], ["Task force", "Accept"]],
    )
    res = support_enumeration.solve(game)
    assert res.diagnostics.extra["degenerate"] == "'Stay out' has 2 pure best responses"
    pennies = NormalFormGame(np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]))
    assert "degenerate" not in support_enumeration.solve(pennies).diagnostics.extra


def test_strictly_dominated_strategies_are_removed_before_enumerating():
    """Falklands trial: a horizon-1 scenario game (9 x 16 strategies, most of them costly moves
    that holding beats) hit the 2,000,000 support-pair limit, and took 68 s when it was raised.
    Chicken padded with ten strictly dominated strategies a side keeps its three equilibria
    and needs the support pairs of a 2 x 2 game."""
    base = chicken(4.0, 1.0, 10.0)
    a, b = (np.asarray(p, dtype=float) for p in base.bimatrix())
    pad = 10
    big_a = np.full((2 + pad, 2 + pad), -20.0)
    big_b = np.full((2 + pad, 2 + pad), -20.0)
    big_a[:2, :2], big_b[:2, :2] = a, b
    big_a[:2, 2:] = big_b[2:, :2] = -15.0  # the kept strategies against the padding
    big_a[2:, :] -= np.arange(pad)[:, None]  # below every kept row, against every column
    big_b[:, 2:] -= np.arange(pad)[None, :]
    big = NormalFormGame(np.stack([big_a, big_b]))
    rows, cols = support_enumeration.undominated(big_a, big_b, 1e-9)
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1]
    res = support_enumeration.solve(big, max_supports=10)
    assert res.diagnostics.extra["dominated"] == 2 * pad
    assert res.diagnostics.extra["support_pairs"] == 5  # 2 x 2: four pure pairs and one mixed
    small = support_enumeration.solve(base)
    assert len(res.equilibria) == len(small.equilibria) == 3
    for got, want in zip(res.equilibria, small.equilibria, strict=True):
        assert np.allclose(got.strategies[0][:2], want.strategies[0])
        assert not got.strategies[0][2:].any() and not got.strategies[1][2:].any()
    assert res.diagnostics.max_regret < 1e-9
