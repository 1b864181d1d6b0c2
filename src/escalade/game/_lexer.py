"""A small tokenizer for Gambit's ``.efg`` and ``.nfg`` text formats, with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, NoReturn

import numpy as np

from escalade.errors import GameFormatError, Issue

__all__ = ["Reader", "Token", "format_number", "tokenize"]

Kind = Literal["str", "num", "word", "{", "}"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, text, parsed value (for numbers) and 1-based line."""

    kind: Kind
    text: str
    line: int
    value: Fraction | None = None


def _fail(file: str, line: int, message: str, hint: str | None = None) -> NoReturn:
    raise GameFormatError([Issue(message, file=file, line=line, hint=hint)])


def _number(text: str, file: str, line: int) -> Fraction:
    num, _, den = text.partition("/")
    if den and int(den) == 0:
        _fail(file, line, f"expected a number, found {text!r} (division by zero)")
    try:
        return Fraction(Fraction(num), int(den or "1"))
    except (ValueError, ZeroDivisionError):
        _fail(file, line, f"expected a number, found {text!r}")


def _string(text: str, start: int, line: int, file: str) -> tuple[str, int, int]:
    """Read a quoted string starting after the opening quote; return (value, end, lines)."""
    out: list[str] = []
    i, n, newlines = start, len(text), 0
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i + 1])
            newlines += text[i + 1] == "\n"
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1, newlines
        newlines += ch == "\n"
        out.append(ch)
        i += 1
    _fail(
        file,
        line,
        "unterminated quoted string: expected a closing '\"'",
        "check for a missing quote or an unescaped quote inside a label",
    )


def tokenize(text: str, file: str) -> list[Token]:
    """Split ``text`` into tokens; commas are separators, like whitespace."""
    tokens: list[Token] = []
    i, n, line = 0, len(text), 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace() or ch == ",":
            i += 1
        elif ch == '"':
            value, i, lines = _string(text, i + 1, line, file)
            tokens.append(Token("str", value, line))
            line += lines
        elif ch in "{}":
            tokens.append(Token(ch, ch, line))  # type: ignore[arg-type]
            i += 1
        elif m := _NUMBER.match(text, i):
            tokens.append(Token("num", m.group(), line, _number(m.group(), file, line)))
            i = m.end()
        elif m := _WORD.match(text, i):
            tokens.append(Token("word", m.group(), line))
            i = m.end()
        else:
            _fail(file, line, f"unexpected character {ch!r}")
    return tokens


class Reader:
    """A cursor over tokens with error helpers that name ``file:line``."""

    def __init__(self, tokens: list[Token], file: str) -> None:
        self.tokens = tokens
        self.file = file
        self.pos = 0

    @property
    def line(self) -> int:
        """Line of the current token (or of the last one at the end)."""
        if self.pos < len(self.tokens):
            return self.tokens[self.pos].line
        return self.tokens[-1].line if self.tokens else 1

    def peek(self) -> Token | None:
        """Return the current token without consuming it."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def fail(self, message: str, *, line: int | None = None, hint: str | None = None) -> NoReturn:
        """Raise :class:`GameFormatError` at ``line`` (default: the current token)."""
        _fail(self.file, self.line if line is None else line, message, hint)

    def take(self, kind: Kind, what: str) -> Token:
        """Consume a token of ``kind`` or fail saying ``what`` was expected."""
        tok = self.peek()
        if tok is None:
            self.fail(
                f"expected {what}, found the end of the file",
                hint="the file may be truncated or a brace left open",
            )
        if tok.kind != kind:
            self.fail(f"expected {what}, found {tok.text!r}")
        self.pos += 1
        return tok

    def take_int(self, what: str, minimum: int = 0) -> int:
        """Consume a non-negative integer (at least ``minimum``)."""
        tok = self.take("num", what)
        assert tok.value is not None
        if tok.value.denominator != 1 or tok.value < minimum:
            self.fail(
                f"expected {what} (an integer >= {minimum}), found {tok.text!r}", line=tok.line
            )
        return int(tok.value)

    def take_word(self, *allowed: str) -> Token:
        """Consume one of the words ``allowed``."""
        tok = self.take("word", " or ".join(repr(a) for a in allowed))
        if tok.text not in allowed:
            self.fail(
                f"expected {' or '.join(repr(a) for a in allowed)}, found {tok.text!r}",
                line=tok.line,
            )
        return tok

    def at(self, kind: Kind) -> bool:
        """Whether the current token is of ``kind``."""
        tok = self.peek()
        return tok is not None and tok.kind == kind

    def strings_in_braces(self, what: str) -> list[str]:
        """Consume ``{ "a" "b" ... }``."""
        self.take("{", f"'{{' opening the {what}")
        out = []
        while not self.at("}"):
            out.append(
                self.take(
                    "str", f"a quoted {what[:-1] if what.endswith('s') else what} or '}}'"
                ).text
            )
        self.pos += 1
        return out

    def numbers_in_braces(self, what: str) -> list[Fraction]:
        """Consume ``{ 1 2/3 0.5 ... }``."""
        self.take("{", f"'{{' opening the {what}")
        out = []
        while not self.at("}"):
            tok = self.take("num", f"a number in the {what} or '}}'")
            assert tok.value is not None
            out.append(tok.value)
        self.pos += 1
        return out


def format_number(x: float) -> str:
    """Format ``x`` exactly for Gambit and OpenSpiel: ``3``, ``1/3`` or ``0.125``."""
    if x == int(x) and abs(x) < 2**53:
        return str(int(x))
    frac = Fraction(x).limit_denominator(1_000_000)
    if float(frac) == x and abs(frac.numerator) < 2**31:
        return f"{frac.numerator}/{frac.denominator}"
    return str(np.format_float_positional(x, unique=True, trim="-"))
