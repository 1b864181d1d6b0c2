"""What a new user's Korea 2017 trial found unclear in the messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.cli import main
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


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "success: 0.9}",
            'success: "$strike_effect * 5"}',
            ":28:86: options[1].success: option 'deploy_to_kursk' success, round 0",
        ),
        (
            "{up: \"0.002 * rung('ukraine')\"",
            "{up: \"0.002 * rung('ukraine') * 10 ** round\"",
            ":30:17: accidents.ukraine.up: accidents 'ukraine' up, round 2",
        ),
    ],
)
def test_a_probability_out_of_range_at_run_time_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, where: str
) -> None:
    """`success: "$chn_support * 2"` stopped the run naming the option but not the file."""
    path = tmp_path / "bad.yaml"
    path.write_text(MINI.replace(old, new), encoding="utf-8")
    args = ["simulate", str(path), "--n", "64", "--workers", "1", "--mindset", "opportunist"]
    assert main(args) != 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"escalade: error: {path}{where}: expected a probability in [0, 1]" in err


def test_an_infinite_effect_on_a_bounded_variable_is_clipped_as_documented() -> None:
    """docs/engine.md said every non-finite effect value stops the run; clipping comes first."""
    from escalade.engine import simulate  # noqa: PLC0415

    infinite = '{var: ukraine_position, add: "1 / (ukraine_position - ukraine_position)"}'
    text = MINI.replace("once: true, success: 0.9}", f"success: 1, effects: [{infinite}]}}")
    text = text.replace(
        "utility: {per_round: {ukraine_position: -1.0}}}",
        "utility: {per_round: {ukraine_position: -1.0}}, "
        "policy: {kind: plan, steps: [{at: 0, option: deploy_to_kursk}]}}",
    )
    result = simulate(loads_scenario(text), n=64, seed=1)
    outcomes = result.tables()["outcomes"].set_index("outcome")
    assert outcomes.loc["ukraine_position", "mean"] == 10.0  # the variable's max
