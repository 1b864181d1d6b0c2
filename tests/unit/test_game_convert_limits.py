"""The normal form refuses a player with too many pure strategies, however many (no overflow)."""

from __future__ import annotations

import pytest

from escalade.cli._solve import _normal_form
from escalade.errors import GameTooLargeError
from escalade.game.convert import pure_strategies, to_normal_form
from escalade.game.tree import Chance, Decision, Terminal, tree_game


def many_information_sets(count: int) -> object:
    """Chance picks one of ``count`` branches; player a then chooses x or y at its own set."""
    p = 1.0 / count
    branches = {
        f"b{k}": (p, Decision("a", {"x": Terminal((1.0, 0.0)), "y": Terminal((0.0, 1.0))}, f"I{k}"))
        for k in range(count)
    }
    return tree_game(
        Decision("b", {"go": Chance(branches), "stop": Terminal((0.0, 0.0))}), players=["a", "b"]
    )


def test_two_to_the_64_pure_strategies_are_refused_not_enumerated() -> None:
    game = many_information_sets(64)  # 2**64 pure strategies: int64 products wrap to 0
    # (2**64 = 18,446,744,073,709,551,616, written short to be read)
    with pytest.raises(GameTooLargeError, match=r"about 1\.8e19 pure strategies"):
        pure_strategies(game, 0)
    with pytest.raises(GameTooLargeError):
        to_normal_form(game)


def test_the_refusal_says_why_so_many_and_what_to_do() -> None:
    # the Israel–Iran trial: "has 7996018508417728512 pure strategies", and no hint
    with pytest.raises(GameTooLargeError) as small:
        pure_strategies(many_information_sets(20), 0, limit=1000)
    assert "has 1,048,576 pure strategies" in str(small.value)
    assert "at its 20 information sets" in str(small.value)
    assert "more than the limit 1,000; hint: solve the extensive form" in str(small.value)


def test_solve_names_the_flags_that_avoid_the_normal_form() -> None:
    with pytest.raises(GameTooLargeError) as exc:
        _normal_form(many_information_sets(64), scenario=True)  # type: ignore[arg-type]
    text = str(exc.value)
    assert text.startswith("solve: normal form: player 'a' has about 1.8e19 pure strategies")
    assert "hint: --zero-sum with --method zerosum-lp or --method mccfr" in text
    assert "--information perfect" in text and "--decision-every K" in text
