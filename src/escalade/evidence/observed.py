"""Observed timelines: what happened in a crisis, as facts a scenario can be scored against.

An observed file (``schema_version: 1``) names a scenario, the date up to
which the record is known (``as_of``) and a list of observations, each dated
(``date``) or spanning a window (``between: [d1, d2]``) and of one kind:

* ``option`` + ``taken``: the actor made that move (chose it and was not
  refused) in the round containing the date, or at least once within the
  window (``taken: false``: it did not);
* ``event`` + ``branch`` (or ``fired``): the event fired (with that branch);
* ``threshold`` + ``crossed``: a threshold of the scenario's ladders was reached;
* ``arena`` + ``rung``: the arena's rung at the end of the round of ``date``;
* ``variable`` + ``value`` + ``sd``: a measurement of a variable at ``date``.

The file is read with the scenario loader's YAML reader (positions for every
node) and its errors are located the same way (file:line:col, field path,
expected/found, hint). :func:`compile_observations` checks the ids and dates
against a compiled scenario and turns each observation into a :class:`Fact`
the particle filter reads. ``docs/history.md`` documents the format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator

from escalade.errors import Issue, ScenarioError
from escalade.evidence.provenance import QuoteRef
from escalade.reprs import short_repr
from escalade.scenario.files import read_input_file
from escalade.scenario.messages import pydantic_issues
from escalade.scenario.schema import SourceSpec
from escalade.scenario.specbase import Model, Slug, SourceRef, Text
from escalade.scenario.yamlio import MAX_BYTES, Loaded, decode, format_path, load_yaml

if TYPE_CHECKING:
    from escalade.scenario.compiled import CompiledScenario

__all__ = [
    "DEFAULT_EPSILON",
    "Observation",
    "ObservedSource",
    "ObservedTimeline",
    "Prior",
    "load_observed",
    "loads_observed",
    "observed_quotes",
    "timeline_sources",
]

DEFAULT_EPSILON = 0.02
"""Default observation-error rate of discrete observations (see ``docs/history.md``)."""

Kind = Literal["option", "event", "threshold", "rung", "variable"]
_KINDS: tuple[Kind, ...] = ("option", "event", "threshold", "rung", "variable")
_ALLOWED: dict[str, set[str]] = {
    "option": {"taken"},
    "event": {"branch", "fired"},
    "threshold": {"crossed"},
    "rung": {"arena"},
    "variable": {"value", "sd"},
}
_PAYLOAD = {"taken", "branch", "fired", "crossed", "arena", "value", "sd"}


class ObservedSource(SourceSpec):
    """A report behind observations (as a scenario source; ``file`` is optional)."""


class Observation(Model):
    """One observed fact: a ``date`` or a window ``between: [d1, d2]``, and one kind of fact.

    The kinds: ``option`` + ``taken`` (the option's actor made the move in the round
    of ``date``, or at least once in the window; ``taken: false``: it did not);
    ``event`` + ``branch`` or ``fired`` (the event fired, with that branch;
    ``fired: false``: it did not fire); ``threshold`` + ``crossed`` (a threshold of the
    scenario, ``arena.threshold``, was reached); ``arena`` + ``rung`` (the arena's rung
    at the end of the round of ``date``); ``variable`` + ``value`` + ``sd`` (a
    measurement of the variable at ``date``). See docs/history.md.
    """

    id: Slug | None = Field(default=None, description="default obs1, obs2, ... in file order")
    date: dt.date | None = Field(default=None, description="the round containing this date")
    between: tuple[dt.date, dt.date] | None = Field(
        default=None, description="a window [first, last] of dates (instead of 'date')"
    )
    option: Slug | None = Field(default=None, description="an option id; with 'taken'")
    taken: bool | None = Field(default=None, description="whether the option's actor made it")
    event: Slug | None = Field(default=None, description="an event id; with 'branch' or 'fired'")
    branch: Slug | None = Field(default=None, description="the branch the event fired with")
    fired: bool | None = Field(default=None, description="whether the event fired")
    threshold: Annotated[str, StringConstraints(min_length=1, max_length=130)] | None = Field(
        default=None, description="a threshold (ARENA.THRESHOLD, or its id); with 'crossed'"
    )
    crossed: bool | None = Field(default=None, description="whether the threshold was reached")
    arena: Slug | None = Field(default=None, description="an arena id; with 'rung'")
    rung: int | Slug | None = Field(
        default=None, description="the arena's rung (number or id) at the end of the round"
    )
    variable: Slug | None = Field(default=None, description="a variable id; with 'value' and 'sd'")
    value: float | None = Field(default=None, description="the variable's measured value")
    sd: float | None = Field(
        default=None, gt=0, description="the measurement's standard deviation (> 0)"
    )
    source: SourceRef | None = None
    note: Text = ""

    @model_validator(mode="before")
    @classmethod
    def _short_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("source"), str):
            data = {**data, "source": {"ref": data["source"]}}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Observation:
        if (self.date is None) == (self.between is None):
            raise ValueError("an observation needs exactly one of 'date' or 'between: [d1, d2]'")
        if self.between is not None and self.between[1] < self.between[0]:
            first, last = self.between
            raise ValueError(
                f"between: expected its first date on or before its second, found {first} "
                f"after {last} (swap them: between: [{last}, {first}])"
            )
        kinds = [k for k in _KINDS if getattr(self, k) is not None]
        if self.rung is not None and "rung" not in kinds:
            kinds.append("rung")
        if len(kinds) != 1:
            raise ValueError(
                "an observation needs exactly one of 'option', 'event', 'threshold', "
                f"'rung' (with 'arena') or 'variable', found {', '.join(kinds) or 'none'}"
            )
        kind = kinds[0]
        extra = sorted(f for f in _PAYLOAD - _ALLOWED[kind] if getattr(self, f) is not None)
        if extra:
            raise ValueError(f"a {kind!r} observation does not take {', '.join(extra)}")
        self._require(kind)
        return self

    def _require(self, kind: str) -> None:
        need = {"option": ["taken"], "threshold": ["crossed"], "variable": ["value", "sd"]}
        need["rung"] = ["arena"]
        missing = [f for f in need.get(kind, []) if getattr(self, f) is None]
        if kind == "event" and self.branch is None and self.fired is None:
            missing = ["'branch' or 'fired'"]
        if kind == "event" and self.branch is not None and self.fired is False:
            raise ValueError("'branch' says the event fired; drop 'fired: false'")
        if missing:
            what = "; ".join(_NEEDED.get(f, f) for f in missing)
            raise ValueError(
                f"expected {what} on a {kind!r} observation, found none (add "
                f"{' and '.join(_EXAMPLE.get(f, f) for f in missing)})"
            )
        if kind in ("variable", "rung") and self.date is None:
            raise ValueError(f"a {kind!r} observation is a measurement at a 'date', not 'between'")

    @property
    def kind(self) -> Kind:
        """Which kind of fact this is."""
        for k in _KINDS:
            if getattr(self, k) is not None:
                return k
        return "rung"

    @property
    def end(self) -> dt.date:
        """The last date the observation speaks about (when it becomes known)."""
        if self.between is not None:
            return self.between[1]
        assert self.date is not None
        return self.date


_NEEDED = {
    "taken": "'taken' (true: the move was made, false: it was not)",
    "crossed": "'crossed' (true or false)",
    "value": "'value' (the measured value)",
    "sd": "'sd' (the measurement's standard deviation, above 0)",
    "arena": "'arena' (whose rung it is)",
}
"""What each field an observation kind needs says (for the error that misses it)."""
_EXAMPLE = {
    "taken": "taken: true",
    "crossed": "crossed: false",
    "value": "value: 1.5",
    "sd": "sd: 0.5",
    "arena": "arena: ARENA",
    "'branch' or 'fired'": "branch: BRANCH or fired: true",
}


class Prior(Model):
    """Prior weights over strategies and mindsets (uniform where not given)."""

    strategies: dict[Slug, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    mindsets: dict[Slug, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)


class ObservedTimeline(Model):
    """A whole observed file (``schema_version: 1``); the format is in docs/history.md."""

    schema_version: Literal[1]
    scenario: Slug
    as_of: dt.date
    epsilon: float = Field(default=DEFAULT_EPSILON, ge=0, lt=0.5)
    observations: list[Observation] = Field(default_factory=list)
    sources: list[ObservedSource] = Field(default_factory=list)
    prior: Prior | None = None
    description: Text = ""


@dataclass(frozen=True)
class LoadedTimeline:
    """A validated timeline with its file name, text and node positions.

    ``entries`` is set only while errors are collected, on a timeline made of the
    observations that passed the format checks: where each of them stands in the
    file's list (``issue`` and ``entry`` translate; None: every observation, in place).
    """

    timeline: ObservedTimeline
    file: str
    text: str
    loaded: Loaded
    entries: tuple[int, ...] | None = None

    def __repr__(self) -> str:
        t = self.timeline
        return short_repr(
            "LoadedTimeline",
            scenario=t.scenario,
            as_of=t.as_of.isoformat(),
            observations=len(t.observations),
            sources=len(t.sources),
            file=self.file,
        )

    def entry(self, i: int) -> int:
        """The position in the file's ``observations`` of ``timeline.observations[i]``."""
        return i if self.entries is None else self.entries[i]

    def issue(self, path: tuple[str | int, ...], message: str, hint: str | None = None) -> Issue:
        """An issue located at ``path`` (``("observations", i, ...)``: of ``observations[i]``)."""
        if len(path) > 1 and path[0] == "observations" and isinstance(path[1], int):
            path = ("observations", self.entry(path[1]), *path[2:])
        return self.loaded.issue(path, message, hint)


def load_observed(
    path: str | FsPath, *, scenario: CompiledScenario | None = None
) -> LoadedTimeline:
    """Read and validate an observed file (and, given ``scenario``, check it against it).

    Parameters
    ----------
    path : str or pathlib.Path
        The observed file.
    scenario : CompiledScenario, optional
        The scenario the timeline speaks about: its ids, calendar, strategies and
        mindsets are checked too (as :func:`escalade.evidence.facts.compile_observations`
        does), and their problems reported with those of the file itself.

    Raises
    ------
    ScenarioError
        With every problem located by file, line, column and field path: the format
        checks, then the checks of the file as a whole (dates after ``as_of``, source
        references, duplicate ids) and those against ``scenario``, which skip the
        observations that failed the format checks.
    """
    file = FsPath(path)
    raw = read_input_file(file, str(path), MAX_BYTES, "observed timeline file")
    return loads_observed(decode(raw, str(path)), file=str(path), scenario=scenario)


def loads_observed(
    text: str, *, file: str = "<string>", scenario: CompiledScenario | None = None
) -> LoadedTimeline:
    """Validate the text of an observed file (see :func:`load_observed`)."""
    lt, issues = _formatted(text, file)
    if lt is not None:
        issues += _structural_issues(lt)
        if scenario is not None:
            from escalade.evidence.facts import scenario_issues  # noqa: PLC0415 (facts imports us)

            seen = {i.path for i in issues}
            issues += [i for i in scenario_issues(scenario, lt) if i.path not in seen]
    if issues:
        raise ScenarioError(sorted(issues, key=lambda i: (i.line or 0, i.col or 0)))
    assert lt is not None
    return lt


def _formatted(text: str, file: str) -> tuple[LoadedTimeline | None, list[Issue]]:
    """The timeline of the observations that pass the format checks, and the others' issues.

    None (with the issues) when a problem lies outside the observations' entries.
    """
    loaded = load_yaml(text, file)
    data = loaded.data
    if not isinstance(data, dict):
        raise ScenarioError([loaded.issue((), "expected a mapping with 'observations'")])
    _refuse_scenario(loaded, data)
    version = data.get("schema_version")
    if version != 1 or type(version) is not int:
        found = "no schema_version" if version is None else f"schema_version {version!r}"
        raise ScenarioError(
            [
                loaded.issue(
                    ("schema_version",) if version is not None else (),
                    f"expected 'schema_version: 1' for an observed timeline, found {found}",
                    "add 'schema_version: 1' as the first line",
                )
            ]
        )
    try:
        return LoadedTimeline(ObservedTimeline.model_validate(data), file, text, loaded), []
    except ValidationError as exc:
        issues = pydantic_issues(exc, loaded)
        failed = _failed_entries(exc)
    if failed is None:
        return None, issues
    entries = tuple(i for i in range(len(data["observations"])) if i not in failed)
    kept = {**data, "observations": [data["observations"][i] for i in entries]}
    try:
        timeline = ObservedTimeline.model_validate(kept)
    except ValidationError:
        return None, issues
    return LoadedTimeline(timeline, file, text, loaded, entries), issues


_SCENARIO_KEYS = ("calendar", "sides", "actors", "arenas", "options", "strategies", "mindsets")


def _refuse_scenario(loaded: Loaded, data: dict[str, Any]) -> None:
    """A scenario given where its observed timeline is expected: one error saying so."""
    if "observations" in data:
        return
    keys = [k for k in _SCENARIO_KEYS if k in data]
    if not keys:
        return
    raise ScenarioError(
        [
            loaded.issue(
                (keys[0],),
                "expected an observed timeline ('observations:'), found a scenario "
                f"({', '.join(repr(k + ':') for k in keys[:3])} and no 'observations:')",
                "give the scenario as the command's first argument, and as its observed "
                "timeline a file of what happened, with 'observations:' (its format: "
                "docs/history.md)",
            )
        ]
    )


def _failed_entries(exc: ValidationError) -> set[int] | None:
    """The observations a validation error is about; None if one lies outside them."""
    failed = set()
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if len(loc) < 2 or loc[0] != "observations" or not isinstance(loc[1], int):
            return None
        failed.add(loc[1])
    return failed


def _structural_issues(lt: LoadedTimeline) -> list[Issue]:
    t = lt.timeline
    issues: list[Issue] = []
    refs = {s.id for s in t.sources}
    seen: dict[str, int] = {}
    for i, o in enumerate(t.observations):
        if o.end > t.as_of:
            field = "between" if o.between is not None else "date"
            issues.append(
                lt.issue(
                    ("observations", i, field),
                    f"expected dates on or before as_of {t.as_of}, found {o.end}",
                    "move as_of later, or drop the observation until it is known",
                )
            )
        if o.source is not None and o.source.ref is not None and o.source.ref not in refs:
            from escalade.scenario.validate import did_you_mean  # noqa: PLC0415

            issues.append(
                lt.issue(
                    ("observations", i, "source", "ref"),
                    f"expected a source id of 'sources', found {o.source.ref!r}",
                    did_you_mean(o.source.ref, sorted(refs))
                    or f"add {{id: {o.source.ref}, title: ..., outlet: ..., date: ...}} to "
                    "'sources' (the file's own list: the scenario's sources are not read)",
                )
            )
        if o.id is not None:
            if o.id in seen:
                issues.append(
                    lt.issue(
                        ("observations", i, "id"),
                        f"expected unique observation ids, found {o.id!r} again "
                        f"(first at observations[{seen[o.id]}])",
                    )
                )
            seen.setdefault(o.id, i)
    return issues


def observed_quotes(lt: LoadedTimeline) -> list[QuoteRef]:
    """Every quote of the timeline's observations, located (for ``escalade verify``)."""
    out = []
    for i, o in enumerate(lt.timeline.observations):
        if o.source is not None and o.source.quote and o.source.ref:
            path: tuple[str | int, ...] = ("observations", i, "source", "quote")
            out.append(
                QuoteRef(
                    format_path(path), lt.loaded.position(path)[0], o.source.ref, o.source.quote
                )
            )
    return out


def timeline_sources(
    lt: LoadedTimeline,
) -> tuple[tuple[dict[str, str], ...], tuple[dict[str, str | None], ...]]:
    """The timeline's sources, and each observation's ``source`` and own ``note``.

    Parameters
    ----------
    lt : LoadedTimeline
        The observed timeline.

    Returns
    -------
    tuple
        The sources ``{id, title, outlet, date, url, file, note}`` in file order, and
        one ``{ref, quote, note, observation_note}`` per observation in file order (None
        where absent; ``observation_note`` is the observation's own ``note``).
    """
    sources = tuple(s.record() for s in lt.timeline.sources)
    cited: list[dict[str, str | None]] = []
    for o in lt.timeline.observations:
        ref = o.source or SourceRef(note="")
        cited.append(
            {
                "ref": ref.ref,
                "quote": ref.quote,
                "note": ref.note or None,
                "observation_note": o.note or None,
            }
        )
    return sources, tuple(cited)
