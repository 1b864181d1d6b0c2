"""A gazetteer of actors: states, organisations, institutions, people, capitals, demonyms.

States come from :mod:`pycountry` (ISO 3166-1; actor id = alpha-3 in lower
case) plus our own everyday names, demonyms and capitals used as metonyms
(``escalade/data/gazetteer.json``), which also lists organisations
(``nato``, ``un``, ``eu`` ...), institutions standing for a state
(Pentagon, Kremlin ...) and people with the actor they speak for.

Matching is case-sensitive on word boundaries and the longest alias wins,
so "North Korean" is read as ``prk`` and never as "Korea". A state that no
longer exists (the Soviet Union, ``sun``) has an ``until`` date: in an article
dated before it, its names and the capital and institutions it shared with its
successor ("Moscow", "Kremlin") are read as it; otherwise as the successor. Multi-word
personal names also match when a scraper has glued the next word on
("Joe Bidenin turn").

Examples
--------
>>> [(m.text, m.actor, m.kind) for m in find_mentions("Pyongyang sent North Korean troops.")]
[('Pyongyang', 'prk', 'capital'), ('North Korean', 'prk', 'demonym')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import pycountry

from escalade.scenario.reference import read_data

__all__ = ["Entry", "Mention", "MentionKind", "actor_names", "entries", "find_mentions"]

MentionKind = Literal["state", "demonym", "capital", "organisation", "institution", "person"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One alias of the gazetteer.

    Parameters
    ----------
    alias : str
        The text matched (case-sensitive).
    actor : str or None
        The actor id it resolves to (None for analysts and commentators).
    kind : MentionKind
        What the alias names.
    name : str
        The canonical name (the person's full name, or the actor's name).
    role : str
        For people, their role as the gazetteer records it.
    until : datetime.date or None
        The day the actor ceased to exist (None: it exists); the alias names it only
        in a text dated before that day.
    """

    alias: str
    actor: str | None
    kind: MentionKind
    name: str
    role: str = ""
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """An alias found in a text, with its ``[start, end)`` span."""

    start: int
    end: int
    text: str
    actor: str | None
    kind: MentionKind
    name: str


def _country_name(alpha3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha3.upper())
    if country is None:
        return alpha3
    return str(getattr(country, "common_name", None) or country.name)


@cache
def entries() -> tuple[Entry, ...]:
    """Return every alias of the gazetteer (pycountry names and our own data)."""
    doc = read_data("gazetteer.json")
    found: dict[tuple[str, dt.date | None], Entry] = {}
    for country in pycountry.countries:
        actor = country.alpha_3.lower()
        name = _country_name(actor)
        for attr in ("name", "common_name", "official_name"):
            alias = getattr(country, attr, None)
            if alias and "," not in alias:
                found.setdefault((alias, None), Entry(alias, actor, "state", name))
    for actor, spec in doc["states"].items():
        name, until = spec["aliases"][0], _until(spec)
        kinds: tuple[tuple[str, MentionKind], ...] = (
            ("aliases", "state"),
            ("demonyms", "demonym"),
            ("capitals", "capital"),
        )
        for key, kind in kinds:
            for alias in spec[key]:
                found[alias, until] = Entry(alias, actor, kind, name, until=until)
    for actor, spec in doc["organisations"].items():
        for alias in spec["aliases"]:
            found[alias, None] = Entry(alias, actor, "organisation", spec["name"])
        for alias in spec.get("capitals", ()):
            found[alias, None] = Entry(alias, actor, "capital", spec["name"])
    for item in doc["institutions"]:
        alias, until = item["alias"], _until(item)
        found[alias, until] = Entry(alias, item["actor"], "institution", alias, until=until)
    for person in doc["people"]:
        for alias in (person["name"], *person["aliases"]):
            entry = Entry(alias, person["actor"], "person", person["name"], person["role"])
            found[alias, None] = entry
    return tuple(found.values())


def _until(spec: dict[str, object]) -> dt.date | None:
    until = spec.get("until")
    return None if until is None else dt.date.fromisoformat(str(until))


@cache
def actor_names() -> dict[str, str]:
    """Return a display name for every actor id the gazetteer knows."""
    names: dict[str, str] = {}
    for entry in entries():
        if entry.actor and entry.kind in ("state", "organisation"):
            names.setdefault(entry.actor, entry.name)
    return names


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, tuple[Entry, ...]]]:
    by_alias: dict[str, tuple[Entry, ...]] = {}
    for entry in entries():
        by_alias[entry.alias] = (*by_alias.get(entry.alias, ()), entry)
    # A wire report's dateline writes its capitals in capitals ("MOSCOW (Reuters) -",
    # "BAKU/YEREVAN, 8 November"): they are the capital too.
    written = set(by_alias)
    for entry in [e for e in entries() if e.kind == "capital" and e.alias.upper() not in written]:
        upper = entry.alias.upper()
        by_alias[upper] = (*by_alias.get(upper, ()), entry)
    parts = []
    for alias in sorted(by_alias, key=lambda a: (-len(a), a)):
        glued = by_alias[alias][0].kind == "person" and " " in alias
        parts.append(re.escape(alias) + ("" if glued else r"(?!\w)"))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")"), by_alias


def _on(candidates: tuple[Entry, ...], on: dt.date | None) -> Entry:
    """The entry an alias names on day ``on`` (today when None).

    The actor that existed then, the earliest to end first (the Soviet Union's Moscow
    before Russia's); an alias only of actors gone by then names the last of them
    ("the Soviet Union" in a 2024 article is still the Soviet Union).
    """
    day = on or dt.date.today()
    alive = [e for e in candidates if e.until is None or day < e.until]
    if alive:
        return min(alive, key=lambda e: e.until or dt.date.max)
    return max(candidates, key=lambda e: e.until or dt.date.max)


def find_mentions(
    text: str, *, skip: Sequence[tuple[int, int]] = (), on: dt.date | None = None
) -> list[Mention]:
    """Return the gazetteer aliases found in ``text``, in order.

    Parameters
    ----------
    text : str
        Any text.
    skip : sequence of (start, end)
        Spans to ignore (e.g. quotations, or dates).
    on : datetime.date, optional
        The text's date: an alias shared by a state that had ceased to exist by then
        and its successor is read as the successor ("Moscow" is the Soviet Union's
        before 26 December 1991, Russia's after). Today when not given.
    """
    pattern, by_alias = _pattern()
    spans = sorted(skip)
    found = []
    for match in pattern.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        entry = _on(by_alias[match.group()], on)
        found.append(
            Mention(match.start(), match.end(), match.group(), entry.actor, entry.kind, entry.name)
        )
    return found
