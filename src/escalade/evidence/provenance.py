"""The provenance table: every assumption of a scenario and what it rests on.

An *assumption* is every number written in the file (option costs and success
probabilities, effect sizes, event probabilities, accident laws, initial values,
utility weights), every uncertainty, and the rung an option is placed on. Each
row says where it is (field path and line), its value as written, and its kind:

``sourced``
    it carries (or its element carries) a ``source`` with a ``ref``;
``judgement``
    it carries a ``source`` with only a ``note`` (the analyst's judgement);
``uncertainty``
    it is an expression over ``$uncertainties``, whose own rows give provenance;
``unsourced``
    nothing says where it comes from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import BaseModel

from escalade.scenario import Scenario
from escalade.scenario.schema import NumberSpec, SourceRef

__all__ = ["Assumption", "Kind", "QuoteRef", "assumptions", "quotes"]

Kind = Literal["sourced", "judgement", "uncertainty", "unsourced"]
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Assumption:
    """One row of the provenance table."""

    element: str
    path: str
    line: int | None
    value: str
    kind: Kind
    ref: str | None
    quote: str | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        """The row as a JSON-ready mapping."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """A quote cited somewhere in the scenario."""

    path: str
    line: int | None
    ref: str
    quote: str


def _fmt(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _value_text(value: Any) -> str:
    if isinstance(value, NumberSpec):
        return _value_text(value.value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _classify(value: Any, inherited: SourceRef | None) -> tuple[Kind, SourceRef | None, str | None]:
    """Return the kind, the effective source and a quote written next to a value."""
    own: SourceRef | None = None
    quote: str | None = None
    note: str | None = None
    if isinstance(value, NumberSpec):
        own, quote, note = value.source, value.quote, value.note
        value = value.value
    source = own or inherited
    if source is not None and source.ref is not None:
        return "sourced", source, quote
    if isinstance(value, str) and "$" in value:
        return "uncertainty", source, quote
    if (source is not None and source.note) or note:
        return "judgement", source or SourceRef(note=note), quote
    return "unsourced", None, None


class _Walker:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rows: list[Assumption] = []

    def add(self, element: str, path: Path, value: Any, inherited: SourceRef | None) -> None:
        kind, source, quote = _classify(value, inherited)
        self.rows.append(
            Assumption(
                element=element,
                path=_fmt(path),
                line=self.scenario.position(path)[0],
                value=_value_text(value),
                kind=kind,
                ref=source.ref if source else None,
                quote=quote or (source.quote if source else None),
                note=source.note if source else None,
            )
        )

    def walk(self) -> list[Assumption]:
        spec = self.scenario.spec
        for i, var in enumerate(spec.variables):
            if "initial" in var.model_fields_set:
                self.add(
                    f"variable {var.id}: initial",
                    ("variables", i, "initial"),
                    var.initial,
                    var.source,
                )
        for i, arena in enumerate(spec.arenas):
            self.add(
                f"arena {arena.id}: initial rung",
                ("arenas", i, "initial"),
                arena.initial,
                arena.source,
            )
        for i, actor in enumerate(spec.actors):
            for part in ("per_round", "final", "thresholds"):
                for key, weight in getattr(actor.utility, part).items():
                    path: Path = ("actors", i, "utility", part, key)
                    self.add(f"actor {actor.id}: utility {part} {key}", path, weight, actor.source)
        self.options()
        self.events()
        for arena_id, acc in spec.accidents.items():
            for field in ("up", "down"):
                if field in acc.model_fields_set:
                    self.add(
                        f"accidents {arena_id}: {field}",
                        ("accidents", arena_id, field),
                        getattr(acc, field),
                        acc.source,
                    )
        for i, unc in enumerate(spec.uncertainties):
            self.add(
                f"uncertainty {unc.id}: {unc.dist}", ("uncertainties", i), _range(unc), unc.source
            )
        return self.rows

    def options(self) -> None:
        for i, opt in enumerate(self.scenario.spec.options):
            for field in ("rung", "cost", "success"):
                if field in opt.model_fields_set and getattr(opt, field) is not None:
                    self.add(
                        f"option {opt.id}: {field}",
                        ("options", i, field),
                        getattr(opt, field),
                        opt.source,
                    )
            for side, rung in opt.perceived.items():
                self.add(
                    f"option {opt.id}: rung perceived by {side}",
                    ("options", i, "perceived", side),
                    rung,
                    opt.source,
                )
            self.effects(f"option {opt.id}", ("options", i, "effects"), opt.effects, opt.source)

    def events(self) -> None:
        for i, event in enumerate(self.scenario.spec.events):
            if event.prob is not None:
                self.add(f"event {event.id}: prob", ("events", i, "prob"), event.prob, event.source)
            self.effects(f"event {event.id}", ("events", i, "effects"), event.effects, event.source)
            for j, branch in enumerate(event.branches):
                self.add(
                    f"event {event.id}: branch {branch.id} prob",
                    ("events", i, "branches", j, "prob"),
                    branch.prob,
                    event.source,
                )
                self.effects(
                    f"event {event.id}/{branch.id}",
                    ("events", i, "branches", j, "effects"),
                    branch.effects,
                    event.source,
                )

    def effects(
        self, element: str, path: Path, effects: list[Any], inherited: SourceRef | None
    ) -> None:
        for j, effect in enumerate(effects):
            for op in ("add", "set", "mul"):
                value = getattr(effect, op)
                if value is not None:
                    self.add(f"{element}: {op} {effect.var}", (*path, j, op), value, inherited)


def _range(unc: Any) -> str:
    parts = [
        f"{k}={getattr(unc, k)}"
        for k in ("low", "mode", "high", "mean", "sd", "alpha", "beta")
        if getattr(unc, k) is not None
    ]
    if unc.values is not None:
        parts.append(f"values={unc.values}")
    return ", ".join(parts)


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Return the provenance table of ``scenario`` (see module docstring)."""
    return _Walker(scenario).walk()


def quotes(scenario: Scenario) -> list[QuoteRef]:
    """Return every quote cited in ``scenario``, wherever it stands."""
    out: list[QuoteRef] = []

    def visit(node: Any, path: Path) -> None:
        if isinstance(node, SourceRef):
            if node.quote and node.ref:
                out.append(QuoteRef(_fmt(path), scenario.position(path)[0], node.ref, node.quote))
            return
        if isinstance(node, NumberSpec) and node.quote:
            ref = node.source.ref if node.source else None
            if ref:
                out.append(QuoteRef(_fmt(path), scenario.position(path)[0], ref, node.quote))
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                visit(getattr(node, name), (*path, name))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                visit(item, (*path, i))
        elif isinstance(node, dict):
            for key, item in node.items():
                visit(item, (*path, str(key)))

    visit(scenario.spec, ())
    return out
