"""``plan_run`` and ``plan_game``: cells and size, checked once before anything is simulated."""

from __future__ import annotations

import pytest

from escalade.cli import main
from escalade.errors import UsageError
from escalade.workflows import game as game_module
from escalade.workflows import run as run_module
from escalade.workflows.game import GameOptions, plan_game, play_game
from escalade.workflows.run import RunOptions, plan_run, run_plan, run_scenario

QUICK = RunOptions(n=64, chunk_size=1024, store=None, out=None, sweep=0, workers=1)


def test_the_plan_lists_the_cells_and_their_size() -> None:
    plan = plan_run("kursk-mini", QUICK)
    strategies = [s.id for s in plan.scenario.strategies]
    mindsets = [m.id for m in plan.scenario.mindsets]
    assert plan.cells == [(s, m) for s in strategies for m in mindsets]
    assert plan.trajectories == len(strategies) * len(mindsets) * 64
    chosen = plan_run(plan.scenario, RunOptions(strategies=strategies[:1], n=10))
    assert chosen.cells == [(strategies[0], m) for m in mindsets]
    assert chosen.trajectories == len(mindsets) * 10


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"strategies": ["nope"]}, "strategies"),
        ({"mindsets": ["nope"]}, "mindsets"),
        ({"n": 0}, "n"),
        ({"sweep": -1}, "sweep"),
        ({"sweep_trajectories": 0}, "sweep_trajectories"),
        ({"rank_by": "nope"}, "rank_by"),
    ],
)
def test_the_plan_refuses_before_simulating(change: dict[str, object], parameter: str) -> None:
    options = RunOptions(**{**QUICK.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(UsageError) as info:
        plan_run("kursk-mini", options)
    assert info.value.parameter == parameter and str(info.value).startswith(parameter)


def test_a_planned_run_reports_exactly_its_size_and_checks_nothing_again(monkeypatch) -> None:
    plan = plan_run("kursk-mini", QUICK)

    def no_second_check(*_args: object) -> None:
        raise AssertionError("the choices were checked again")

    monkeypatch.setattr(run_module, "pick", no_second_check)
    monkeypatch.setattr(run_module, "rank_by", no_second_check)
    done: list[int] = []
    outcome = run_plan(plan, progress=done.append)
    assert sum(done) == plan.trajectories and outcome.plan is plan
    assert len(outcome.result_set.tables["cells"]) == len(plan.cells)


def test_run_scenario_is_plan_then_run() -> None:
    done: list[int] = []
    outcome = run_scenario("kursk-mini", QUICK, progress=done.append)
    assert outcome.plan is not None and sum(done) == outcome.plan.trajectories


def test_the_command_line_shows_the_plan_refusals_as_flags(capsys) -> None:
    assert main(["run", "kursk-mini", "--sweep", "-1", "--no-store", "--no-report"]) == 2
    assert "--sweep: expected 0 to 100,000 points, found -1" in capsys.readouterr().err
    argv = ["run", "kursk-mini", "--strategies", "nope", "--no-store", "--no-report"]
    assert main(argv) == 2
    assert "--strategies: expected ids among" in capsys.readouterr().err


def test_the_meta_game_plans_the_same_way(monkeypatch, capsys) -> None:
    plan = plan_game("kursk-mini", GameOptions(n=64, bootstrap=0, chunk_size=1024, workers=1))
    assert plan.trajectories == len(plan.rows) * len(plan.cols) * 64
    with pytest.raises(UsageError) as info:
        plan_game(plan.scenario, GameOptions(strategies=["nope"]))
    assert info.value.parameter == "strategies"

    def no_second_check(*_args: object) -> None:
        raise AssertionError("the choices were checked again")

    monkeypatch.setattr(game_module, "pick", no_second_check)
    done: list[int] = []
    result = play_game(plan, progress=done.append)
    assert sum(done) == plan.trajectories and list(result.game.rows) == list(plan.rows)
    monkeypatch.undo()
    assert main(["game", "kursk-mini", "--mindsets", "nope"]) == 2
    assert "--mindsets: expected ids among" in capsys.readouterr().err
