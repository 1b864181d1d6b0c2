"""The public record shipped for the reference scenario: examples/dprk-troops-2024.observed.yaml.

These checks read the file with the project's YAML reader and the scenario with its loader; they
do not need the observed-timeline loader, and use it too when it is installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from escalade.scenario import load_scenario
from escalade.scenario.yamlio import decode, load_yaml

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "examples" / "dprk-troops-2024.observed.yaml"
FIRST, LAST = dt.date(2024, 10, 28), dt.date(2025, 2, 17)
MAX_QUOTE_WORDS = 16


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    data = load_yaml(decode(RECORD.read_bytes(), str(RECORD)), str(RECORD)).data
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("dprk-troops-2024")


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _dates(obs: dict[str, Any]) -> list[dt.date]:
    if "between" in obs:
        return [_date(d) for d in obs["between"]]
    return [_date(obs["date"])]


def test_header(record) -> None:
    assert record["schema_version"] == 1
    assert record["scenario"] == "dprk-troops-2024"
    assert _date(record["as_of"]) == LAST
    assert 0 < record["epsilon"] < 0.5
    ids = [o["id"] for o in record["observations"]]
    assert len(ids) == len(set(ids)), "observation ids must be unique"


def test_every_id_exists_in_the_scenario(record, scenario) -> None:
    spec = scenario.spec
    options = {o.id for o in spec.options}
    branches = {e.id: {b.id for b in e.branches} for e in spec.events}
    variables = {v.id for v in spec.variables}
    for obs in record["observations"]:
        where = obs["id"]
        if "option" in obs:
            assert obs["option"] in options, where
            assert isinstance(obs["taken"], bool), where
        elif "event" in obs:
            assert obs["event"] in branches, where
            if "branch" in obs:
                assert obs["branch"] in branches[obs["event"]], where
            else:
                assert isinstance(obs["fired"], bool), where
        else:
            assert obs["variable"] in variables, where
            assert obs["sd"] > 0, where
            assert "date" in obs, where


def test_dates_lie_in_the_scenario_window(record) -> None:
    for obs in record["observations"]:
        dates = _dates(obs)
        assert all(FIRST <= d <= LAST for d in dates), obs["id"]
        assert dates == sorted(dates), obs["id"]


def test_every_observation_is_sourced(record) -> None:
    sources = {s["id"]: s for s in record["sources"]}
    for obs in record["observations"]:
        src = obs["source"]
        assert src.get("quote") or src.get("note"), obs["id"]
        if "quote" in src:
            assert src["ref"] in sources, obs["id"]
            assert len(src["quote"].split()) <= MAX_QUOTE_WORDS, obs["id"]
        if "ref" in src:
            entry = sources[src["ref"]]
            for field in ("title", "outlet", "date", "url"):
                assert entry.get(field), (src["ref"], field)
            assert str(entry["url"]).startswith("https://"), src["ref"]


def test_no_unused_or_duplicate_sources(record) -> None:
    ids = [s["id"] for s in record["sources"]]
    assert len(ids) == len(set(ids))
    used = {o["source"].get("ref") for o in record["observations"]}
    assert set(ids) == used - {None}


def test_record_settles_the_key_facts(record) -> None:
    """The facts the scoring leans on are present and read the way the record has them."""
    by_key = {
        (o.get("option") or o.get("event"), str(o.get("date", ""))): o
        for o in record["observations"]
        if "variable" not in o
    }
    assert by_key[("lift_strike_limits", "2024-11-17")]["taken"] is True
    assert by_key[("us_election", "2024-11-05")]["branch"] == "change"
    assert by_key[("troops_use", "2024-10-28")]["branch"] == "defend_kursk"
    assert by_key[("dprk_troops_into_combat", "2024-11-04")]["taken"] is True
    not_taken = {o["option"] for o in record["observations"] if o.get("taken") is False}
    assert {"nuclear_use", "nuclear_demonstration", "dissuade_pyongyang"} <= not_taken


@pytest.mark.skipif(
    importlib.util.find_spec("escalade.evidence.observed") is None,
    reason="the observed-timeline loader is not installed",
)
def test_the_observed_loader_accepts_the_record() -> None:
    from escalade.evidence import observed  # noqa: PLC0415

    loaded = observed.load_observed(RECORD)
    assert len(loaded.timeline.observations) >= 40
