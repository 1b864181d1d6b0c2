"""A gazetteer of actors: states, organisations, institutions, people, capitals, demonyms.

States come from :mod:`pycountry` (ISO 3166-1; actor id = alpha-3 in lower
case) plus our own everyday names, demonyms and capitals used as metonyms
(``escalade/data/gazetteer.json``), which also lists organisations
(``nato``, ``un``, ``eu`` ...), institutions standing for a state
(Pentagon, Kremlin ...) and people with the actor they speak for.

Matching is case-sensitive on word boundaries and the longest alias wins,
so "North Korean" is read as ``prk`` and never as "Korea". Multi-word
personal names also match when a scraper has glued the next word on
("Joe Bidenin turn").

Examples
--------
>>> [(m.text, m.actor, m.kind) for m in find_mentions("Pyongyang sent North Korean troops.")]
[('Pyongyang', 'prk', 'capital'), ('North Korean', 'prk', 'demonym')]
"""

from __future__ import annotations

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
    """

    alias: str
    actor: str | None
    kind: MentionKind
    name: str
    role: str = ""


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
def entries() -> tuple[Entry, ...]:  # noqa: PLR0912 - one loop per data section
    """Return every alias of the gazetteer (pycountry names and our own data)."""
    doc = read_data("gazetteer.json")
    found: dict[str, Entry] = {}
    for country in pycountry.countries:
        actor = country.alpha_3.lower()
        name = _country_name(actor)
        for attr in ("name", "common_name", "official_name"):
            alias = getattr(country, attr, None)
            if alias and "," not in alias:
                found.setdefault(alias, Entry(alias, actor, "state", name))
    for actor, spec in doc["states"].items():
        name = spec["aliases"][0]
        for alias in spec["aliases"]:
            found[alias] = Entry(alias, actor, "state", name)
        for alias in spec["demonyms"]:
            found[alias] = Entry(alias, actor, "demonym", name)
        for alias in spec["capitals"]:
            found[alias] = Entry(alias, actor, "capital", name)
    for actor, spec in doc["organisations"].items():
        for alias in spec["aliases"]:
            found[alias] = Entry(alias, actor, "organisation", spec["name"])
        for alias in spec.get("capitals", ()):
            found[alias] = Entry(alias, actor, "capital", spec["name"])
    for item in doc["institutions"]:
        found[item["alias"]] = Entry(item["alias"], item["actor"], "institution", item["alias"])
    for person in doc["people"]:
        for alias in (person["name"], *person["aliases"]):
            found[alias] = Entry(alias, person["actor"], "person", person["name"], person["role"])
    return tuple(found.values())


@cache
def actor_names() -> dict[str, str]:
    """Return a display name for every actor id the gazetteer knows."""
    names: dict[str, str] = {}
    for entry in entries():
        if entry.actor and entry.kind in ("state", "organisation"):
            names.setdefault(entry.actor, entry.name)
    return names


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, Entry]]:
    by_alias = {e.alias: e for e in entries()}
    # A wire report's dateline writes its capitals in capitals ("MOSCOW (Reuters) -",
    # "BAKU/YEREVAN, 8 November"): they are the capital too.
    for entry in [e for e in by_alias.values() if e.kind == "capital"]:
        by_alias.setdefault(entry.alias.upper(), entry)
    parts = []
    for alias in sorted(by_alias, key=lambda a: (-len(a), a)):
        glued = by_alias[alias].kind == "person" and " " in alias
        parts.append(re.escape(alias) + ("" if glued else r"(?!\w)"))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")"), by_alias


def find_mentions(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Return the gazetteer aliases found in ``text``, in order.

    Parameters
    ----------
    text : str
        Any text.
    skip : sequence of (start, end)
        Spans to ignore (e.g. quotations, or dates).
    """
    pattern, by_alias = _pattern()
    spans = sorted(skip)
    found = []
    for match in pattern.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        entry = by_alias[match.group()]
        found.append(
            Mention(match.start(), match.end(), match.group(), entry.actor, entry.kind, entry.name)
        )
    return found
