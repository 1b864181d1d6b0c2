"""The Stackelberg commitment's reply margin against the noise (escalade.analysis.metagame)."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console

from escalade.analysis.metagame import analyse, fragile_commitment_text, meta_game
from escalade.analysis.metagame_tables import meta_tables
from escalade.cli.game import print_commitment
from escalade.results import tablenames as tn


def _game(a: list[list[float]], b: list[list[float]], noise: float, n: int = 400):
    """A 2 x 2 meta-game whose trajectories are the payoffs plus independent noise per cell."""
    rng = np.random.default_rng(1)
    rows, cols = ["r0", "r1"], ["c0", "c1"]
    samples = {
        (r, c): np.column_stack([a[i][j], b[i][j]]) + noise * rng.standard_normal((n, 2))
        for i, r in enumerate(rows)
        for j, c in enumerate(cols)
    }
    return meta_game(
        samples, rows=rows, cols=cols, sides=["lead", "follow"], row_side="lead", col_side="follow"
    )


def test_a_mixed_commitment_on_a_tie_within_the_noise_is_fragile() -> None:
    """Conitzer and Sandholm's game: the leader mixes to make the follower indifferent.

    The follower's reply then beats its other reply by nothing, against a
    standard error of about 0.07 (noise 1 per trajectory, 400 trajectories):
    the commitment is fragile, and the leader's value were the follower to
    reply otherwise is the other column under the mix.
    """
    g = _game([[2, 4], [1, 3]], [[1, 0], [0, 1]], noise=1.0)
    c = analyse(g, bootstrap=0).stackelberg["lead"]
    mix = np.array([c["commitment"].get("r0", 0.0), c["commitment"].get("r1", 0.0)])
    assert c["follower_response"] == "c1" and c["second_reply"] == "c0"
    follower = mix @ g.payoffs[1]
    assert c["reply_margin"] == pytest.approx(follower[1] - follower[0], abs=1e-9)
    assert abs(c["reply_margin"]) < 1e-6
    assert 0.03 < c["reply_margin_se"] < 0.15
    assert c["fragile"] is True
    assert c["leader_value_if_second"] == pytest.approx(mix @ g.payoffs[0][:, 0])
    text = fragile_commitment_text(c)
    assert "lead's commitment rests on a near-tie" in text and "were follow to reply c0" in text
    table = meta_tables(analyse(g, bootstrap=0))[tn.STACKELBERG].set_index("leader")
    assert bool(table.loc["lead", "fragile"]) and table.loc["lead", "second reply"] == "c0"
    console = Console(record=True, width=300)
    print_commitment(console, analyse(g, bootstrap=0))
    out = console.export_text()
    assert "(fragile)" in out and "warning: lead's commitment rests on a near-tie" in out


def test_a_clear_reply_is_not_fragile() -> None:
    """A pure commitment the follower answers by 5 against noise 0.1: no warning, either side."""
    g = _game([[1, 0], [0, 0]], [[5, 0], [0, 5]], noise=0.1)
    result = analyse(g, bootstrap=0)
    c = result.stackelberg["lead"]
    assert c["commitment"] == {"r0": 1.0} and c["follower_response"] == "c0"
    assert c["reply_margin"] == pytest.approx(5.0, abs=0.05)
    assert c["reply_margin_se"] < 0.02 and c["fragile"] is False
    assert fragile_commitment_text(c) == ""
    # the column side as leader: the row side follows, its margin from its own payoffs
    d = result.stackelberg["follow"]
    mix = np.array([d["commitment"].get("c0", 0.0), d["commitment"].get("c1", 0.0)])
    rows = g.payoffs[0] @ mix
    best = ["r0", "r1"].index(d["follower_response"])
    assert d["reply_margin"] == pytest.approx(rows[best] - rows[1 - best], abs=1e-9)
    assert set(d) >= {"second_reply", "reply_margin_se", "fragile", "leader_value_if_second"}


def test_a_payoff_equal_in_every_trajectory_has_no_standard_error() -> None:
    """A cell whose payoff is the same in every trajectory up to round-off printed "±6.9e-16"."""
    g = _game([[-1.45, 1.0], [2.0, 3.0]], [[0.5, 0.0], [0.0, 1.0]], noise=0.0)
    jitter = np.array([0.0, 2.2e-16, -2.2e-16, 4.4e-16] * 100)
    g.samples[:, 0, 0, 0] += jitter  # the last bits of float sums in different orders
    again = meta_game(
        {(r, c): g.samples[:, :, i, j] for i, r in enumerate(g.rows) for j, c in enumerate(g.cols)},
        rows=list(g.rows),
        cols=list(g.cols),
        sides=["lead", "follow"],
        row_side="lead",
        col_side="follow",
    )
    assert np.all(again.se == 0.0)
    noisy = _game([[-1.45, 1.0], [2.0, 3.0]], [[0.5, 0.0], [0.0, 1.0]], noise=1e-6)
    assert np.all(noisy.se > 0)  # a real spread, however small, is kept
