"""Safe YAML reading with a position for every node.

The text is composed into YAML nodes by PyYAML (libyaml's C parser when it is
built in) under the YAML 1.2 core schema (no object is ever constructed from a
tag) and converted, by :mod:`escalade.scenario._yaml_convert`, into plain
data: ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``
(dates stay ISO strings). Every
node's 1-based line and column is kept in a map keyed by its path, so that
later validation errors can point at the file position.

Hostile input is refused in bounded time and memory: files over
:data:`MAX_BYTES`, NUL bytes, non-UTF-8 text, tags other than the YAML core
ones, duplicate keys, nesting deeper than :data:`MAX_DEPTH` (counted on the
token stream, before any node is built), alias expansion beyond
:data:`MAX_NODES` nodes, integers longer than :data:`MAX_DIGITS` digits, scalars
that do not convert to their tag's type, and ``%YAML`` directives other than
1.2.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from yaml import MarkedYAMLError, YAMLError, tokens
from yaml.constructor import BaseConstructor
from yaml.resolver import BaseResolver

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.loader import BaseLoader as _Parser  # type: ignore[assignment]

from escalade.errors import Issue, ScenarioError, Severity
from escalade.scenario._yaml_convert import (
    CORE,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    Converter,
    format_path,
)

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_NODES",
    "Loaded",
    "Path",
    "decode",
    "format_path",
    "load_yaml",
]

MAX_BYTES = 4 * 1024 * 1024

Path = tuple[str | int, ...]


@dataclass
class Loaded:
    """Plain data from a YAML document and the position of every node."""

    data: Any
    file: str
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    deadline: float | None = None

    def check_time(self) -> None:
        """Raise :class:`ScenarioError` when the validation budget is spent."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ScenarioError(
                [
                    Issue(
                        "expected validation to finish within its time budget, found it running "
                        "over",
                        file=self.file,
                        hint="the file is too large or too complex to check here; "
                        "split it, or validate it locally with 'escalade validate'",
                    )
                ]
            )

    def position(self, path: Path) -> tuple[int | None, int | None]:
        """Return ``(line, col)`` of ``path`` or of its nearest known ancestor."""
        probe = tuple(path)
        while True:
            if probe in self.positions:
                return self.positions[probe]
            if not probe:
                return None, None
            probe = probe[:-1]

    def issue(
        self, path: Path, message: str, hint: str | None = None, *, severity: Severity = "error"
    ) -> Issue:
        """Return an :class:`Issue` located at ``path``."""
        line, col = self.position(path)
        return Issue(message, format_path(path), self.file, line, col, hint, severity)


def decode(raw: bytes, file: str) -> str:
    """Decode file bytes as UTF-8, refusing oversized, binary and non-UTF-8 input."""
    if len(raw) > MAX_BYTES:
        raise ScenarioError(
            [
                Issue(
                    f"expected a scenario file of at most {MAX_BYTES // (1024 * 1024)} MiB, "
                    f"found {len(raw):,} bytes",
                    file=file,
                    hint="split the data into smaller files",
                )
            ]
        )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        raise ScenarioError(
            [Issue("expected UTF-8 text, found a NUL byte (binary file?)", file=file, line=line)]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            [
                Issue(
                    f"expected UTF-8 text, found byte 0x{raw[exc.start]:02x} (not UTF-8)",
                    file=file,
                    line=line,
                    hint="save the file as UTF-8",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml(text: str, file: str = "<string>", *, budget: float | None = None) -> Loaded:
    """Parse one YAML document into plain data with positions.

    Parameters
    ----------
    text : str
        The YAML text.
    file : str
        The name used in error locations.
    budget : float, optional
        Seconds the caller allows; the returned :class:`Loaded` carries the
        deadline so that later validation steps can check it too.

    Raises
    ------
    ScenarioError
        For syntax errors, forbidden tags, duplicate keys, excessive nesting or
        alias expansion, and empty documents; each with file, line and column.
    """
    if len(text) > MAX_BYTES:
        decode(text.encode("utf-8", "surrogatepass"), file)
    loaded = Loaded(None, file)
    if budget is not None:
        loaded.deadline = time.monotonic() + budget
    try:
        _prescan(text)
        loaded.check_time()
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _Refused as exc:
        raise ScenarioError([Issue(exc.message, "", file, exc.line, exc.col, exc.hint)]) from None
    except MarkedYAMLError as exc:
        issue = _marked_issue(exc, file, text)
        if "nesting depth" in str(exc.problem):  # libyaml's own bound (1,000) came first
            issue = replace(issue, message=_TOO_DEEP, hint=_FLATTEN)
        raise ScenarioError([issue]) from None
    except YAMLError as exc:
        raise ScenarioError([Issue(f"invalid YAML: {exc}", file=file)]) from None
    except UnicodeError:
        raise ScenarioError(
            [Issue("expected text, found characters that are not valid Unicode", file=file)]
        ) from None
    if node is None:
        raise ScenarioError(
            [
                Issue(
                    "expected a mapping with the scenario sections, found an empty document",
                    file=file,
                )
            ]
        )
    loaded.check_time()
    converter = Converter(loaded)
    loaded.data = converter.convert(node, ())
    return loaded


class _Refused(Exception):
    """Raised from inside the scanner; turned into a located :class:`ScenarioError`."""

    def __init__(self, message: str, mark: Any, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1
        self.col = mark.column + 1
        self.hint = hint


_TOO_DEEP = f"expected nesting at most {MAX_DEPTH} levels deep, found deeper"
_FLATTEN = "flatten the data: scenario files need only a few levels"
_OPEN = frozenset(
    (
        tokens.BlockMappingStartToken,
        tokens.BlockSequenceStartToken,
        tokens.FlowMappingStartToken,
        tokens.FlowSequenceStartToken,
    )
)
_CLOSE = frozenset((tokens.BlockEndToken, tokens.FlowMappingEndToken, tokens.FlowSequenceEndToken))


def _prescan(text: str) -> None:
    """Walk the token stream once, refusing deep nesting and non-1.2 ``%YAML`` lines.

    Collections are counted as the scanner opens and closes them (flow brackets
    and block indentation alike), so the bound holds whatever the quoting, and
    the scan stops at the first token past :data:`MAX_DEPTH`: a YAML scanner's
    own cost grows with the number of open collections.
    """
    scanner = _Parser(text)
    depth = line = opened = 0
    try:
        for token in iter(scanner.get_token, None):
            kind = type(token)
            if kind in _OPEN:
                depth += 1
                mark = token.start_mark
                opened = opened + 1 if mark.line == line else 1
                line = mark.line
                if depth > MAX_DEPTH:
                    raise _Refused(_TOO_DEEP, mark, _FLATTEN)
            elif kind in _CLOSE:
                depth -= 1
            elif kind is tokens.DirectiveToken and _foreign_version(token):
                version = ".".join(str(part) for part in getattr(token, "value", ()))
                raise _Refused(
                    f"expected YAML 1.2 (or no %YAML line), found %YAML {version}",
                    token.start_mark,
                    "delete the %YAML line: escalade reads YAML 1.2 (yes/no and 1:30 are text)",
                )
    except MarkedYAMLError as exc:
        # libyaml's own bound (1,000 levels) can trip while it scans ahead, before it
        # hands over the token past ours; locate our bound on the line ourselves.
        where = exc.problem_mark
        if "nesting depth" not in str(exc.problem) or where is None:
            raise
        before = depth - opened if where.line == line else depth
        column = _bracket_column(text, where.line, MAX_DEPTH + 1 - before)
        refused = _Refused(_TOO_DEEP, where, _FLATTEN)
        refused.col = column or refused.col
        raise refused from None
    finally:
        if hasattr(scanner, "dispose"):
            scanner.dispose()


def _bracket_column(text: str, line: int, n: int) -> int | None:
    """1-based column of the ``n``-th flow bracket opened on 0-based ``line``, or None.

    Brackets inside quoted text are skipped. Used when libyaml stops on its own
    bound before handing over the bracket past ours, so that the error points at
    the same column with every libyaml build.
    """
    lines = text.split("\n", line + 1)
    if n < 1 or len(lines) <= line:
        return None
    quote = ""
    for offset, char in enumerate(lines[line]):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            n -= 1
            if n == 0:
                return offset + 1
    return None


def _foreign_version(token: Any) -> bool:
    return (
        isinstance(token, tokens.DirectiveToken)
        and token.name == "YAML"
        and tuple(token.value or ()) != (1, 2)
    )


class _Resolver(BaseResolver):
    """The YAML 1.2 core schema's implicit tags (``yes``, ``0777``, ``1:30`` are text)."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "float",
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
        r"|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (
        "int",
        r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$",
        "-+0123456789",
    ),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("timestamp", r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9])$", "0123456789"),
):
    _Resolver.add_implicit_resolver(CORE + _tag, re.compile(_pattern), list(_first))


class _Loader(_Parser, BaseConstructor, _Resolver):
    """libyaml's parser and composer (when built in) with the YAML 1.2 resolver."""

    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        BaseConstructor.__init__(self)
        _Resolver.__init__(self)


_INDENT_PROBLEMS = ("mapping values are not allowed", "expected <block end>", "expected ':'")


def _key_column(line: str) -> int:
    """1-based column where the line's key starts (after a list dash)."""
    stripped = line.lstrip(" ")
    dash = 2 if stripped.startswith("- ") else 0
    return len(line) - len(stripped) + dash + 1


def _indent_hint(lines: list[str], at: int) -> str:
    """Where the indentation near line ``at`` (0-based) is off by one column, if it is."""
    general = "the keys of one mapping must start in the same column; check the indentation here"
    content = [
        k
        for k in range(max(0, at - 3), min(at + 1, len(lines)))
        if lines[k].strip() and not lines[k].lstrip().startswith("#")
    ]
    for above, below in pairwise(content):
        a, b = _key_column(lines[above]), _key_column(lines[below])
        if abs(a - b) == 1:
            where = f"line {above + 1} starts in column {a}, line {below + 1} in column {b}"
            return f"{general}: {where}"
    return f"{general} and on the lines just above"


def _marked_issue(exc: MarkedYAMLError, file: str, text: str) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if mark is not None and problem.startswith("found character that"):
        lines = text.splitlines()
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            problem = problem.replace("character", f"character {lines[mark.line][mark.column]!r}")
    if exc.context:
        problem = f"{exc.context}: {problem}"
    hint = None
    if "\t" in problem or "\\t" in problem or "tab" in problem.lower():
        hint = "indent with spaces, not tabs"
    elif mark is not None and any(p in problem for p in _INDENT_PROBLEMS):
        hint = _indent_hint(text.splitlines(), mark.line)
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return Issue(f"invalid YAML: {problem}", "", file, line, col, hint)
