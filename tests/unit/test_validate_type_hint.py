"""A number where a condition is expected, or the other way round, gets a hint that fixes it."""

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


def test_a_number_as_a_condition_is_told_to_compare() -> None:
    """Falklands trial: a terminal `when: "arg_hold"` got no hint."""
    message = _message(
        "when: \"date >= 2024-11-05 and taken('deploy_to_kursk')\"", 'when: "ukraine_position"'
    )
    assert "expected a condition (true/false), found a number in 'ukraine_position'" in message
    assert "compare the number, e.g. 'ukraine_position > 0' or 'ukraine_position <= 0'" in message


def test_a_condition_as_a_number_is_told_where() -> None:
    message = _message('add: "$strike_effect"', "add: \"taken('deploy_to_kursk')\"")
    assert "expected a number, found a condition (true/false)" in message
    assert "where(taken('deploy_to_kursk'), 1, 0)" in message


def test_a_side_where_an_actor_is_expected_names_its_actors() -> None:
    """Falklands trial: `consent: [gbr, argentina]` (a side) got the list of every actor."""
    message = _message(
        "  - {id: deploy_to_kursk, actor: rus,",
        "  - {id: deploy_to_kursk, consent: [east], actor: rus,",
    )
    assert "expected the id of a declared actor, found 'east'" in message
    assert "'east' is a side; give its actors: rus" in message
