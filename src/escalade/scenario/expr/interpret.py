"""A plain tree-walking evaluator: the reference the compiled form is tested against.

It evaluates one trajectory at a time with float64 scalars (so it has the
same IEEE semantics as the compiled form) and Python control flow
(short-circuit ``and``/``or``, one branch of ``where``). It is slow and
meant for tests, documentation and debugging.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import numpy as np

from escalade.errors import UsageError
from escalade.scenario.expr.ast import (
    Binary,
    Bool,
    Builtin,
    Call,
    Date,
    Expr,
    Not,
    Number,
    String,
    Type,
    Unary,
    Uncertainty,
    Variable,
)
from escalade.scenario.expr.check import Env, check

__all__ = ["ScalarValues", "interpret"]

_Value: TypeAlias = np.float64 | bool

_ARITHMETIC: Final[dict[str, Callable[[np.float64, np.float64], np.float64]]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}
_COMPARE: Final[dict[str, Callable[[_Value, _Value], bool]]] = {
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
}
_FUNCTIONS: Final[dict[str, Callable[[np.float64], np.float64]]] = {
    "abs": abs,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "floor": np.floor,
    "ceil": np.ceil,
}


@dataclass
class ScalarValues:
    """The state of one trajectory at one round, by name.

    Parameters
    ----------
    round : int
        0-based round index.
    day : int
        ``datetime.date.toordinal()`` of the round's first day.
    variables, rungs, taken, uncertainties : Mapping
        Values by variable, arena, option and uncertainty id.
    views : Mapping
        Each arena's rung as one of its parties sees it, keyed ``"arena:side"``.
    last_moves : Mapping
        ``last_move('arena', 'side')`` as a reader sees it, keyed
        ``"arena:side:reader"``: the reader is the reading side when it is a
        party of the arena, else ``*`` (the higher of the two parties' views).
    """

    round: int = 0
    day: int = 0
    variables: Mapping[str, float] = field(default_factory=dict)
    rungs: Mapping[str, float] = field(default_factory=dict)
    taken: Mapping[str, bool] = field(default_factory=dict)
    views: Mapping[str, float] = field(default_factory=dict)
    uncertainties: Mapping[str, float] = field(default_factory=dict)
    last_moves: Mapping[str, float] = field(default_factory=dict)


def interpret(expr: Expr, env: Env, values: ScalarValues) -> float | bool:
    """Check ``expr`` and evaluate it for one trajectory.

    Parameters
    ----------
    expr : Expr
        A syntax tree from :func:`parse`.
    env : Env
        The names the scenario defines.
    values : ScalarValues
        The value of every name the expression uses.

    Returns
    -------
    float or bool
        Numbers and dates (as day ordinals) are floats, conditions bools.

    Raises
    ------
    ExpressionError
        When :func:`check` finds a problem.
    UsageError
        When ``values`` lacks a name the expression uses.

    Examples
    --------
    >>> from escalade.scenario.expr import Env, ScalarValues, interpret, parse
    >>> env = Env(variables=("x",))
    >>> interpret(parse("clip(x * 2, 0, 5)"), env, ScalarValues(variables={"x": 4.0}))
    5.0
    """
    type_ = check(expr, env)
    with np.errstate(all="ignore"):
        value = _Evaluator(values, env).visit(expr)
    return bool(value) if type_ is Type.BOOL else float(value)


def _nan_aware(pick: Callable[[list[np.float64]], np.float64]) -> Callable[..., np.float64]:
    def combine(*args: np.float64) -> np.float64:
        if any(math.isnan(arg) for arg in args):
            return np.float64("nan")
        return pick(list(args))

    return combine


_min = _nan_aware(min)
_max = _nan_aware(max)


class _Evaluator:
    def __init__(self, values: ScalarValues, env: Env) -> None:
        self.values = values
        self.env = env

    def rung(self, node: Call) -> np.float64:
        arena, *side = node.args
        assert isinstance(arena, String)
        who = side[0].value if side and isinstance(side[0], String) else None
        attribute, column = self.env.view(arena.value, who)
        if attribute == "rungs":
            return self.lookup("arena", self.values.rungs, arena.value)
        party = self.env.parties[column // 2][column % 2]
        return self.lookup("arena view", self.values.views, f"{arena.value}:{party}")

    def last_move(self, node: Call) -> np.float64:
        arena, side = node.args
        assert isinstance(arena, String) and isinstance(side, String)
        a, _, reader = self.env.last_move(arena.value, side.value)
        who = self.env.parties[a][reader] if reader < 2 else "*"
        key = f"{arena.value}:{side.value}:{who}"
        return self.lookup("last move", self.values.last_moves, key)

    def lookup(self, kind: str, table: Mapping[str, float], name: str) -> np.float64:
        try:
            return np.float64(table[name])
        except KeyError:
            raise UsageError(f"interpret() needs a value for {kind} {name!r}") from None

    def visit(self, node: Expr) -> _Value:
        if isinstance(node, Number):
            return np.float64(node.value)
        if isinstance(node, Bool):
            return node.value
        if isinstance(node, Date):
            return np.float64(dt.date.toordinal(node.value))
        if isinstance(node, Builtin):
            return np.float64(self.values.round if node.name == "round" else self.values.day)
        if isinstance(node, Variable):
            return self.lookup("variable", self.values.variables, node.name)
        if isinstance(node, Uncertainty):
            return self.lookup("uncertainty", self.values.uncertainties, node.name)
        if isinstance(node, Not):
            return not self.visit(node.operand)
        if isinstance(node, Unary):
            operand = self.visit(node.operand)
            assert isinstance(operand, np.float64)
            return -operand if node.op == "-" else operand
        if isinstance(node, Binary):
            return self.binary(node)
        assert isinstance(node, Call)
        return self.call(node)

    def binary(self, node: Binary) -> _Value:
        if node.op == "and":
            return bool(self.visit(node.left)) and bool(self.visit(node.right))
        if node.op == "or":
            return bool(self.visit(node.left)) or bool(self.visit(node.right))
        left, right = self.visit(node.left), self.visit(node.right)
        if node.op in _COMPARE:
            return _COMPARE[node.op](left, right)
        assert isinstance(left, np.float64) and isinstance(right, np.float64)
        return _ARITHMETIC[node.op](left, right)

    def call(self, node: Call) -> _Value:
        if node.func == "last_move":
            return self.last_move(node)
        if node.func in ("taken", "rung"):
            arg = node.args[0]
            assert isinstance(arg, String)
            if node.func == "rung":
                return self.rung(node)
            if arg.value not in self.values.taken:
                raise UsageError(f"interpret() needs a value for option {arg.value!r}")
            return bool(self.values.taken[arg.value])
        if node.func == "where":
            cond, when_true, when_false = node.args
            return self.visit(when_true) if self.visit(cond) else self.visit(when_false)
        args = [self.visit(arg) for arg in node.args]
        numbers = [np.float64(arg) for arg in args]
        if node.func == "min":
            return _min(*numbers)
        if node.func == "max":
            return _max(*numbers)
        if node.func == "clip":
            x, lo, hi = numbers
            return _min(_max(x, lo), hi)
        return np.float64(_FUNCTIONS[node.func](numbers[0]))
