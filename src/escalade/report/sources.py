"""The Sources section of a report: every source of the scenario and what cites it.

Reads the ``sources`` and ``citations`` tables of
:func:`escalade.analysis.scenario_tables.source_tables`; a result set stored
before they existed has neither, and its report has no Sources section. A
replay's report lists the observed file's sources the same way
(:func:`observed_sources_section`), cited by its observations.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from escalade.report.html import Link, Markdown, Section, TableBlock
from escalade.results import ResultSet
from escalade.results import tablenames as tn

__all__ = [
    "link_sources",
    "observed_sources_section",
    "short_quote",
    "source_anchor",
    "sources_section",
]

QUOTE_CHARS = 80
"""A quote longer than this is cut at a word and ends in an ellipsis."""
CITED_NAMES = 8
"""The elements named in a source's row; the others are counted."""


def source_anchor(source_id: str) -> str:
    """The anchor of a source's row in the Sources section (``source-<id>``)."""
    return f"source-{source_id}"


def short_quote(quote: str, limit: int = QUOTE_CHARS) -> str:
    """``quote`` in quotation marks, cut at a word boundary if longer than ``limit``.

    Examples
    --------
    >>> short_quote("troops crossed the border")
    '“troops crossed the border”'
    >>> short_quote("one two three four", limit=10)
    '“one two…”'
    """
    text = " ".join(quote.split())
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
        text = cut.rstrip(" ,;:.") + "…"
    return f"“{text}”"


def link_sources(table: pd.DataFrame, column: str, known: set[str]) -> pd.DataFrame:
    """``table`` with the source ids of ``column`` that are in ``known`` linked to their row."""
    if table.empty or column not in table.columns or not known:
        return table
    cells: list[Any] = [
        Link(str(ref), "#" + source_anchor(str(ref))) if ref in known else ref
        for ref in table[column]
    ]
    return table.assign(**{column: pd.Series(cells, index=table.index, dtype=object)})


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cited_by(citations: pd.DataFrame) -> str:
    if citations.empty:
        return "not cited"
    names = list(dict.fromkeys(citations["element"].astype(str)))
    shown = ", ".join(names[:CITED_NAMES])
    more = len(names) - CITED_NAMES
    return f"{shown} … and {more} more" if more > 0 else shown


def _file_note(row: pd.Series) -> str:
    parts = [f"file {row['file']}" if row.get("file") else "", str(row.get("note") or "")]
    return "; ".join(p for p in parts if p)


def _sources_view(sources: pd.DataFrame, citations: pd.DataFrame) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for _, row in sources.iterrows():
        url = str(row.get("url") or "")
        mine = citations[citations["source"] == row["id"]] if not citations.empty else citations
        rows.append(
            {
                "source": row["id"],
                "title": row["title"],
                "outlet": row["outlet"],
                "date": row["date"],
                "link": Link(url, url) if url else "",
                "file / note": _file_note(row),
                "cited by": _cited_by(mine),
            }
        )
    view = pd.DataFrame(rows)
    # a column no source fills (no address, no file or note) is left out, not shown empty
    empty = [c for c in ("link", "file / note") if c in view and not view[c].astype(bool).any()]
    return view.drop(columns=empty)


def _citations_view(citations: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    # in the file's order: an element's own source can come after the numbers it cites
    citations = citations.sort_values("line", kind="stable", na_position="last")
    view = citations[["source", "element", "line"]].reset_index(drop=True)
    view["quote"] = [short_quote(q) if isinstance(q, str) and q else "" for q in citations["quote"]]
    return link_sources(view, "source", known)


def _sources_table(sources: pd.DataFrame, citations: pd.DataFrame) -> TableBlock:
    return TableBlock(
        _sources_view(sources, citations),
        "Sources",
        download="sources.csv",
        row_ids=tuple(source_anchor(str(i)) for i in sources["id"]),
    )


def observed_sources_section(rs: ResultSet) -> Section | None:
    """A replay's Sources section: the observed file's sources and the observations citing each.

    None if the result set has no ``sources`` table (stored before it was kept) or the
    file lists no source.
    """
    sources = rs.get(tn.SOURCES)
    if sources.empty:
        return None
    obs = rs.get(tn.OBSERVATIONS)
    cited = obs[obs["source"] != ""] if "source" in obs.columns else obs.iloc[0:0]
    citations = pd.DataFrame({"source": cited.get("source", []), "element": cited.get("id", [])})
    intro = Markdown(
        f"The {_count(len(sources), 'source')} the observed file lists, and the observations "
        "that cite each. A source id in the forecast-vs-record table links here."
    )
    return Section("sources", "Sources", (intro, _sources_table(sources, citations)))


def sources_section(rs: ResultSet) -> Section | None:
    """The Sources section: one row per source (anchored), then what each citation quotes.

    None if the result set has no ``sources`` table or the scenario lists no source.
    """
    sources = rs.get(tn.SOURCES)
    if sources.empty:
        return None
    citations = rs.get(tn.CITATIONS)
    known = set(sources["id"].astype(str))
    blocks: list[Any] = [
        Markdown(
            f"The {_count(len(sources), 'source')} the scenario lists, and the elements that cite "
            "each. "
            "A source id elsewhere in this report links here."
        ),
        _sources_table(sources, citations),
    ]
    if not citations.empty:
        blocks.append(
            TableBlock(
                _citations_view(citations, known),
                "Where each source is cited, with the quote it is cited for",
                collapse=len(citations) > 12,
                download="citations.csv",
            )
        )
    return Section("sources", "Sources", tuple(blocks))
