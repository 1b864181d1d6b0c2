"""Vectorised Monte Carlo simulation of compiled scenarios, and the reference interpreter.

The semantics are those of DESIGN.md §2–§3, written out in ``docs/engine.md``.

>>> from escalade.engine import simulate
>>> simulate("kursk-mini", n=1024, seed=3).n
1024
"""

from escalade.engine import equilibrium as _equilibrium  # registers the 'equilibrium' policy
from escalade.engine.policies import DecisionContext, Policy, make_policy, register, registered
from escalade.engine.runner import run_grid, simulate
from escalade.engine.summary import SimulationResult
from escalade.engine.trace import Move, RoundTrace, Trace, render_trace

del _equilibrium

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
