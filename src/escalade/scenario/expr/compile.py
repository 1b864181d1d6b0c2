"""Compile a checked syntax tree to a vectorised NumPy function.

Names are resolved to column indices once; the result is a tree of closures
over NumPy ufuncs, with every sub-expression that depends on nothing folded
to a constant at compile time. Numbers are IEEE float64: division by zero,
``log(-1)`` and the like give ``inf``/``nan`` without a warning.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

from escalade.errors import ExpressionError, Issue
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
from escalade.scenario.expr.check import Env, check, names
from escalade.scenario.expr.parser import parse

__all__ = [
    "BINARY_UFUNCS",
    "UNARY_UFUNCS",
    "Compiled",
    "EvalState",
    "compile_expr",
    "evaluate_constant",
]

Array: TypeAlias = npt.NDArray[Any]
Scalar: TypeAlias = float | bool
_Fn: TypeAlias = Callable[["EvalState"], Array]
_Part: TypeAlias = "float | bool | _Fn"


class EvalState(Protocol):
    """What the engine passes to a compiled expression: ``n`` trajectories at one round."""

    @property
    def n(self) -> int:
        """Number of trajectories."""

    @property
    def round(self) -> int:
        """0-based round index."""

    @property
    def day(self) -> int:
        """``datetime.date.toordinal()`` of the round's first day."""

    @property
    def variables(self) -> npt.NDArray[np.float64]:
        """``(n, len(env.variables))`` variable values."""

    @property
    def rungs(self) -> npt.NDArray[np.float64]:
        """``(n, len(env.arenas))`` current rung of each arena."""

    @property
    def views(self) -> npt.NDArray[np.float64]:
        """``(n, 2 * len(env.arenas))``: arena ``a`` as its party ``p`` sees it (``2a+p``)."""

    @property
    def taken(self) -> npt.NDArray[np.bool_]:
        """``(n, len(env.options))`` whether each option has succeeded earlier."""

    @property
    def uncertainties(self) -> npt.NDArray[np.float64]:
        """``(n, len(env.uncertainties))`` sampled uncertainty values."""

    def last_move(self, arena: int, party: int, reader: int) -> npt.NDArray[np.float64]:
        """``(n,)`` ``last_move``: the highest rung of party ``party``'s moves last round.

        The moves that moved arena ``arena``'s ladder, as party ``reader`` sees
        them (2: the higher of both parties' views); one below the ladder's
        lowest rung where there was none (see :meth:`Env.last_move`).
        """


BINARY_UFUNCS: Final[dict[str, np.ufunc]] = {
    "or": np.logical_or,
    "and": np.logical_and,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "%": np.remainder,
    "**": np.power,
}
UNARY_UFUNCS: Final[dict[str, np.ufunc]] = {
    "abs": np.absolute,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "floor": np.floor,
    "ceil": np.ceil,
}


class Compiled:
    """A compiled expression; call it with an :class:`EvalState`.

    Attributes
    ----------
    type : Type
        The type of the expression.
    constant : float, bool or None
        The folded value when compilation left nothing to compute per call
        (dates as day ordinals), else None.
    depends : frozenset of (str, str)
        The names the expression text refers to (see :func:`names`).
    expr : Expr
        The source syntax tree.
    env : Env
        The names it was compiled against.

    Notes
    -----
    A call returns an array of shape ``(state.n,)``: float64 for numbers and
    dates (day ordinals), bool for conditions. The array is freshly
    allocated or read-only, so it never lets a caller write into the state.
    A ``Compiled`` pickles as its syntax tree and environment and is
    recompiled when unpickled.
    """

    __slots__ = ("_depends", "_fn", "constant", "env", "expr", "type")

    def __init__(self, expr: Expr, env: Env, type_: Type, part: _Part) -> None:
        self.expr = expr
        self.env = env
        self.type = type_
        self._depends: frozenset[tuple[str, str]] | None = None
        if callable(part):
            self.constant: float | bool | None = None
            self._fn: _Fn | None = part
        else:
            self.constant = part
            self._fn = None

    @property
    def depends(self) -> frozenset[tuple[str, str]]:
        """The names the expression text refers to (computed on first use)."""
        if self._depends is None:
            self._depends = names(self.expr)
        return self._depends

    def __call__(self, state: EvalState) -> Array:
        """Evaluate for all ``state.n`` trajectories; see the class notes."""
        dtype = np.bool_ if self.type is Type.BOOL else np.float64
        if self._fn is None:
            return np.full(state.n, self.constant, dtype=dtype)
        with np.errstate(all="ignore"):
            out = self._fn(state)
        if out.dtype != dtype or out.shape != (state.n,):
            out = np.broadcast_to(np.asarray(out, dtype=dtype), (state.n,)).copy()
        if not out.flags.owndata:
            out = out.view()
            out.flags.writeable = False
        return out

    def __reduce__(self) -> tuple[Callable[[Expr, Env], Compiled], tuple[Expr, Env]]:
        return (compile_expr, (self.expr, self.env))

    def __repr__(self) -> str:
        from escalade.scenario.expr.printer import to_source  # noqa: PLC0415 - avoid a cycle

        return f"Compiled({to_source(self.expr)!r}, type={self.type.name})"


def compile_expr(expr: Expr, env: Env) -> Compiled:
    """Check ``expr`` against ``env`` and compile it to a vectorised function.

    Parameters
    ----------
    expr : Expr
        A syntax tree from :func:`parse`.
    env : Env
        The scenario's names; their positions are the state array columns.

    Returns
    -------
    Compiled
        A callable taking an :class:`EvalState`.

    Raises
    ------
    ExpressionError
        When :func:`check` finds a problem.
    """
    type_ = check(expr, env)
    return Compiled(expr, env, type_, _Compiler(env).visit(expr))


def evaluate_constant(text: str) -> float:
    """Parse ``text``, which must name nothing, and return its numeric value.

    Raises
    ------
    ExpressionError
        If the text does not parse, uses a name, or is not a number.

    Examples
    --------
    >>> from escalade.scenario.expr import evaluate_constant
    >>> evaluate_constant("2024-11-05 - 2024-10-28")
    8.0
    """
    expr = parse(text)
    builtins = sorted(name for kind, name in names(expr) if kind == "builtin")
    if builtins:
        raise ExpressionError(
            [
                Issue(
                    f"a constant cannot use {builtins[0]!r}",
                    col=expr.col + 1,
                    hint="only literal numbers, dates and operators are allowed here",
                )
            ]
        )
    compiled = compile_expr(expr, Env())
    if compiled.type is not Type.NUMBER:
        raise ExpressionError([Issue(f"expected a number, found {compiled.type.noun}", col=1)])
    assert isinstance(compiled.constant, float)
    return compiled.constant


def _fold(ufunc: Callable[..., Array], values: Sequence[Scalar]) -> Scalar:
    with np.errstate(all="ignore"):
        out = ufunc(*(np.asarray([value]) for value in values))
    result: Scalar = out[0].item()
    return result


def _apply(ufunc: Callable[..., Array], parts: Sequence[_Part]) -> _Part:
    """Combine parts with ``ufunc``: fold constants, specialise closures by arity."""
    if not any(callable(part) for part in parts):
        return _fold(ufunc, parts)  # type: ignore[arg-type]
    if len(parts) == 1:
        (only,) = parts
        assert callable(only)
        return lambda state: ufunc(only(state))
    if len(parts) == 2:
        left, right = parts
        if callable(left) and callable(right):
            return lambda state: ufunc(left(state), right(state))
        if callable(left):
            return lambda state: ufunc(left(state), right)
        assert callable(right)
        return lambda state: ufunc(left, right(state))
    frozen = tuple(parts)
    return lambda state: ufunc(*(p(state) if callable(p) else p for p in frozen))


def _column(attribute: str, index: int, dtype: type[Any]) -> _Fn:
    def read(state: EvalState) -> Array:
        return np.asarray(getattr(state, attribute)[:, index], dtype=dtype)

    return read


def _last_move(arena: int, party: int, reader: int) -> _Fn:
    def read(state: EvalState) -> Array:
        return np.asarray(state.last_move(arena, party, reader), dtype=np.float64)

    return read


def _full_round(state: EvalState) -> Array:
    return np.full(state.n, float(state.round))


def _full_day(state: EvalState) -> Array:
    return np.full(state.n, float(state.day))


def _min(*arrays: Array) -> Array:
    return functools.reduce(np.minimum, arrays)


def _max(*arrays: Array) -> Array:
    return functools.reduce(np.maximum, arrays)


def _where(cond: Array, when_true: Array, when_false: Array) -> Array:
    return np.where(cond, when_true, when_false)


def _clip(x: Array, lo: Array, hi: Array) -> Array:
    return np.minimum(np.maximum(x, lo), hi)


_COMBINE: Final[dict[str, Callable[..., Array]]] = {"min": _min, "max": _max, "clip": _clip}


class _Compiler:
    def __init__(self, env: Env) -> None:
        self.env = env
        self.index = env.index

    def visit(self, node: Expr) -> _Part:
        # The most frequent nodes first: validation compiles every expression of a file.
        if isinstance(node, Binary):
            return _apply(BINARY_UFUNCS[node.op], [self.visit(node.left), self.visit(node.right)])
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Number):
            return float(node.value)
        if isinstance(node, Bool):
            return bool(node.value)
        if isinstance(node, Date):
            return float(dt.date.toordinal(node.value))
        if isinstance(node, Builtin):
            return _full_round if node.name == "round" else _full_day
        if isinstance(node, Variable):
            return _column("variables", self.index["variables"][node.name], np.float64)
        if isinstance(node, Uncertainty):
            return _column("uncertainties", self.index["uncertainties"][node.name], np.float64)
        if isinstance(node, Unary):
            operand = self.visit(node.operand)
            if node.op == "+":
                return operand
            if isinstance(operand, float):  # a negative literal: no need for NumPy
                return -operand
            return _apply(np.negative, [operand])
        assert isinstance(node, Not)
        return _apply(np.logical_not, [self.visit(node.operand)])

    def call(self, node: Call) -> _Part:
        if node.func == "taken":
            (arg,) = node.args
            assert isinstance(arg, String)
            return _column("taken", self.index["taken"][arg.value], np.bool_)
        if node.func == "rung":
            arena, *side = node.args
            assert isinstance(arena, String)
            who = side[0].value if side and isinstance(side[0], String) else None
            attribute, column = self.env.view(arena.value, who)
            return _column(attribute, column, np.float64)
        if node.func == "last_move":
            where, mover = node.args
            assert isinstance(where, String) and isinstance(mover, String)
            return _last_move(*self.env.last_move(where.value, mover.value))
        parts = [self.visit(arg) for arg in node.args]
        if node.func == "where":
            cond, when_true, when_false = parts
            if not callable(cond):
                return when_true if cond else when_false
            return _apply(_where, parts)
        if node.func in UNARY_UFUNCS:
            return _apply(UNARY_UFUNCS[node.func], parts)
        return _apply(_COMBINE[node.func], parts)
