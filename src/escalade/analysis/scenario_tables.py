"""Tables that describe a scenario (for reports and the dashboard).

``ladder_rungs``   arena, index, id, name, group
``ladder_thresholds``  arena, id, name, rung
``ladder_options`` arena, id, actor, rung, perceived_by (side whose view differs, or None)
``scenario``       element, count, ids
``assumptions``    the provenance table of :mod:`escalade.evidence.provenance`
``sources``        id, title, outlet, date (ISO, or ""), url, file, note
``citations``      source, element, path, line, quote: every place that cites a source
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from escalade.evidence.provenance import assumptions
from escalade.results import tablenames as tn
from escalade.scenario import Scenario
from escalade.scenario.reference import builtin_ladder, builtin_ladder_names
from escalade.scenario.schema import NumberSpec, SourceRef
from escalade.scenario.specbase import walk_spec

__all__ = ["SOURCE_COLUMNS", "assumption_table", "ladder_tables", "scenario_table", "source_tables"]


def ladder_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Return the rungs, thresholds and options of every arena's ladder."""
    rungs, thresholds, options = [], [], []
    for arena in scenario.arenas:
        ladder = scenario.ladder_of(arena.id)
        group_names = _group_names(ladder.id)
        for rung in ladder.rungs:
            group = group_names.get(rung.group, str(rung.group)) if rung.group is not None else "—"
            rungs.append(
                {
                    "arena": arena.id,
                    "index": rung.index,
                    "id": rung.id,
                    "name": rung.name,
                    "group": group,
                }
            )
        for t in ladder.thresholds:
            thresholds.append({"arena": arena.id, "id": t.id, "name": t.name, "rung": t.rung})
        actor_side = {a.id: a.side for a in scenario.actors}
        for option in scenario.options:
            if option.arena != arena.id or option.rung is None:
                continue
            options += _option_rows(arena.id, arena.parties, option, ladder, actor_side)
    return {
        tn.LADDER_RUNGS: pd.DataFrame(rungs, columns=["arena", "index", "id", "name", "group"]),
        tn.LADDER_THRESHOLDS: pd.DataFrame(thresholds, columns=["arena", "id", "name", "rung"]),
        tn.LADDER_OPTIONS: pd.DataFrame(
            options, columns=["arena", "id", "actor", "rung", "perceived_by"]
        ),
    }


def _option_rows(
    arena: str, parties: list[str], option: Any, ladder: Any, actor_side: dict[str, str]
) -> list[dict[str, Any]]:
    """An option at the rung its acting side sees, then each other party's differing view.

    The acting side's view is its ``perceived`` rung (else ``rung``); an actor whose side is
    not a party of the arena is placed at ``rung``.
    """
    base = ladder.rung_index(option.rung)
    view = {side: ladder.rung_index(option.perceived.get(side, option.rung)) for side in parties}
    side = actor_side.get(option.actor)
    own = view.get(side, base) if side is not None else base
    rows = [
        {"arena": arena, "id": option.id, "actor": option.actor, "rung": own, "perceived_by": None}
    ]
    for other, seen in view.items():
        if other != side and seen != own:
            rows.append(
                {
                    "arena": arena,
                    "id": f"{option.id} ({other})",
                    "actor": option.actor,
                    "rung": seen,
                    "perceived_by": other,
                }
            )
    return rows


def _group_names(ladder_id: str) -> dict[int, str]:
    if ladder_id not in builtin_ladder_names():
        return {}
    return dict(builtin_ladder(ladder_id).groups)


def scenario_table(scenario: Scenario) -> pd.DataFrame:
    """Return one row per section: how many elements and their ids."""
    spec = scenario.spec
    rows = []
    for name in (
        "sides",
        "actors",
        "arenas",
        "variables",
        "options",
        "events",
        "uncertainties",
        "strategies",
        "mindsets",
        "outcomes",
        "sources",
    ):
        items = getattr(spec, name)
        ids = [str(getattr(i, "id", "")) for i in items]
        rows.append({"element": name, "count": len(items), "ids": ", ".join(ids)})
    return pd.DataFrame(rows, columns=["element", "count", "ids"])


def assumption_table(scenario: Scenario) -> pd.DataFrame:
    """Return the provenance table as a DataFrame."""
    rows = [a.to_dict() for a in assumptions(scenario)]
    columns = ["element", "path", "line", "value", "kind", "ref", "quote", "note"]
    table = pd.DataFrame(rows, columns=columns)
    table["line"] = table["line"].astype("Int64")
    return table


_SINGULAR = {
    "ladders": "ladder",
    "sides": "side",
    "actors": "actor",
    "arenas": "arena",
    "variables": "variable",
    "options": "option",
    "events": "event",
    "accidents": "accidents",
    "uncertainties": "uncertainty",
    "strategies": "strategy",
    "mindsets": "mindset",
    "outcomes": "outcome",
    "terminal": "terminal",
}


def _path_text(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _element(scenario: Scenario, path: tuple[str | int, ...]) -> str:
    """``option block_road`` for ``options[0].source``; the field after a colon if deeper."""
    if len(path) < 2 or path[0] not in _SINGULAR:
        return _path_text(path)
    section, key = path[0], path[1]
    item = getattr(scenario.spec, str(section))[key] if isinstance(key, int) else None
    name = f"{_SINGULAR[str(section)]} {getattr(item, 'id', None) or key}"
    rest = [p for p in path[2:] if p != "source"]
    return f"{name}: {_path_text(tuple(rest))}" if rest else name


def _citations(scenario: Scenario) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def cite(ref: SourceRef, quote: str | None, path: tuple[str | int, ...]) -> None:
        rows.append(
            {
                "source": ref.ref,
                "element": _element(scenario, path),
                "path": _path_text(path),
                "line": scenario.position(path)[0],
                "quote": quote or ref.quote,
            }
        )

    def cited_number(node: Any) -> bool:
        return isinstance(node, NumberSpec) and node.source is not None and bool(node.source.ref)

    def into(node: Any) -> bool:
        return not isinstance(node, SourceRef) and not cited_number(node)

    for path, node in walk_spec(scenario.spec, into=into):
        if isinstance(node, SourceRef) and node.ref:
            cite(node, None, path)
        elif cited_number(node):
            cite(node.source, node.quote, path)
    return rows


SOURCE_COLUMNS = ("id", "title", "outlet", "date", "url", "file", "note")
"""The columns of a ``sources`` table (a run's, a replay's)."""


def source_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Return the scenario's sources and every place that cites one (see module docstring)."""
    sources = [s.record() for s in scenario.spec.sources]
    citations = pd.DataFrame(
        _citations(scenario), columns=["source", "element", "path", "line", "quote"]
    )
    citations["line"] = citations["line"].astype("Int64")
    return {
        tn.SOURCES: pd.DataFrame(sources, columns=list(SOURCE_COLUMNS)),
        tn.CITATIONS: citations,
    }
