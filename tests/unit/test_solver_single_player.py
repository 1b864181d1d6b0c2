"""The one-player solver (``single``): the best plan under imperfect information.

Known answers are computed by hand (expected values of each plan); the property
test compares with enumerating every pure plan of a two-stage decision problem.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalade.game.profiles import BehaviorProfile
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.solvers.registry import default_method, solve
from escalade.solvers.verify import expected_payoffs


def blind(p_high: float) -> object:
    """Nature draws high (p) or low; the player, not seeing it, takes A (10 or 0) or B (2)."""

    def choose(high: bool) -> Decision:
        return Decision(
            "p",
            {"A": Terminal((10.0 if high else 0.0,)), "B": Terminal((2.0,))},
            infoset="I",
        )

    return tree_game(
        Chance({"high": (p_high, choose(True)), "low": (1 - p_high, choose(False))}),
        players=["p"],
    )


@pytest.mark.parametrize(("p_high", "best", "value"), [(0.3, "A", 3.0), (0.1, "B", 2.0)])
def test_a_blind_choice_takes_the_best_mean(p_high: float, best: str, value: float) -> None:
    game = blind(p_high)
    assert default_method(game) == "single"
    result = solve(game)
    (profile,) = result.equilibria
    assert game.infoset_actions[0][int(np.argmax(profile.probabilities))] == best
    assert result.payoffs[0, 0] == pytest.approx(value)
    assert result.diagnostics.max_regret == pytest.approx(0.0, abs=1e-12)


def two_stage(p: float, q: float, pay: list[float]) -> object:
    """Type (p high); a first blind move x/y; a signal right with chance q; a second move u/v.

    The second move sees the first move and the signal, not the type; ``pay`` has
    the 16 payoffs in the order (type, first, signal, second).
    """
    it = iter(pay)

    def second(first: str, signal: str) -> Decision:
        return Decision(
            "p",
            {"u": Terminal((next(it),)), "v": Terminal((next(it),))},
            infoset=f"2 {first} {signal}",
        )

    def after(high: bool, first: str) -> Chance:
        right = q if high else 1 - q
        says = ("hi", "lo") if high else ("lo", "hi")
        return Chance(
            {says[0]: (right, second(first, says[0])), says[1]: (1 - right, second(first, says[1]))}
        )

    def first(high: bool) -> Decision:
        return Decision("p", {"x": after(high, "x"), "y": after(high, "y")}, infoset="1")

    return tree_game(
        Chance({"high": (p, first(True)), "low": (1 - p, first(False))}), players=["p"]
    )


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.05, 0.95),
    st.floats(0.05, 0.95),
    st.lists(st.integers(-20, 20).map(float), min_size=16, max_size=16),
)
def test_the_plan_is_as_good_as_the_best_pure_plan(p: float, q: float, pay: list[float]) -> None:
    game = two_stage(p, q, pay)
    best = -np.inf
    for pick in itertools.product(*[range(len(a)) for a in game.infoset_actions]):
        probs = np.zeros(game.n_slots)
        probs[game.infoset_offset[:-1] + np.asarray(pick)] = 1.0
        best = max(best, float(expected_payoffs(game, BehaviorProfile(probs))[0]))
    result = solve(game, method="single")
    assert result.payoffs[0, 0] == pytest.approx(best, abs=1e-9)
    assert result.diagnostics.max_regret == pytest.approx(0.0, abs=1e-9)


def test_two_players_are_refused() -> None:
    game = tree_game(Decision("a", {"x": Terminal((1.0, 0.0))}), players=["a", "b"])
    with pytest.raises(Exception, match="single"):
        solve(game, method="single")
