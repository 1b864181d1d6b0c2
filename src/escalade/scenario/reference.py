"""Built-in reference data: escalation ladders and event scales, as package data.

The data live in JSON files under ``escalade/data`` with their citations
(see ``escalade/data/README.md``):

* ``kahn`` -- Kahn's escalation ladder (1965, p. 39, as reproduced in Davis &
  Stan, RAND R-3235, 1984, Fig. 2): rung 0 for the pre-crisis stage and rungs
  1-44 in 7 groups, with 6 thresholds, each at the first rung above it;
* ``compact`` -- our own 13-rung ladder, peacetime competition to strategic
  nuclear exchange;
* CAMEO root codes and relevant sub-codes with Goldstein values;
* PLOVER v2.0 event types with quad class and base score (CC BY-SA 4.0);
* Correlates of War MID 3.x incident actions with hostility levels.

Every loader is cached and returns frozen objects.

Examples
--------
>>> kahn = builtin_ladder("kahn")
>>> kahn.rungs[12].name
'Large conventional war (or actions)'
>>> kahn.threshold("no_nuclear_use").rung
21
>>> cameo_codes()["072"].goldstein
8.3
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from escalade.errors import Issue, ScenarioError

__all__ = [
    "BuiltinLadder",
    "BuiltinRung",
    "BuiltinThreshold",
    "CameoCode",
    "MidAction",
    "PloverType",
    "builtin_ladder",
    "builtin_ladder_names",
    "cameo_codes",
    "mid_actions",
    "plover_types",
    "read_data",
]

_LADDERS = ("kahn", "compact")


@dataclass(frozen=True, slots=True)
class BuiltinRung:
    """A rung of a built-in ladder.

    Parameters
    ----------
    index : int
        The rung number (0 for the lowest).
    id : str
        A lowercase slug, e.g. ``"large_conventional_war"``.
    name : str
        The rung's name as published.
    group : int or None
        The group the rung belongs to (None for a pre-crisis rung).
    """

    index: int
    id: str
    name: str
    group: int | None


@dataclass(frozen=True, slots=True)
class BuiltinThreshold:
    """A named threshold, placed at the first rung above it."""

    id: str
    name: str
    rung: int


@dataclass(frozen=True, slots=True)
class BuiltinLadder:
    """A built-in escalation ladder.

    Parameters
    ----------
    id, name : str
        Identity of the ladder.
    rungs : tuple of BuiltinRung
        In increasing order of ``index``.
    thresholds : tuple of BuiltinThreshold
        In increasing order of ``rung``.
    citation : str
        Where the rung names and numbers come from.
    groups : tuple of (int, str)
        Group numbers and names, in order.
    """

    id: str
    name: str
    rungs: tuple[BuiltinRung, ...]
    thresholds: tuple[BuiltinThreshold, ...]
    citation: str
    groups: tuple[tuple[int, str], ...] = ()

    def rung(self, ref: int | str) -> BuiltinRung:
        """Return the rung with number or id ``ref``.

        Raises
        ------
        KeyError
            If the ladder has no such rung.
        """
        for rung in self.rungs:
            if ref in (rung.index, rung.id):
                return rung
        raise KeyError(ref)

    def group_name(self, number: int) -> str:
        """Return the name of group ``number``.

        Raises
        ------
        KeyError
            If the ladder has no such group.
        """
        for key, name in self.groups:
            if key == number:
                return name
        raise KeyError(number)

    def threshold(self, threshold_id: str) -> BuiltinThreshold:
        """Return the threshold with id ``threshold_id``.

        Raises
        ------
        KeyError
            If the ladder has no such threshold.
        """
        for threshold in self.thresholds:
            if threshold.id == threshold_id:
                return threshold
        raise KeyError(threshold_id)


@dataclass(frozen=True, slots=True)
class CameoCode:
    """A CAMEO event code with its Goldstein value and quad class (1-4)."""

    code: str
    label: str
    goldstein: float
    quad_class: int


@dataclass(frozen=True, slots=True)
class PloverType:
    """A PLOVER v2.0 event type with its quad class (1-4) and base score."""

    id: str
    quad_class: int
    score: float


@dataclass(frozen=True, slots=True)
class MidAction:
    """A MID 3.x incident action with its hostility level (1 none ... 5 war)."""

    code: int
    name: str
    hostility: int


def read_data(filename: str) -> Any:
    """Return the parsed JSON of a package data file (e.g. ``"kahn.json"``).

    Parameters
    ----------
    filename : str
        A file name in ``escalade/data``.
    """
    text = resources.files("escalade").joinpath("data", filename).read_text(encoding="utf-8")
    return json.loads(text)


def builtin_ladder_names() -> tuple[str, ...]:
    """Return the names of the built-in ladders, e.g. ``("kahn", "compact")``."""
    return _LADDERS


def builtin_ladder(name: str) -> BuiltinLadder:
    """Return the built-in ladder called ``name``.

    Parameters
    ----------
    name : str
        One of :func:`builtin_ladder_names`.

    Raises
    ------
    ScenarioError
        If there is no built-in ladder of that name (with a did-you-mean hint).
    """
    if name not in _LADDERS:
        close = difflib.get_close_matches(name, _LADDERS, n=1)
        hint = (
            f"did you mean {close[0]!r}?" if close else f"built-in ladders: {', '.join(_LADDERS)}"
        )
        raise ScenarioError(
            [
                Issue(
                    f"expected the name of a built-in ladder, found {name!r}",
                    path="ladder",
                    hint=hint,
                )
            ]
        )
    return _load_ladder(name)


@cache
def _load_ladder(name: str) -> BuiltinLadder:
    doc = read_data(f"{name}.json")
    rungs = tuple(
        BuiltinRung(int(r["index"]), str(r["id"]), str(r["name"]), r["group"]) for r in doc["rungs"]
    )
    thresholds = tuple(
        BuiltinThreshold(str(t["id"]), str(t["name"]), int(t["rung"])) for t in doc["thresholds"]
    )
    groups = tuple((int(g["number"]), str(g["name"])) for g in doc["groups"])
    return BuiltinLadder(
        id=str(doc["id"]),
        name=str(doc["name"]),
        rungs=rungs,
        thresholds=thresholds,
        citation=str(doc["citation"]),
        groups=groups,
    )


@cache
def cameo_codes() -> Mapping[str, CameoCode]:
    """Return the shipped CAMEO codes, keyed by code (e.g. ``"163"``)."""
    doc = read_data("cameo.json")
    return MappingProxyType(
        {
            c["code"]: CameoCode(c["code"], c["label"], float(c["goldstein"]), int(c["quad_class"]))
            for c in doc["codes"]
        }
    )


@cache
def plover_types() -> Mapping[str, PloverType]:
    """Return the PLOVER v2.0 event types, keyed by id (e.g. ``"SANCTION"``).

    The data are CC BY-SA 4.0 (Open Event Data Alliance); see ``plover.json``.
    """
    doc = read_data("plover.json")
    return MappingProxyType(
        {
            t["id"]: PloverType(t["id"], int(t["quad_class"]), float(t["score"]))
            for t in doc["types"]
        }
    )


@cache
def mid_actions() -> Mapping[int, MidAction]:
    """Return the MID 3.x incident actions, keyed by action code (0-21)."""
    doc = read_data("mid_actions.json")
    return MappingProxyType(
        {
            int(a["code"]): MidAction(int(a["code"]), str(a["name"]), int(a["hostility"]))
            for a in doc["actions"]
        }
    )
