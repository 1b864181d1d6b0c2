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

The entry points: :func:`load_scenario` and :func:`loads_scenario`;
:func:`simulate` (one strategy against one mindset); :func:`run` (every
strategy against every mindset, ranked, stored and reported; :class:`RunOptions`);
:func:`explain` (the difference of two strategies); :func:`explore`
(:class:`ExploreOptions`); :func:`replay` (against an observed timeline;
:class:`ReplayOptions`); :func:`build_game` and :func:`solve`; :func:`verify`
(the quotes); :class:`Store` and :class:`ResultSet` (the results store). Every
error raised on purpose is an :class:`EscaladeError`. ``docs/python-api.md`` is
the user guide of this API.
"""

from __future__ import annotations

import importlib
import sys
import types
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
    from escalade.workflows.replay import ReplayOptions
    from escalade.workflows.replay import replay_scenario as replay
    from escalade.workflows.run import RunOptions
    from escalade.workflows.run import run_scenario as run

__all__ = [
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
]

_WHERE: dict[str, tuple[str, str]] = {
    "ExploreOptions": ("escalade.workflows.explore", "ExploreOptions"),
    "ReplayOptions": ("escalade.workflows.replay", "ReplayOptions"),
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
    "replay": ("escalade.workflows.replay", "replay_scenario"),
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


class _Package(types.ModuleType):
    """The package's module, on which a subpackage never hides a top-level name.

    Python binds a subpackage to its parent's attribute of the same name once it is
    imported; without this, ``escalade.explore`` became the module (not callable) as
    soon as anything had imported ``escalade.explore.designs`` before the first
    ``escalade.explore`` (``escalade.explain`` does). The subpackage stays
    reachable through ``sys.modules`` and ``from escalade.explore... import``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
