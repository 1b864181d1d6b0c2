"""Plain data from composed YAML nodes, with the position of every node.

Private to :mod:`escalade.scenario.yamlio`, which re-exports the limits and
:func:`format_path`. Only the YAML 1.2 core tags are accepted (no object is
ever constructed from a tag), keys are unique scalars, merge keys are refused,
and scalars must convert to their tag's type (integers of at most
:data:`MAX_DIGITS` digits); the nodes visited, aliases expanded, are bounded by
:data:`MAX_NODES` and the nesting by :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from escalade.errors import Issue, ScenarioError

if TYPE_CHECKING:
    from escalade.scenario.yamlio import Loaded, Path

__all__ = ["CORE", "MAX_DEPTH", "MAX_DIGITS", "MAX_NODES", "Converter", "format_path"]

MAX_DEPTH = 64
MAX_NODES = 200_000

CORE = "tag:yaml.org,2002:"
"""The prefix of the YAML core schema's tags."""
_STR = CORE + "str"
_KINDS = {"map": "mapping", "seq": "list"}


def format_path(path: Path) -> str:
    """Return ``options[2].success`` for ``("options", 2, "success")``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class Converter:
    """Converts composed nodes into plain data, recording each node's position in ``loaded``."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.count = 0

    def fail(self, node: Node, message: str, path: Path, hint: str | None = None) -> ScenarioError:
        """The error ``message`` at ``node``'s position, for the value at ``path``."""
        mark = node.start_mark
        issue = Issue(
            message, format_path(path), self.loaded.file, mark.line + 1, mark.column + 1, hint
        )
        return ScenarioError([issue])

    def convert(self, node: Node, path: Path) -> Any:
        """Convert ``node``, found at ``path``, and everything under it."""
        self.count += 1
        if self.count % 4096 == 0:
            self.loaded.check_time()
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
        if tag != CORE + kind:
            raise self.fail(
                node,
                f"expected a plain YAML {_KINDS[kind]}, found tag {tag!r}",
                path,
                "remove the tag: escalade never constructs objects from YAML tags",
            )

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == CORE + "merge":
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
        if tag == _STR:  # most scalars: a fast path
            return value
        kind = tag.removeprefix(CORE) if tag.startswith(CORE) else None
        if kind in {"str", "timestamp"}:
            return value
        if kind == "null":
            return None
        if kind in {"bool", "int", "float"}:
            converted = _CONVERT[kind](value)
            if converted is None:
                raise self.fail(node, _EXPECTED[kind] + f", found {_shown(value)}", path)
            return converted
        raise self.fail(
            node,
            f"expected a plain YAML value, found tag {tag!r}",
            path,
            "remove the tag: escalade never constructs objects from YAML tags",
        )


MAX_DIGITS = 400
_INT_FORMS = (
    (re.compile(r"[-+]?[0-9]+"), 10, 0),
    (re.compile(r"[-+]?0b[01]+"), 2, 2),
    (re.compile(r"[-+]?0o[0-7]+"), 8, 2),
    (re.compile(r"[-+]?0x[0-9a-fA-F]+"), 16, 2),
)
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
_EXPECTED = {
    "bool": "expected true or false",
    "int": f"expected a whole number of at most {MAX_DIGITS} digits",
    "float": "expected a number",
}


def _shown(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}... ({len(value):,} characters)"


def _to_bool(text: str) -> bool | None:
    """YAML 1.2 core booleans only (``yes``/``no``/``on``/``off`` are text)."""
    return {"true": True, "false": False}.get(text.lower())


def _to_int(text: str) -> int | None:
    """Convert a YAML 1.2 integer (``_`` separators allowed); ``None`` if it is not one."""
    clean = text.replace("_", "")
    if "_" in text and (text.endswith("_") or not clean.lstrip("+-")):
        return None
    for pattern, base, prefix in _INT_FORMS:
        if pattern.fullmatch(clean):
            sign = -1 if clean.startswith("-") else 1
            digits = clean.lstrip("+-")[prefix:]
            if len(digits) > MAX_DIGITS:
                return None
            return sign * int(digits, base)
    return None


def _to_float(text: str) -> float | None:
    """Convert a YAML 1.2 float (or integer form); ``None`` if it is not one."""
    clean = text.replace("_", "")
    special = _SPECIAL_FLOATS.get(clean.lower())
    if special is not None:
        return special
    if _FLOAT.fullmatch(clean):
        return float(clean)
    as_int = _to_int(text)
    if as_int is None:
        return None
    try:
        return float(as_int)
    except OverflowError:
        return math.copysign(math.inf, as_int)


_CONVERT: dict[str, Any] = {"bool": _to_bool, "int": _to_int, "float": _to_float}
