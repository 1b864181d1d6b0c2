"""A small tokenizer for Gambit's ``.efg`` and ``.nfg`` text formats, with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal, NoReturn

import numpy as np

from escalade.errors import GameFormatError, Issue

__all__ = ["NUMBER", "Reader", "Token", "format_number", "quote", "read_game_text", "tokenize"]

Kind = Literal["str", "num", "word", "{", "}"]

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/\d+)?")
"""A number of the Gambit formats: decimal, exponent or rational (``3/4``)."""
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, text and 1-based line; numbers parse on demand."""

    kind: Kind
    text: str
    line: int

    @property
    def value(self) -> Fraction | None:
        """The exact value of a number token (``None`` for other kinds)."""
        if self.kind != "num":
            return None
        num, _, den = self.text.partition("/")
        return Fraction(Fraction(num), int(den or "1"))

    @property
    def number(self) -> float:
        """The value of a number token as the nearest float (no Fraction on the way)."""
        num, slash, den = self.text.partition("/")
        if not slash:
            return float(num)
        if "." in num or "e" in num or "E" in num:
            return float(Fraction(Fraction(num), int(den)))
        return int(num) / int(den)  # correctly rounded, like float(Fraction)


def _fail(file: str, line: int, message: str, hint: str | None = None) -> NoReturn:
    raise GameFormatError([Issue(message, file=file, line=line, hint=hint)])


_TOKEN = re.compile(
    r"(?P<space>(?:[^\S\n]|,)+)|(?P<nl>\n)"
    r'|(?P<str>"(?:[^"\\]|\\.)*")'
    r"|(?P<brace>[{}])"
    rf"|(?P<num>{NUMBER.pattern})"
    rf"|(?P<word>{_WORD.pattern})"
    r"|(?P<other>.)",
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unquote(quoted: str) -> str:
    body = quoted[1:-1]
    return _ESCAPE.sub(r"\1", body) if "\\" in body else body


def tokenize(text: str, file: str) -> list[Token]:
    """Split ``text`` into tokens; commas are separators, like whitespace."""
    tokens: list[Token] = []
    append = tokens.append
    line = 1
    for m in _TOKEN.finditer(text):
        group = m.lastgroup
        if group == "space":
            continue
        if group == "nl":
            line += 1
        elif group == "str":
            quoted = m.group()
            append(Token("str", _unquote(quoted), line))
            line += quoted.count("\n")
        elif group == "brace":
            append(Token(m.group(), m.group(), line))  # type: ignore[arg-type]
        elif group == "num":
            num = m.group()
            if "/" in num and int(num.partition("/")[2]) == 0:
                _fail(file, line, f"expected a number, found {num!r} (division by zero)")
            append(Token("num", num, line))
        elif group == "word":
            append(Token("word", m.group(), line))
        elif m.group() == '"':
            _fail(
                file,
                line,
                "unterminated quoted string: expected a closing '\"'",
                "check for a missing quote or an unescaped quote inside a label",
            )
        else:
            _fail(file, line, f"unexpected character {m.group()!r}")
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
        if tok.text.isdigit():
            value = int(tok.text)
        else:
            exact = tok.value
            assert exact is not None
            value = int(exact) if exact.denominator == 1 else minimum - 1
        if value < minimum:
            self.fail(
                f"expected {what} (an integer >= {minimum}), found {tok.text!r}", line=tok.line
            )
        return value

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
        """Consume ``{ 1 2/3 0.5 ... }`` as exact values."""
        return [tok.value for tok in self._number_tokens(what)]  # type: ignore[misc]

    def floats_in_braces(self, what: str) -> list[float]:
        """Consume ``{ 1 2/3 0.5 ... }`` as floats (each the nearest to its exact value)."""
        return [tok.number for tok in self._number_tokens(what)]

    def _number_tokens(self, what: str) -> list[Token]:
        self.take("{", f"'{{' opening the {what}")
        out = []
        while not self.at("}"):
            out.append(self.take("num", f"a number in the {what} or '}}'"))
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


def quote(s: str) -> str:
    """A label as a Gambit string (double quotes inside become single quotes)."""
    return '"' + s.replace('"', "'") + '"'


def read_game_text(path: str | Path) -> tuple[str, str]:
    """The UTF-8 text of a game file and the name its errors use.

    Raises
    ------
    GameFormatError
        When the file cannot be read or is not UTF-8.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GameFormatError([Issue(f"cannot read the file: {exc}", file=str(p))]) from exc
    return text, p.name
