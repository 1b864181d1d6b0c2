"""Unit tests for the flat extensive-form game, the tree builder and game types."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import UnsupportedGameError, UsageError
from escalade.game.examples import kuhn_poker, stripped_down_poker, trust_game
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.game.types import GameType, check_supported


def test_trust_game_is_stored_breadth_first():
    g = trust_game()
    assert g.n_nodes == 5
    assert g.parent.tolist() == [-1, 0, 0, 1, 1]
    assert g.kind.tolist() == [
        NodeKind.DECISION,
        NodeKind.DECISION,
        NodeKind.TERMINAL,
        NodeKind.TERMINAL,
        NodeKind.TERMINAL,
    ]
    assert g.level_start.tolist() == [0, 1, 3, 5]
    assert g.first_child[:2].tolist() == [1, 3]
    assert [g.action_label(i) for i in range(5)] == ["", "Trust", "Not trust", "Honor", "Abuse"]
    assert g.payoffs[g.terminal[2]].tolist() == [0.0, 0.0]
    assert g.game_type == frozenset(
        {
            GameType.SEQUENTIAL,
            GameType.PERFECT_INFORMATION,
            GameType.DETERMINISTIC,
            GameType.GENERAL_SUM,
            GameType.TWO_PLAYER,
        }
    )


def test_arrays_are_read_only():
    g = trust_game()
    with pytest.raises(ValueError):
        g.payoffs[0, 0] = 5.0


def test_kuhn_poker_structure_and_flags():
    g = kuhn_poker()
    assert g.n_nodes == 55
    assert g.n_infosets == 12
    assert int(g.infoset_size.max()) == 2
    assert g.has_perfect_recall
    assert GameType.IMPERFECT_INFORMATION in g.game_type
    assert GameType.CHANCE in g.game_type
    assert GameType.ZERO_SUM in g.game_type


def test_imperfect_recall_is_detected():
    # player A forgets her first move: both second-stage nodes in one information set
    second = {"x": Terminal((1,)), "y": Terminal((0,))}
    g = tree_game(
        Decision(
            "A",
            {
                "l": Decision("A", second, infoset="later"),
                "r": Decision("A", second, infoset="later"),
            },
        ),
        players=("A",),
    )
    assert not g.has_perfect_recall
    assert stripped_down_poker().has_perfect_recall


def test_from_parents_reorders_prefix_input():
    # prefix order: root(0) -> a(1) [leaf 2, leaf 3], b(4) leaf
    g = ExtensiveFormGame.from_parents(
        ("P",),
        [-1, 0, 1, 1, 0],
        [1, 1, 0, 0, 0],
        [0, 1, -1, -1, -1],
        [1.0] * 5,
        infoset_player=[0, 0],
        infoset_actions=[("a", "b"), ("c", "d")],
        chance_actions=[],
        payoffs=[[1.0], [2.0], [3.0]],
    )
    assert g.parent.tolist() == [-1, 0, 0, 1, 1]
    # terminal rows keep the input order of the terminal nodes
    assert g.payoffs[g.terminal[g.kind == NodeKind.TERMINAL]].ravel().tolist() == [3.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("root", "message"),
    [
        (Chance({"h": (0.5, Terminal((1,))), "t": (0.4, Terminal((0,)))}), "sum to"),
        (Decision("Z", {"a": Terminal((1,))}), "unknown player"),
        (Decision("A", {"a": Terminal((1, 2))}), "expected 1"),
        (Decision("A", {}), "at least one action"),
    ],
)
def test_builder_rejects_invalid_trees(root, message):
    with pytest.raises(UsageError, match=message):
        tree_game(root, players=("A",))


def test_inconsistent_information_set_is_rejected():
    with pytest.raises(UsageError, match="has actions"):
        tree_game(
            Chance(
                {
                    "a": (0.5, Decision("A", {"x": Terminal((0,))}, infoset="h")),
                    "b": (0.5, Decision("A", {"y": Terminal((0,))}, infoset="h")),
                }
            ),
            players=("A",),
        )


def test_check_supported_names_the_mismatch():
    with pytest.raises(UnsupportedGameError, match="imperfect information"):
        check_supported(
            kuhn_poker().game_type, frozenset(GameType) - {GameType.IMPERFECT_INFORMATION}, "spe"
        )


def test_game_id_depends_on_payoffs():
    a = trust_game()
    b = tree_game(
        Decision(
            "Buyer",
            {
                "Trust": Decision(
                    "Seller", {"Honor": Terminal((1, 1)), "Abuse": Terminal((-1, 3))}
                ),
                "Not trust": Terminal((0, 0)),
            },
        ),
        players=("Buyer", "Seller"),
    )
    assert a.game_id == trust_game().game_id
    assert a.game_id != b.game_id
    assert np.array_equal(a.last_sequence[0], [0, 1, 2, 1, 1])
