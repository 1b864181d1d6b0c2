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
