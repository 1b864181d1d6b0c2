"""The size estimate of a scenario's game against the true node count, and solving from a state.

Knuth (1975, "Estimating the efficiency of backtrack programs", *Math. Comp.*
29) proves the random-probe estimator unbiased; the issue asks for a factor of
3 on the shipped scenarios at horizons 1 to 3. Trees too large to build in a
test are checked in slow tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalade.cli import main
from escalade.engine import simulate
from escalade.engine.game_builder import build_game
from escalade.engine.game_size import estimate_game_size
from escalade.engine.replay import state_at
from escalade.game.extensive import NodeKind
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario


def _ratio(scenario: str, horizon: int, players: list[str] | None, **kw: int) -> float:
    compiled = compile_scenario(load_scenario(scenario))
    size = estimate_game_size(compiled, horizon=horizon, players=players, **kw)  # type: ignore[arg-type]
    true = build_game(compiled, horizon=horizon, players=players, node_limit=10**6, **kw)  # type: ignore[arg-type]
    return size.nodes / true.n_nodes


@pytest.mark.parametrize("horizon", [1, 2, 3])
def test_kursk_mini(horizon: int) -> None:
    assert 1 / 3 <= _ratio("kursk-mini", horizon, None) <= 3


def test_dprk_horizon_1_no_players() -> None:
    assert 1 / 3 <= _ratio("dprk-troops-2024", 1, []) <= 3


@pytest.mark.slow
@pytest.mark.parametrize(("horizon", "players"), [(1, ["usa", "rus"]), (2, []), (3, [])])
def test_dprk(horizon: int, players: list[str]) -> None:
    assert 1 / 3 <= _ratio("dprk-troops-2024", horizon, players) <= 3


def test_decision_every_keeps_moves() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    every = build_game(compiled, horizon=3, decision_every=2)
    full = build_game(compiled, horizon=3)
    assert every.n_nodes < full.n_nodes
    rounds = {
        every.node_labels[n].split(" ")[0] for n in np.flatnonzero(every.kind == NodeKind.DECISION)
    }
    assert rounds == {"r0", "r2"}  # nobody decides in round 1: the round-0 move is kept
    ratio = estimate_game_size(compiled, horizon=3, decision_every=2).nodes / every.n_nodes
    assert 1 / 3 <= ratio <= 3


def test_state_at_replays_the_trace() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    sim = simulate(compiled, strategy="graduated", n=8, seed=11, keep_traces=8)
    trace = sim.traces[5]
    s = state_at(compiled, seed=11, trajectory=5, first_round=3, strategy="graduated")
    after = trace.rounds[2]  # the state after round 2 = at the start of round 3
    assert tuple(s.rungs[a.id] for a in compiled.arenas) == after.rungs
    assert tuple(s.variables[v] for v in compiled.variable_ids) == pytest.approx(after.variables)
    assert s.utility == pytest.approx(after.utility)
    game = build_game(compiled, horizon=2, start_state=s, first_round=3, strategy="graduated")
    labels = [game.node_labels[n] for n in np.flatnonzero(game.kind == NodeKind.DECISION)]
    assert labels and all(label.startswith(("r3 ", "r4 ")) for label in labels)


def test_solve_refuses_fast_and_flags_exist(capsys) -> None:
    assert main(["solve", "dprk-troops-2024", "--horizon", "1"]) == 2
    err = capsys.readouterr().err
    assert "estimated" in err and "--node-limit" in err
    # every flag the hint names exists
    for flag in ("--horizon", "--players", "--decision-every", "--from-round", "--node-limit"):
        assert flag in err
        assert main(["solve", "--help"]) == 0
        assert flag in capsys.readouterr().out
    assert (
        main(["solve", "kursk-mini", "--horizon", "2", "--from-trace", "1", "--from-round", "3"])
        == 0
    )
    assert "rounds 3-4" in capsys.readouterr().out
    assert main(["solve", "kursk-mini", "--from-round", "2"]) == 2


def test_a_game_far_over_the_limit_is_refused_after_eight_probes() -> None:
    """With a limit, probing stops as soon as 8 probes all say the game is 100x too large."""
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    quick = estimate_game_size(compiled, horizon=4, limit=1000, budget=30.0)
    assert quick.probes == 8 and quick.nodes > 100 * 1000
    near = estimate_game_size(compiled, horizon=1, limit=10**12, budget=0.2, probes=20)
    assert near.probes > 8  # far under the limit: no early stop


def test_every_feature_of_the_cuba_example_is_expanded(capsys) -> None:
    """Two moves a day, jumping and walked-back accidents: the estimate and `solve` both work.

    They used to be refused (`moves` > 1, then `jump`/`revert`); the builder now expands them.
    """
    cuba = Path(__file__).parents[2] / "examples" / "cuba-quarantine.yaml"
    compiled = compile_scenario(load_scenario(cuba))
    assert max(a.moves for a in compiled.actors) == 2 and compiled.has_jumps
    assert estimate_game_size(compiled, horizon=2, probes=50).nodes > 0
    assert main(["solve", str(cuba), "--horizon", "2"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "(move 2)" in out  # the second move of the day is a decision of its own
