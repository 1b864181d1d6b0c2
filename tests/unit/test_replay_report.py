"""The replay report's charts: real axis titles, the reports' palette, ESS lines joined.

And the record's sources: a Sources section, each observation's source and quote.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from escalade.cli import main
from escalade.report.html import FigureBlock, Markdown, TableBlock
from escalade.report.layout import PALETTE
from escalade.report.replay_report import never_produced, replay_report
from escalade.results import ResultSet
from escalade.workflows.replay import ReplayOptions, replay_scenario

OBSERVED = Path(__file__).parents[1] / "data" / "observed"


def replay_result() -> ResultSet:
    """Two cells, observations in rounds 4 to 7 and 9 (none in round 8)."""
    ess = pd.DataFrame(
        [
            {"strategy": s, "mindset": "reactive", "round": r, "ess": e}
            for s in ("status_quo", "two_carriers")
            for r, e in zip(range(10), [None] * 4 + [1.0, 1.0, 0.6, 0.45, None, 0.88], strict=True)
        ]
    )
    posterior = pd.DataFrame(
        {
            "of": ["strategies", "strategies", "mindsets", "mindsets"],
            "id": ["status_quo", "two_carriers", "reactive", "opportunist"],
            "prior": [0.5, 0.5, 0.5, 0.5],
            "posterior": [0.77, 0.23, 0.88, 0.12],
        }
    )
    uncertainties = pd.DataFrame(
        [
            {"id": "p_landslide", "prior_mean": 0.6, "prior_q05": 0.35, "prior_median": 0.61,
             "prior_q95": 0.82, "prior_sd": 0.15, "posterior_mean": 0.63, "posterior_q05": 0.38,
             "posterior_median": 0.65, "posterior_q95": 0.84, "shift": 0.04, "shift_sd": 0.25}
        ]
    )  # fmt: skip
    tables = {"ess": ess, "posterior": posterior, "uncertainties": uncertainties}
    return ResultSet("replay", {"scenario_id": "taiwan-1996"}, tables)


def _figures() -> list:
    return [
        b.figure
        for s in replay_report(replay_result()).sections
        for b in s.blocks
        if isinstance(b, FigureBlock)
    ]


def test_every_replay_chart_has_real_axis_titles() -> None:
    titles = {(f.layout.xaxis.title.text, f.layout.yaxis.title.text) for f in _figures()}
    assert ("mindset", "probability") in titles and ("strategy", "probability") in titles
    assert ("round", "ESS / particles") in titles
    assert ("value of p_landslide (median, 5% to 95%)", None) in titles
    assert not any(x in ("value", "id") or y == "value" for x, y in titles)


def test_the_ess_chart_uses_the_palette_and_joins_the_rounds_with_observations() -> None:
    (ess,) = [f for f in _figures() if f.layout.yaxis.title.text == "ESS / particles"]
    assert [t.line.color for t in ess.data] == list(PALETTE[:2])
    for line in ess.data:
        assert list(line.x) == [4, 5, 6, 7, 9]
        assert not any(math.isnan(y) for y in line.y) and line.mode == "lines+markers"


def test_the_report_and_json_keep_the_record_sources(tmp_path: Path) -> None:
    """A new user's replay.html showed nothing of the observed file's sources or quotes."""
    timeline = tmp_path / "coin.observed.yaml"
    text = (OBSERVED / "coin.observed.yaml").read_text(encoding="utf-8")
    timeline.write_text(
        text.replace("date: 2024-03-03}", "date: 2024-03-03, url: 'https://example.org/log'}"),
        encoding="utf-8",
    )
    options = ReplayOptions(particles=256, replicates=2, store=None, out=tmp_path / "out")
    outcome = replay_scenario(OBSERVED / "coin.yaml", timeline, options)
    observations = outcome.summary()["observations"]
    none = {"note": None, "observation_note": None}
    assert observations[0]["source"] == {"ref": "log", "quote": "hardened", **none}
    assert observations[1]["source"] == {"ref": "log", "quote": None, **none}
    assert {"id", "kind", "label", "forecast", "observed", "conditioned"} <= set(observations[0])
    assert outcome.summary()["sources"][0]["title"] == "Incident log"
    assert outcome.report is not None
    page = outcome.report.read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>\s*Sources", page)
    assert 'id="source-log"' in page and page.count('href="#source-log"') == 9
    assert '<a href="https://example.org/log" rel="noopener noreferrer">' in page
    assert "\u201chardened\u201d" in page and "Incident log" in page
    assert "hardened, obs2" in page  # the observations that cite the source


def test_a_replay_stored_without_sources_has_no_sources_section() -> None:
    sections = [s.id for s in replay_report(replay_result()).sections]
    assert "sources" not in sections and "record" in sections


def test_facts_the_prior_never_produced_are_named() -> None:
    obs = pd.DataFrame(
        {
            "id": ["strike", "talks", "calm", "troops", "maybe"],
            "kind": ["taken", "taken", "taken", "variable", "taken"],
            "forecast": [0.0, 1.0, 0.0, 0.0, 0.3],
            "observed": [1, 0, 0, 12500, 1],
        }
    )
    # a strike that happened at forecast 0 and talks that did not at forecast 1; a fact
    # forecast 0 that did not happen is right, a variable is not a yes/no fact
    assert never_produced(obs) == ["strike", "talks"]


def _noted(tmp_path: Path) -> Path:
    """The coin record plus a fact sourced by a note only, with its own note, never produced."""
    text = (OBSERVED / "coin.observed.yaml").read_text(encoding="utf-8")
    fact = (
        "  - {id: round_zero, date: 2024-01-01, event: incident, fired: true,"
        " source: {note: 'seen on camera'}, note: 'week zero'}\n"
    )
    timeline = tmp_path / "noted.observed.yaml"
    timeline.write_text(
        text.replace("epsilon: 0", "epsilon: 0.05").replace("sources:", fact + "sources:"),
        encoding="utf-8",
    )
    return timeline


def test_notes_reach_the_report_and_json(tmp_path: Path) -> None:
    """A new user's note-only source showed an empty source; an observation's note was dropped."""
    options = ReplayOptions(particles=64, replicates=2, store=None, out=tmp_path / "out")
    outcome = replay_scenario(OBSERVED / "coin.yaml", _noted(tmp_path), options)
    last = outcome.summary()["observations"][-1]
    assert last["source"] == {
        "ref": None, "quote": None, "note": "seen on camera", "observation_note": "week zero"
    }  # fmt: skip
    assert outcome.report is not None
    assert "seen on camera; week zero" in outcome.report.read_text(encoding="utf-8")


def test_the_terminal_names_the_facts_never_produced(tmp_path: Path, capsys) -> None:
    args = ["replay", str(OBSERVED / "coin.yaml"), "--observed", str(_noted(tmp_path))]
    assert main([*args, "--particles", "64", "--replicates", "2", "--no-store"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 fact the scenario never produced: round_zero" in out


def _record_table(conditioned: list[bool], as_of: list[float]) -> tuple[str, list[str]]:
    obs = pd.DataFrame(
        {
            "id": ["strike", "attack"],
            "kind": ["option", "option"],
            "fact": ["consulate_strike taken", "true_promise taken"],
            "forecast": [1.0, 0.5],
            "observed": [1, 1],
            "conditioned": conditioned,
            "forecast_as_of": as_of,
            "quote": ["strike on Iran's embassy compound in Damascus", "more than 300 drones"],
        }
    )
    rs = ResultSet("replay", {"scenario_id": "iran-israel-2024"}, {"observations": obs})
    (record,) = [s for s in replay_report(rs).sections if s.id == "record"]
    text = " ".join(b.text for b in record.blocks if isinstance(b, Markdown))
    (table,) = [b for b in record.blocks if isinstance(b, TableBlock)]
    return text, list(table.df.columns)


def test_as_of_columns_are_left_out_when_every_fact_is_before_the_as_of_date() -> None:
    # the Israel–Iran trial: a column of True and one of NA pushed the quotes out of view
    text, columns = _record_table([True, True], [float("nan"), float("nan")])
    assert "conditioned" not in columns and "forecast as of" not in columns
    assert "quote" in columns and "those columns are left out" in text
    text, columns = _record_table([True, False], [float("nan"), 0.4])
    assert "conditioned" in columns and "forecast as of" in columns
    assert "for facts after the as-of date the forecast conditioned" in text


def test_the_reliability_table_has_no_index_column() -> None:
    # Su-24 trial: the bins left out (count 0) left their row numbers as an "index" column
    rel = pd.DataFrame(
        {
            "low": [k / 10 for k in range(10)],
            "high": [(k + 1) / 10 for k in range(10)],
            "count": [0, 0, 2, 4, 0, 0, 1, 0, 0, 0],
            "forecast": [math.nan, math.nan, 0.27, 0.35, math.nan, math.nan, 0.67] + [math.nan] * 3,
            "observed": [math.nan, math.nan, 0.5, 0.5, math.nan, math.nan, 1.0] + [math.nan] * 3,
        }
    )
    rs = ResultSet("replay", {"scenario_id": "su24"}, {"reliability": rel})
    (table,) = [
        b
        for s in replay_report(rs).sections
        for b in s.blocks
        if isinstance(b, TableBlock) and "Reliability" in b.caption
    ]
    assert list(table.df.columns) == ["low", "high", "count", "forecast", "observed"]
    assert list(table.df.index) == [0, 1, 2]


def test_prior_posterior_headers_may_wrap() -> None:
    # Su-24 trial: twelve one-word headers (prior_median, ...) scrolled sideways at 1,280 px
    outcomes = replay_result().get("uncertainties").assign(id="peak_air")
    tables = dict(replay_result().tables, outcomes=outcomes)
    rs = ResultSet("replay", {"scenario_id": "taiwan-1996"}, tables)
    blocks = [b for s in replay_report(rs).sections for b in s.blocks if isinstance(b, TableBlock)]
    shown = [b for b in blocks if "prior vs" in b.caption]
    assert len(shown) == 2
    for block in shown:
        headers = [c for c in block.df.columns if c != "id"]
        assert "prior median" in headers and "shift sd" in headers
        assert not any("_" in h for h in headers)


def test_empty_source_quote_and_note_columns_are_left_out() -> None:
    """Korea 2017: a record without sources showed three empty columns (source, quote, note)."""
    obs = pd.DataFrame(
        {
            "id": ["obs1", "obs2"],
            "kind": ["option", "rung"],
            "fact": ["icbm_test taken", "military at rung 5"],
            "forecast": [0.15, 0.44],
            "observed": [1, 1],
            "source": ["", ""],
            "quote": ["", ""],
            "note": [None, None],
        }
    )
    rs = ResultSet("replay", {"scenario_id": "korea-2017"}, {"observations": obs})
    (record,) = [s for s in replay_report(rs).sections if s.id == "record"]
    text = " ".join(b.text for b in record.blocks if isinstance(b, Markdown))
    (table,) = [b for b in record.blocks if isinstance(b, TableBlock)]
    assert not {"source", "quote", "note"} & set(table.df.columns)
    assert "no fact of the record cites a source" in text
    _, columns = _record_table([True, False], [float("nan"), 0.4])
    assert "quote" in columns  # a quoted record keeps its columns
