"""The reference scenario `dprk-troops-2024`: complete, sourced, verified against its articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.cli import main
from escalade.engine import run_grid
from escalade.evidence.provenance import assumptions, quotes
from escalade.evidence.quotes import find_quote
from escalade.evidence.text import normalise
from escalade.evidence.verify import verify
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT.parent / "shared" / "sources"
EXAMPLE = ROOT / "examples" / "dprk-troops-2024.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("dprk-troops-2024")


def test_catalog_and_example_are_the_same(scenario) -> None:
    assert load_scenario(EXAMPLE).content_hash == scenario.content_hash


def test_required_elements(scenario) -> None:
    actors = {a.id for a in scenario.spec.actors}
    assert actors >= {
        "usa",
        "deu",
        "fra",
        "gbr",
        "pol",
        "ltu",
        "nor",
        "rou",
        "ukr",
        "rus",
        "prk",
        "kor",
        "chn",
    }
    assert {a.id for a in scenario.spec.arenas} == {"ukraine", "korea"}
    options = {o.id for o in scenario.spec.options}
    assert options >= {
        "one_time_aid_package",
        "more_military_aid",
        "more_sanctions",
        "use_frozen_assets",
        "lift_strike_limits",
        "intercept_missiles",
        "romania_air_defence",
        "south_korean_lethal_aid",
        "nato_trainers",
        "press_china",
        "wait",
        "dprk_troops_into_combat",
        "further_deployment",
        "artillery_shell_supply",
        "kursk_counteroffensive",
        "strikes_on_ukraine",
        "nuclear_signalling",
        "horizontal_escalation",
        "nuclear_demonstration",
        "nuclear_use",
        "provoke_south",
    }
    trainers = next(o for o in scenario.spec.options if o.id == "nato_trainers")
    assert "deu" in trainers.consent
    assert {s.id for s in scenario.strategies} == {
        "indecision",
        "stated_restraint",
        "graduated",
        "decisive",
        "support_role",
    }
    assert {m.id for m in scenario.mindsets} == {"dominance", "mirror", "opportunist"}
    redline = next(u for u in scenario.spec.uncertainties if u.id == "rus_redline")
    assert redline.known_to == ["rus"]
    west = next(s for s in scenario.spec.sides if s.id == "west")
    assert set(west.weights) == {a.id for a in scenario.spec.actors if a.side == "west"}
    events = {e.id: e for e in scenario.spec.events}
    assert str(events["us_election"].at) == "2024-11-05"
    assert {b.id for b in events["troops_use"].branches} == {"defend_kursk", "frontline_combat"}


def test_every_number_is_sourced_or_a_judgement(scenario) -> None:
    rows = assumptions(scenario)
    assert rows
    unsourced = [r for r in rows if r.kind == "unsourced"]
    assert not unsourced, [(r.element, r.line) for r in unsourced]
    for u in scenario.spec.uncertainties:
        assert u.source is not None and (u.source.ref or u.source.note), u.id
        if u.dist == "uniform":
            assert u.low < u.high


def test_provenance_rows_name_their_source(scenario) -> None:
    rows = assumptions(scenario)
    for row in rows:
        if row.kind == "quoted":
            assert row.ref in {"bi-2024", "bloomberg-2024"}, (row.path, row.ref)
            assert row.quote, row.path
        elif row.kind == "judgement":
            assert row.note, row.path
    kinds = {row.kind: row for row in rows}
    assert set(kinds) == {"quoted", "judgement", "uncertainty", "structural"}
    by_element = {row.element: row for row in rows}
    # "about 10,000 troops" vouches for 10000, and for nothing else of the element.
    assert by_element["variable dprk_troops: initial"].kind == "quoted"
    # A quote about "risks and rewards" does not source the US utility weights.
    assert by_element["actor usa: utility per_round alliance_cohesion"].kind == "judgement"
    assert by_element["actor usa: discount"].kind == "judgement"
    assert by_element["option lift_strike_limits: rung"].kind == "structural"


def test_verify_cli_counts(capsys) -> None:
    """The counts per kind, without the source texts (they do not depend on them)."""
    code = main(["verify", "dprk-troops-2024", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code == 0 and record["passed"] is True
    counts = record["counts"]
    assert list(counts) == [
        "quoted",
        "sourced",
        "uncertainty",
        "judgement",
        "structural",
        "unsourced",
    ]
    assert counts["unsourced"] == 0
    assert (
        min(counts["quoted"], counts["uncertainty"], counts["judgement"], counts["structural"]) > 0
    )
    assert sum(counts.values()) == len(record["assumptions"])
    # Without the texts --strict fails on the unread texts, not on provenance.
    assert main(["verify", "dprk-troops-2024", "--json", "--strict"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["unsourced"] == [] and record["missing_texts"]


def test_quotes_are_short(scenario) -> None:
    cited = quotes(scenario)
    assert len(cited) >= 40
    too_long = [q.quote for q in cited if len(q.quote.split()) > 16]
    assert not too_long


needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(), reason="the source articles are not next to the repository"
)


@needs_sources
def test_every_quote_is_verbatim_in_its_article(scenario) -> None:
    files = {s.id: SOURCES / s.file for s in scenario.spec.sources if s.file}
    assert set(files) == {"bi-2024", "bloomberg-2024"}
    texts = {ref: normalise(path.read_text(encoding="utf-8")) for ref, path in files.items()}
    for cited in quotes(scenario):
        match = find_quote(cited.quote, texts[cited.ref])
        assert match.found and match.exact, (cited.path, cited.quote, match.score)


@needs_sources
def test_verify_cli_strict_passes(capsys) -> None:
    code = main(["verify", "dprk-troops-2024", "--strict", "--sources", str(SOURCES)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "verify passed (strict): dprk-troops-2024" in out
    assert "unsourced 0" in out


@needs_sources
def test_every_quote_is_found_in_its_article(scenario) -> None:
    report = verify(scenario, source_dirs=[SOURCES])
    missing = [q for q in report.quotes if q.status != "found"]
    assert not missing, [(q.path, q.quote, q.status) for q in missing]
    assert len(report.quotes) >= 40
    assert report.passed(strict=True)


def test_every_cell_simulates(scenario) -> None:
    compiled = compile_scenario(scenario)
    cells = [(s.id, m.id) for s in scenario.strategies for m in scenario.mindsets]
    results = run_grid(compiled, cells, n=256, seed=1)
    for cell, result in results.items():
        th = result.thresholds()
        assert ((th["probability"] >= 0) & (th["probability"] <= 1)).all(), cell
        assert result.outcomes()["mean"].notna().all(), cell
    usage = results[("decisive", "dominance")].options().set_index("option")["usage_rate"]
    assert usage["lift_strike_limits"] > 0.9
    assert usage["dprk_troops_into_combat"] > 0.9
    assert 0 < usage["nuclear_demonstration"] < 1
    trainers = results[("support_role", "mirror")].options().set_index("option")
    assert trainers.loc["nato_trainers", "refused_per_trajectory"] >= 0
