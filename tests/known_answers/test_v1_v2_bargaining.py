"""V1 and V2: Fearon's bargaining models, solved by backward induction (REFERENCE.md section 3).

Sources: Fearon (1995), "Rationalist explanations for war", *International
Organization* 49(3); V2 in its textbook form (risk-return trade-off).
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.solvers import backward_induction


def _ultimatum(p, c_a, c_b, step=0.01):
    offers = np.round(np.arange(0, 1 + step / 2, step), 10)
    war = Terminal((p - c_a, 1 - p - c_b))
    return offers, tree_game(
        Decision(
            "A",
            {
                f"{x:.4f}": Decision("B", {"accept": Terminal((x, 1 - x)), "war": war})
                for x in offers
            },
        ),
        players=("A", "B"),
    )


@pytest.mark.parametrize(
    ("p", "c_a", "c_b", "x_star"),
    [(0.4, 0.1, 0.05, 0.45), (0.6, 0.2, 0.3, 0.9), (0.8, 0.1, 0.3, 1.0)],
)
def test_v1_ultimatum_offer(p, c_a, c_b, x_star):
    """V1: A's subgame-perfect demand is x* = min(1, p + c_B), accepted; no war."""
    offers, game = _ultimatum(p, c_a, c_b)
    res = backward_induction.solve(game)
    assert res.payoffs[0, 0] == pytest.approx(x_star)
    assert res.diagnostics.max_regret <= 1e-12
    # B accepts exactly the demands up to the bargaining range's upper end
    accept = res.equilibria[0].probabilities[offers.size :: 2] == 1.0
    assert offers[accept].max() == pytest.approx(min(1.0, p + c_b))
    # the bargaining range [p - c_A, p + c_B] is never empty
    assert p - c_a <= min(1.0, p + c_b)


def _risk_return(p, c_a, c_bar, step=0.005, types=400):
    offers = np.round(np.arange(p, min(1.0, p + c_bar) + step / 2, step), 10)
    costs = (np.arange(types) + 0.5) * c_bar / types  # midpoints of a uniform grid
    war = [Terminal((p - c_a, 1 - p - c)) for c in costs]

    def b_moves(x):
        return Chance(
            {
                f"c{k}": (1 / types, Decision("B", {"accept": Terminal((x, 1 - x)), "war": war[k]}))
                for k in range(types)
            }
        )

    return offers, tree_game(
        Decision("A", {f"{x:.4f}": b_moves(x) for x in offers}), players=("A", "B")
    )


@pytest.mark.parametrize(
    ("p", "c_a", "c_bar", "x_star", "p_war"),
    [
        (0.4, 0.1, 0.3, 0.5, 1 / 3),
        (0.5, 0.05, 0.4, 0.675, 0.4375),
        (0.3, 0.5, 0.2, 0.3, 0.0),
        (0.2, 0.0, 0.4, 0.4, 0.5),
    ],
)
def test_v2_risk_return(p, c_a, c_bar, x_star, p_war):
    """V2: x* = p + max(0, (c̄ - c_A)/2), P(war) = max(0, (c̄ - c_A)/(2 c̄))."""
    offers, game = _risk_return(p, c_a, c_bar)
    res = backward_induction.solve(game)
    chosen = int(np.flatnonzero(res.equilibria[0].probabilities[: offers.size])[0])
    assert offers[chosen] == pytest.approx(x_star, abs=0.006)
    war_leaves = [i for i in res.path.tolist() if game.action_label(i) == "war"]
    war_prob = len(war_leaves) / 400
    assert war_prob == pytest.approx(p_war, abs=0.015)
    assert res.diagnostics.max_regret <= 1e-12
