"""Vectorised Monte Carlo simulation of compiled scenarios, and the reference interpreter.

The semantics are those of DESIGN.md §2–§3, written out in ``docs/engine.md``.

The names below are imported on first use, so a worker process that imports
:mod:`escalade.engine.chunk` loads the engine and the scenario layer, not
pandas (results tables) or the game solvers (the ``equilibrium`` policy, which
:func:`make_policy` imports when a scenario asks for it).

>>> from escalade.engine import simulate
>>> simulate("kursk-mini", n=1024, seed=3).n
1024
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escalade.engine.policies import (
        DecisionContext,
        Policy,
        make_policy,
        register,
        registered,
    )
    from escalade.engine.runner import run_grid, simulate
    from escalade.engine.summary import SimulationResult
    from escalade.engine.trace import Move, RoundTrace, Trace, render_trace

_WHERE = {
    "DecisionContext": "policies",
    "Policy": "policies",
    "make_policy": "policies",
    "register": "policies",
    "registered": "policies",
    "run_grid": "runner",
    "simulate": "runner",
    "SimulationResult": "summary",
    "Move": "trace",
    "RoundTrace": "trace",
    "Trace": "trace",
    "render_trace": "trace",
}

__all__ = [
    "DecisionContext",
    "Move",
    "Policy",
    "RoundTrace",
    "SimulationResult",
    "Trace",
    "make_policy",
    "register",
    "registered",
    "render_trace",
    "run_grid",
    "simulate",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'escalade.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"escalade.engine.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
