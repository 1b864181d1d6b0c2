"""Schema classes chosen by a tag: one per policy ``kind``, one per uncertainty ``dist``.

Each class accepts only its own fields, so a field of another kind is an
"unknown field" error. The base classes (:class:`PolicySpec`,
:class:`UncertaintySpec`) answer every field of every kind, reading a field
the object's kind does not own as its empty default, so code that reads
``spec.depth`` or ``spec.low`` works on any member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from escalade.scenario.specbase import Expression, Model, Slug, Sourced, Text

__all__ = [
    "POLICY_CLASSES",
    "UNCERTAINTY_CLASSES",
    "BestResponsePolicySpec",
    "BetaSpec",
    "ChoiceSpec",
    "DeescalatePolicySpec",
    "Distribution",
    "EquilibriumPolicySpec",
    "HoldPolicySpec",
    "NormalSpec",
    "PlanPolicySpec",
    "PlanStep",
    "PolicySpec",
    "PolicyUnion",
    "PresetPolicySpec",
    "QuantalPolicySpec",
    "ReactivePolicySpec",
    "Rule",
    "RulesPolicySpec",
    "TriangularSpec",
    "UncertaintySpec",
    "UncertaintyUnion",
    "UniformSpec",
    "policy_spec",
]


class PlanStep(Model):
    """One step of a ``plan`` policy: an option at a round (int) or a date."""

    at: int | dt.date
    option: Slug


class Rule(Model):
    """``if`` an expression holds, take option ``then``."""

    if_: Expression = Field(alias="if")
    then: Slug


class PolicySpec(Model):
    """How an actor decides (DESIGN.md §3): the base of the per-kind classes.

    A policy in a file is one of :data:`PolicyUnion`, chosen by ``kind`` (hold
    when omitted); each kind accepts only its own fields, so ``kind: hold,
    lambda: 4`` is an error. Every kind's object still answers every field the
    engine reads (``steps``, ``rules``, ``otherwise``, ``offset``, ``arena``,
    ``rationality``, ``depth``, ``samples``, ``stop``, ``horizon``): a field another
    kind owns reads as its empty default. ``PolicySpec()`` is a hold policy.
    """

    kind: str = "hold"

    if TYPE_CHECKING:
        steps: Sequence[PlanStep] = ()
        rules: Sequence[Rule] = ()
        otherwise: str | None = None
        offset: int | None = None
        arena: str | None = None
        rationality: float | None = None
        depth: int | None = None
        samples: int | None = None
        stop: str | None = None
        horizon: int | None = None
    else:

        def __getattr__(self, name: str) -> Any:
            if name in _POLICY_DEFAULTS:
                return _POLICY_DEFAULTS[name]
            return super().__getattr__(name)


_POLICY_DEFAULTS: dict[str, Any] = {
    "steps": (),
    "rules": (),
    "otherwise": None,
    "offset": None,
    "arena": None,
    "rationality": None,
    "depth": None,
    "samples": None,
    "stop": None,
    "horizon": None,
}


class HoldPolicySpec(PolicySpec):
    """``kind: hold`` (the default): never act."""

    kind: Literal["hold"] = "hold"


class PlanPolicySpec(PolicySpec):
    """``kind: plan``: options at given rounds or dates."""

    kind: Literal["plan"]
    steps: list[PlanStep] = Field(default_factory=list)


class RulesPolicySpec(PolicySpec):
    """``kind: rules``: the first rule whose ``if`` holds, else ``otherwise``."""

    kind: Literal["rules"]
    rules: list[Rule] = Field(default_factory=list)
    otherwise: Slug | None = None


class ReactivePolicySpec(PolicySpec):
    """``kind: reactive``: answer the other side's last rung plus ``offset``."""

    kind: Literal["reactive"]
    offset: int | None = None
    arena: Slug | None = None


class PresetPolicySpec(PolicySpec):
    """``kind: tit_for_tat | graduated | dominance``: reactive with a fixed offset."""

    kind: Literal["tit_for_tat", "graduated", "dominance"]
    arena: Slug | None = None


class DeescalatePolicySpec(PolicySpec):
    """``kind: deescalate``: take a de-escalation option when one is available."""

    kind: Literal["deescalate"]


class QuantalPolicySpec(PolicySpec):
    """``kind: quantal``: logit choice with rationality ``lambda``."""

    kind: Literal["quantal"]
    rationality: float | None = Field(default=None, ge=0.0, alias="lambda")


class BestResponsePolicySpec(PolicySpec):
    """``kind: best_response``: rollouts of ``depth`` rounds, ``samples`` each.

    ``stop``: ``separated`` (the default) stops sampling a candidate once it is
    clearly worse than the leader; ``all`` plays every sample.
    """

    kind: Literal["best_response"]
    depth: int | None = Field(default=None, ge=1, le=10)
    samples: int | None = Field(default=None, ge=1, le=1000)
    stop: Literal["separated", "all"] | None = None


class EquilibriumPolicySpec(PolicySpec):
    """``kind: equilibrium``: play the solved game over ``horizon`` rounds."""

    kind: Literal["equilibrium"]
    horizon: int | None = Field(default=None, ge=1, le=12)


POLICY_CLASSES: dict[str, type[PolicySpec]] = {
    "hold": HoldPolicySpec,
    "plan": PlanPolicySpec,
    "rules": RulesPolicySpec,
    "reactive": ReactivePolicySpec,
    "tit_for_tat": PresetPolicySpec,
    "graduated": PresetPolicySpec,
    "dominance": PresetPolicySpec,
    "deescalate": DeescalatePolicySpec,
    "quantal": QuantalPolicySpec,
    "best_response": BestResponsePolicySpec,
    "equilibrium": EquilibriumPolicySpec,
}
"""The schema class of each policy kind a scenario file may name."""


def _kind_tag(value: Any) -> str:
    """The union tag of a policy: its ``kind`` (``hold`` when omitted)."""
    kind = value.get("kind", "hold") if isinstance(value, dict) else getattr(value, "kind", "hold")
    return kind if isinstance(kind, str) else repr(kind)


PolicyUnion = Annotated[
    Annotated[HoldPolicySpec, Tag("hold")]
    | Annotated[PlanPolicySpec, Tag("plan")]
    | Annotated[RulesPolicySpec, Tag("rules")]
    | Annotated[ReactivePolicySpec, Tag("reactive")]
    | Annotated[PresetPolicySpec, Tag("tit_for_tat")]
    | Annotated[PresetPolicySpec, Tag("graduated")]
    | Annotated[PresetPolicySpec, Tag("dominance")]
    | Annotated[DeescalatePolicySpec, Tag("deescalate")]
    | Annotated[QuantalPolicySpec, Tag("quantal")]
    | Annotated[BestResponsePolicySpec, Tag("best_response")]
    | Annotated[EquilibriumPolicySpec, Tag("equilibrium")],
    Discriminator(_kind_tag),
]
"""A policy as written in a file: one class per kind, chosen by ``kind``."""


def policy_spec(kind: str, **fields: Any) -> PolicySpec:
    """Build the policy of ``kind`` (validated), e.g. ``policy_spec("quantal", rationality=2)``."""
    cls = POLICY_CLASSES.get(kind)
    if cls is None:
        return PolicySpec.model_construct(kind=kind)
    return cls.model_validate({"kind": kind, **fields})


Distribution = Literal["uniform", "triangular", "normal", "beta", "choice"]


class UncertaintySpec(Sourced):
    """A parameter we are unsure of, with a distribution and a nominal value.

    The base of the per-distribution classes (:data:`UncertaintyUnion`, chosen
    by ``dist``); each accepts only its own parameters, and every parameter
    another distribution owns reads as ``None``. ``known_to`` lists the actors
    or sides whose policies may read it (``None``: everyone).
    """

    id: Slug
    name: Text = ""
    dist: str
    nominal: float | None = None
    known_to: list[Slug] | None = None
    description: Text = ""

    if TYPE_CHECKING:
        low: float | None = None
        high: float | None = None
        mode: float | None = None
        mean: float | None = None
        sd: float | None = None
        alpha: float | None = None
        beta: float | None = None
        values: list[float] | None = None
        weights: list[float] | None = None
    else:

        def __getattr__(self, name: str) -> Any:
            if name in _DISTRIBUTION_PARAMETERS:
                return None
            return super().__getattr__(name)


_DISTRIBUTION_PARAMETERS = frozenset(
    {"low", "high", "mode", "mean", "sd", "alpha", "beta", "values", "weights"}
)


class UniformSpec(UncertaintySpec):
    """``dist: uniform`` on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float | None = None
    high: float | None = None


class TriangularSpec(UncertaintySpec):
    """``dist: triangular`` on ``[low, high]`` with peak ``mode``."""

    dist: Literal["triangular"]
    low: float | None = None
    mode: float | None = None
    high: float | None = None


class NormalSpec(UncertaintySpec):
    """``dist: normal`` with ``mean`` and ``sd``, optionally truncated to ``[low, high]``."""

    dist: Literal["normal"]
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None


class BetaSpec(UncertaintySpec):
    """``dist: beta`` with shapes ``alpha`` and ``beta``, scaled to ``[low, high]`` ([0, 1])."""

    dist: Literal["beta"]
    alpha: float | None = None
    beta: float | None = None
    low: float | None = None
    high: float | None = None


class ChoiceSpec(UncertaintySpec):
    """``dist: choice`` among ``values`` with optional ``weights``."""

    dist: Literal["choice"]
    values: list[float] | None = None
    weights: list[float] | None = None


UNCERTAINTY_CLASSES: dict[str, type[UncertaintySpec]] = {
    "uniform": UniformSpec,
    "triangular": TriangularSpec,
    "normal": NormalSpec,
    "beta": BetaSpec,
    "choice": ChoiceSpec,
}
"""The schema class of each distribution."""


def _dist_tag(value: Any) -> str | None:
    dist = value.get("dist") if isinstance(value, dict) else getattr(value, "dist", None)
    return dist if isinstance(dist, str) or dist is None else repr(dist)


UncertaintyUnion = Annotated[
    Annotated[UniformSpec, Tag("uniform")]
    | Annotated[TriangularSpec, Tag("triangular")]
    | Annotated[NormalSpec, Tag("normal")]
    | Annotated[BetaSpec, Tag("beta")]
    | Annotated[ChoiceSpec, Tag("choice")],
    Discriminator(_dist_tag),
]
"""An uncertainty as written in a file: one class per distribution, chosen by ``dist``."""
