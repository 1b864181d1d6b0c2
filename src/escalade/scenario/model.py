r"""The validated, immutable scenario.

Formal model (DESIGN.md §2). A scenario defines sides :math:`S`, actors
:math:`I` (each on one side), arenas :math:`A` (each between two sides, on a
ladder of integer rungs :math:`r_a \\in [\\ell_a, h_a]`), variables
:math:`x \\in \\mathbb{R}^V` (clipped to bounds), options :math:`O` (each of one
actor, optionally in one arena at a rung), events and accidents. The state at
the start of round :math:`t` is :math:`s_t = (x_t, r_t, h_t)` with history
:math:`h_t` (options taken, cooldowns). A round applies, in order: events;
decisions :math:`o_i = \\pi_i(\\text{obs}_i(s_t))`; resolution (success draws,
costs, effects, :math:`r_a \\leftarrow \\max(r_a, \\text{rung}(o))`); accidents
(one uniform :math:`u` per arena: up if :math:`u < p_{up}(r_a)`, down if
:math:`p_{up} \\le u < p_{up} + p_{down}`); payoffs
:math:`u_i \\mathrel{+}= \\delta_i^t (w_i \\cdot (x, r) - c_i)` plus one-off
threshold utilities. A run ends at the horizon or when a terminal condition
holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from escalade.errors import Issue
from escalade.reprs import listed, short_repr
from escalade.scenario.ladders import Ladder
from escalade.scenario.schema import (
    ActorSpec,
    ArenaSpec,
    OptionSpec,
    ScenarioSpec,
    StrategySpec,
)
from escalade.scenario.yamlio import Path

__all__ = ["Scenario", "canonical_data"]


def canonical_data(spec: ScenarioSpec) -> dict[str, Any]:
    """Return the scenario as plain data with defaults dropped (for dumping and hashing)."""
    data: dict[str, Any] = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["schema_version"] = spec.schema_version
    return data


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario: the parsed spec plus what loading resolved.

    Attributes
    ----------
    spec : ScenarioSpec
        The structurally and semantically valid file content.
    text : str
        The original file text (stored with every run).
    file : str
        Where it came from (a path or ``<catalog id>.yaml``).
    base_dir : pathlib.Path or None
        The folder of the file, for resolving relative source files.
    ladders : dict
        Every ladder the arenas use, built-in ones included.
    positions : dict
        ``field path -> (line, column)``, for locating later errors.
    """

    spec: ScenarioSpec
    text: str
    file: str
    base_dir: FsPath | None
    ladders: dict[str, Ladder]
    positions: dict[Path, tuple[int, int]] = field(repr=False)
    warnings: tuple[Issue, ...] = ()

    def __repr__(self) -> str:
        return short_repr(
            "Scenario",
            id=self.id,
            title=self.title,
            actors=len(self.actors),
            arenas=len(self.arenas),
            options=len(self.options),
            strategies=listed(s.id for s in self.strategies),
            mindsets=listed(m.id for m in self.mindsets),
            horizon=self.spec.calendar.horizon,
            file=self.file,
        )

    @property
    def id(self) -> str:
        """The scenario id."""
        return self.spec.id

    @property
    def title(self) -> str:
        """The scenario title."""
        return self.spec.title

    @property
    def actors(self) -> list[ActorSpec]:
        """The actors, in file order."""
        return self.spec.actors

    @property
    def arenas(self) -> list[ArenaSpec]:
        """The arenas, in file order."""
        return self.spec.arenas

    @property
    def options(self) -> list[OptionSpec]:
        """The options, in file order."""
        return self.spec.options

    @property
    def strategies(self) -> list[StrategySpec]:
        """The strategies (policy bundles of the focal side)."""
        return self.spec.strategies

    @property
    def mindsets(self) -> list[StrategySpec]:
        """The mindsets (policy bundles of the other side)."""
        return self.spec.mindsets

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical content: stable across formatting and comments."""
        blob = json.dumps(canonical_data(self.spec), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def ladder_of(self, arena_id: str) -> Ladder:
        """The ladder of an arena."""
        arena = next(a for a in self.spec.arenas if a.id == arena_id)
        return self.ladders[arena.ladder]

    def round_dates(self) -> list[dt.date]:
        """The start date of every round."""
        cal = self.spec.calendar
        return [step_date(cal.start, cal.step, t) for t in range(cal.horizon + 1)]

    def position(self, path: Path) -> tuple[int | None, int | None]:
        """``(line, column)`` of a field path or of its nearest ancestor."""
        probe = tuple(path)
        while probe and probe not in self.positions:
            probe = probe[:-1]
        return self.positions.get(probe, (None, None))


def step_date(start: dt.date, step: str, t: int) -> dt.date:
    """The date ``t`` steps after ``start`` (months keep the day, clipped to month end)."""
    if step == "day":
        return start + dt.timedelta(days=t)
    if step == "week":
        return start + dt.timedelta(weeks=t)
    month0 = start.month - 1 + t
    year, month = start.year + month0 // 12, month0 % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day, start.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
