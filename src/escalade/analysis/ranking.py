"""Whose utility a run's ranking is by: a side (its actors' weighted sum) or one actor.

:func:`rank_by` resolves ``escalade run --rank-by ID`` (default: the focal
side); :func:`side_weight_table` lists every actor's weight in its side's
utility, with the source of each weight the file gives.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from escalade.errors import UsageError
from escalade.scenario import Scenario, loads_scenario
from escalade.scenario.dump import dump_scenario
from escalade.scenario.schema import NumberSpec, SourceRef
from escalade.scenario.validate import did_you_mean

__all__ = ["RankBy", "actor_as_side", "rank_by", "side_weight_table", "weight_text"]


@dataclass(frozen=True)
class RankBy:
    """The utility a ranking is by.

    Attributes
    ----------
    kind : {"side", "actor"}
        A side's utility (the weighted sum over its actors) or one actor's.
    id : str
        The side's or the actor's id.
    weights : tuple of (str, str)
        For a side, each of its actors with its weight as the file writes it.
    """

    kind: Literal["side", "actor"]
    id: str
    weights: tuple[tuple[str, str], ...] = ()

    def subject(self) -> str:
        """``the utility of side west (weights: usa 1, ukr 2)`` or ``the utility of actor usa``."""
        if self.kind == "actor":
            return f"the utility of actor {self.id} (its own, not its side's)"
        listed = ", ".join(f"{actor} {weight}" for actor, weight in self.weights)
        return f"the utility of side {self.id} (weights: {listed or 'no actors'})"

    def describe(self) -> str:
        """``ranked by the utility of side west (weights: ...)`` or ``ranked by actor usa``."""
        if self.kind == "actor":
            return f"ranked by actor {self.id} (its own utility, not its side's)"
        return f"ranked by {self.subject()}"

    def as_dict(self) -> dict[str, str]:
        """JSON-ready: ``kind``, ``id`` and the :meth:`describe` text."""
        return {"kind": self.kind, "id": self.id, "text": self.describe()}


def weight_text(value: float | str | NumberSpec) -> str:
    """A weight as the file writes it: ``2``, ``0.5`` or the expression text."""
    if isinstance(value, NumberSpec):
        value = value.value
    return f"{value:g}" if isinstance(value, int | float) else value


def _side_weights(scenario: Scenario, side: str) -> tuple[tuple[str, str], ...]:
    spec = next(s for s in scenario.spec.sides if s.id == side)
    return tuple(
        (a.id, weight_text(spec.weights.get(a.id, 1.0)))
        for a in scenario.spec.actors
        if a.side == side
    )


def rank_by(scenario: Scenario, ident: str | None, default: str) -> RankBy:
    """Resolve a ``--rank-by`` id: a side id (checked first) or an actor id.

    Parameters
    ----------
    scenario : Scenario
        The scenario run.
    ident : str or None
        The id given; None ranks by ``default``.
    default : str
        The side ranked by when ``ident`` is None (the focal side).

    Raises
    ------
    UsageError
        If ``ident`` is neither a side nor an actor of the scenario.
    """
    sides = [s.id for s in scenario.spec.sides]
    actors = [a.id for a in scenario.spec.actors]
    chosen = default if ident is None else ident
    if chosen in sides:
        return RankBy("side", chosen, _side_weights(scenario, chosen))
    if chosen in actors:
        return RankBy("actor", chosen)
    hint = did_you_mean(chosen, [*sides, *actors])
    raise UsageError(
        f"rank_by: expected a side id ({', '.join(sides)}) or an actor id "
        f"({', '.join(actors)}), found {chosen!r}" + (f"; hint: {hint}" if hint else ""),
        parameter="rank_by",
    )


def _source_text(given: float | str | NumberSpec | None, side: SourceRef | None = None) -> str:
    """A weight's source as one line: its own (``{value: ..., source: ...}``), else the side's."""
    own = isinstance(given, NumberSpec) and (given.source or given.quote or given.note)
    if isinstance(given, NumberSpec) and own:
        source = given.source or SourceRef(note="")
        quote, note = given.quote or source.quote, given.note or source.note
    elif given is not None and side is not None:
        source, quote, note = side, side.quote, side.note
    else:
        return ""
    parts = [source.ref, f"“{quote}”" if quote else None, note]
    return " — ".join(p for p in parts if p)


def side_weight_table(scenario: Scenario) -> pd.DataFrame:
    """Every actor's weight in its side's utility: side, actor, weight, source.

    ``weight`` is the number or expression the file gives, or ``1 (default)``;
    ``source`` is the weight's own source (``{value: ..., source: ...}``), else the
    side's ``source`` for the weights it lists.
    """
    rows = []
    for side in scenario.spec.sides:
        for actor in scenario.spec.actors:
            if actor.side != side.id:
                continue
            given = side.weights.get(actor.id)
            rows.append(
                {
                    "side": side.id,
                    "actor": actor.id,
                    "weight": "1 (default)" if given is None else weight_text(given),
                    "source": _source_text(given, side.source),
                }
            )
    return pd.DataFrame(rows, columns=["side", "actor", "weight", "source"])


def actor_as_side(scenario: Scenario, actor: str) -> tuple[Scenario, str]:
    """The scenario with ``actor``'s side weighing only ``actor`` (1; its allies 0), and the side.

    The side's utility in the result is the actor's own utility, trajectory by
    trajectory; nothing else changes (weights are read by no policy).
    """
    side = next(a.side for a in scenario.spec.actors if a.id == actor)
    weights = {a.id: float(a.id == actor) for a in scenario.spec.actors if a.side == side}
    sides = [
        s.model_copy(update={"weights": weights}) if s.id == side else s
        for s in scenario.spec.sides
    ]
    changed = dataclasses.replace(scenario, spec=scenario.spec.model_copy(update={"sides": sides}))
    text = dump_scenario(changed)
    return loads_scenario(text, file=scenario.file, base_dir=scenario.base_dir), side
