"""Parse expression text into a syntax tree (precedence climbing, bounded depth).

Precedence, lowest to highest: ``or``; ``and``; ``not``; comparisons
(non-associative); ``+ -``; ``* / %``; unary ``- +``; ``**`` (right
associative, and binding tighter than a unary minus on its left, as in
Python); calls and parentheses.
"""

from __future__ import annotations

from typing import Final

from escalade.scenario.expr.ast import (
    BUILTINS,
    COMPARISONS,
    MAX_DEPTH,
    Binary,
    BinaryOp,
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
    depth,
)
from escalade.scenario.expr.lexer import Token, describe, error, tokenize

__all__ = ["ATOM_PREC", "BINARY_PREC", "NOT_PREC", "UNARY_PREC", "parse"]

BINARY_PREC: Final[dict[str, int]] = {
    "or": 1,
    "and": 2,
    **dict.fromkeys(("<", "<=", ">", ">=", "==", "!="), 4),
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
    "**": 8,
}
NOT_PREC: Final = 3
UNARY_PREC: Final = 7
ATOM_PREC: Final = 9

_DEPTH_HINT: Final = (
    "simplify it or split it into several variables; "
    "a chain such as a + b + c counts one level per operator"
)


def parse(text: str) -> Expr:
    """Parse ``text`` into a syntax tree.

    Parameters
    ----------
    text : str
        An expression, e.g. ``"date >= 2024-11-05 and taken('deploy_to_kursk')"``.

    Returns
    -------
    Expr
        The root node. Names are not resolved yet: use :func:`check`.

    Raises
    ------
    ExpressionError
        With one issue (1-based ``col``) describing the first syntax error.

    Examples
    --------
    >>> from escalade.scenario.expr import parse, to_source
    >>> to_source(parse("-2**2 + (1 - x) * 3"))
    '-2 ** 2 + (1 - x) * 3'
    """
    tokens = tokenize(text)
    parser = _Parser(tokens)
    expr = parser.expression(0)
    token = parser.peek()
    if token.kind != "end":
        raise error(
            f"expected an operator or the end of the expression, found {describe(token)}",
            token.col,
            _leftover_hint(token),
        )
    # Every node takes at least one token, so a short text cannot be too deep.
    levels, node = depth(expr) if len(tokens) > MAX_DEPTH else (0, expr)
    if levels > MAX_DEPTH:
        raise error(
            f"expression is nested too deeply: {levels} levels, at most {MAX_DEPTH}",
            node.col,
            _DEPTH_HINT,
        )
    return expr


def _leftover_hint(token: Token) -> str | None:
    if token.kind == "op" and token.text == ")":
        return "this ')' has no matching '('"
    if token.kind in ("name", "number", "uncertainty", "date", "string") or token.text == "(":
        return "put an operator between two values"
    return None


def _binary_op(token: Token) -> BinaryOp | None:
    if (token.kind == "op" or token.text in ("and", "or")) and token.text in BINARY_PREC:
        return token.text  # type: ignore[return-value]
    return None


def _expected(previous: Token | None) -> str:
    if previous is None:
        return "expected an expression"
    op = previous.text
    if op in ("and", "or", "not"):
        what = "a condition"
    elif op in ("+", "-", "*", "/", "%", "**"):
        what = "a number"
    elif op in COMPARISONS:
        what = "a value"
    else:
        what = "an expression"
    return f"expected {what} after {op!r}"


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != "end":
            self.pos += 1
        return token

    def previous(self) -> Token | None:
        return self.tokens[self.pos - 1] if self.pos > 0 else None

    def expression(self, min_prec: int) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise error(
                f"expression is nested too deeply: more than {MAX_DEPTH} levels",
                self.peek().col,
                _DEPTH_HINT,
            )
        left = self.prefix(min_prec)
        while (op := _binary_op(self.peek())) is not None and BINARY_PREC[op] >= min_prec:
            token = self.advance()
            prec = BINARY_PREC[op]
            right = self.expression(UNARY_PREC if op == "**" else prec + 1)
            left = Binary(op, left, right, col=token.col)
            follow = self.peek()
            if op in COMPARISONS and _binary_op(follow) in COMPARISONS:
                raise error(
                    f"comparisons cannot be chained: found {follow.text!r} after {op!r}",
                    follow.col,
                    "write 'a < b and b < c' instead of 'a < b < c'",
                )
        self.depth -= 1
        return left

    def prefix(self, min_prec: int) -> Expr:
        previous = self.previous()
        token = self.advance()
        col = token.col
        if token.kind == "number":
            assert isinstance(token.value, float)
            return Number(token.value, col=col)
        if token.kind == "date":
            return Date(token.value, col=col)  # type: ignore[arg-type]
        if token.kind == "string":
            return String(str(token.value), col=col)
        if token.kind == "uncertainty":
            return Uncertainty(str(token.value), col=col)
        if token.kind == "name":
            return self.name(token, min_prec)
        if token.text == "(":
            inner = self.expression(0)
            self.expect_close(token, "to close the '(' at column {col}")
            return inner
        if token.text in ("-", "+"):
            operand = self.expression(UNARY_PREC)
            return Unary(token.text, operand, col=col)  # type: ignore[arg-type]
        raise error(f"{_expected(previous)}, found {describe(token)}", col, _prefix_hint(token))

    def name(self, token: Token, min_prec: int) -> Expr:
        word, col = token.text, token.col
        if word in ("true", "false"):
            return Bool(word == "true", col=col)
        if word == "not":
            if min_prec > NOT_PREC:
                previous = self.tokens[self.pos - 2]
                raise error(
                    f"'not' cannot follow {previous.text!r} without parentheses",
                    col,
                    "put the negation in parentheses: (not ...)",
                )
            return Not(self.expression(NOT_PREC), col=col)
        if word in ("and", "or"):
            raise error(
                f"{_expected(self.tokens[self.pos - 2] if self.pos > 1 else None)}, found {word!r}",
                col,
                f"{word!r} joins two conditions",
            )
        if self.peek().text == "(":
            return self.call(token)
        if word in BUILTINS:
            return Builtin(word, col=col)  # type: ignore[arg-type]
        return Variable(word, col=col)

    def call(self, name: Token) -> Expr:
        opening = self.advance()
        args: list[Expr] = []
        if self.peek().text == ")":
            self.advance()
            return Call(name.text, (), col=name.col)
        while True:
            args.append(self.expression(0))
            if self.peek().text == ",":
                self.advance()
                continue
            self.expect_close(
                opening, f"or ',' to continue the arguments of {name.text}() at column {{col}}"
            )
            return Call(name.text, tuple(args), col=name.col)

    def expect_close(self, opening: Token, purpose: str) -> None:
        token = self.peek()
        if token.text == ")":
            self.advance()
            return
        where = purpose.format(col=opening.col + 1)
        raise error(f"expected ')' {where}, found {describe(token)}", token.col)


def _prefix_hint(token: Token) -> str | None:
    if token.kind == "end":
        return "the expression is incomplete"
    if token.text == ")":
        return "a value is missing before ')'"
    if token.text == ",":
        return "a value is missing before ','"
    return None
