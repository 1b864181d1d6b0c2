"""The brief's one-at-a-time sentence reads "flips" against the run's ranking (the top ahead)."""

from __future__ import annotations

import pandas as pd

from escalade.analysis.sweep import OAT_FACTOR, SweepOptions
from escalade.report.brief import _figures, _tornado_text
from escalade.results import ResultSet
from escalade.results import tablenames as tn


def oat(base: float, advantages: list[float]) -> ResultSet:
    table = pd.DataFrame(
        {
            "parameter": [f"u{k}" for k in range(len(advantages))],
            "level": ["low"] * len(advantages),
            "value": [0.5] * len(advantages),
            "advantage": advantages,
            "base": [base] * len(advantages),
            "trajectories": [32] * len(advantages),
        }
    )
    return ResultSet("run", {"scenario_id": "t"}, {tn.OAT: table})


def test_a_runner_up_ahead_at_the_centre_is_said_not_hidden() -> None:
    # the new user's case: the run put the top strategy ahead, the sweep's base did not
    text = _tornado_text(oat(-71.1, [-70.5, -78.0]))
    assert text is not None
    assert "puts the runner-up ahead (advantage -71.1)" in text
    assert "No single uncertainty at either end of its range puts it ahead." in text
    assert "no uncertainty at either end of its range flips" not in text
    assert "(32 trajectories per point and cell)" in text


def test_flips_are_ends_where_the_runner_up_comes_out_ahead() -> None:
    # (the trajectory count is named only where the central case disagrees with the run)
    text = _tornado_text(oat(2.0, [1.0, -0.5]))
    assert text is not None and "these flip the ranking of the top two: `u1` at 0.5" in text
    calm = _tornado_text(oat(2.0, [1.0, 3.0]))
    assert calm is not None and "no uncertainty at either end of its range flips" in calm


def test_the_one_at_a_time_sweeps_follow_the_sweep_trajectories() -> None:
    assert SweepOptions(trajectories=2).oat == 2 * OAT_FACTOR == 8  # the run's default cost
    assert SweepOptions(trajectories=64).oat == 64 * OAT_FACTOR
    assert SweepOptions(trajectories=2, oat_trajectories=8).oat == 8


def test_uncertainties_that_change_nothing_are_named_not_dropped() -> None:
    rs = oat(2.0, [1.0, 2.0])  # u1 at its end gives the base advantage: it changes nothing
    text = _tornado_text(rs)
    assert text is not None
    assert "Not charted, as it does not move it: `u1`." in text
    assert "`u0`" not in text


def test_rounding_noise_is_no_move_and_draws_no_empty_chart() -> None:
    # the Israel–Iran trial: two uncertainties shifted both strategies alike, and the
    # float sums left their difference off the base in the 15th digit
    base = 0.5124999999999993
    rs = oat(base, [base + 3.552713678800501e-15, base + 1.7763568394002505e-15])
    text = _tornado_text(rs)
    assert text is not None
    assert "no uncertainty at either end of its range changes the advantage" in text
    assert "tornado chart below" not in text
    assert "What would change it" not in _figures(rs)


def test_the_tornado_hover_gives_the_advantage_at_the_end_not_its_distance() -> None:
    rs = oat(2.0, [1.5, 2.0 + 1e-15])
    assert "Not charted, as it does not move it: `u1`." in (_tornado_text(rs) or "")
    fig = _figures(rs)["What would change it"].figure
    (bar,) = fig.data
    assert list(bar.y) == ["u0"]  # u1 moved it by rounding only
    assert list(bar.customdata) == [1.5] and list(bar.x) == [-0.5]
    assert "%{customdata" in bar.hovertemplate
