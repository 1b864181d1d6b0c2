"""The objects the Python API returns have a short, informative ``repr``.

Before, ``repr(escalade.run(...))`` printed every table, the scenario text and its
spec (tens of thousands of characters); a notebook cell showing the outcome was
unreadable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import escalade
from escalade.reprs import listed, short_repr
from escalade.workflows.game import GameOptions, game_outcome
from escalade.workflows.run import RunOutcome

OBSERVED = Path(__file__).resolve().parents[2] / "examples" / "dprk-troops-2024.observed.yaml"
LIMIT = 400
"""No repr here is longer (they were 3,000 to 130,000 characters)."""


def short(value: object) -> str:
    text = repr(value)
    assert len(text) <= LIMIT, text[:LIMIT]
    assert "\n" not in text
    return text


@pytest.fixture(scope="module")
def scenario() -> escalade.Scenario:
    return escalade.load_scenario("kursk-mini")


@pytest.fixture(scope="module")
def stored_run(tmp_path_factory: pytest.TempPathFactory, scenario: escalade.Scenario) -> RunOutcome:
    folder = tmp_path_factory.mktemp("run")
    options = escalade.RunOptions(
        n=64, sweep=0, store=folder / "escalade.duckdb", out=folder / "report"
    )
    return escalade.run(scenario, options)


def test_short_repr_leaves_out_none_and_quotes_paths() -> None:
    text = short_repr("X", a=None, b=Path("out/report.html"), c=0.123456, d=listed("abc", limit=2))
    assert text == "X(b='out/report.html', c=0.1235, d=['a', 'b', ... 1 more])"


def test_scenario_repr(scenario: escalade.Scenario) -> None:
    text = short(scenario)
    assert text.startswith("Scenario(id='kursk-mini', title='Allied answer")
    assert "strategies=['graduated', 'deescalate']" in text
    assert "mindsets=['opportunist']" in text
    assert "horizon=12" in text


def test_simulation_result_repr(scenario: escalade.Scenario) -> None:
    result = escalade.simulate(scenario, strategy="graduated", mindset="opportunist", n=32, seed=3)
    text = short(result)
    assert text.startswith("SimulationResult(scenario='kursk-mini', strategy='graduated'")
    assert "mindset='opportunist', n=32, seed=3" in text
    page = result._repr_html_()
    assert "<table" in page and "ukraine_position" in page


def test_run_outcome_and_result_set_reprs(stored_run: RunOutcome) -> None:
    text = short(stored_run)
    run_id = stored_run.run_id
    assert text.startswith(f"RunOutcome(scenario='kursk-mini', run_id='{run_id}', n=64")
    assert "ranking=['" in text
    assert "report.html'" in text
    rs = short(stored_run.result_set)
    assert rs.startswith(f"ResultSet(kind='run', scenario='kursk-mini', run_id='{run_id}'")
    assert "'comparison'" in rs
    assert "more]" in rs


def test_run_without_store_or_report(tmp_path: Path, scenario: escalade.Scenario) -> None:
    options = escalade.RunOptions(n=16, sweep=0, store=None, out=None)
    outcome = escalade.run(scenario, options)
    assert outcome.run_id is None
    assert outcome.report is None
    assert "run_id" not in short(outcome)


def test_store_repr(stored_run: RunOutcome) -> None:
    assert stored_run.report is not None
    store_path = stored_run.report.parent.parent / "escalade.duckdb"
    with escalade.Store(store_path, read_only=True) as store:
        assert stored_run.run_id in set(store.list_runs()["id"])
        assert short(store) == f"Store(path='{store_path}', read_only=True, open=True)"


def test_explore_outcome_repr(scenario: escalade.Scenario) -> None:
    options = escalade.ExploreOptions(n=8, trajectories=2, store=None)
    outcome = escalade.explore(scenario, options)
    text = short(outcome)
    assert text.startswith("ExploreOutcome(scenario='kursk-mini', design='lhs', experiments=16")
    assert "'robustness'" in text
    assert short(outcome.result).startswith("ExploreResult(model='kursk-mini', experiments=16")
    page = outcome._repr_html_()
    assert "<table" in page and "max_regret" in page


def test_replay_outcome_repr() -> None:
    options = escalade.ReplayOptions(particles=16, replicates=2, workers=1, store=None)
    outcome = escalade.replay("dprk-troops-2024", OBSERVED, options)
    text = short(outcome)
    assert text.startswith("ReplayOutcome(scenario='dprk-troops-2024', as_of='")
    assert "observations=" in text and "log_evidence=" in text
    assert short(outcome.result).startswith("ReplayResult(scenario='dprk-troops-2024'")
    page = outcome._repr_html_()
    assert "<table" in page and "posterior" in page and "opportunist" in page


def test_game_outcome_repr(scenario: escalade.Scenario) -> None:
    outcome = game_outcome(scenario, GameOptions(n=32, bootstrap=2, workers=1))
    text = short(outcome)
    assert text.startswith("GameOutcome(scenario='kursk-mini', rows=['graduated', 'deescalate']")
    assert "equilibria=" in text
    assert short(outcome.result).startswith("MetaAnalysis(sides=('west', 'east')")
    assert short(outcome.result.game).startswith("MetaGame(sides=('west', 'east')")


def test_game_solve_and_verify_reprs(scenario: escalade.Scenario) -> None:
    game = escalade.build_game(scenario, horizon=2)
    text = short(game)
    name = "name='kursk-mini (horizon 2)'"
    assert text.startswith(f"ExtensiveFormGame({name}, players=('usa', 'rus')")
    assert "nodes=" in text and "terminals=" in text
    solved = short(escalade.solve(game))
    assert solved.startswith("SolveResult(game='kursk-mini (horizon 2)', method='spe'")
    verified = short(escalade.verify(scenario))
    assert verified.startswith("VerifyReport(scenario='kursk-mini', quotes=")


def test_compiled_scenario_and_timeline_reprs(scenario: escalade.Scenario) -> None:
    from escalade.evidence.observed import load_observed  # noqa: PLC0415

    compiled = escalade.compile_scenario(scenario)
    text = short(compiled)
    assert text.startswith("CompiledScenario(id='kursk-mini', sides=('west', 'east'), actors=2")
    timeline = load_observed(OBSERVED)
    assert short(timeline).startswith("LoadedTimeline(scenario='dprk-troops-2024', as_of='")


def test_a_notebook_shows_a_run_with_its_ranking(stored_run: RunOutcome) -> None:
    page = stored_run._repr_html_()
    assert page.startswith("<p><code>RunOutcome(scenario=&#x27;kursk-mini&#x27;")
    assert "<table" in page and "mean_utility" in page and "deescalate" in page
    sizes = stored_run.result_set._repr_html_()
    assert "<table" in sizes and "comparison" in sizes and "rows" in sizes


def test_a_result_without_tables_shows_the_repr_alone() -> None:
    from escalade.results import ResultSet  # noqa: PLC0415

    assert (
        ResultSet("simulate")._repr_html_()
        == "<p><code>ResultSet(kind=&#x27;simulate&#x27;, tables=[])</code></p>"
    )
