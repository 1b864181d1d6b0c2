"""What a new user's Korea 2017 trial found unclear in the messages."""

from __future__ import annotations

import pytest

from escalade.engine.game_builder import build_game
from escalade.errors import UsageError
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario


def test_a_side_given_as_players_names_its_actors() -> None:
    """`solve --players west` said only which actor ids were expected."""
    compiled = compile_scenario(load_scenario("kursk-mini"))
    side = compiled.sides[compiled.actors[0].side]
    members = " ".join(a.id for a in compiled.actors if compiled.sides[a.side] == side)
    with pytest.raises(UsageError) as error:
        build_game(compiled, horizon=1, players=[side])
    assert f"hint: {side!r} is a side; give its actors: {members}" in str(error.value)
