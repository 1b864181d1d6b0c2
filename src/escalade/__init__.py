"""escalade: make the reasoning behind escalation-crisis analysis explicit.

Actors, escalation ladders per arena, options with costs and effects,
adversary mindsets, chance and accidents, deep uncertainty; simulated,
solved, explored and reported, with every assumption traced to its source.

The main entry points are importable from the top level; they load on first
use, so ``import escalade`` stays light (the command line starts fast)::

    >>> import escalade
    >>> scenario = escalade.load_scenario("kursk-mini")
    >>> result = escalade.simulate(scenario, strategy="graduated", n=256, seed=1)
    >>> result.n
    256
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from escalade._version import __version__
from escalade.errors import (
    EscaladeError,
    EvidenceError,
    ExpressionError,
    ScenarioError,
    SimulationError,
    SolverError,
    UsageError,
)

if TYPE_CHECKING:  # the names below load on first use (see __getattr__)
    from escalade.engine import SimulationResult, run_grid, simulate
    from escalade.engine.game_builder import build_game
    from escalade.evidence.verify import verify
    from escalade.results import ResultSet, Store
    from escalade.scenario import Scenario, load_scenario, loads_scenario
    from escalade.scenario.compiled import compile_scenario
    from escalade.solvers.registry import solve
    from escalade.workflows.explain import explain_strategies as explain
    from escalade.workflows.explore import ExploreOptions
    from escalade.workflows.explore import explore_scenario as explore
    from escalade.workflows.run import RunOptions
    from escalade.workflows.run import run_scenario as run

__all__ = [
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
]

_WHERE: dict[str, tuple[str, str]] = {
    "ExploreOptions": ("escalade.workflows.explore", "ExploreOptions"),
    "ResultSet": ("escalade.results", "ResultSet"),
    "RunOptions": ("escalade.workflows.run", "RunOptions"),
    "Scenario": ("escalade.scenario", "Scenario"),
    "SimulationResult": ("escalade.engine", "SimulationResult"),
    "Store": ("escalade.results", "Store"),
    "build_game": ("escalade.engine.game_builder", "build_game"),
    "compile_scenario": ("escalade.scenario.compiled", "compile_scenario"),
    "explain": ("escalade.workflows.explain", "explain_strategies"),
    "explore": ("escalade.workflows.explore", "explore_scenario"),
    "load_scenario": ("escalade.scenario", "load_scenario"),
    "loads_scenario": ("escalade.scenario", "loads_scenario"),
    "run": ("escalade.workflows.run", "run_scenario"),
    "run_grid": ("escalade.engine", "run_grid"),
    "simulate": ("escalade.engine", "simulate"),
    "solve": ("escalade.solvers.registry", "solve"),
    "verify": ("escalade.evidence.verify", "verify"),
}
"""Where each lazily loaded name lives: (module, attribute)."""


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'escalade' has no attribute {name!r}")
    value = getattr(importlib.import_module(where[0]), where[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
