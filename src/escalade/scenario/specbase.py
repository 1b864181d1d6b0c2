"""The building blocks of the scenario schema: ids, text, expressions, sourced numbers.

Shared by :mod:`escalade.scenario.schema` and :mod:`escalade.scenario.kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

__all__ = [
    "Expression",
    "Model",
    "Number",
    "NumberSpec",
    "RungRef",
    "Slug",
    "SourceRef",
    "Sourced",
    "SpecPath",
    "Text",
    "walk_spec",
]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(-[a-z0-9_]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Expression = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
RungRef = int | Slug


class Model(BaseModel):
    """The base of every schema class: frozen, unknown keys forbidden."""

    # Non-finite numbers (1e999, .inf, .nan) are refused everywhere but a variable's bounds.
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


class SourceRef(Model):
    """A citation: which source, a short quote from it, and a note.

    A quote vouches only for the numbers it contains; ``covers`` names other
    fields of the element (names or paths relative to it) the source supports.
    """

    ref: Slug | None = None
    quote: Text | None = None
    note: Text | None = None
    covers: tuple[Annotated[str, StringConstraints(min_length=1, max_length=200)], ...] = ()

    @model_validator(mode="after")
    def _something(self) -> SourceRef:
        if self.ref is None and self.note is None:
            raise ValueError("a source needs 'ref' (a source id) or 'note' (e.g. 'judgement')")
        if self.quote is not None and self.ref is None:
            raise ValueError("a quote needs 'ref': the source it is quoted from")
        if self.covers and self.ref is None:
            raise ValueError("'covers' needs 'ref': the source that supports those fields")
        return self


def _coerce_source(value: Any) -> Any:
    """Allow ``source: bi-2024`` as a short form of ``source: {ref: bi-2024}``."""
    if isinstance(value, str):
        return {"ref": value}
    return value


class Sourced(Model):
    """A schema class with an optional ``source`` (``source: id`` is short for ``{ref: id}``)."""

    source: SourceRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and "source" in data:
            data = dict(data)
            data["source"] = _coerce_source(data["source"])
        return data


class NumberSpec(Sourced):
    """A number with provenance: ``{value: 0.3, source: {ref: ..., quote: ...}}``.

    ``quote`` and ``note`` may also be written next to ``value``.
    """

    value: float | Expression
    quote: Text | None = None
    note: Text | None = None


Number = float | Expression | NumberSpec
"""A literal, ``$uncertainty``, an expression, or a :class:`NumberSpec`."""


SpecPath = tuple[str | int, ...]
"""Where a node stands in a spec: field names, list indices and mapping keys."""


def walk_spec(
    node: Any, path: SpecPath = (), *, into: Callable[[Any], bool] = lambda _node: True
) -> Iterator[tuple[SpecPath, Any]]:
    """Every node of a spec tree with its path, in file order (a node before its children).

    Models are walked by their fields, lists by index, mappings by key; a node
    for which ``into`` is False is yielded but not entered.
    """
    yield path, node
    if not into(node):
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from walk_spec(getattr(node, name), (*path, name), into=into)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk_spec(item, (*path, i), into=into)
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from walk_spec(item, (*path, str(key)), into=into)
