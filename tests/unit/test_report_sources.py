"""The Sources section of the run and scenario reports, and links in table cells."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from escalade.analysis.scenario_tables import assumption_table, source_tables
from escalade.errors import UsageError
from escalade.report.html import Link, ReportDocument, Section, TableBlock, render_html
from escalade.report.run_report import run_report
from escalade.report.scenario_report import scenario_report
from escalade.report.sources import short_quote, sources_section
from escalade.results import ResultSet
from escalade.results import tablenames as tn
from escalade.scenario import load_scenario, loads_scenario

_EXTRA_SOURCE = (
    "  - {id: mea-2017, title: Press statement, outlet: Ministry, date: 2017-06-30, "
    'url: "https://example.org/statement", note: "paraphrase"}\n'
    "  - {id: unused-2020, title: Never cited}\n"
)


@pytest.fixture(scope="module")
def scenario():
    text = load_scenario("kursk-mini").text
    text = text.replace(
        "cost: 0.5",
        'cost: {value: 0.5, source: {ref: mea-2017}, quote: "a cost of 0.5 points"}',
    )
    return loads_scenario(text + _EXTRA_SOURCE, file="kursk.yaml")


def test_source_tables_list_every_source_and_every_citation(scenario) -> None:
    tables = source_tables(scenario)
    sources = tables[tn.SOURCES]
    assert list(sources["id"]) == ["bi-2024", "mea-2017", "unused-2020"]
    mea = sources[sources["id"] == "mea-2017"].iloc[0]
    assert (mea["url"], mea["date"], mea["outlet"]) == (
        "https://example.org/statement",
        "2017-06-30",
        "Ministry",
    )
    cites = tables[tn.CITATIONS].set_index("element")
    assert cites.loc["option lift_strike_limits", "source"] == "bi-2024"
    assert cites.loc["option lift_strike_limits", "quote"].startswith("allowing Ukraine")
    assert cites.loc["option lift_strike_limits: cost", "source"] == "mea-2017"
    assert cites.loc["option lift_strike_limits: cost", "quote"] == "a cost of 0.5 points"
    assert cites.loc["uncertainty strike_effect", "source"] == "bi-2024"
    assert cites.loc["uncertainty strike_effect", "line"] > 0


def _run_html(scenario) -> str:
    tables = {tn.ASSUMPTIONS: assumption_table(scenario), **source_tables(scenario)}
    doc = run_report(ResultSet("run", {"scenario_id": "t"}, tables))
    return render_html(doc, include_plotlyjs=False)


def test_the_run_report_has_a_sources_section_that_assumptions_link_to(scenario) -> None:
    html = _run_html(scenario).replace("<wbr>", "")  # long words may break after . / _
    section = html[html.index('<section id="sources">') : html.index("</main>")]
    for anchor in ("source-bi-2024", "source-mea-2017", "source-unused-2020"):
        assert f'<tr id="{anchor}">' in section
    assert '<a href="https://example.org/statement" rel="noopener noreferrer">' in section
    assert "Ministry" in section and "2017-06-30" in section and "paraphrase" in section
    assert "file 000_c32c3dac667c8d70.txt" in section
    assert "option lift_strike_limits, uncertainty strike_effect" in section
    assert "“a cost of 0.5 points”" in section and "not cited" in section
    assumptions = html[html.index('<section id="assumptions">') : html.index(section)]
    assert '><a href="#source-mea-2017">mea-2017</a></td>' in assumptions
    assert '<a href="#sources">Sources</a>' in html  # in the contents
    # the one-page brief prints the #brief section only: the sources are not in it
    assert html.index('<section id="sources">') > html.index("</section>")


def test_a_run_without_source_tables_has_no_sources_section() -> None:
    doc = run_report(ResultSet("run", {"scenario_id": "t"}, {}))
    html = render_html(doc, include_plotlyjs=False)
    assert 'id="sources"' not in html


def test_the_scenario_report_lists_its_sources(scenario) -> None:
    html = render_html(scenario_report(scenario), include_plotlyjs=False)
    assert '<tr id="source-mea-2017">' in html
    assert 'href="#source-bi-2024"' in html


def test_links_accept_anchors_and_web_addresses_only() -> None:
    df = pd.DataFrame(
        {
            "a": [
                Link("ok", "#source-x"),
                Link("web", "https://example.org/a?b=1&c=2"),
                Link("bad", "javascript:alert(1)"),
                Link("<b>", "#x"),
            ]
        }
    )
    doc = ReportDocument("t", sections=(Section("s", "S", (TableBlock(df, download="a.csv"),)),))
    html = render_html(doc, include_plotlyjs=False)
    assert '<a href="#source-x">ok</a>' in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert "javascript:" not in html and ">bad</td>" in html
    assert '><a href="#x">&lt;b&gt;</a></td>' in html
    assert re.search(r"a%0Aok%0Aweb%0Abad", html)  # the CSV has the text


def test_row_ids_must_match_the_rows() -> None:
    df = pd.DataFrame({"a": [1, 2]})
    for ids in (("one",), ("one", "one"), ("one", "2x")):
        doc = ReportDocument("t", sections=(Section("s", "S", (TableBlock(df, row_ids=ids),)),))
        with pytest.raises(UsageError, match="row_ids"):
            render_html(doc, include_plotlyjs=False)


def test_short_quotes_are_cut_at_a_word() -> None:
    assert short_quote("a  b\nc") == "“a b c”"
    long = "word " * 40
    cut = short_quote(long)
    assert len(cut) <= 83 and cut.endswith("word…”")


def test_a_column_no_source_fills_is_left_out() -> None:
    # Su-24 trial: no source had an address, and the Sources table showed an empty "link" column
    text = load_scenario("kursk-mini").text + (
        "  - {id: tass-2015, title: S-400 deployed, outlet: TASS, date: 2015-11-26}\n"
    )
    plain = loads_scenario(text, file="k.yaml")
    tables = source_tables(plain)
    tables[tn.SOURCES]["url"] = ""
    section = sources_section(ResultSet("run", {"scenario_id": "k"}, tables))
    assert section is not None
    (table, *_) = [b for b in section.blocks if isinstance(b, TableBlock)]
    assert "link" not in table.df.columns and "title" in table.df.columns


def test_citations_are_listed_in_the_order_of_the_file() -> None:
    # Berlin 1961 trial: an option's own source (line 56) was listed before the cost it cites
    # (line 54), the order of the schema's fields rather than of the file.
    citations = pd.DataFrame(
        {
            "source": ["a", "a", "b"],
            "element": ["option x", "option x: cost", "option y"],
            "path": ["", "", ""],
            "line": pd.array([56, 54, None], dtype="Int64"),
            "quote": ["later", "earlier", ""],
        }
    )
    sources = pd.DataFrame(
        [
            {"id": i, "title": i, "outlet": "", "date": "", "url": "", "file": "", "note": ""}
            for i in "ab"
        ]
    )
    rs = ResultSet("run", {"scenario_id": "k"}, {tn.SOURCES: sources, tn.CITATIONS: citations})
    section = sources_section(rs)
    assert section is not None
    cited = [b for b in section.blocks if isinstance(b, TableBlock)][1].df
    assert list(cited["line"])[:2] == [54, 56] and pd.isna(cited["line"].iloc[2])
    assert [str(q) for q in cited["quote"]] == ["“earlier”", "“later”", ""]
