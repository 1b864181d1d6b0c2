"""The scenario expression language (``when`` conditions, effects, outcomes).

A small, typed language over variables, rungs, the round, the date and the
history of a trajectory, parsed once and compiled to vectorised NumPy. It is
never passed to ``eval``. The language is documented in
``docs/expressions.md``.

>>> import numpy as np
>>> from types import SimpleNamespace
>>> from escalade.scenario.expr import Env, compile_expr, parse
>>> env = Env(variables=("x",), arenas=("ukraine",), options=("deploy",))
>>> f = compile_expr(parse("0.5 * rung('ukraine') + where(taken('deploy'), x, 0)"), env)
>>> state = SimpleNamespace(
...     n=2, round=0, day=0,
...     variables=np.array([[1.0], [2.0]]), rungs=np.array([[10.0], [12.0]]),
...     taken=np.array([[True], [False]]), uncertainties=np.zeros((2, 0)),
... )
>>> f(state)
array([6., 6.])
"""

from __future__ import annotations

from escalade.scenario.expr.ast import MAX_DEPTH, MAX_LENGTH, Expr, Type
from escalade.scenario.expr.check import FUNCTIONS, Env, check, names
from escalade.scenario.expr.compile import Compiled, EvalState, compile_expr, evaluate_constant
from escalade.scenario.expr.interpret import ScalarValues, interpret
from escalade.scenario.expr.parser import parse
from escalade.scenario.expr.printer import to_source

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Compiled",
    "Env",
    "EvalState",
    "Expr",
    "ScalarValues",
    "Type",
    "check",
    "compile_expr",
    "evaluate_constant",
    "interpret",
    "names",
    "parse",
    "to_source",
]
