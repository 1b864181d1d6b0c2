"""Textbook games, written from their published definitions.

Each function cites the game's source. They serve as worked examples, as
known-answer test cases and as benchmark inputs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from escalade.game.extensive import ExtensiveFormGame
from escalade.game.normal_form import NormalFormGame
from escalade.game.tree import Chance, Decision, Node, Terminal, tree_game

__all__ = [
    "chicken",
    "coordination",
    "kmvs_1994",
    "kuhn_poker",
    "leduc",
    "long_lemke_howson_6x6",
    "stripped_down_poker",
    "trust_game",
]


def trust_game() -> ExtensiveFormGame:
    """The one-shot trust game (Kreps 1990, *A Course in Microeconomic Theory*, ch. 14).

    The Buyer trusts or not; a trusted Seller honours (1, 1) or abuses
    (-1, 2); no trust gives (0, 0). Subgame-perfect outcome: Not trust, Abuse.
    """
    seller = Decision("Seller", {"Honor": Terminal((1, 1)), "Abuse": Terminal((-1, 2))})
    return tree_game(
        Decision("Buyer", {"Trust": seller, "Not trust": Terminal((0, 0))}),
        players=("Buyer", "Seller"),
        name="One-shot trust game",
    )


def stripped_down_poker() -> ExtensiveFormGame:
    """A one-card poker (Reiley, Urbancic & Walker 2008, *J. Econ. Educ.* 39(4)).

    Both ante 1. Fred draws King or Queen (1/2 each) and sees it; he folds
    (loses 1) or bets 1 more. Alice, not seeing the card, folds (Fred wins 1)
    or calls (the King wins 2). Value to Fred 1/3; in equilibrium Fred bets a
    Queen with probability 1/3 and Alice calls with probability 2/3.
    """

    def fred(card: str, sign: int) -> Decision:
        alice = Decision(
            "Alice",
            {"Call": Terminal((2 * sign, -2 * sign)), "Fold": Terminal((1, -1))},
            infoset="after bet",
        )
        return Decision("Fred", {"Bet": alice, "Fold": Terminal((-1, 1))}, infoset=card)

    return tree_game(
        Chance({"King": (0.5, fred("King", 1)), "Queen": (0.5, fred("Queen", -1))}),
        players=("Fred", "Alice"),
        name="Stripped-down poker",
    )


def kuhn_poker() -> ExtensiveFormGame:
    """Kuhn poker (Kuhn 1950, *Contributions to the Theory of Games* I, pp. 97-103).

    Three cards J < Q < K; each player antes 1 and gets one card (six deals,
    1/6 each). Player 1 checks or bets 1; after a check player 2 checks
    (showdown for 1) or bets; facing a bet a player folds or calls (showdown
    for 2). The game value for player 1 is -1/18.
    """
    cards = ("J", "Q", "K")

    def show(c1: int, c2: int, stake: int) -> Terminal:
        s = stake if c1 > c2 else -stake
        return Terminal((s, -s))

    deals: dict[str, tuple[float, Node]] = {}
    for c1, c2 in itertools.permutations(range(3), 2):
        h1, h2 = cards[c1], cards[c2]
        p1_after_bet = Decision(
            0, {"fold": Terminal((-1, 1)), "call": show(c1, c2, 2)}, infoset=f"{h1} check bet"
        )
        p2_after_check = Decision(
            1, {"check": show(c1, c2, 1), "bet": p1_after_bet}, infoset=f"{h2} check"
        )
        p2_after_bet = Decision(
            1, {"fold": Terminal((1, -1)), "call": show(c1, c2, 2)}, infoset=f"{h2} bet"
        )
        root = Decision(0, {"check": p2_after_check, "bet": p2_after_bet}, infoset=h1)
        deals[f"{h1}{h2}"] = (1 / 6, root)
    return tree_game(Chance(deals), players=("Player 1", "Player 2"), name="Kuhn poker")


def chicken(win: float, lose: float, crash: float) -> NormalFormGame:
    """Chicken with payoffs (S,S)=0, (S,D)=(-L, W), (D,S)=(W, -L), (D,D)=(-C, -C).

    Symmetric mixed equilibrium: P(Straight) = W / (W + C - L) (e.g. Dixit,
    Skeath & McAdams, *Games of Strategy*, ch. 7).
    """
    a = np.array([[0.0, -lose], [win, -crash]])
    return NormalFormGame(
        np.stack([a, a.T]),
        ("Row", "Column"),
        (("Swerve", "Straight"), ("Swerve", "Straight")),
        name="Chicken",
    )


def coordination(n: int) -> NormalFormGame:
    """The n x n pure coordination game (identity payoffs); it has 2^n - 1 equilibria.

    Every non-empty support S gives the equilibrium uniform on S for both
    players (von Stengel 2007, in *Algorithmic Game Theory*, ch. 3).
    """
    eye = np.eye(n)
    return NormalFormGame(np.stack([eye, eye]), name=f"{n}x{n} coordination")


def long_lemke_howson_6x6() -> NormalFormGame:
    """The 6 x 6 game with long Lemke-Howson paths and a unique equilibrium.

    From Savani & von Stengel (2006), "Hard-to-solve bimatrix games",
    *Econometrica* 74(2), built from dual cyclic polytopes (the payoffs as in
    Gambit's test suite). Its only Nash equilibrium is
    x = (1/30, 1/6, 3/10, 3/10, 1/6, 1/30), y = (1/6, 1/30, 3/10, 3/10, 1/30, 1/6).
    """
    a = np.array(
        [
            [-180, 72, -333, 297, -153, 270],
            [-30, 17, -33, 42, -3, 20],
            [-81, 36, -126, 126, -36, 90],
            [90, -36, 126, -126, 36, -81],
            [20, -3, 42, -33, 17, -30],
            [270, -153, 297, -333, 72, -180],
        ],
        dtype=float,
    )
    b = np.array(
        [
            [72, 36, 17, -3, -36, -153],
            [-180, -81, -30, 20, 90, 270],
            [297, 126, 42, -33, -126, -333],
            [-333, -126, -33, 42, 126, 297],
            [270, 90, 20, -30, -81, -180],
            [-153, -36, -3, 17, 36, 72],
        ],
        dtype=float,
    )
    return NormalFormGame(np.stack([a, b]), name="6x6 game with long Lemke-Howson paths")


def kmvs_1994() -> ExtensiveFormGame:
    """The zero-sum example of Koller, Megiddo & von Stengel (1994), value 13 to player 1.

    "Fast algorithms for finding randomized strategies in game trees", STOC
    '94: chance picks one of four branches (0.2, 0.2, 0.2, 0.4). Branch 1:
    player 1 takes 5 (l) or plays on (r); player 2 chooses p or q, which player
    1 does not see when choosing L or R (p: 10 or 15; q: 20 or -5). Branches 2
    and 3 are one information set of player 1 (c or d): on branch 2 c gives 10
    and d gives 20; on branch 3 player 2, not seeing c or d, chooses s or t
    (c: 20 or 50; d: 30 or 15). Branch 4 pays 5. Payoffs are player 1's.
    """

    def zs(v: float) -> Terminal:
        return Terminal((v, -v))

    def late(p: float, q: float) -> Decision:
        return Decision(0, {"L": zs(p), "R": zs(q)}, infoset="after r")

    def guess(s: float, t: float) -> Decision:
        return Decision(1, {"s": zs(s), "t": zs(t)}, infoset="after c or d")

    branch1 = Decision(
        0,
        {"l": zs(5), "r": Decision(1, {"p": late(10, 15), "q": late(20, -5)}, infoset="r")},
        infoset="branch 1",
    )
    branch2 = Decision(0, {"c": zs(10), "d": zs(20)}, infoset="branch 2 or 3")
    branch3 = Decision(0, {"c": guess(20, 50), "d": guess(30, 15)}, infoset="branch 2 or 3")
    root = Chance(
        {
            "1": (0.2, branch1),
            "2": (0.2, branch2),
            "3": (0.2, branch3),
            "4": (0.4, zs(5)),
        }
    )
    return tree_game(root, players=("1", "2"), name="Koller-Megiddo-von Stengel 1994")


_RANKS = (0, 0, 1, 1, 2, 2)
_NAMES = "JQK"


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


@dataclass(frozen=True)
class _Deal:
    """The cards of one Leduc deal: private cards, public rank, undealt cards."""

    deal: tuple[int, int]
    public: int | None
    rest: tuple[int, ...]


def _betting(cards: _Deal, history: str, pot: tuple[int, int], raises: int, player: int) -> Node:
    """One betting round; ``cards.rest`` are the cards the public card is drawn from."""
    deal, public, rest = cards.deal, cards.public, cards.rest
    size = 2 if public is None else 4
    ranks = (_RANKS[deal[0]], _RANKS[deal[1]])
    seen = _NAMES[ranks[player]] + ("" if public is None else _NAMES[public])
    actions: dict[str, Node] = {}
    facing = pot[1 - player] > pot[player]
    if facing:
        won = float(pot[player])
        actions["fold"] = Terminal((-won, won) if player == 0 else (won, -won))
    called = (pot[1 - player], pot[1 - player])
    round_over = facing or history.endswith("c")
    if round_over:
        after: Node
        if public is None:
            after = Chance(
                {
                    f"public {_NAMES[_RANKS[k]]}{k}": (
                        1 / len(rest),
                        _betting(_Deal(deal, _RANKS[k], ()), history + "/", called, 0, 0),
                    )
                    for k in rest
                }
            )
        else:
            after = _showdown(ranks, public, called)
        actions["call"] = after
    else:
        actions["call"] = _betting(cards, history + "c", called, raises, 1 - player)
    if raises < 2:
        raised = list(called)
        raised[player] += size
        actions["raise"] = _betting(
            cards, history + "r", (raised[0], raised[1]), raises + 1, 1 - player
        )
    return Decision(player, actions, infoset=f"{seen} {history}")


def leduc() -> ExtensiveFormGame:
    """Leduc hold'em (Southey et al. 2005, "Bayes' bluff: opponent modelling in poker", UAI).

    As played in OpenSpiel's ``leduc_poker``: a deck of two Jacks, two Queens
    and two Kings; each player antes 1 and gets one private card; two betting
    rounds (raise sizes 2 then 4, at most two raises per round; a player may
    fold only when facing a raise); one public card is revealed between them.
    A pair with the public card wins, else the higher private card; equal
    ranks split the pot. 288 information sets; the value for the first player
    is -0.085606424078.
    """
    deals: dict[str, tuple[float, Node]] = {}
    for first, second in itertools.permutations(range(6), 2):
        rest = tuple(k for k in range(6) if k not in (first, second))
        root = _betting(_Deal((first, second), None, rest), "", (1, 1), 0, 0)
        deals[f"{first}{second}"] = (1 / 30, root)
    return tree_game(Chance(deals), players=("Player 1", "Player 2"), name="Leduc hold'em")
