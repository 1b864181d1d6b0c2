"""The syntax tree of scenario expressions.

Every node is a frozen, hashable dataclass. ``col`` is the 0-based offset of
the node in the text it was parsed from; it is left out of equality and
hashing, so ``parse(to_source(e)) == e`` holds although the columns differ.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "ARITHMETIC",
    "BUILTINS",
    "COMPARISONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Binary",
    "BinaryOp",
    "Bool",
    "Builtin",
    "Call",
    "Date",
    "Expr",
    "Not",
    "Number",
    "String",
    "Type",
    "Unary",
    "Uncertainty",
    "Variable",
    "children",
    "depth",
    "walk",
]

MAX_LENGTH: Final = 10_000
"""Longest expression text accepted, in characters."""

MAX_DEPTH: Final = 64
"""Deepest nesting accepted (operators, calls and parentheses each count a level)."""

BUILTINS: Final = ("round", "date")
"""Reserved names: the 0-based round index and the date at the start of the round."""

BinaryOp = Literal["or", "and", "<", "<=", ">", ">=", "==", "!=", "+", "-", "*", "/", "%", "**"]
COMPARISONS: Final = frozenset({"<", "<=", ">", ">=", "==", "!="})
ARITHMETIC: Final = frozenset({"+", "-", "*", "/", "%", "**"})


class Type(enum.Enum):
    """The type of an expression."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"

    @property
    def noun(self) -> str:
        """Return how messages name a value of this type (``"a number"``)."""
        return {"number": "a number", "bool": "true/false", "date": "a date"}[self.value]


@dataclass(frozen=True)
class Expr:
    """Base class of every syntax-tree node."""

    col: int = field(default=0, compare=False, kw_only=True, repr=False)


@dataclass(frozen=True)
class Number(Expr):
    """A non-negative finite number literal (``-1`` is ``Unary('-', Number(1))``)."""

    value: float


@dataclass(frozen=True)
class Bool(Expr):
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Date(Expr):
    """An ISO date literal such as ``2024-11-05``."""

    value: dt.date


@dataclass(frozen=True)
class String(Expr):
    """A quoted id; valid only as the argument of ``taken()`` or ``rung()``."""

    value: str


@dataclass(frozen=True)
class Variable(Expr):
    """A scenario variable, named by a bare slug."""

    name: str


@dataclass(frozen=True)
class Uncertainty(Expr):
    """An uncertainty, written ``$slug``."""

    name: str


@dataclass(frozen=True)
class Builtin(Expr):
    """``round`` (0-based round index) or ``date`` (start of the round)."""

    name: Literal["round", "date"]


@dataclass(frozen=True)
class Unary(Expr):
    """Unary minus or plus."""

    op: Literal["-", "+"]
    operand: Expr


@dataclass(frozen=True)
class Not(Expr):
    """Logical negation."""

    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    """A binary operator: logic, comparison or arithmetic."""

    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call(Expr):
    """A function call; ``func`` may be unknown until the expression is checked."""

    func: str
    args: tuple[Expr, ...]


def children(expr: Expr) -> tuple[Expr, ...]:
    """Return the direct sub-expressions of ``expr``."""
    if isinstance(expr, Unary | Not):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, Call):
        return expr.args
    return ()


def walk(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and all its sub-expressions, parents first (no recursion)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def depth(expr: Expr) -> tuple[int, Expr]:
    """Return the depth of the tree (a leaf has depth 1) and its deepest node (no recursion)."""
    best = (1, expr)
    stack = [(expr, 1)]
    while stack:
        node, level = stack.pop()
        if level > best[0]:
            best = (level, node)
        stack.extend((child, level + 1) for child in children(node))
    return best
