"""A rung id that is on no ladder gets a hint that says what the ladder takes."""

from __future__ import annotations

from pathlib import Path

import pytest

import escalade
from escalade.errors import ScenarioError

KURSK = Path(escalade.__file__).parent / "scenario" / "catalog" / "kursk-mini.yaml"


def _message(old: str, new: str) -> str:
    text = KURSK.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ScenarioError) as info:
        escalade.loads_scenario(text.replace(old, new, 1))
    return info.value.render()


def test_a_long_ladder_names_its_range_and_where_its_ids_are_listed() -> None:
    message = _message("rung: 13\n", "rung: escalate_big\n")
    assert "found 'escalate_big'" in message
    assert "give a rung number (0..44) or one of its 45 rung ids" in message
    assert "Built-in ladders" in message


def test_a_close_misspelling_still_gets_did_you_mean() -> None:
    message = _message("rung: 13\n", "rung: large_compund_escalation\n")
    assert "did you mean 'large_compound_escalation'?" in message
    assert "give a rung number" not in message


LADDER = """
ladders:
  - id: south_atlantic
    name: South Atlantic
    rungs:
      - {id: dispute, name: Dispute}
      - {id: exclusion_zone, name: Exclusion zone}
      - {id: naval_air_war, name: Naval and air war}
    thresholds:
      - {id: shooting_war, name: Shooting war, at: AT}
"""


def _threshold_message(at: str) -> str:
    ladder = LADDER.replace("AT", at)
    text = KURSK.read_text(encoding="utf-8").replace("\nsides:", ladder + "sides:")
    with pytest.raises(ScenarioError) as info:
        escalade.loads_scenario(text)
    return info.value.render()


def test_a_threshold_at_an_unknown_rung_gets_the_same_hint() -> None:
    """Falklands trial: a custom ladder's threshold `at: naval_war` got no did-you-mean."""
    message = _threshold_message("naval_war")
    assert "ladders[0].thresholds[0].at" in message
    assert "found 'naval_war'" in message and "did you mean 'naval_air_war'?" in message
    message = _threshold_message("9")
    assert "give a rung number (0..2) or one of its ids: dispute" in message
