"""The normal form refuses a player with too many pure strategies, however many (no overflow)."""

from __future__ import annotations

import pytest

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
    with pytest.raises(GameTooLargeError, match="18446744073709551616 pure strategies"):
        pure_strategies(game, 0)
    with pytest.raises(GameTooLargeError):
        to_normal_form(game)
