from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from escalade.errors import UsageError
from escalade.report.html import (
    FigureBlock,
    Markdown,
    ReportDocument,
    Section,
    TableBlock,
    Text,
    render_html,
    write_html,
)


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def small_document(*blocks: object) -> ReportDocument:
    return ReportDocument(
        title="Crisis <report>",
        subtitle="toy & test",
        sections=(
            Section(
                "summary",
                "Summary",
                (
                    Markdown("Some **bold** text.\n\n> a quote\n\n[a link](https://example.org)"),
                    Text("line one\nline <two>"),
                    TableBlock(
                        pd.DataFrame({"strategy": ["wait", "act"], "eu": [0.12345, -1.0]}),
                        "Ranking",
                        {"eu": ".2f"},
                    ),
                    *blocks,  # type: ignore[list-item]
                ),
            ),
            Section("empty", "Nothing here"),
        ),
        method_notes={"seed": "7", "scenario hash": "sha256:ab"},
    )


def test_html_snapshot_without_plotly(golden) -> None:
    golden("report_html_small.html", render_html(small_document(), include_plotlyjs=False))


def test_self_contained_with_figures(tmp_path: Path) -> None:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="</script><b>x</b>"))
    path = write_html(small_document(FigureBlock(fig, "A figure")), tmp_path / "r" / "report.html")
    text = path.read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(text)
    tags = [t for t, _ in parser.tags]
    assert "link" not in tags and "iframe" not in tags and "img" not in tags
    refs = [a.get("src") or a.get("href") for _, a in parser.tags if {"src", "href"} & set(a)]
    assert refs == ["#summary", "#empty", "#method-notes"]
    outside_scripts = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", outside_scripts)
    assert any("plotly.js (basic - minified) v" in s for s in parser.scripts)  # inline, basic
    data = [a for t, a in parser.tags if t == "script" and a.get("class") == "figure-data"]
    assert [d["data-target"] for d in data] == ["figure-4"]
    payload = next(s for s in parser.scripts if s.startswith('{"data"'))
    assert json.loads(payload)["data"][0]["name"] == "</script><b>x</b>"
    assert "</script><b>" not in payload  # escaped inside the script element


def test_escaping_and_markdown_safety() -> None:
    text = render_html(
        small_document(Markdown("<script>alert(1)</script>")), include_plotlyjs=False
    )
    assert "<title>Crisis &lt;report&gt; · toy &amp; test</title>" in text
    assert "line &lt;two&gt;" in text
    assert "<script>alert(1)</script>" not in text
    assert "https://example.org" in text and 'href="https' not in text  # links shown as text
    assert '<td class="num">0.12</td>' in text and '<td class="num">-1.00</td>' in text


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ((Section("a", "A"), Section("a", "B")), "used twice"),
        ((Section("1abc", "A"),), "expected a letter"),
        ((Section("method-notes", "A"),), "used twice"),
        ((Section("a", "A", ("just a string",)),), "expected a Markdown"),  # type: ignore[arg-type]
        ((Section("a", "A", (FigureBlock({"data": [{"type": "nope"}]}),)),), "plotly figure"),
    ],
)
def test_invalid_documents(sections: tuple[Section, ...], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        render_html(ReportDocument("t", sections=sections), include_plotlyjs=False)


def test_table_cells_keep_ids_numbers_and_dates_whole() -> None:
    """The replay's id column was one letter wide and "0.324" wrapped to "0.32" over "4"."""
    table = pd.DataFrame(
        {
            "id": ["pilgrimage_closed", "mea-2017"],
            "fact": [
                "suspend_pilgrimage taken in the round of 2017-06-26",
                "in 2017-06-19..2017-07-09",
            ],
            "brier": [0.324, 0.013],
            "path": ["actors[0].utility.per_round.india_standing", "x"],
        }
    )
    doc = ReportDocument("t", sections=(Section("s", "S", (TableBlock(table),)),))
    html = render_html(doc, include_plotlyjs=False)
    assert '<td class="nowrap">pilgrimage_closed</td>' in html
    assert '<td class="nowrap">mea-2017</td>' in html
    assert '<td class="num">0.324</td>' in html
    assert 'the round of <span class="nowrap">2017-06-26</span></td>' in html
    assert '<span class="nowrap">2017-06-19..2017-07-09</span>' in html
    assert "<td>actors[0].<wbr>utility.<wbr>per_<wbr>round.<wbr>india_<wbr>standing</td>" in html
    css = html[html.index("<style>") : html.index("</style>")]
    assert "td.num, td.nowrap, span.nowrap { white-space: nowrap; }" in css
    assert "td { overflow-wrap: break-word; }" in css  # not anywhere: words never split to fit
    assert ".table-wrap { overflow-x: auto;" in css  # a table wider than the page scrolls


def test_a_prose_column_keeps_a_readable_width() -> None:
    """The Israel–Iran replay: a crowded table squeezed its quotes to one word a line."""
    table = pd.DataFrame(
        {
            "id": ["damascus", "isfahan"],
            "quote": [
                "\u201cstrike on Iran's embassy compound in Damascus\u201d",
                "\u201ca limited strike near the city of Isfahan\u201d",
            ],
            "kind": ["option", "option"],
        }
    )
    doc = ReportDocument("t", sections=(Section("s", "S", (TableBlock(table),)),))
    html = render_html(doc, include_plotlyjs=False)
    assert '<td class="prose">\u201cstrike on Iran' in html
    assert '<td class="nowrap">option</td>' in html
    css = html[html.index("<style>") : html.index("</style>")]
    assert "td.prose { min-width: 14em; }" in css


def test_many_prose_columns_get_a_lower_floor() -> None:
    """Three prose columns at 14em made the assumptions table wider than a 1,280 px page."""
    long = "a sentence of more than forty characters, in several words"
    table = pd.DataFrame({"element": [long], "value": [long], "note": [long], "line": [3]})
    doc = ReportDocument("t", sections=(Section("s", "S", (TableBlock(table),)),))
    html = render_html(doc, include_plotlyjs=False)
    assert html.count('<td class="prose narrow">') == 3
    css = html[html.index("<style>") : html.index("</style>")]
    assert "td.prose.narrow { min-width: 8em; }" in css
