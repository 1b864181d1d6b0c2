"""Known answers for the meta-game solvers: Stackelberg commitment, α-Rank, degenerate Nash.

Stackelberg: the 2x2 game of Conitzer & Sandholm (2006, "Computing the optimal
strategy to commit to", *EC'06*, Fig. 1; also von Stengel & Zamir 2010,
"Leadership games with convex strategy sets", *GEB* 69, §2): leader rows
(U, D), follower columns (L, R), payoffs (leader, follower)
(2,1) (4,0) / (1,0) (3,1). U strictly dominates D, so the unique Nash
equilibrium is (U, L), leader payoff 2; committing to the pure D gets 3;
committing to U with probability 1/2 (the follower indifferent, breaking the
tie in the leader's favour, plays R) gets 0.5·4 + 0.5·3 = 3.5, the optimum.

α-Rank (Omidshafiei et al. 2019, "α-Rank: Multi-agent evaluation by
evolution", *Sci. Rep.* 9:9937, §"Rock-Paper-Scissors" and "Biased RPS"):
in RPS every strategy gets mass 1/3; in biased RPS (payoffs
[[0,-0.5,1],[0.5,0,-0.1],[-1,0.1,0]], scaled ×50 as in OpenSpiel's
``matrix_brps``) the Nash equilibrium is (1/16, 10/16, 5/16) but α-Rank,
for large α, still gives 1/3 each (the three strategies form one cycle, the
sink of the response graph). At small α the distribution is not uniform; the
values at α = 0.1, m = 50 are those of the authors' implementation
(OpenSpiel ``open_spiel.python.egt.alpharank.compute``), single-population
[0.2805, 0.4408, 0.2787] and two-population profile masses starting
[0.0971, 0.0957, 0.0898, 0.0957, 0.2234, ...].
"""

from __future__ import annotations

import numpy as np
import pytest

from escalade.solvers.alpharank import alpha_rank
from escalade.solvers.bimatrix import equilibria, same_support_equilibrium
from escalade.solvers.stackelberg import stackelberg

LEADER = np.array([[2.0, 4.0], [1.0, 3.0]])
FOLLOWER = np.array([[1.0, 0.0], [0.0, 1.0]])
RPS = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
BRPS = 50 * np.array([[0.0, -0.5, 1.0], [0.5, 0.0, -0.1], [-1.0, 0.1, 0.0]])


def test_mixed_commitment_beats_every_nash_payoff() -> None:
    found = equilibria(LEADER, FOLLOWER)
    nash = [float(e.row @ LEADER @ e.col) for e in found.found]
    assert nash == [2.0]
    result = stackelberg(LEADER, FOLLOWER)
    assert result.leader_value == pytest.approx(3.5, abs=1e-9)
    assert result.leader_mix == pytest.approx([0.5, 0.5], abs=1e-9)
    assert result.response == 1  # R
    assert result.follower_value == pytest.approx(0.5, abs=1e-9)
    assert result.leader_value > max(nash)
    assert result.by_response == pytest.approx([2.0, 3.5])


def test_commitment_as_follower_and_zero_sum() -> None:
    # zero-sum: commitment value = the minimax value (von Neumann); pennies: 0
    pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])
    assert stackelberg(pennies, -pennies).leader_value == pytest.approx(0.0, abs=1e-9)
    assert stackelberg(RPS, -RPS).leader_value == pytest.approx(0.0, abs=1e-9)
    assert stackelberg(BRPS, -BRPS).leader_mix == pytest.approx([1 / 16, 10 / 16, 5 / 16])


def test_alpha_rank_rps() -> None:
    for alpha in (0.1, 1.0, 100.0, 1e4):
        single = alpha_rank([RPS], alpha=alpha, single_population=True)
        assert single == pytest.approx([1 / 3] * 3, abs=1e-9)
        two = alpha_rank([RPS, -RPS], alpha=alpha)
        assert two == pytest.approx(np.full((3, 3), 1 / 9), abs=1e-9)


def test_alpha_rank_biased_rps() -> None:
    nash = stackelberg(BRPS, -BRPS).leader_mix
    assert nash == pytest.approx([1 / 16, 10 / 16, 5 / 16])
    large = alpha_rank([BRPS], alpha=100.0, single_population=True)
    assert large == pytest.approx([1 / 3] * 3, abs=1e-6)
    small = alpha_rank([BRPS], alpha=0.1, m=50, single_population=True)
    assert small == pytest.approx([0.2805, 0.4408, 0.2787], abs=1e-4)
    two = alpha_rank([BRPS, -BRPS], alpha=0.1, m=50).ravel()
    assert two[:5] == pytest.approx([0.0971, 0.0957, 0.0898, 0.0957, 0.2234], abs=1e-4)
    assert alpha_rank([BRPS, -BRPS], alpha=1e3).sum() == pytest.approx(1.0)


def test_alpha_rank_dominance() -> None:
    # Prisoner's Dilemma: all mass on (defect, defect) as alpha grows
    a = np.array([[3.0, 0.0], [5.0, 1.0]])
    pi = alpha_rank([a, a.T], alpha=50.0)
    assert pi[1, 1] > 0.999


def test_degenerate_entry_game() -> None:
    # Selten's entry game in normal form: rows challenger (out, enter), columns incumbent
    # (acquiesce, fight), payoffs as in test_commitment.py. Equilibria: (enter, acquiesce)
    # and the continuum (out, fight with probability >= 2/3), missed by support enumeration.
    a = np.array([[0.0, 0.0], [2.0, -1.0]])
    b = np.array([[0.0, 0.0], [-2.0, -3.0]])
    found = equilibria(a, b)
    assert found.degenerate and "degenerate" in found.note
    profiles = {(tuple(e.row.round(6)), tuple(e.col.round(6))): e.dimension for e in found.found}
    assert profiles[((0.0, 1.0), (1.0, 0.0))] == 0
    out = [(col, d) for (row, col), d in profiles.items() if row == (1.0, 0.0)]
    assert out and all(col[1] >= 2 / 3 - 1e-9 for col, _ in out)
    assert any(d == 1 for _, d in out)


def test_same_support() -> None:
    pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])
    half = np.array([0.5, 0.5])
    assert same_support_equilibrium(pennies, -pennies, half, half)
    assert not same_support_equilibrium(pennies, -pennies, np.array([1.0, 0.0]), half)
    pd = np.array([[3.0, 0.0], [5.0, 1.0]])
    defect = np.array([0.0, 1.0])
    assert same_support_equilibrium(pd, pd.T, defect, defect)
    assert not same_support_equilibrium(pd, pd.T, np.array([1.0, 0.0]), np.array([1.0, 0.0]))
