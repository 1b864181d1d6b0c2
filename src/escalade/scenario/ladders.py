"""Resolved escalation ladders: custom ones from the file, built-in ones by name."""

from __future__ import annotations

from dataclasses import dataclass

from escalade.scenario.reference import builtin_ladder, builtin_ladder_names
from escalade.scenario.schema import LadderSpec, ThresholdSpec

__all__ = ["Ladder", "Rung", "Threshold", "resolve_ladders"]


@dataclass(frozen=True, slots=True)
class Rung:
    """A rung: its number on the ladder, id, name and group."""

    index: int
    id: str
    name: str
    group: int | None = None


@dataclass(frozen=True, slots=True)
class Threshold:
    """A named threshold at a rung (crossed when the rung reaches it)."""

    id: str
    name: str
    rung: int


@dataclass(frozen=True, slots=True)
class Ladder:
    """An ordered ladder of rungs with named thresholds."""

    id: str
    name: str
    rungs: tuple[Rung, ...]
    thresholds: tuple[Threshold, ...]
    builtin: bool = False
    citation: str = ""

    @property
    def low(self) -> int:
        """The lowest rung number."""
        return self.rungs[0].index

    @property
    def high(self) -> int:
        """The highest rung number."""
        return self.rungs[-1].index

    def rung_index(self, ref: int | str) -> int | None:
        """Return the rung number of ``ref`` (a number or a rung id), or None if unknown."""
        if isinstance(ref, int):
            return ref if self.low <= ref <= self.high else None
        for rung in self.rungs:
            if rung.id == ref:
                return rung.index
        return None

    def rung_ids(self) -> tuple[str, ...]:
        """All rung ids, in order."""
        return tuple(r.id for r in self.rungs)


def _from_spec(spec: LadderSpec) -> tuple[Ladder, list[tuple[ThresholdSpec, str]]]:
    rungs = tuple(Rung(spec.base + i, r.id, r.name, r.group) for i, r in enumerate(spec.rungs))
    partial = Ladder(spec.id, spec.name, rungs, ())
    thresholds: list[Threshold] = []
    unresolved: list[tuple[ThresholdSpec, str]] = []
    for t in spec.thresholds:
        index = partial.rung_index(t.at)
        if index is None:
            unresolved.append((t, f"expected a rung of ladder {spec.id!r}, found {t.at!r}"))
            continue
        thresholds.append(Threshold(t.id, t.name, index))
    return Ladder(spec.id, spec.name, rungs, tuple(thresholds)), unresolved


def resolve_ladders(
    custom: list[LadderSpec], used: set[str]
) -> tuple[dict[str, Ladder], list[tuple[int, ThresholdSpec, str]]]:
    """Return the custom ladders and the built-in ones named in ``used``.

    Also returns the thresholds that name unknown rungs, as
    ``(ladder position, threshold, message)`` for the validator to report.
    """
    ladders: dict[str, Ladder] = {}
    problems: list[tuple[int, ThresholdSpec, str]] = []
    for i, spec in enumerate(custom):
        ladder, unresolved = _from_spec(spec)
        ladders.setdefault(spec.id, ladder)
        problems.extend((i, t, msg) for t, msg in unresolved)
    for name in sorted(used - set(ladders)):
        if name in builtin_ladder_names():
            ref = builtin_ladder(name)
            ladders[name] = Ladder(
                ref.id,
                ref.name,
                tuple(Rung(r.index, r.id, r.name, r.group) for r in ref.rungs),
                tuple(Threshold(t.id, t.name, t.rung) for t in ref.thresholds),
                builtin=True,
                citation=ref.citation,
            )
    return ladders, problems
