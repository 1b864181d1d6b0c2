"""The provenance table: every assumption of a scenario and what it rests on.

An *assumption* is every number written in the file (option costs and success
probabilities, effect sizes, event probabilities, accident laws (``up``, ``down``,
``revert``, jump sizes and weights), initial values, utility weights, discounts,
cool-downs), every uncertainty's range, and the rung an option is placed on.
Each row says where it is (field path and line), its value as written, and its
kind:

``quoted``
    a quote on the number or its element literally contains the number
    (``10,000`` covers 10000, ``30%`` covers 0.3; see
    :func:`escalade.evidence.quotes.numbers_in`), or the source's ``covers``
    list names the field and the source has a quote;
``sourced``
    the ``covers`` list of a source without a quote names the field;
``uncertainty``
    it is an expression over ``$uncertainties``, whose own rows give provenance;
``structural``
    its field is structural by kind (declared here, not in the file): a rung
    (ladder position), a 0/1 switch (a variable bounded to [0, 1] starting at or
    set to 0 or 1), a probability of 0 or 1, a discount of 1, a side weight of 1
    (the default written out), the horizon, a cool-down, ``moves``;
``judgement``
    none of the above, and the number or its element carries a ``note``;
``unsourced``
    nothing says where it comes from.

A quote on an element no longer vouches for every number of the element: the
numbers it does not contain are judgement (with a note) or unsourced.
:func:`count_kinds` gives the counts every report prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from escalade.evidence.quotes import contains_number, numbers_in
from escalade.scenario import Scenario
from escalade.scenario.schema import NumberSpec, SourceRef
from escalade.scenario.specbase import walk_spec

__all__ = ["KINDS", "Assumption", "Kind", "QuoteRef", "assumptions", "count_kinds", "quotes"]

Kind = Literal["quoted", "sourced", "uncertainty", "judgement", "structural", "unsourced"]
KINDS: tuple[Kind, ...] = (
    "quoted",
    "sourced",
    "uncertainty",
    "judgement",
    "structural",
    "unsourced",
)
"""Every kind, in the order reports print them."""
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


_LITERAL = re.compile(r"(?<![\w.$'])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _literals(value: Any) -> list[float] | None:
    """The numbers written in a value; None for a ``$uncertainty`` expression."""
    if isinstance(value, bool):
        return [float(value)]
    if isinstance(value, int | float):
        return [float(value)]
    text = str(value)
    if "$" in text:
        return None
    return [float(x) for x in _LITERAL.findall(text)]


def _covered(covers: tuple[str, ...], rel: str) -> bool:
    """True if a ``covers`` entry names ``rel`` (a path relative to the element)."""
    last = re.split(r"[.\[\]]", rel.rstrip("]"))[-1] if rel else ""
    return any(
        rel == c or rel.startswith((c + ".", c + "[")) or (last and last == c) for c in covers
    )


def _classify(
    value: Any, inherited: SourceRef | None, rel: str, structural: bool
) -> tuple[Kind, SourceRef | None, str | None]:
    """Return the kind, the source it rests on and the quote that carries it."""
    own: SourceRef | None = None
    own_quote = own_note = None
    if isinstance(value, NumberSpec):
        own, own_quote, own_note = value.source, value.quote, value.note
        value = value.value
    literals = _literals(value)
    if literals is None:
        return "uncertainty", own or inherited, own_quote
    for source, quote in ((own, own_quote), (inherited, None)):
        if source is None or source.ref is None:
            continue
        text = quote or source.quote
        named = bool(source.covers) and _covered(source.covers, rel)
        if structural and source is inherited and not named:
            continue  # a rung 5 is not quoted by "five of the missiles" in its option's quote
        if text and literals and all(contains_number(x, numbers_in(text)) for x in literals):
            return "quoted", source, text
        if named:
            return ("quoted" if text else "sourced"), source, text
    if structural:
        return "structural", None, None
    for source in (own, inherited):
        if source is not None and source.note:
            return "judgement", source, None
    if own_note:
        return "judgement", SourceRef(note=own_note), None
    return "unsourced", None, None


def count_kinds(kinds: Iterable[str]) -> dict[str, int]:
    """Count assumptions by kind, every kind of :data:`KINDS` present (0 if none)."""
    counts: dict[str, int] = dict.fromkeys(KINDS, 0)
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _is(value: Any, *allowed: float) -> bool:
    """True if ``value`` is a plain number equal to one of ``allowed``."""
    if isinstance(value, NumberSpec):
        value = value.value
    return isinstance(value, int | float) and float(value) in allowed


class _Walker:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rows: list[Assumption] = []
        self.switches = {v.id for v in scenario.spec.variables if v.min == 0 and v.max == 1}

    def add(
        self,
        element: str,
        path: Path,
        value: Any,
        inherited: SourceRef | None,
        *,
        root: int = 2,
        structural: bool = False,
    ) -> None:
        """Add a row; ``path[:root]`` is the element, ``structural`` its field's kind."""
        kind, source, quote = _classify(value, inherited, _fmt(path[root:]), structural)
        self.rows.append(
            Assumption(
                element=element,
                path=_fmt(path),
                line=self.scenario.position(path)[0],
                value=_value_text(value),
                kind=kind,
                ref=source.ref if source else None,
                quote=quote,
                note=source.note if source else None,
            )
        )

    def walk(self) -> list[Assumption]:
        spec = self.scenario.spec
        self.add(
            "calendar: horizon",
            ("calendar", "horizon"),
            spec.calendar.horizon,
            None,
            root=1,
            structural=True,
        )
        for i, var in enumerate(spec.variables):
            if "initial" in var.model_fields_set:
                switch = var.id in self.switches and _is(var.initial, 0.0, 1.0)
                self.add(
                    f"variable {var.id}: initial",
                    ("variables", i, "initial"),
                    var.initial,
                    var.source,
                    structural=switch,
                )
        for i, arena in enumerate(spec.arenas):
            self.add(
                f"arena {arena.id}: initial rung",
                ("arenas", i, "initial"),
                arena.initial,
                arena.source,
                structural=True,
            )
        for i, actor in enumerate(spec.actors):
            self.actor(i, actor)
        for i, side in enumerate(spec.sides):
            for actor_id, weight in side.weights.items():
                path: Path = ("sides", i, "weights", actor_id)
                # a weight of 1 is the default written out: it weighs nothing differently
                self.add(
                    f"side {side.id}: weight of {actor_id}",
                    path,
                    weight,
                    side.source,
                    structural=_is(weight, 1.0),
                )
        self.options()
        self.events()
        self.terminals()
        for arena_id, acc in spec.accidents.items():
            self.accidents(arena_id, acc)
        for i, unc in enumerate(spec.uncertainties):
            self.add(
                f"uncertainty {unc.id}: {unc.dist}", ("uncertainties", i), _range(unc), unc.source
            )
        return self.rows

    def actor(self, i: int, actor: Any) -> None:
        for part in ("per_round", "final", "thresholds"):
            for key, weight in getattr(actor.utility, part).items():
                path: Path = ("actors", i, "utility", part, key)
                self.add(f"actor {actor.id}: utility {part} {key}", path, weight, actor.source)
        if "discount" in actor.utility.model_fields_set:
            self.add(
                f"actor {actor.id}: discount",
                ("actors", i, "utility", "discount"),
                actor.utility.discount,
                actor.source,
                structural=actor.utility.discount == 1.0,
            )
        if "moves" in actor.model_fields_set:
            self.add(
                f"actor {actor.id}: moves",
                ("actors", i, "moves"),
                actor.moves,
                actor.source,
                structural=True,
            )

    def accidents(self, arena_id: str, acc: Any) -> None:
        """The accident law of an arena: ``up``, ``down``, ``revert`` and the jump's numbers."""
        for field in ("up", "down", "revert"):
            if field in acc.model_fields_set:
                path: Path = ("accidents", arena_id, field)
                self.add(f"accidents {arena_id}: {field}", path, getattr(acc, field), acc.source)
        if acc.jump is None:
            return
        jump: Path = ("accidents", arena_id, "jump")
        sizes = acc.jump.sizes
        # The sizes are rungs (structure, as an option's rung); their weights are a judgement.
        self.add(
            f"accidents {arena_id}: jump sizes",
            (*jump, "sizes"),
            sizes,
            acc.source,
            structural=True,
        )
        if acc.jump.weights is not None:
            weights = acc.jump.weights
            self.add(f"accidents {arena_id}: jump weights", (*jump, "weights"), weights, acc.source)

    def terminals(self) -> None:
        for i, term in enumerate(self.scenario.spec.terminal):
            if isinstance(term, str):
                continue
            name = term.id or f"terminal[{i}]"
            for actor, value in term.utility.items():
                path: Path = ("terminal", i, "utility", actor)
                self.add(f"terminal {name}: utility {actor}", path, value, term.source)

    def options(self) -> None:
        for i, opt in enumerate(self.scenario.spec.options):
            for field in ("rung", "cost", "success", "cooldown"):
                if field in opt.model_fields_set and getattr(opt, field) is not None:
                    value = getattr(opt, field)
                    structural = field in {"rung", "cooldown"} or (
                        field == "success" and _is(value, 0.0, 1.0)
                    )
                    self.add(
                        f"option {opt.id}: {field}",
                        ("options", i, field),
                        value,
                        opt.source,
                        structural=structural,
                    )
            for side, rung in opt.perceived.items():
                self.add(
                    f"option {opt.id}: rung perceived by {side}",
                    ("options", i, "perceived", side),
                    rung,
                    opt.source,
                    structural=True,
                )
            self.effects(f"option {opt.id}", ("options", i, "effects"), opt.effects, opt.source)

    def events(self) -> None:
        for i, event in enumerate(self.scenario.spec.events):
            if event.prob is not None:
                self.add(
                    f"event {event.id}: prob",
                    ("events", i, "prob"),
                    event.prob,
                    event.source,
                    structural=_is(event.prob, 0.0, 1.0),
                )
            self.effects(f"event {event.id}", ("events", i, "effects"), event.effects, event.source)
            for j, branch in enumerate(event.branches):
                self.add(
                    f"event {event.id}: branch {branch.id} prob",
                    ("events", i, "branches", j, "prob"),
                    branch.prob,
                    event.source,
                    structural=_is(branch.prob, 0.0, 1.0),
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
                    switch = op == "set" and effect.var in self.switches and _is(value, 0.0, 1.0)
                    self.add(
                        f"{element}: {op} {_target(effect)}",
                        (*path, j, op),
                        value,
                        inherited,
                        structural=switch,
                    )
            if getattr(effect, "to", None) is not None:  # a rung, like an option's
                self.add(
                    f"{element}: move {_target(effect)} to",
                    (*path, j, "to"),
                    effect.to,
                    inherited,
                    structural=True,
                )


def _target(effect: Any) -> str:
    """What an effect changes: a variable, or an arena's rung (one side's view, with ``side``)."""
    if effect.var is not None:
        return str(effect.var)
    view = f", {effect.side}'s view" if getattr(effect, "side", None) else ""
    return f"the rung of {effect.rung}{view}"


def _range(unc: Any) -> str:
    parts = [
        f"{k}={_value_text(getattr(unc, k))}"
        for k in ("low", "mode", "high", "mean", "sd", "alpha", "beta")
        if getattr(unc, k) is not None
    ]
    if unc.values is not None:
        parts.append(f"values=[{', '.join(_value_text(v) for v in unc.values)}]")
    return ", ".join(parts)


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Return the provenance table of ``scenario`` (see module docstring)."""
    return _Walker(scenario).walk()


def quotes(scenario: Scenario) -> list[QuoteRef]:
    """Return every quote cited in ``scenario``, wherever it stands."""
    out: list[QuoteRef] = []

    for path, node in walk_spec(scenario.spec, into=lambda n: not isinstance(n, SourceRef)):
        if isinstance(node, SourceRef) and node.quote and node.ref:
            out.append(QuoteRef(_fmt(path), scenario.position(path)[0], node.ref, node.quote))
        elif isinstance(node, NumberSpec) and node.quote:
            ref = node.source.ref if node.source else None
            if ref:
                out.append(QuoteRef(_fmt(path), scenario.position(path)[0], ref, node.quote))
    return out
