"""Provenance table and quote verification (DESIGN.md §5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.cli import main
from escalade.evidence.provenance import assumptions, quotes
from escalade.evidence.verify import verify
from escalade.scenario import load_scenario, loads_scenario

SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "sources"
ARTICLE = "000_c32c3dac667c8d70.txt"


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A folder with a source text written in our own words (typographic quotes on purpose)."""
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / ARTICLE).write_text(
        "Officials said allies were weighing options.\n"
        "One of them is allowing Ukraine to launch long\u2011range strikes on Russia \u2014 "
        "a step long ruled out.\nclose\n",
        encoding="utf-8",
    )
    return folder


def test_provenance_kinds() -> None:
    rows = {a.element: a for a in assumptions(load_scenario("kursk-mini"))}
    assert rows["option lift_strike_limits: cost"].kind == "sourced"
    assert rows["option lift_strike_limits: cost"].ref == "bi-2024"
    assert rows["option deploy_to_kursk: success"].kind == "unsourced"
    assert rows["uncertainty strike_effect: triangular"].value == "low=0.1, mode=0.3, high=0.8"
    assert rows["accidents ukraine: up"].value == "0.002 * rung('ukraine')"
    assert all(a.line is not None for a in rows.values())


def test_judgement_and_uncertainty_kinds() -> None:
    text = (
        load_scenario("kursk-mini")
        .text.replace("success: 0.9}", "success: {value: 0.9, note: judgement}}")
        .replace("cost: 0.5", "cost: $strike_effect")
    )
    rows = {a.element: a for a in assumptions(loads_scenario(text))}
    assert rows["option deploy_to_kursk: success"].kind == "judgement"
    assert rows["option deploy_to_kursk: success"].note == "judgement"
    assert (
        rows["option lift_strike_limits: cost"].kind == "sourced"
    )  # the option's source covers it


def test_quotes_found_with_typography_differences(sources: Path) -> None:
    report = verify(load_scenario("kursk-mini"), source_dirs=[sources])
    assert [q.status for q in report.quotes] == ["found"]
    assert report.quotes[0].location is not None
    assert report.quotes[0].location.startswith(f"{ARTICLE}:2:")
    assert report.passed(strict=False)
    assert not report.passed(strict=True)  # kursk-mini has unsourced numbers


def test_tampered_quote_fails(sources: Path) -> None:
    text = load_scenario("kursk-mini").text.replace(
        "allowing Ukraine to launch long-range strikes on Russia",
        "forbidding Ukraine from ever striking targets inside Russia",
    )
    report = verify(loads_scenario(text), source_dirs=[sources])
    assert report.quotes[0].status == "not_found"
    assert report.quotes[0].score < 90
    assert not report.passed(strict=False)


def test_missing_text_is_reported() -> None:
    report = verify(load_scenario("kursk-mini"), source_dirs=[])
    assert report.quotes[0].status == "no_text"
    assert "bi-2024" in report.missing_texts
    assert report.passed(strict=False) and not report.passed(strict=True)


def test_environment_variable_folder(sources: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESCALADE_SOURCES", str(sources))
    assert verify(load_scenario("kursk-mini")).quotes[0].status == "found"


def test_quotes_list_every_citation() -> None:
    found = quotes(load_scenario("kursk-mini"))
    assert [(q.ref, q.path) for q in found] == [("bi-2024", "options[0].source")]


def test_real_article_quote() -> None:
    if not SOURCES.exists():
        pytest.skip("shared/sources not beside the checkout")
    report = verify(load_scenario("kursk-mini"), source_dirs=[SOURCES])
    assert report.quotes[0].status == "found" and report.quotes[0].score == 100.0


def test_cli_verify_exit_codes(sources: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "kursk-mini", "--sources", str(sources)]) == 0
    assert "verify passed" in capsys.readouterr().out
    assert main(["verify", "kursk-mini", "--sources", str(sources), "--strict"]) == 1
    capsys.readouterr()
    assert main(["verify", "kursk-mini", "--sources", str(sources), "--json", "--strict"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["passed"] is False and record["counts"]["unsourced"] >= 1
