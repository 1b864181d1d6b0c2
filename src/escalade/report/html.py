"""Self-contained HTML reports: one file that opens offline.

A :class:`ReportDocument` is a title, a subtitle, sections of blocks
(:class:`Markdown`, :class:`Text`, :class:`TableBlock`, :class:`FigureBlock`)
and method notes; a table cell may be a :class:`Link` (to an anchor of the page,
or an ``http(s)`` address followed only when clicked). :func:`render_html` turns
it into ONE HTML file: the CSS inline, the smallest plotly.js bundle that draws
the figures inline (:mod:`escalade.report.bundle`), the figures as inline JSON;
no URL is fetched when the page opens. Markdown is rendered with raw HTML, links and images
disabled, so no text can add a request.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from plotly.io.json import to_json_plotly

from escalade.errors import UsageError
from escalade.report.bundle import bundle_for, plotly_js, trace_types
from escalade.report.text import format_value

__all__ = [
    "Block",
    "FigureBlock",
    "Link",
    "Markdown",
    "ReportDocument",
    "Section",
    "TableBlock",
    "Text",
    "render_html",
    "write_html",
]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_NOWRAP_CHARS = 32
"""A column whose every cell is one word of at most this many characters never wraps."""
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?:\.\.\d{4}-\d{2}-\d{2})?")
_BREAK_AFTER = re.compile(r"(?<=[./_])(?=.)")
_BREAK_CHARS = 16
"""A word longer than this (a path, an address, a long id) may break after . / and _
(not in a column that never wraps)."""
_PROSE_CHARS = 40
"""A cell of more than three words and this many characters is prose: its column gets a
minimum width (``td.prose``)."""
_WIDE_PROSE = 2
"""Up to this many prose columns keep the full floor; more get a lower one (``td.prose.narrow``):
three at 14em made the assumptions table wider than the page."""
_HREF = re.compile(r"^(#[A-Za-z][A-Za-z0-9_-]*|https?://[^\s\"'<>]+)$")
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showLink": False}


@dataclass(frozen=True, slots=True)
class Markdown:
    """A block of CommonMark text (no raw HTML, links or images)."""

    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph of plain text, shown as written (line breaks kept)."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A table cell that links: ``text`` shown, ``href`` an anchor or an address.

    ``href`` is ``#id`` (an anchor of the page) or an ``http://``/``https://``
    address; any other is shown as plain text. In a CSV download the cell is ``text``.
    """

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class TableBlock:
    """A table: ``df`` with a caption and per-column format specifications.

    ``formats`` maps a column to a Python format spec (``".3f"``, ``".1%"``) or
    ``"sig"``/``"pct"`` (3 significant digits, percentage). ``collapse`` puts the
    table under a closed ``<details>``; ``download`` (a file name) adds a link
    that saves the full-precision table as CSV (a ``data:`` URL, no request).
    ``row_ids`` (one per row, or empty) are the rows' anchors (``#id`` links to one).
    """

    df: pd.DataFrame
    caption: str = ""
    formats: Mapping[str, str] = field(default_factory=dict)
    collapse: bool = False
    download: str = ""
    row_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureBlock:
    """A plotly figure (a ``Figure`` or its JSON dict) with a caption."""

    figure: go.Figure | Mapping[str, Any]
    caption: str = ""


Block = Markdown | Text | TableBlock | FigureBlock


@dataclass(frozen=True, slots=True)
class Section:
    """A titled section; ``id`` is its anchor (a letter, then letters, digits, ``-``, ``_``)."""

    id: str
    title: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """A whole report.

    Parameters
    ----------
    title, subtitle : str
        Shown at the top and in the page title.
    sections : tuple of Section
        In order; each appears in the table of contents.
    method_notes : mapping of str to str
        Shown last as a definition list (N, seed, intervals, versions, hash ...).
    """

    title: str
    subtitle: str = ""
    sections: tuple[Section, ...] = ()
    method_notes: Mapping[str, str] = field(default_factory=dict)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("escalade.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = format_value
    return env


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable(["link", "image", "autolink"])


def _safe_json(value: str) -> Markup:
    """JSON that can sit inside a ``<script>`` element."""
    escaped = value.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(escaped)  # noqa: S704 - the only specials of a script element are escaped


@cache
def _page_template() -> str:
    """The layout part of plotly's ``plotly_white`` template, once per page."""
    layout = pio.templates["plotly_white"].layout.to_plotly_json()
    return json.dumps({"layout": layout}, separators=(",", ":"))


def _figure_json(figure: go.Figure | Mapping[str, Any], where: str) -> Markup:
    try:
        # A go.Figure was validated as it was built; only a plain mapping is validated here.
        fig = figure if isinstance(figure, go.Figure) else go.Figure(dict(figure))
        # Its own property dicts, serialised as they are: no deep copy, no base64 arrays.
        text = to_json_plotly({"data": fig._data, "layout": fig._layout}, engine="json")
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{where}: expected a plotly figure, found an invalid one: {exc}") from exc
    return _safe_json(text)


def _word(word: str, one_of_several: bool) -> Markup | None:
    """A word of a cell as HTML, or None if it is shown as it is."""
    if one_of_several and _DATES.search(word):  # never "2017-06-" then "19"
        return Markup('<span class="nowrap">{}</span>').format(word)
    if len(word) > _BREAK_CHARS:  # a path, an address or a long id: may break after . / _
        return Markup("<wbr>").join(escape(p) for p in _BREAK_AFTER.split(word))
    return None


def _breakable(text: str) -> str | Markup:
    """``text`` to show in a cell: dates kept whole, long words with places to break."""
    pieces = re.split(r"(\s+)", text)
    shown = [_word(p, len(pieces) > 1) for p in pieces]
    if all(s is None for s in shown):
        return text
    return Markup("").join(
        escape(p) if s is None else s for p, s in zip(pieces, shown, strict=True)
    )


def _text(value: Any, spec: str | None) -> str:
    """A cell's text as shown (a link's text)."""
    return value.text if isinstance(value, Link) else format_value(value, spec)


def _cell(value: Any, spec: str | None, *, breaks: bool) -> str | Markup:
    """A cell as HTML; with ``breaks``, long words get places to break (not in nowrap columns)."""
    text = _text(value, spec)
    shown = _breakable(text) if breaks else text
    if not isinstance(value, Link):
        return shown
    if not _HREF.match(value.href):
        return text
    if value.href.startswith("#"):
        return Markup('<a href="{}">{}</a>').format(value.href, shown)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(value.href, shown)


def _row_ids(block: TableBlock, n_rows: int, where: str) -> list[str]:
    ids = list(block.row_ids)
    if ids and len(ids) != n_rows:
        raise UsageError(f"{where}.row_ids: expected {n_rows} ids (one per row), found {len(ids)}")
    bad = [i for i in ids if not _ID.match(i)]
    if bad or len(set(ids)) != len(ids):
        found = f"{bad[0]!r}" if bad else "a repeated id"
        raise UsageError(
            f"{where}.row_ids: expected unique ids, a letter then letters, digits, '-' or '_'; "
            f"found {found}"
        )
    return ids


def _column_classes(numeric: list[bool], rows: list[list[str]]) -> list[str]:
    """Each column's cell class: ``num`` (right-aligned, never wraps) or ``nowrap`` (ids, dates)."""
    classes = []
    for k, is_number in enumerate(numeric):
        words = [row[k] for row in rows]
        short = bool(words) and all(len(w) <= _NOWRAP_CHARS and not w.split()[1:] for w in words)
        # prose (quotes, notes, titles): a floor on its width, or a crowded table squeezes
        # it to its longest word, one word a line
        prose = any(len(w) > _PROSE_CHARS and len(w.split()) > 3 for w in words)
        classes.append("num" if is_number else "nowrap" if short else "prose" if prose else "")
    if classes.count("prose") > _WIDE_PROSE:  # each floor lower, or the table outgrows the page
        classes = ["prose narrow" if c == "prose" else c for c in classes]
    return classes


def _table_view(block: TableBlock, where: str) -> dict[str, Any]:
    df = block.df if isinstance(block.df.index, pd.RangeIndex) else block.df.reset_index()
    numeric = [
        pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    ]
    specs = [block.formats.get(str(c)) for c in df.columns]
    rows = list(df.itertuples(index=False, name=None))
    texts = [[_text(v, s) for v, s in zip(row, specs, strict=True)] for row in rows]
    view: dict[str, Any] = {"columns": [str(c) for c in df.columns], "numeric": numeric}
    view["classes"] = classes = _column_classes(numeric, texts)
    view["rows"] = [
        [_cell(v, s, breaks=k != "nowrap") for v, s, k in zip(row, specs, classes, strict=True)]
        for row in rows
    ]
    view["row_ids"] = _row_ids(block, len(df), where)
    view["collapse"] = block.collapse
    view["n_rows"] = len(df)
    if block.download:
        csv = df.to_csv(index=False)
        view["download"] = block.download
        view["csv_href"] = "data:text/csv;charset=utf-8," + quote(csv)
    return view


def _block_view(block: Block, where: str, number: int) -> dict[str, Any]:
    if isinstance(block, Markdown):
        return {"kind": "markdown", "html": Markup(_markdown().render(block.text))}  # noqa: S704
    if isinstance(block, Text):
        return {"kind": "text", "text": block.text}
    if isinstance(block, TableBlock):
        return {"kind": "table", "caption": block.caption, **_table_view(block, where)}
    if isinstance(block, FigureBlock):
        return {
            "kind": "figure",
            "id": f"figure-{number}",
            "caption": block.caption,
            "json": _figure_json(block.figure, where),
        }
    raise UsageError(
        f"{where}: expected a Markdown, Text, TableBlock or FigureBlock, "
        f"found {type(block).__name__}"
    )


def _check_sections(sections: Sequence[Section]) -> None:
    seen: set[str] = set()
    for position, section in enumerate(sections):
        where = f"sections[{position}].id"
        if not _ID.match(section.id):
            raise UsageError(
                f"{where}: expected a letter then letters, digits, '-' or '_', found {section.id!r}"
            )
        if section.id in seen or section.id == "method-notes":
            raise UsageError(f"{where}: the id {section.id!r} is used twice")
        seen.add(section.id)


def _bundle(document: ReportDocument) -> str:
    figures = [
        block.figure
        for section in document.sections
        for block in section.blocks
        if isinstance(block, FigureBlock)
    ]
    return plotly_js(bundle_for(trace_types(figures)))


def render_html(document: ReportDocument, *, include_plotlyjs: bool = True) -> str:
    """Render ``document`` as one self-contained HTML page.

    Parameters
    ----------
    document : ReportDocument
        What to show.
    include_plotlyjs : bool
        Embed plotly.js (default): the smallest bundle that draws the document's
        trace types (:func:`escalade.report.bundle.bundle_for`). ``False`` leaves
        it out, for a page that already loads it; the result is then not
        self-contained.

    Raises
    ------
    UsageError
        If section ids are invalid or repeated, or a block is not a block.
    """
    _check_sections(document.sections)
    counter = 0
    sections = []
    for s_index, section in enumerate(document.sections):
        blocks = []
        for b_index, block in enumerate(section.blocks):
            counter += 1
            where = f"sections[{s_index}].blocks[{b_index}]"
            blocks.append(_block_view(block, where, counter))
        sections.append({"id": section.id, "title": section.title, "blocks": blocks})
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=document.title,
        subtitle=document.subtitle,
        sections=sections,
        method_notes=dict(document.method_notes),
        plotly_js=Markup(_bundle(document)) if include_plotlyjs else None,  # noqa: S704
        plotly_config=_safe_json(json.dumps(_PLOTLY_CONFIG)),
        plotly_template=_safe_json(_page_template()),
    )


def write_html(document: ReportDocument, path: str | os.PathLike[str]) -> Path:
    """Render ``document`` and write it to ``path`` (UTF-8); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(document), encoding="utf-8")
    return target
