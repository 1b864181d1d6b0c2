"""The top-level API: every exported name resolves, and `import escalade` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import escalade

EXPECTED = {
    "EscaladeError",
    "EvidenceError",
    "ExploreOptions",
    "ExpressionError",
    "ReplayOptions",
    "ResultSet",
    "RunOptions",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "SimulationResult",
    "SolverError",
    "Store",
    "UsageError",
    "__version__",
    "build_game",
    "compile_scenario",
    "explain",
    "explore",
    "load_scenario",
    "loads_scenario",
    "replay",
    "run",
    "run_grid",
    "simulate",
    "solve",
    "verify",
}


def test_exported_names_are_exactly_the_curated_ones() -> None:
    assert set(escalade.__all__) == EXPECTED
    assert set(escalade.__all__) <= set(dir(escalade))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(escalade, name) is not None


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        escalade.nope  # noqa: B018 - the attribute access is the test


def test_errors_share_one_root() -> None:
    for name in EXPECTED:
        value = getattr(escalade, name)
        if isinstance(value, type) and name.endswith("Error"):
            assert issubclass(value, escalade.EscaladeError), name


def test_import_escalade_loads_no_numerical_library() -> None:
    code = "import sys, escalade; print(sorted({'numpy', 'pandas', 'scipy'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_entry_points_work_end_to_end() -> None:
    scenario = escalade.load_scenario("kursk-mini")
    result = escalade.simulate(scenario, strategy=scenario.strategies[0].id, n=64, seed=1)
    assert result.n == 64
    game = escalade.build_game(escalade.compile_scenario(scenario), horizon=1)
    assert escalade.solve(game).method in {"spe", "zerosum-lp", "gambit-lcp", "gambit-logit"}


def test_explore_stays_the_function_once_the_subpackage_is_imported() -> None:
    """Importing ``escalade.explore.designs`` first (as ``escalade.explain`` does) used to
    make ``escalade.explore`` the subpackage: ``'module' object is not callable``."""
    code = (
        "import escalade, escalade.explore.designs\n"
        "from escalade.explore.designs import sample\n"
        "from escalade import explore\n"
        "print(callable(escalade.explore), explore is escalade.explore, callable(sample))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


def test_explore_is_callable_after_explain() -> None:
    scenario = escalade.load_scenario("kursk-mini")
    escalade.explain(scenario, "graduated", "deescalate", n=16)
    assert callable(escalade.explore)


def test_build_game_takes_a_loaded_scenario() -> None:
    scenario = escalade.load_scenario("kursk-mini")
    game = escalade.build_game(scenario, horizon=1)
    assert game.players == ("usa", "rus")


def test_replay_is_the_replay_workflow() -> None:
    from escalade.workflows.replay import ReplayOptions, replay_scenario  # noqa: PLC0415

    assert escalade.replay is replay_scenario
    assert escalade.ReplayOptions is ReplayOptions
