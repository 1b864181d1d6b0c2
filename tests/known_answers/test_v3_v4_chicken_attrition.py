"""V3 Chicken's mixed equilibrium and V4 the discrete war of attrition (REFERENCE.md section 3).

Sources: Chicken as in Dixit, Skeath & McAdams, *Games of Strategy*, ch. 7;
war of attrition: Maynard Smith (1974), *J. Theor. Biol.* 47; Bishop &
Cannings (1978); the discrete-turn stationary equilibrium as derived in
REFERENCE.md (V4 b).
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.game.examples import chicken
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import BehaviorProfile
from escalade.game.tree import Decision, Terminal, tree_game
from escalade.solvers import support_enumeration
from escalade.solvers.verify import expected_payoffs, regret


@pytest.mark.parametrize(
    ("w", "lose", "c", "q", "crash"),
    [(1, 1, 10, 0.1, 0.01), (2, 0.5, 5, 0.3077, 0.0947), (3, 1, 4, 0.5, 0.25)],
)
def test_v3_chicken(w, lose, c, q, crash):
    """V3: two pure equilibria and a mixed one with P(Straight) = W/(W + C - L)."""
    res = support_enumeration.solve(chicken(w, lose, c))
    assert len(res.equilibria) == 3
    assert res.diagnostics.max_regret < 1e-9
    mixed = [e for e in res.equilibria if np.all(e.strategies[0] > 0)]
    assert len(mixed) == 1
    q_star = w / (w + c - lose)
    assert mixed[0].strategies[0][1] == pytest.approx(q_star)
    assert q_star == pytest.approx(q, abs=5e-5)
    assert mixed[0].strategies[0][1] * mixed[0].strategies[1][1] == pytest.approx(crash, abs=5e-5)
    k = res.equilibria.index(mixed[0])
    assert res.payoffs[k] == pytest.approx([-lose * q_star] * 2)


def _stage(v, c):
    # Stay/Quit stage game with continuation value 0 after (Stay, Stay)
    a = np.array([[-c, v], [0.0, 0.0]])  # rows: Stay, Quit; columns: Stay, Quit
    return NormalFormGame(np.stack([a, a.T]), actions=(("Stay", "Quit"), ("Stay", "Quit")))


@pytest.mark.parametrize(("v", "c"), [(10, 1), (3, 2), (1, 1)])
def test_v4_stage_game_mixed_quit_probability(v, c):
    """V4: the stationary quit probability pi* = c/(V + c) makes the rival indifferent."""
    res = support_enumeration.solve(_stage(v, c))
    mixed = next(e for e in res.equilibria if np.all(e.strategies[0] > 0))
    assert mixed.strategies[0][1] == pytest.approx(c / (v + c))
    assert np.allclose(res.payoffs[res.equilibria.index(mixed)], 0.0)


def _attrition(v, c, turns):
    def turn(t):
        if t == turns:
            return Terminal((-c * t, -c * t))  # continuation value 0 beyond the horizon
        both = turn(t + 1)
        p2 = {
            "stay": {"stay": both, "quit": Terminal((v - c * t, -c * t))},
            "quit": {"stay": Terminal((-c * t, v - c * t)), "quit": Terminal((-c * t, -c * t))},
        }
        return Decision(
            "1",
            {a: Decision("2", p2[a], infoset=f"t{t}") for a in ("stay", "quit")},
            infoset=f"t{t}",
        )

    return tree_game(turn(0), players=("1", "2"))


def test_v4_every_quitting_plan_earns_zero_against_pi_star():
    """V4: against pi*, every plan earns 0, so the stationary profile has zero regret."""
    v, c, turns = 10.0, 1.0, 12
    g = _attrition(v, c, turns)
    pi = c / (v + c)
    assert pi == pytest.approx(1 / 11)
    quit_mask = np.array([g.slot_label(s, qualified=False) == "quit" for s in range(g.n_slots)])
    prof = BehaviorProfile(np.where(quit_mask, pi, 1 - pi))
    assert np.allclose(expected_payoffs(g, prof), 0.0, atol=1e-12)
    assert regret(g, prof).max() < 1e-12
    # a different quit rate is exploitable
    off = BehaviorProfile(np.where(quit_mask, 0.3, 0.7))
    assert regret(g, off).max() > 0.1
