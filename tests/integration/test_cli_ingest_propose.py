"""``escalade ingest --scenario ID --propose/--observed``: observations proposed for review."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from escalade.cli import main
from escalade.cli._ingest_propose import scenario_targets
from escalade.evidence.observed import Observation
from escalade.evidence.propose import (
    MAX_QUOTE_WORDS,
    Target,
    format_proposals,
    nearest_year,
    propose_observations,
)
from escalade.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "data" / "articles" / "dprk_observations.txt"
EXAMPLE = ROOT / "examples" / "dprk-troops-2024.observed.yaml"
SCENARIO = "dprk-troops-2024"

TIMELINE = """\
schema_version: 1
scenario: dprk-troops-2024
as_of: 2025-02-17
observations:
  - id: lifted
    date: 2024-11-15  # same round (11-17 November) as the article's 17 November
    option: lift_strike_limits
    taken: true
    source: {note: "test"}
"""


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["ingest", str(ARTICLE), "--scenario", SCENARIO, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _entries(text: str) -> list[dict[str, object]]:
    data = YAML(typ="safe", pure=True).load(text)
    return list(data["observations"])


def test_proposes_the_two_options_with_dates_and_verbatim_quotes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "--propose", "--date", "2024-11-20")
    assert code == 0
    assert out.startswith("# PROPOSED observations")
    assert "proposals to review" in out
    entries = _entries(out)
    assert [(e["option"], e["date"]) for e in entries] == [
        ("lift_strike_limits", dt.date(2024, 11, 17)),
        ("more_sanctions", dt.date(2024, 11, 19)),
    ]
    article = " ".join(ARTICLE.read_text("utf-8").split())
    for entry in entries:
        source = entry["source"]
        assert isinstance(source, dict)
        assert source["ref"] == "dprk-observations"
        quote = source["quote"]
        assert quote in article
        assert len(quote.split()) <= MAX_QUOTE_WORDS
        Observation.model_validate(entry)  # a person can paste it as it is
    assert "farmers" not in out
    assert "already in the timeline" not in out


def test_year_of_a_year_less_date_comes_from_the_article_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # "on November 17" read in a January 2025 article is November 2024, not 2025.
    code, out, _ = _run(capsys, "--propose", "--date", "2025-01-05")
    assert code == 0
    assert _entries(out)[0]["date"] == dt.date(2024, 11, 17)


def test_a_year_less_date_just_after_the_article_date_stays_in_its_year(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # "November 17" and "November 19" read in an article dated 16 November 2024 are the days
    # after it (announced), not November 2023.
    code, out, _ = _run(capsys, "--propose", "--date", "2024-11-16")
    assert code == 0
    assert [e["date"] for e in _entries(out)] == [dt.date(2024, 11, 17), dt.date(2024, 11, 19)]


def test_nearest_year() -> None:
    assert nearest_year(dt.date(2000, 12, 20), dt.date(2025, 1, 5)) == dt.date(2024, 12, 20)
    assert nearest_year(dt.date(2000, 3, 12), dt.date(1996, 3, 11)) == dt.date(1996, 3, 12)
    assert nearest_year(dt.date(2000, 1, 3), dt.date(2024, 12, 30)) == dt.date(2025, 1, 3)
    assert nearest_year(dt.date(2000, 2, 29), dt.date(2025, 3, 1)) == dt.date(2024, 2, 29)


def test_observed_marks_the_duplicate_and_leaves_the_timeline_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "t.observed.yaml"
    timeline.write_text(TIMELINE, encoding="utf-8")
    before = timeline.read_bytes()
    code, out, _ = _run(capsys, "--observed", str(timeline), "--date", "2024-11-20")
    assert code == 0
    assert out.count("# already in the timeline") == 1
    marked = out.split("# already in the timeline\n", 1)[1]
    assert marked.lstrip().startswith("- id: lift_strike_limits_2024_11_17")
    assert timeline.read_bytes() == before


def test_out_over_the_timeline_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "t.observed.yaml"
    timeline.write_bytes(EXAMPLE.read_bytes())
    digest = hashlib.sha256(timeline.read_bytes()).hexdigest()
    code, _, err = _run(capsys, "--observed", str(timeline), "--out", str(timeline))
    assert code == 2
    assert "other than the timeline" in err
    assert hashlib.sha256(timeline.read_bytes()).hexdigest() == digest
    out = tmp_path / "proposals.yaml"
    code, _, _ = _run(capsys, "--observed", str(timeline), "--out", str(out))
    assert code == 0
    assert out.read_text("utf-8").count("# already in the timeline") == 2
    assert hashlib.sha256(timeline.read_bytes()).hexdigest() == digest


def test_needs_a_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(ARTICLE), "--propose"]) == 2
    assert "--scenario" in capsys.readouterr().err


def test_one_shared_word_is_not_enough() -> None:
    targets = [Target("option", "strikes_on_ukraine", "Missile strikes on Ukraine")]
    text = "Ukraine said the harvest was good.\n\nMissile strikes hit Ukraine on 3 March 2024."
    found = propose_observations(text, targets, ref="a")
    assert [(p.target.id, p.date) for p in found] == [("strikes_on_ukraine", dt.date(2024, 3, 3))]
    assert found[0].quote == "Missile strikes hit Ukraine on 3 March 2024"


def test_a_negated_sentence_is_not_proposed() -> None:
    target = Target("option", "withdraw_forces", "Withdraw forces", "", None)
    text = "Putin will not have to withdraw forces from the front. Russia began to withdraw forces."
    proposals = propose_observations(text, [target], ref="a", article_date=dt.date(2024, 11, 20))
    assert [p.quote for p in proposals] == ["Russia began to withdraw forces"]


def test_the_date_among_the_quoted_words_beats_the_dateline() -> None:
    # the Israel–Iran trial: the dateline's 14 April was proposed for the 1 April strike
    target = Target("option", "consulate_strike", "Consulate strike")
    text = (
        "JERUSALEM, April 14, 2024 - Iran launched more than 300 drones and missiles at Israel "
        "overnight, its first direct attack on Israeli territory, in what Tehran called "
        "retaliation for the April 1 strike on its consulate in Damascus that killed officers."
    )
    (found,) = propose_observations(text, [target], ref="a", article_date=dt.date(2024, 4, 14))
    assert "April 1 strike on its consulate" in found.quote
    assert (found.date, found.id) == (dt.date(2024, 4, 1), "consulate_strike_2024_04_01")


def test_two_sentences_on_one_fact_get_distinct_ids_and_a_warning() -> None:
    target = Target("option", "consulate_strike", "Consulate strike")
    text = (
        "The consulate strike came on April 1.\n\n"
        "Officials confirmed the consulate strike on April 1."
    )
    weeks = [dt.date(2024, 4, 1) + dt.timedelta(days=7 * k) for k in range(4)]
    found = propose_observations(text, [target], ref="a", round_dates=weeks)
    assert [p.id for p in found] == ["consulate_strike_2024_04_01"] * 2  # the same fact twice
    entries = _entries(format_proposals(found, scenario="s", article="a.txt"))
    assert [e["id"] for e in entries] == [
        "consulate_strike_2024_04_01",
        "consulate_strike_2024_04_01_2",
    ]  # the timeline refuses repeated ids
    out = format_proposals(found, scenario="s", article="a.txt")
    assert "# the same fact as consulate_strike_2024_04_01 above" in out


def _proposed(sentence: str) -> list[str]:
    targets = scenario_targets(load_scenario(SCENARIO))
    found = propose_observations(sentence, targets, ref="a", article_date=dt.date(2024, 11, 20))
    return [p.target.id for p in found]


@pytest.mark.parametrize(
    "sentence",
    [
        "Analysts expect a limited strike on a depot near the border.",
        "Russia carried out a limited strike on Kharkiv.",
        "Allies announced a new military aid package for Kyiv.",
    ],
)
def test_words_other_targets_share_are_not_enough(sentence: str) -> None:
    """A new user's article: "a limited strike" was proposed as lift_strike_limits ("strike"
    and "limit" are words of nuclear_use and the two strike options too); "military aid"
    was proposed as uk_military_aid (the US one has those words as well)."""
    assert _proposed(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("Washington announced a new military aid package for Kyiv.", "more_military_aid"),
        ("Britain pledged further military aid to Ukraine.", "uk_military_aid"),
        ("London sent more British military aid to Kyiv.", "uk_military_aid"),
        ("The United States will send more military aid.", "more_military_aid"),
    ],
)
def test_the_actor_a_sentence_names_decides_between_shared_words(
    sentence: str, target: str
) -> None:
    """Words two options share ("military aid") are evidence for the one whose actor the
    sentence names (Washington, Britain, "British"), which also wins a tie of scores (the
    US option, first in the file, won "London sent more British military aid")."""
    assert _proposed(sentence) == [target]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("Washington lifted the limits on strikes inside Russia.", "lift_strike_limits"),
        ("Biden decided to allow long-range strikes into Russia.", "lift_strike_limits"),
        ("Russia launched a major missile and drone attack on Ukraine.", "strikes_on_ukraine"),
        ("London will send British military aid to Kyiv.", "uk_military_aid"),
        ("Washington announced more sanctions on Moscow and Pyongyang.", "more_sanctions"),
    ],
)
def test_a_word_of_its_own_or_most_of_its_name_is_enough(sentence: str, target: str) -> None:
    assert _proposed(sentence) == [target]
