"""Split expression text into tokens.

Token kinds: ``number``, ``date``, ``string``, ``name`` (slugs and the
keywords ``and or not true false``), ``uncertainty`` (``$slug``), ``op``
(operators, parentheses and the comma) and ``end``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Final, Literal, NamedTuple

from escalade.errors import ExpressionError, Issue
from escalade.scenario.expr.ast import MAX_LENGTH

__all__ = ["KEYWORDS", "Token", "TokenKind", "error", "tokenize"]

TokenKind = Literal["number", "date", "string", "name", "uncertainty", "op", "end"]
KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false"})

_NAME_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_SPACE: Final = frozenset(" \t\r\n")
_OPS: Final = ("**", "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![A-Za-z0-9_])")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLUG = re.compile(r"[a-z_][a-z0-9_]*")
_FAST = re.compile(
    r"(?P<space>[ \t\r\n]+)"
    r"|(?P<name>[a-z_][a-z0-9_]*)(?![A-Za-z0-9_])"
    r"|\$(?P<uncertainty>[a-z_][a-z0-9_]*)(?![A-Za-z0-9_])"
    r"|(?P<op>\*\*|<=|>=|==|!=|[<>+\-*/%(),])"
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)(?![A-Za-z0-9_.\-])"
)
"""The common tokens, read with one regular expression; anything else (dates, strings,
numbers like ``2.`` or ``.5``, a number before ``-``, every error) goes through the
careful path, which reads those the same way."""
_CHAR_HINTS: Final = {
    "&": "write 'and'",
    "|": "write 'or'",
    "!": "write 'not' for negation, '!=' for 'differs from'",
    "=": "write '==' to compare",
    "^": "write '**' for powers",
    "[": "only parentheses group sub-expressions",
    "]": "only parentheses group sub-expressions",
    "{": "only parentheses group sub-expressions",
    "}": "only parentheses group sub-expressions",
    "\u2018": "use a straight quote ' or \"",
    "\u2019": "use a straight quote ' or \"",
    "\u201c": "use a straight quote ' or \"",
    "\u201d": "use a straight quote ' or \"",
    "\u2212": "write '-' (ASCII hyphen-minus)",
    "\u2013": "write '-' (ASCII hyphen-minus)",
    "\u00d7": "write '*'",
    "\u2264": "write '<='",
    "\u2265": "write '>='",
    "\u2260": "write '!='",
}
_NON_ASCII_HINT: Final = "expressions are written in ASCII; was this text pasted from a document?"


class Token(NamedTuple):
    """One token: its kind, its text, its value and its 0-based offset.

    A named tuple: tokens are made by the hundred thousand when a large
    scenario is validated, and a tuple is several times cheaper to build than a
    frozen dataclass.
    """

    kind: TokenKind
    text: str
    col: int
    value: float | dt.date | str | None = None


def error(message: str, col: int, hint: str | None = None) -> ExpressionError:
    """Return an :class:`ExpressionError` with one issue at 0-based offset ``col``."""
    return ExpressionError([Issue(message, col=col + 1, hint=hint)])


def describe(token: Token) -> str:
    """Return how messages show a token (``"')'"``, ``"the end of the expression"``)."""
    if token.kind == "end":
        return "the end of the expression"
    return repr(token.text)


def tokenize(text: str) -> list[Token]:
    """Return the tokens of ``text``, ending with an ``end`` token.

    Raises
    ------
    ExpressionError
        For text longer than :data:`MAX_LENGTH`, an unexpected character, a
        malformed number, an impossible date or an unterminated string.
    """
    if not isinstance(text, str):
        raise error(f"expected the expression as text, found {type(text).__name__}", 0)
    if len(text) > MAX_LENGTH:
        raise error(
            f"expression is too long: {len(text)} characters, at most {MAX_LENGTH} allowed",
            0,
            "split it into several variables or effects",
        )
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        fast = _FAST.match(text, pos)
        if fast is not None and fast.lastgroup == "space":
            pos = fast.end()
            continue
        token = (_fast_token(fast, pos) if fast is not None else None) or _next_token(text, pos)
        tokens.append(token)
        pos += len(token.text)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _fast_token(match: re.Match[str], pos: int) -> Token | None:
    """The token a :data:`_FAST` match stands for (None: read it carefully)."""
    kind, word = match.lastgroup, match.group()
    if kind == "name":
        return Token("name", word, pos, word)
    if kind == "op":
        return Token("op", word, pos)
    if kind == "uncertainty":
        return Token("uncertainty", word, pos, word[1:])
    if kind == "number":
        number = float(word)
        return None if math.isinf(number) else Token("number", word, pos, number)
    return None


def _next_token(text: str, pos: int) -> Token:
    char = text[pos]
    if (char.isascii() and char.isdigit()) or (char == "." and _NUMBER.match(text, pos)):
        return _number_or_date(text, pos)
    if char in "'\"":
        return _string(text, pos)
    if char == "$":
        match = _NAME.match(text, pos + 1)
        if match is None:
            raise error(
                "expected an uncertainty name after '$'",
                pos,
                "an uncertainty is written $name, e.g. $strike_effect",
            )
        _require_slug(match.group(), pos + 1)
        return Token("uncertainty", "$" + match.group(), pos, match.group())
    match = _NAME.match(text, pos)
    if match is not None:
        word = match.group()
        _require_slug(word, pos)
        return Token("name", word, pos, word)
    for op in _OPS:
        if text.startswith(op, pos):
            return Token("op", op, pos)
    hint = _CHAR_HINTS.get(char) or (None if char.isascii() else _NON_ASCII_HINT)
    raise error(f"unexpected character {char!r}", pos, hint)


def _require_slug(word: str, pos: int) -> None:
    if _SLUG.fullmatch(word):
        return
    lower = word.lower()
    hint = f"did you mean '{lower}'?" if _SLUG.fullmatch(lower) else None
    raise error(
        f"expected a lowercase name (letters a-z, digits, '_'), found {word!r}",
        pos,
        hint,
    )


def _number_or_date(text: str, pos: int) -> Token:
    date = _DATE.match(text, pos)
    if date is not None and (pos == 0 or text[pos - 1] not in _NAME_CHARS):
        literal = date.group()
        try:
            value = dt.date.fromisoformat(literal)
        except ValueError as exc:
            raise error(
                f"invalid date {literal!r}: {exc}", pos, "dates are written YYYY-MM-DD"
            ) from None
        return Token("date", literal, pos, value)
    match = _NUMBER.match(text, pos)
    assert match is not None  # the caller saw a digit or '.' followed by a digit
    end = match.end()
    if end < len(text) and (text[end] in _NAME_CHARS or text[end] == "."):
        stop = end
        while stop < len(text) and (text[stop] in _NAME_CHARS or text[stop] == "."):
            stop += 1
        raise error(
            f"malformed number {text[pos:stop]!r}",
            pos,
            "numbers look like 3, 0.25, .5 or 1e-3; put an operator between a number and a name",
        )
    literal = match.group()
    number = float(literal)
    if math.isinf(number):
        raise error(f"number {literal!r} is too large (the largest is about 1.8e308)", pos)
    return Token("number", literal, pos, number)


def _string(text: str, pos: int) -> Token:
    quote = text[pos]
    chars: list[str] = []
    index = pos + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
            continue
        if char == quote:
            return Token("string", text[pos : index + 1], pos, "".join(chars))
        chars.append(char)
        index += 1
    raise error(
        f"unterminated string: expected a closing {quote} before the end of the expression",
        pos,
    )
