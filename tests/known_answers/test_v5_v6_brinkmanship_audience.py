"""V5 brinkmanship and V6 audience costs (REFERENCE.md section 3).

Sources: Schelling (1960), *The Strategy of Conflict*, ch. 8; Powell (1990),
*Nuclear Deterrence Theory*; Dixit & Skeath's two-constraint analysis
(V5). Fearon (1994), *APSR* 88(3), and (1997), *J. Conflict Resolut.* 41(1)
(V6, in the minimal version derived in REFERENCE.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.game.extensive import NodeKind
from escalade.game.profiles import BehaviorProfile
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.solvers import backward_induction
from escalade.solvers.verify import expected_payoffs, reach_probabilities, regret


def _brink(g, w_s, p, x, grid=100):
    def threat(q):
        def war_lottery(c_war, c_peace):
            return Chance(
                {"war": (q, Terminal((-x, c_war))), "no war": (1 - q, Terminal((-1, c_peace)))}
            )

        soft = Decision("C", {"comply": Terminal((1, 0)), "defy": war_lottery(-w_s, g)})
        return Chance({"soft": (1 - p, soft), "hard": (p, war_lottery(-w_s, g))})

    qs = [k / grid for k in range(grid + 1)]
    acts = {"no threat": Terminal((-1, g))}
    acts.update({f"q={q:.2f}": threat(q) for q in qs})
    return qs, tree_game(Decision("D", acts), players=("D", "C"))


@pytest.mark.parametrize(
    ("g", "w_s", "p", "x", "q_star", "u_d", "p_war"),
    [
        (1, 9, 0.3, 20, 0.1, -0.17, 0.03),
        (1, 3, 0.2, 5, 0.25, 0.4, 0.05),
        (1, 9, 0.6, 20, None, -1.0, 0.0),
    ],
)
def test_v5_brinkmanship_window(g, w_s, p, x, q_star, u_d, p_war):
    """V5: D picks q* = q_s = G/(G + W_s) when q_s <= q_max, else makes no threat."""
    qs, game = _brink(g, w_s, p, x)
    res = backward_induction.solve(game)
    first = res.equilibria[0].probabilities[: len(qs) + 1]
    chosen = int(np.argmax(first))
    q_max = 2 * (1 - p) / (p * (x - 1))
    if q_star is None:
        assert g / (g + w_s) > min(1.0, q_max)
        assert chosen == 0
    else:
        assert qs[chosen - 1] == pytest.approx(q_star)
    assert res.payoffs[0, 0] == pytest.approx(u_d)
    war = [i for i in res.path.tolist() if game.action_label(i) == "war"]
    reach = reach_probabilities(game, res.equilibria[0])
    assert float(reach[war].sum()) == pytest.approx(p_war)


def _audience(a, k, types=200):
    ws = -1 + (np.arange(types) + 0.5) * 2 / types

    def d_type(w):
        def fight_or_not(cost):
            return Decision("D", {"fight": Terminal((w, -k)), "concede": Terminal((-cost, 1))})

        after_t = Decision(
            "C", {"challenge": fight_or_not(a), "not": Terminal((1, 0))}, infoset="T"
        )
        after_n = Decision(
            "C", {"challenge": fight_or_not(0.0), "not": Terminal((1, 0))}, infoset="N"
        )
        return Decision("D", {"threaten": after_t, "nothing": after_n})

    return ws, tree_game(
        Chance({f"w{j}": (1 / types, d_type(w)) for j, w in enumerate(ws)}), players=("D", "C")
    )


def _profile(game, ws, a, beta, sigma_t, sigma_n):
    probs = np.zeros(game.n_slots)
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    type_of = {}
    for node in range(1, game.n_nodes):
        par = int(game.parent[node])
        type_of[node] = int(game.action_index[node]) if par == 0 else type_of[par]
    for node in dec.tolist():
        h = int(game.infoset[node])
        lo = int(game.infoset_offset[h])
        acts = game.infoset_actions[h]
        if game.infoset_labels[h] == "T":
            probs[lo : lo + 2] = [sigma_t, 1 - sigma_t]
        elif game.infoset_labels[h] == "N":
            probs[lo : lo + 2] = [sigma_n, 1 - sigma_n]
        elif acts == ("threaten", "nothing"):
            w = ws[type_of[node]]
            t = 1.0 if w >= -a else beta
            probs[lo : lo + 2] = [t, 1 - t]
        else:  # fight or concede: fight iff w >= -cost (the cost is -payoff of concede)
            w = ws[type_of[node]]
            cost = -float(game.payoffs[game.terminal[game.first_child[node] + 1], 0])
            probs[lo : lo + 2] = [1.0, 0.0] if w >= -cost else [0.0, 1.0]
    return BehaviorProfile(probs)


@pytest.mark.parametrize(("a", "k"), [(0.1, 0.5), (0.2, 0.3), (0.0, 0.5)])
def test_v6_semi_separating_below_the_cutoff(a, k):
    """V6 (ii): a < a* = (1-k)/(1+k): beta* = k(1+a)/(1-a), sigma* = 1/(1+a), P(war) = 1/2."""
    assert a < (1 - k) / (1 + k)
    ws, game = _audience(a, k)
    beta, sigma = k * (1 + a) / (1 - a), 1 / (1 + a)
    prof = _profile(game, ws, a, beta, sigma, 1.0)
    assert regret(game, prof).max() < 1e-9  # C and the bluffers are indifferent
    fights = [i for i in range(game.n_nodes) if game.action_label(i) == "fight"]
    reach = reach_probabilities(game, prof)
    assert float(reach[fights].sum()) == pytest.approx(0.5)
    # C is indifferent after a threat: challenging always or never pays C the same
    pay_c = [expected_payoffs(game, _profile(game, ws, a, beta, s, 1.0))[1] for s in (0.0, 1.0)]
    assert pay_c[0] == pytest.approx(pay_c[1], abs=1e-12)
    if (a, k) == (0.1, 0.5):
        assert beta == pytest.approx(0.6111, abs=1e-4) and sigma == pytest.approx(0.9091, abs=1e-4)


@pytest.mark.parametrize(("a", "k", "gain"), [(0.5, 0.5, -0.125), (0.8, 0.2, -0.08)])
def test_v6_deterrence_at_or_above_the_cutoff(a, k, gain):
    """V6 (i): a >= a*: all threaten, C never challenges after T; P(war) = 0."""
    assert a >= (1 - k) / (1 + k)
    ws, game = _audience(a, k)
    prof = _profile(game, ws, a, 1.0, 0.0, 1.0)
    assert regret(game, prof).max() < 1e-9
    challenge_gain = (1 - a) / 2 - k * (1 + a) / 2
    assert challenge_gain == pytest.approx(gain)
    deviant = _profile(game, ws, a, 1.0, 1.0, 1.0)  # C challenges after T
    assert expected_payoffs(game, deviant)[1] == pytest.approx(gain)
