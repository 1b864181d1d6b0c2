"""Scenario expressions as a small bytecode that one compiled function interprets.

A checked expression (:class:`escalade.scenario.expr.Compiled`) becomes a
*program*: a run of ``(opcode, operand)`` pairs for a stack machine over
float64, plus float constants. Booleans are ``0.0``/``1.0``. Sub-expressions
that depend on nothing are folded exactly as :mod:`escalade.scenario.expr.compile`
folds them (with the same NumPy ufuncs), so a folded constant is the same
number on both paths. Nothing here generates or runs Python source: the
programs are plain integer and float arrays that
:func:`escalade.engine.kernel.interp.run` reads.

Every program of a scenario lives in one :class:`Programs` table; a program
is named by its index.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.scenario import expr as ex
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
    Unary,
    Uncertainty,
    Variable,
    walk,
)
from escalade.scenario.expr.compile import BINARY_UFUNCS, UNARY_UFUNCS

__all__ = ["BINARY", "OP", "UNARY", "Programs", "unsupported"]

OP: Final = {
    name: code
    for code, name in enumerate(
        (
            "const", "var", "unc", "taken", "rung", "view", "round", "day", "last_move",
            "or", "and", "<", "<=", ">", ">=", "==", "!=", "+", "-", "*", "/", "%", "**",
            "neg", "not", "abs", "sqrt", "exp", "log", "sin", "cos", "floor", "ceil",
            "min", "max", "where", "clip",
        )
    )
}  # fmt: skip
"""Opcode of each instruction (the interpreter's ``if`` chain follows this order)."""

BINARY: Final = BINARY_UFUNCS
"""NumPy's ufunc of each binary operator (the expression compiler's: the same numbers)."""
UNARY: Final = UNARY_UFUNCS
"""NumPy's ufunc of each one-argument function (the expression compiler's)."""
INEXACT: Final = frozenset({"**", "exp", "log", "sin", "cos"})
"""Operations whose NumPy loops (SIMD) may differ from the C library's in the last bit."""

_DYNAMIC: Final = frozenset(
    OP[name] for name in ("var", "taken", "rung", "view", "round", "day", "last_move")
)
"""Instructions that read the state as it changes (anything but constants and uncertainties)."""

_Part = float | list[tuple[int, int]]
"""A folded constant, or the code that computes a value."""


def unsupported(compiled: ex.Compiled) -> str | None:
    """Why ``compiled`` cannot run as bytecode with NumPy's exact numbers, or None.

    Operations in :data:`INEXACT` are evaluated by NumPy with SIMD routines
    whose last bit may differ from the C library's that compiled code calls;
    a computed (not folded) one makes the expression unsupported, so the
    kernel never gives a number the NumPy path would not.
    """
    for node in walk(compiled.expr):
        op = node.op if isinstance(node, Binary) else node.func if isinstance(node, Call) else ""
        if op in INEXACT:
            return f"the expression uses {op!r} (NumPy's SIMD result may differ in the last bit)"
    return None


@dataclass(eq=False)
class Programs:
    """Every program of a scenario: code ``(L, 2)``, constants, and where each program starts.

    Attributes
    ----------
    code : IntArray
        ``(L, 2)`` instructions ``(opcode, operand)``.
    consts : FloatArray
        Constants the ``const`` instruction reads.
    start, stop : IntArray
        Program ``p`` is ``code[start[p]:stop[p]]``.
    last_moves : IntArray
        ``(M, 3)`` ``(arena, party, reader)`` of each ``last_move`` read (the operand indexes it).
    """

    _code: list[tuple[int, int]] = field(default_factory=list)
    _consts: list[float] = field(default_factory=list)
    _start: list[int] = field(default_factory=list)
    _stop: list[int] = field(default_factory=list)
    _moves: list[tuple[int, int, int]] = field(default_factory=list)
    _seen: dict[int, tuple[int, ex.Compiled]] = field(default_factory=dict)

    def add(self, compiled: ex.Compiled) -> int:
        """The index of ``compiled``'s program (added on first sight)."""
        key = id(compiled)
        if key in self._seen:  # the entry keeps the object alive, so its id is not reused
            return self._seen[key][0]
        if compiled.constant is not None:
            body = [(OP["const"], self._const(float(compiled.constant)))]
        else:
            part = _Emitter(compiled.env, self).visit(compiled.expr)
            body = part if isinstance(part, list) else [(OP["const"], self._const(part))]
        self._start.append(len(self._code))
        self._code.extend(body)
        self._stop.append(len(self._code))
        self._seen[key] = (len(self._start) - 1, compiled)
        return len(self._start) - 1

    def _const(self, value: float) -> int:
        self._consts.append(value)
        return len(self._consts) - 1

    def last_move(self, where: tuple[int, int, int]) -> int:
        """The operand of a ``last_move`` read of ``(arena, party, reader)``."""
        if where not in self._moves:
            self._moves.append(where)
        return self._moves.index(where)

    def arrays(self) -> tuple[IntArray, FloatArray, IntArray, IntArray, IntArray]:
        """``(code, consts, start, stop, last_moves)`` as contiguous arrays."""
        code = np.array(self._code, dtype=np.int64).reshape(-1, 2)
        consts = np.array([*self._consts, 0.0], dtype=np.float64)
        moves = np.array(self._moves, dtype=np.int64).reshape(-1, 3)
        start = np.array(self._start, dtype=np.int64)
        return code, consts, start, np.array(self._stop, dtype=np.int64), moves

    def kinds(self) -> tuple[IntArray, IntArray, int]:
        """Per program its kind, and its column among the static programs; their count.

        Kind 0: a constant; 1: *static*, reads only constants and uncertainties,
        so its value is fixed for a trajectory and computed once per chunk;
        2: anything else, interpreted each time it is read.
        """
        kind = np.full(len(self._start), 2, dtype=np.int64)
        slot = np.full(len(self._start), -1, dtype=np.int64)
        count = 0
        for p, first in enumerate(self._start):
            ops = [op for op, _ in self._code[first : self._stop[p]]]
            if ops == [OP["const"]]:
                kind[p] = 0
            elif all(op not in _DYNAMIC for op in ops):
                kind[p], slot[p] = 1, count
                count += 1
        return kind, slot, count

    def depth(self) -> int:
        """The deepest stack any program needs."""
        deepest = 1
        for p, first in enumerate(self._start):
            level = 0
            for op, _ in self._code[first : self._stop[p]]:
                level += _effect(op)
                deepest = max(deepest, level)
        return deepest


def _effect(op: int) -> int:
    """How an instruction changes the stack's height."""
    if op <= OP["last_move"]:
        return 1
    if op in (OP["where"], OP["clip"]):
        return -2
    if op < OP["neg"] or op in (OP["min"], OP["max"]):
        return -1
    return 0


def _fold(ufunc: Callable[..., Any], values: Sequence[float]) -> float:
    """The ufunc on one-element arrays, as :mod:`escalade.scenario.expr.compile` folds."""
    with np.errstate(all="ignore"):
        out = ufunc(*(np.asarray([value]) for value in values))
    return float(out[0].item())


def _where(cond: Any, when_true: Any, when_false: Any) -> Any:
    return np.where(cond, when_true, when_false)


def _clip(x: Any, lo: Any, hi: Any) -> Any:
    return np.minimum(np.maximum(x, lo), hi)


class _Emitter:
    """Mirror of the NumPy compiler: the same folding, code instead of closures."""

    def __init__(self, env: ex.Env, programs: Programs) -> None:
        self.env = env
        self.index = env.index
        self.programs = programs

    def emit(self, op: str, parts: Sequence[_Part], ufunc: Callable[..., Any]) -> _Part:
        """Fold when every part is a constant, else push the parts and apply ``op``."""
        if not any(isinstance(p, list) for p in parts):
            return _fold(ufunc, parts)  # type: ignore[arg-type]
        code: list[tuple[int, int]] = []
        for part in parts:
            code += part if isinstance(part, list) else [self.load(part)]
        return [*code, (OP[op], 0)]

    def load(self, value: float) -> tuple[int, int]:
        """A ``const`` instruction."""
        return (OP["const"], self.programs._const(value))

    def visit(self, node: Expr) -> _Part:
        """The node's code or folded value."""
        if isinstance(node, Binary):
            parts = [self.visit(node.left), self.visit(node.right)]
            return self.emit(node.op, parts, BINARY[node.op])
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Number | Bool):
            return float(node.value)
        if isinstance(node, Date):
            return float(dt.date.toordinal(node.value))
        if isinstance(node, Builtin):
            return [(OP["round" if node.name == "round" else "day"], 0)]
        if isinstance(node, Variable):
            return [(OP["var"], self.index["variables"][node.name])]
        if isinstance(node, Uncertainty):
            return [(OP["unc"], self.index["uncertainties"][node.name])]
        if isinstance(node, Unary):
            operand = self.visit(node.operand)
            if node.op == "+":
                return operand
            if isinstance(operand, float):
                return -operand
            return self.emit("neg", [operand], np.negative)
        assert isinstance(node, Not)
        return self.emit("not", [self.visit(node.operand)], np.logical_not)

    def call(self, node: Call) -> _Part:
        """A call: reads of the state, or functions of their arguments."""
        if node.func == "taken":
            (arg,) = node.args
            assert isinstance(arg, String)
            return [(OP["taken"], self.index["taken"][arg.value])]
        if node.func == "rung":
            arena, *side = node.args
            assert isinstance(arena, String)
            who = side[0].value if side and isinstance(side[0], String) else None
            attribute, column = self.env.view(arena.value, who)
            return [(OP["view" if attribute == "views" else "rung"], column)]
        if node.func == "last_move":
            where, mover = node.args
            assert isinstance(where, String) and isinstance(mover, String)
            return [(OP["last_move"], self.programs.last_move(self.env.last_move(*_ids(node))))]
        parts = [self.visit(arg) for arg in node.args]
        if node.func == "where":
            cond, when_true, when_false = parts
            if not isinstance(cond, list):
                return when_true if cond else when_false
            return self.emit("where", parts, _where)
        if node.func in UNARY:
            return self.emit(node.func, parts, UNARY[node.func])
        if node.func == "clip":
            return self.emit("clip", parts, _clip)
        return self._reduce(node.func, parts)

    def _reduce(self, func: str, parts: list[_Part]) -> _Part:
        """``min``/``max`` of several values: pairwise from the left (``functools.reduce``)."""
        ufunc = np.minimum if func == "min" else np.maximum
        if not any(isinstance(p, list) for p in parts):
            return _fold(lambda *a: functools.reduce(ufunc, a), parts)  # type: ignore[arg-type]
        first = parts[0]
        code = list(first) if isinstance(first, list) else [self.load(first)]
        for part in parts[1:]:
            code += part if isinstance(part, list) else [self.load(part)]
            code.append((OP[func], 0))
        return code


def _ids(node: Call) -> tuple[str, str]:
    where, mover = node.args
    assert isinstance(where, String) and isinstance(mover, String)
    return where.value, mover.value
