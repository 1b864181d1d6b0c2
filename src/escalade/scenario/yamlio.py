"""Safe YAML reading with a position for every node.

The text is composed into YAML nodes by ruamel.yaml (no object is ever
constructed from a tag) and converted here into plain data: ``dict``, ``list``,
``str``, ``int``, ``float``, ``bool``, ``None`` (dates stay ISO strings). Every
node's 1-based line and column is kept in a map keyed by its path, so that
later validation errors can point at the file position.

Hostile input is refused in bounded time and memory: files over
:data:`MAX_BYTES`, NUL bytes, non-UTF-8 text, tags other than the YAML core
ones, duplicate keys, nesting deeper than :data:`MAX_DEPTH` and alias expansion
beyond :data:`MAX_NODES` nodes.
"""

from __future__ import annotations

import io
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from escalade.errors import Issue, ScenarioError, Severity

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Loaded", "Path", "decode", "load_yaml"]

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_KINDS = {"map": "mapping", "seq": "list"}
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$|^0x[0-9a-fA-F_]+$|^0o[0-7_]+$")


@dataclass
class Loaded:
    """Plain data from a YAML document and the position of every node."""

    data: Any
    file: str
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

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


def format_path(path: Path) -> str:
    """Return ``options[2].success`` for ``("options", 2, "success")``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


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


def load_yaml(text: str, file: str = "<string>") -> Loaded:
    """Parse one YAML document into plain data with positions.

    Raises
    ------
    ScenarioError
        For syntax errors, forbidden tags, duplicate keys, excessive nesting or
        alias expansion, and empty documents; each with file, line and column.
    """
    if len(text) > MAX_BYTES:
        decode(text.encode("utf-8", "surrogatepass"), file)
    depth = _flow_depth(text)
    if depth > MAX_DEPTH:
        raise ScenarioError(
            [Issue(f"expected nesting at most {MAX_DEPTH} levels deep, found {depth}", file=file)]
        )
    yaml = YAML(typ="safe", pure=True)
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 4000))
        node = yaml.compose(io.StringIO(text))
    except MarkedYAMLError as exc:
        raise ScenarioError([_marked_issue(exc, file)]) from None
    except YAMLError as exc:
        raise ScenarioError([Issue(f"invalid YAML: {exc}", file=file)]) from None
    except RecursionError:
        raise ScenarioError(
            [Issue(f"expected nesting at most {MAX_DEPTH} levels deep, found deeper", file=file)]
        ) from None
    finally:
        sys.setrecursionlimit(limit)
    if node is None:
        raise ScenarioError(
            [
                Issue(
                    "expected a mapping with the scenario sections, found an empty document",
                    file=file,
                )
            ]
        )
    loaded = Loaded(None, file)
    converter = _Converter(loaded)
    loaded.data = converter.convert(node, ())
    return loaded


def _flow_depth(text: str) -> int:
    """Return a cheap upper estimate of the nesting depth (brackets and block dashes)."""
    if not any(c in text for c in "[{") and "- -" not in text:
        return 0
    depth = best = 0
    quote = ""
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        dashes = 0
        while stripped.startswith("- "):
            dashes += 1
            stripped = stripped[2:].lstrip(" ")
        best = max(best, dashes + (len(line) - len(line.lstrip(" "))) // 2)
        for char in line:
            if quote:
                if char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "#":
                break
            elif char in "[{":
                depth += 1
                best = max(best, depth)
            elif char in "]}":
                depth = max(0, depth - 1)
    return best


def _marked_issue(exc: MarkedYAMLError, file: str) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{exc.context}: {problem}"
    hint = None
    if "\t" in problem or "\\t" in problem or "tab" in problem.lower():
        hint = "indent with spaces, not tabs"
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return Issue(f"invalid YAML: {problem}", "", file, line, col, hint)


class _Converter:
    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.count = 0

    def fail(self, node: Node, message: str, path: Path, hint: str | None = None) -> ScenarioError:
        mark = node.start_mark
        issue = Issue(
            message, format_path(path), self.loaded.file, mark.line + 1, mark.column + 1, hint
        )
        return ScenarioError([issue])

    def convert(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                f"expected at most {MAX_NODES:,} nodes after alias expansion, found more",
                path,
                "avoid deeply repeated aliases",
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(
                node, f"expected nesting at most {MAX_DEPTH} levels deep, found deeper", path
            )
        self.loaded.positions.setdefault(
            path, (node.start_mark.line + 1, node.start_mark.column + 1)
        )
        tag = node.tag or ""
        if isinstance(node, MappingNode):
            self._check_tag(node, tag, "map", path)
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            self._check_tag(node, tag, "seq", path)
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, tag, path)

    def _check_tag(self, node: Node, tag: str, kind: str, path: Path) -> None:
        if tag != _CORE + kind:
            raise self.fail(
                node,
                f"expected a plain YAML {_KINDS[kind]}, found tag {tag!r}",
                path,
                "remove the tag: escalade never constructs objects from YAML tags",
            )

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _CORE + "merge":
                raise self.fail(
                    key_node,
                    "expected a key, found a merge key '<<'",
                    path,
                    "write the keys out; merge keys are not supported",
                )
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "expected a plain scalar key, found a collection", path)
            key = str(self._scalar(key_node, key_node.tag or "", path))
            if key in out:
                raise self.fail(key_node, f"expected unique keys, found {key!r} twice", path)
            self.loaded.positions[(*path, key)] = (
                value_node.start_mark.line + 1,
                value_node.start_mark.column + 1,
            )
            out[key] = self.convert(value_node, (*path, key))
        return out

    def _scalar(self, node: ScalarNode, tag: str, path: Path) -> Any:
        value: str = node.value
        kind = tag.removeprefix(_CORE) if tag.startswith(_CORE) else None
        if kind in {"str", "timestamp"}:
            return value
        if kind == "null":
            return None
        if kind == "bool":
            return value.lower() == "true"
        if kind == "int":
            return _to_int(value)
        if kind == "float":
            return _to_float(value)
        raise self.fail(
            node,
            f"expected a plain YAML value, found tag {tag!r}",
            path,
            "remove the tag: escalade never constructs objects from YAML tags",
        )


def _to_int(text: str) -> int:
    clean = text.replace("_", "")
    if clean.lower().startswith(("0x", "+0x", "-0x")):
        return int(clean, 16)
    if clean.lower().startswith(("0o", "+0o", "-0o")):
        return int(clean.replace("0o", "").replace("0O", ""), 8)
    return int(clean)


def _to_float(text: str) -> float:
    clean = text.replace("_", "").lower()
    if clean in {".inf", "+.inf"}:
        return math.inf
    if clean == "-.inf":
        return -math.inf
    if clean == ".nan":
        return math.nan
    return float(clean)
