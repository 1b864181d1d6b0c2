"""Print a syntax tree back as canonical expression text."""

from __future__ import annotations

import math

from escalade.errors import UsageError
from escalade.scenario.expr.ast import (
    COMPARISONS,
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
)
from escalade.scenario.expr.parser import ATOM_PREC, BINARY_PREC, NOT_PREC, UNARY_PREC

__all__ = ["to_source"]


def to_source(expr: Expr) -> str:
    """Return the canonical text of ``expr``.

    Operators are separated by single spaces, strings use single quotes and
    parentheses appear only where precedence needs them, so
    ``parse(to_source(e)) == e`` (columns aside).

    Parameters
    ----------
    expr : Expr
        A syntax tree, usually from :func:`parse`.

    Returns
    -------
    str
        Text that parses back to an equal tree.

    Raises
    ------
    UsageError
        If a number literal is negative or not finite (the parser never
        produces one: ``-1`` is a unary minus applied to ``1``).
    """
    return _source(expr)


def _precedence(expr: Expr) -> int:
    if isinstance(expr, Binary):
        return BINARY_PREC[expr.op]
    if isinstance(expr, Not):
        return NOT_PREC
    if isinstance(expr, Unary):
        return UNARY_PREC
    return ATOM_PREC


def _wrap(expr: Expr, needed: bool) -> str:
    text = _source(expr)
    return f"({text})" if needed else text


def _source(expr: Expr) -> str:
    if isinstance(expr, Binary):
        return _binary(expr)
    if isinstance(expr, Not):
        return "not " + _wrap(expr.operand, _precedence(expr.operand) < NOT_PREC)
    if isinstance(expr, Unary):
        operand = _wrap(expr.operand, _precedence(expr.operand) < UNARY_PREC)
        separator = " " if operand.startswith(("-", "+")) else ""
        return f"{expr.op}{separator}{operand}"
    if isinstance(expr, Call):
        return f"{expr.func}({', '.join(_source(arg) for arg in expr.args)})"
    return _leaf(expr)


def _binary(expr: Binary) -> str:
    prec = BINARY_PREC[expr.op]
    left_prec, right_prec = _precedence(expr.left), _precedence(expr.right)
    if expr.op == "**":
        left_parens = left_prec <= prec
        right_parens = right_prec < UNARY_PREC
    elif expr.op in COMPARISONS:
        left_parens = left_prec <= prec
        right_parens = right_prec <= prec
    else:
        left_parens = left_prec < prec
        right_parens = right_prec <= prec
    left = _wrap(expr.left, left_parens)
    right = _wrap(expr.right, right_parens)
    return f"{left} {expr.op} {right}"


def _leaf(expr: Expr) -> str:
    if isinstance(expr, Number):
        return _number(expr.value)
    if isinstance(expr, Bool):
        return "true" if expr.value else "false"
    if isinstance(expr, Date):
        return expr.value.isoformat()
    if isinstance(expr, String):
        escaped = expr.value.replace("\\", "\\\\").replace("'", "\\'")
        return f"'{escaped}'"
    if isinstance(expr, Uncertainty):
        return "$" + expr.name
    if isinstance(expr, Variable | Builtin):
        return expr.name
    raise UsageError(f"to_source() expects an expression node, found {type(expr).__name__}")


def _number(value: float) -> str:
    if not math.isfinite(value) or value < 0 or math.copysign(1.0, value) < 0:
        raise UsageError(
            f"a number literal must be finite and non-negative, found {value!r} "
            "(write a negative number as Unary('-', Number(...)))"
        )
    if value.is_integer() and value < 1e16:
        return str(int(value))
    return repr(float(value))
