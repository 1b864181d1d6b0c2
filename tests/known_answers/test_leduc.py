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

import itertools

import pytest

from escalade.game.extensive import ExtensiveFormGame
from escalade.game.tree import Chance, Decision, Node, Terminal, tree_game
from escalade.solvers import zerosum_lp
from escalade.solvers.verify import exploitability

RANKS = (0, 0, 1, 1, 2, 2)
NAMES = "JQK"


def _showdown(ranks: tuple[int, int], public: int, pot: tuple[int, int]) -> Terminal:
    a, b = ranks
    if (a == public) != (b == public):
        winner = 0 if a == public else 1
    elif a != b:
        winner = 0 if a > b else 1
    else:
        return Terminal((0.0, 0.0))
    won = float(pot[1 - winner])
    return Terminal((won, -won) if winner == 0 else (-won, won))


def _betting(
    deal: tuple[int, int],
    public: int | None,
    history: str,
    pot: tuple[int, int],
    raises: int,
    player: int,
    rest: list[int],
) -> Node:
    """One betting round; ``rest`` are the card indices the public card is drawn from."""
    size = 2 if public is None else 4
    ranks = (RANKS[deal[0]], RANKS[deal[1]])
    seen = NAMES[ranks[player]] + ("" if public is None else NAMES[public])
    actions: dict[str, Node] = {}
    facing = pot[1 - player] > pot[player]
    if facing:
        won = float(pot[player])
        actions["fold"] = Terminal((-won, won) if player == 0 else (won, -won))
    called = list(pot)
    called[player] = pot[1 - player]
    round_over = facing or history.endswith("c")
    if round_over:
        after: Node
        if public is None:
            after = Chance(
                {
                    f"public {NAMES[RANKS[k]]}{k}": (
                        1 / len(rest),
                        _betting(deal, RANKS[k], history + "/", (called[0], called[1]), 0, 0, []),
                    )
                    for k in rest
                }
            )
        else:
            after = _showdown(ranks, public, (called[0], called[1]))
        actions["call"] = after
    else:
        actions["call"] = _betting(
            deal, public, history + "c", (called[0], called[1]), raises, 1 - player, rest
        )
    if raises < 2:
        raised = list(called)
        raised[player] += size
        actions["raise"] = _betting(
            deal, public, history + "r", (raised[0], raised[1]), raises + 1, 1 - player, rest
        )
    return Decision(player, actions, infoset=f"{seen} {history}")


def leduc() -> ExtensiveFormGame:
    """Build Leduc hold'em (see the module docstring)."""
    deals: dict[str, tuple[float, Node]] = {}
    for first, second in itertools.permutations(range(6), 2):
        rest = [k for k in range(6) if k not in (first, second)]
        root = _betting((first, second), None, "", (1, 1), 0, 0, rest)
        deals[f"{first}{second}"] = (1 / 30, root)
    return tree_game(Chance(deals), players=("Player 1", "Player 2"), name="Leduc hold'em")


def test_leduc_value() -> None:
    game = leduc()
    assert game.n_infosets == 288  # the usual count for Leduc hold'em
    result = zerosum_lp.solve(game)  # about 1 s on one core
    assert result.payoffs[0, 0] == pytest.approx(-0.085606424078, abs=1e-8)
    assert exploitability(game, result.equilibria[0]) < 1e-7
