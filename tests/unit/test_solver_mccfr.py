"""External-sampling MCCFR through OpenSpiel's Python game interface, checked against our LP.

Kuhn poker's value is -1/18 (Kuhn 1950); the sequence-form LP finds it exactly
and OpenSpiel's exploitability of the LP's profile must be 0. MCCFR converges
to it: more iterations, less exploitable. A simultaneous scenario (the chancy
two-actor test scenario) as a zero-sum abstraction: both methods fit, and
MCCFR approaches the LP's value.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyspiel")

from escalade.cli import main
from escalade.engine.game_builder import build_game
from escalade.game.examples import kuhn_poker
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import mccfr, zerosum_lp

CHANCY = (Path(__file__).resolve().parents[1] / "data" / "games" / "chancy.yaml").read_text(
    encoding="utf-8"
)


def test_kuhn_lp_is_unexploitable_and_mccfr_converges() -> None:
    game = kuhn_poker()
    exact = zerosum_lp.solve(game)
    assert exact.payoffs[0, 0] == pytest.approx(-1 / 18, abs=1e-9)
    assert mccfr.exploitability(game, exact.equilibria[0]) == pytest.approx(0.0, abs=1e-9)
    short = mccfr.solve(game, iterations=30, seed=1)
    long = mccfr.solve(game, iterations=1000, seed=1)
    assert long.diagnostics.extra["exploitability"] < short.diagnostics.extra["exploitability"]
    assert long.diagnostics.extra["exploitability"] < 0.1
    assert long.payoffs[0, 0] == pytest.approx(-1 / 18, abs=0.05)
    again = mccfr.solve(game, iterations=1000, seed=1)
    assert np.array_equal(again.equilibria[0].probabilities, long.equilibria[0].probabilities)


def test_scenario_zero_sum_abstraction() -> None:
    text = CHANCY.replace("order: sequential\n", "")  # simultaneous: information sets
    compiled = compile_scenario(loads_scenario(text))
    game = mccfr.zero_sum_abstraction(build_game(compiled, horizon=1, information="scenario"))
    assert np.allclose(game.payoffs.sum(axis=1), 0.0)
    exact = zerosum_lp.solve(game)
    assert mccfr.exploitability(game, exact.equilibria[0]) == pytest.approx(0.0, abs=1e-9)
    approx = mccfr.solve(game, iterations=300, seed=2)
    gap = approx.diagnostics.extra["exploitability"]
    assert gap < 0.05
    # a profile exploitable by at most `gap` per player on average is within 2 * gap of the value
    assert abs(approx.payoffs[0, 0] - exact.payoffs[0, 0]) <= 2 * gap + 1e-9


def test_cli(tmp_path, capsys) -> None:
    path = tmp_path / "chancy.yaml"
    path.write_text(CHANCY.replace("order: sequential\n", ""), encoding="utf-8")
    args = ["solve", str(path), "--horizon", "1", "--information", "scenario", "--zero-sum"]
    assert main([*args, "--method", "mccfr", "--iterations", "50", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "mccfr" and data["diagnostics"]["exploitability"] >= 0
    assert main([*args, "--method", "zerosum-lp"]) == 0
    assert main(["solve", str(path), "--horizon", "1", "--method", "mccfr"]) == 2  # general-sum
