"""What a new user's Korea 2017 trial found unclear in the messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.engine.game_builder import build_game
from escalade.errors import ScenarioError, UsageError
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario

MINI = (
    Path(__file__).resolve().parents[2] / "src" / "escalade" / "scenario" / "catalog"
    / "kursk-mini.yaml"
).read_text(encoding="utf-8")  # fmt: skip


def test_a_side_given_as_players_names_its_actors() -> None:
    """`solve --players west` said only which actor ids were expected."""
    compiled = compile_scenario(load_scenario("kursk-mini"))
    side = compiled.sides[compiled.actors[0].side]
    members = " ".join(a.id for a in compiled.actors if compiled.sides[a.side] == side)
    with pytest.raises(UsageError) as error:
        build_game(compiled, horizon=1, players=[side])
    assert f"hint: {side!r} is a side; give its actors: {members}" in str(error.value)


@pytest.mark.parametrize(
    ("spec", "hint"),
    [
        ("{dist: uniform, low: 0.9, high: 0.4}", "the two ends are swapped"),
        ("{dist: triangular, low: 2, mode: 1, high: 0.5}", "the two ends are swapped"),
        ("{dist: normal, mean: 1, sd: 1, low: 3, high: 1}", "the two ends are swapped"),
        ("{dist: beta, alpha: 2, beta: 2, low: 1, high: 1}", "for a fixed value write the number"),
    ],
)
def test_a_range_with_its_ends_out_of_order_says_how_to_fix_it(spec: str, hint: str) -> None:
    """`low: 0.9, high: 0.4` said what was expected and found, with no hint."""
    old = "{id: strike_effect, dist: triangular, low: 0.1, mode: 0.3, high: 0.8,"
    text = MINI.replace(old, "{id: strike_effect, " + spec[1:-1] + ",")
    with pytest.raises(ScenarioError) as error:
        loads_scenario(text)
    assert "expected low < high" in str(error.value)
    assert hint in str(error.value)
