"""The scenario file schema, version 2 (structural validation with pydantic).

This module mirrors the YAML format one-to-one (DESIGN.md §1); see
``docs/scenario-format.md`` for the prose description. It checks shapes and
types only; cross-references and semantics are checked in
:mod:`escalade.scenario.validate`. Every model is frozen and forbids unknown
keys, so a misspelt field is an error, not a silent default.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from escalade.scenario import expr as ex
from escalade.scenario.kinds import (
    POLICY_CLASSES,
    UNCERTAINTY_CLASSES,
    BestResponsePolicySpec,
    BetaSpec,
    ChoiceSpec,
    DeescalatePolicySpec,
    EquilibriumPolicySpec,
    HoldPolicySpec,
    NormalSpec,
    PlanPolicySpec,
    PolicySpec,
    PolicyUnion,
    PresetPolicySpec,
    QuantalPolicySpec,
    ReactivePolicySpec,
    RulesPolicySpec,
    TriangularSpec,
    UncertaintySpec,
    UncertaintyUnion,
    UniformSpec,
    policy_spec,
)
from escalade.scenario.specbase import (
    Expression,
    Number,
    NumberSpec,
    RungRef,
    Slug,
    SourceRef,
    Text,
)
from escalade.scenario.specbase import Model as _Model
from escalade.scenario.specbase import Sourced as _Sourced

__all__ = [
    "POLICY_CLASSES",
    "SCHEMA_VERSION",
    "UNCERTAINTY_CLASSES",
    "AccidentSpec",
    "ActorSpec",
    "ArenaSpec",
    "BestResponsePolicySpec",
    "BetaSpec",
    "BranchSpec",
    "ChoiceSpec",
    "DeescalatePolicySpec",
    "EffectSpec",
    "EquilibriumPolicySpec",
    "EventSpec",
    "HoldPolicySpec",
    "JumpSpec",
    "LadderSpec",
    "NormalSpec",
    "NumberSpec",
    "OptionSpec",
    "OutcomeSpec",
    "PlanPolicySpec",
    "PolicySpec",
    "PolicyUnion",
    "PresetPolicySpec",
    "QuantalPolicySpec",
    "ReactivePolicySpec",
    "RulesPolicySpec",
    "RungSpec",
    "ScenarioSpec",
    "SideSpec",
    "SourceRef",
    "SourceSpec",
    "StrategySpec",
    "TerminalSpec",
    "ThresholdSpec",
    "TriangularSpec",
    "UncertaintySpec",
    "UncertaintyUnion",
    "UniformSpec",
    "UtilitySpec",
    "VariableSpec",
    "policy_spec",
]

SCHEMA_VERSION = 2
"""The version this release writes; version 1 files are migrated (``docs/migration.md``)."""


class RungSpec(_Model):
    """One rung of a custom ladder (its index is its position plus ``base``)."""

    id: Slug
    name: Text
    group: int | None = Field(
        default=None,
        description=(
            "An optional whole number that bands rungs together for the reader (as Kahn's "
            "seven groups): the report's ladder figure shades each group's rungs as one band "
            "labelled with the number. It does not change the simulation. Give a group's "
            "rungs next to each other."
        ),
    )


class ThresholdSpec(_Model):
    """A named threshold, crossed when the rung reaches ``at``."""

    id: Slug
    name: Text
    at: RungRef


class LadderSpec(_Model):
    """A custom escalation ladder."""

    id: Slug
    name: Text
    base: int = 0
    rungs: list[RungSpec] = Field(min_length=2)
    thresholds: list[ThresholdSpec] = Field(default_factory=list)
    description: Text = ""


class CalendarSpec(_Model):
    """When the scenario starts, how long a round is, and how many rounds."""

    start: dt.date
    step: Literal["day", "week", "month"] = "week"
    horizon: int = Field(ge=1, le=1000)

    @model_validator(mode="after")
    def _within_calendar(self) -> CalendarSpec:
        months = self.start.month - 1 + self.horizon
        days = {"day": 1, "week": 7}.get(self.step, 0) * self.horizon
        if (
            self.step == "month" and self.start.year + months // 12 > dt.MAXYEAR
        ) or dt.date.max.toordinal() - self.start.toordinal() < days:
            raise ValueError(
                f"expected the {self.horizon} rounds from {self.start} to end by "
                f"{dt.date.max}, found them running past it (move 'start' or shorten 'horizon')"
            )
        return self


class SideSpec(_Model):
    """A coalition.

    ``weights`` gives the weight of each of the side's actors in the side's
    utility (a number, or an expression over uncertainties only); actors not
    listed weigh 1.
    """

    id: Slug
    name: Text = ""
    description: Text = ""
    weights: dict[str, Number] = Field(default_factory=dict)
    source: SourceRef | None = None


class UtilitySpec(_Model):
    """An actor's preferences.

    ``per_round`` weights variables (``var_id``) and arena rungs
    (``rung.arena_id``) every round; ``final`` weights them once at the end;
    ``thresholds`` gives a one-off utility the first time a threshold is crossed
    (``threshold_id`` or ``arena_id.threshold_id``); ``discount`` is the
    per-round discount factor.
    """

    per_round: dict[str, Number] = Field(default_factory=dict)
    final: dict[str, Number] = Field(default_factory=dict)
    thresholds: dict[str, Number] = Field(default_factory=dict)
    discount: float = Field(default=1.0, gt=0.0, le=1.0)


class ActorSpec(_Sourced):
    """A decision maker."""

    id: Slug
    name: Text
    side: Slug
    utility: UtilitySpec = Field(default_factory=UtilitySpec)
    policy: PolicyUnion = Field(default_factory=HoldPolicySpec)
    moves: int = Field(default=1, ge=1, le=10)
    description: Text = ""


class ArenaSpec(_Sourced):
    """A place where two sides escalate, on one ladder."""

    id: Slug
    name: Text = ""
    ladder: Slug
    parties: list[Slug] = Field(min_length=2, max_length=2)
    initial: RungRef = 0
    description: Text = ""


class VariableSpec(_Sourced):
    """A named numeric state variable."""

    id: Slug
    name: Text = ""
    initial: Number = 0.0
    min: Annotated[float, Field(allow_inf_nan=True)] = float("-inf")
    max: Annotated[float, Field(allow_inf_nan=True)] = float("inf")
    unit: Text = ""
    description: Text = ""


class EffectSpec(_Model):
    """A change to a variable or to a rung.

    On a variable (``var``): exactly one of ``add``, ``set`` or ``mul``. On an
    arena's rung (``rung: ARENA``, events and branches only): exactly one of
    ``add`` (steps, rounded to the nearest whole rung) or ``to`` (a rung), for
    every party side of the arena or, with ``side``, for that side's view only.
    """

    var: Slug | None = None
    rung: Slug | None = None
    side: Slug | None = None
    add: Number | None = None
    set: Number | None = None
    mul: Number | None = None
    to: RungRef | None = None

    @model_validator(mode="after")
    def _one_op(self) -> EffectSpec:
        if (self.var is None) == (self.rung is None):
            raise ValueError(
                "an effect needs exactly one of 'var' (a variable) or 'rung' (an arena)"
            )
        given = [k for k in ("add", "set", "mul", "to") if getattr(self, k) is not None]
        if self.var is not None:
            if self.to is not None or self.side is not None:
                raise ValueError("'to' and 'side' belong to rung effects; use 'set' on a variable")
            if len(given) != 1:
                found = ", ".join(given) if given else "none"
                raise ValueError(f"an effect needs exactly one of add, set, mul; found {found}")
            return self
        if len(given) != 1 or given[0] not in {"add", "to"}:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"a rung effect needs exactly one of add, to; found {found}")
        return self


class OptionSpec(_Sourced):
    """Something an actor can do."""

    id: Slug
    name: Text = ""
    description: Text = ""
    actor: Slug
    arena: Slug | None = None
    rung: RungRef | None = None
    perceived: dict[Slug, RungRef] = Field(default_factory=dict)
    deescalate: bool = False
    escalates: Literal["attempt", "success"] = "attempt"
    when: Expression = "true"
    once: bool = False
    cooldown: int = Field(default=0, ge=0)
    cost: Number = 0.0
    consent: list[Slug] = Field(default_factory=list)
    success: Number = 1.0
    effects: list[EffectSpec] = Field(default_factory=list)
    cameo: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")] | None = None
    plover: Annotated[str, StringConstraints(pattern=r"^[A-Z]+(:[A-Za-z]+)?$")] | None = None


class BranchSpec(_Model):
    """One outcome of a branched event."""

    id: Slug
    prob: Number
    effects: list[EffectSpec] = Field(default_factory=list)
    description: Text = ""


class EventSpec(_Sourced):
    """A scheduled (``at``) or random (``prob`` per round) event."""

    id: Slug
    name: Text = ""
    description: Text = ""
    at: dt.date | None = None
    prob: Number | None = None
    when: Expression = "true"
    once: bool | None = None
    effects: list[EffectSpec] = Field(default_factory=list)
    branches: list[BranchSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _timing(self) -> EventSpec:
        if (self.at is None) == (self.prob is None):
            found = "both" if self.at is not None else "neither"
            raise ValueError(
                "an event needs exactly one of 'at' (a date) or 'prob' (per round), found "
                f"{found} (a dated event fires once in its round; for one that may or may not "
                "happen on the day, give 'at' and branches, one of them without effects)"
                if found == "both"
                else "an event needs exactly one of 'at' (a date) or 'prob' (per round), "
                "found neither"
            )
        return self


class JumpSpec(_Model):
    """How many rungs an accidental move jumps: ``sizes`` with ``weights`` (uniform if omitted)."""

    sizes: list[Annotated[int, Field(ge=1, le=100)]] = Field(min_length=1, max_length=100)
    weights: list[Annotated[float, Field(ge=0.0)]] | None = None

    @model_validator(mode="after")
    def _weights(self) -> JumpSpec:
        if self.weights is not None:
            if len(self.weights) != len(self.sizes):
                raise ValueError(
                    f"expected one weight per size ({len(self.sizes)}), found {len(self.weights)}"
                )
            if sum(self.weights) <= 0:
                raise ValueError("expected weights with a positive sum")
        return self


class AccidentSpec(_Sourced):
    """Per-round probabilities of an unintended move up or down the ladder.

    ``jump`` gives the size of the move (one rung if omitted); ``revert`` is the
    probability that an accidental move is walked back in the next round.
    """

    up: Number = 0.0
    down: Number = 0.0
    jump: JumpSpec | None = None
    revert: Number = 0.0


class StrategySpec(_Model):
    """A named bundle of policies for one side (a strategy or a mindset)."""

    id: Slug
    name: Text = ""
    side: Slug
    declared: bool = False
    policies: dict[Slug, PolicyUnion]
    description: Text = ""
    source: SourceRef | None = None


class OutcomeSpec(_Model):
    """A named metric read from the trajectory."""

    id: Slug
    name: Text = ""
    expr: Expression
    at: Literal["end", "max", "min", "mean", "first"] = "end"
    direction: Literal["maximize", "minimize", "info"] = "info"
    description: Text = ""


class TerminalSpec(_Model):
    """A condition that ends the crisis, with what the end state is worth.

    ``utility`` is added per round to each named actor from the round in which
    ``when`` first holds to the horizon; an ``absorbing`` end (the default)
    also keeps each actor accruing its per-round utility of the frozen state,
    discounted as usual, so stopping is never free. ``absorbing: false`` stops
    the accounts (the version 1 behaviour).
    """

    id: Slug | None = None
    when: Expression
    utility: dict[Slug, Number] = Field(default_factory=dict)
    absorbing: bool = True
    description: Text = ""
    source: SourceRef | None = None


class SourceSpec(_Model):
    """A document behind the numbers."""

    id: Slug
    title: Text
    outlet: Text = ""
    date: dt.date | None = None
    url: Text = ""
    file: Text | None = None
    note: Text = ""

    def record(self) -> dict[str, str]:
        """The source as a table row: id, title, outlet, date (ISO or ""), url, file, note."""
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date.isoformat() if self.date else "",
            "url": self.url,
            "file": self.file or "",
            "note": self.note,
        }


class ScenarioSpec(_Model):
    """A whole scenario file, schema version 2 (version 1 is migrated on load)."""

    schema_version: Literal[1, 2]
    id: Slug
    title: Text
    description: Text = ""
    calendar: CalendarSpec
    order: Literal["simultaneous", "sequential"] = "simultaneous"
    ladders: list[LadderSpec] = Field(default_factory=list)
    sides: list[SideSpec] = Field(min_length=2)
    actors: list[ActorSpec] = Field(min_length=1)
    arenas: list[ArenaSpec] = Field(default_factory=list)
    variables: list[VariableSpec] = Field(default_factory=list)
    options: list[OptionSpec] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    accidents: dict[Slug, AccidentSpec] = Field(default_factory=dict)
    uncertainties: list[UncertaintyUnion] = Field(default_factory=list)
    strategies: list[StrategySpec] = Field(default_factory=list)
    mindsets: list[StrategySpec] = Field(default_factory=list)
    outcomes: list[OutcomeSpec] = Field(default_factory=list)
    terminal: list[TerminalSpec | Expression] = Field(default_factory=list)
    sources: list[SourceSpec] = Field(default_factory=list)

    def terminals(self) -> list[TerminalSpec]:
        """Every terminal condition as a :class:`TerminalSpec` (text is ``{when: text}``)."""
        return [TerminalSpec(when=t) if isinstance(t, str) else t for t in self.terminal]

    def expression_env(self) -> ex.Env:
        """The names the scenario's expressions may read (validation and compilation share it)."""
        return ex.Env(
            variables=tuple(v.id for v in self.variables),
            arenas=tuple(a.id for a in self.arenas),
            options=tuple(o.id for o in self.options),
            uncertainties=tuple(u.id for u in self.uncertainties),
            parties=tuple((a.parties[0], a.parties[1]) for a in self.arenas),
        )
