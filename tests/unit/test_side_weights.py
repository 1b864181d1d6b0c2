"""Side weights: a side's utility is the weighted sum of its actors' utilities.

The scenario ``weighted-coalition`` (tests/data/scenarios) has side west = usa + ukr weighted by
the uncertainty ``ukr_weight``, and side east = rus weighted 0.5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escalade.analysis.commitment import _by_side
from escalade.analysis.ranking import actor_as_side, rank_by, side_weight_table
from escalade.engine import simulate
from escalade.engine.game_builder import build_game
from escalade.errors import ScenarioError, SimulationError, UsageError
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import backward_induction
from escalade.workflows.explain import explain_strategies

FILE = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "weighted-coalition.yaml"
TEXT = FILE.read_text(encoding="utf-8")
WEIGHTS = (
    "  - {id: west, name: West, weights: {ukr: $ukr_weight}}\n"
    "  - {id: east, name: East, weights: {rus: 0.5}}\n"
)


def _with_sides(sides: str) -> str:
    assert WEIGHTS in TEXT
    return TEXT.replace(WEIGHTS, sides)


def _mean(table, column: str, key: str) -> float:
    return float(table.loc[table[column] == key, "mean"].iloc[0])


def test_side_utility_is_the_weighted_sum_of_the_actors_utilities() -> None:
    compiled = compile_scenario(load_scenario(FILE))
    for weight in (1.0, 2.5):
        result = simulate(
            compiled, strategy="push", mindset="idle", n=300, seed=3, uncertainties=[weight]
        )
        actors, sides = result.utilities(), result.sides()
        usa, ukr, rus = (_mean(actors, "actor", a) for a in ("usa", "ukr", "rus"))
        assert ukr != 0.0 and usa != 0.0
        assert _mean(sides, "side", "west") == pytest.approx(usa + weight * ukr, abs=1e-9)
        assert _mean(sides, "side", "east") == pytest.approx(0.5 * rus, abs=1e-9)


def test_default_weights_are_the_plain_sum_as_before() -> None:
    plain = "  - {id: west, name: West}\n  - {id: east, name: East}\n"
    ones = "  - {id: west, name: West, weights: {usa: 1, ukr: 1.0}}\n  - {id: east, name: East}\n"
    tables = []
    for sides in (plain, ones):
        compiled = compile_scenario(loads_scenario(_with_sides(sides), file="coalition.yaml"))
        result = simulate(compiled, strategy="push", mindset="idle", n=300, seed=5)
        tables.append(result.sides())
        actors = result.utilities()
        west = _mean(actors, "actor", "usa") + _mean(actors, "actor", "ukr")
        assert _mean(result.sides(), "side", "west") == pytest.approx(west, abs=1e-9)
    assert tables[0].equals(tables[1])
    assert compile_scenario(loads_scenario(_with_sides(plain))).side_weights == ()


def test_uncertain_weights_vary_per_trajectory() -> None:
    compiled = compile_scenario(load_scenario(FILE))
    draws = np.array([[1.0], [1.5], [2.9]])
    weights = compiled.actor_weights(draws)
    np.testing.assert_array_equal(weights, [[1.0, 1.0, 0.5], [1.0, 1.5, 0.5], [1.0, 2.9, 0.5]])
    utility = np.array([[1.0, 2.0, 4.0], [1.0, 2.0, 4.0], [-1.0, 1.0, 0.0]])
    np.testing.assert_allclose(
        compiled.side_utilities(utility, draws), [[3.0, 2.0], [4.0, 2.0], [1.9, 0.0]]
    )
    # A run with drawn weights: the side's mean is the mean of weight x utility per trajectory,
    # which the weighted terms give (and which differs from mean weight x mean utility).
    result = simulate(compiled, strategy="push", mindset="idle", n=2000, seed=11)
    terms = result.utility_terms()
    west = terms[terms["side"] == "west"]["weighted_mean"].sum()
    assert _mean(result.sides(), "side", "west") == pytest.approx(west, abs=1e-9)
    ukr = terms[terms["actor"] == "ukr"]
    ratio = ukr["weighted_mean"].sum() / ukr["mean"].sum()
    assert 1.8 < ratio < 2.2 and ratio != pytest.approx(2.0, abs=1e-12)


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("{ukrain: 2}", "expected an actor of side 'west', found 'ukrain'"),
        ("{rus: 2}", "found 'rus' of side 'east'"),
        ("{ukr: -1}", "expected a weight >= 0, found -1"),
        ("{ukr: {value: -0.5, source: {note: judgement}}}", "expected a weight >= 0, found -0.5"),
        ("{ukr: \"rung('front') / 10\"}", "found rung() in"),
        ('{ukr: "where(round > 1, 2, 1)"}', "found 'round' in"),
        ("{ukr: \"where(taken('push'), 2, 1)\"}", "found taken() in"),
        ('{ukr: "aid + 1"}', "found variable 'aid'"),
        ('{ukr: "$nope"}', "nope"),
    ],
)
def test_invalid_weights_are_located_errors(weight: str, message: str) -> None:
    sides = f"  - {{id: west, name: West, weights: {weight}}}\n  - {{id: east, name: East}}\n"
    with pytest.raises(ScenarioError) as info:
        loads_scenario(_with_sides(sides), file="coalition.yaml")
    text = info.value.render()
    assert message in text
    assert "coalition.yaml:10:" in text and "sides[0].weights" in text
    if "ukrain" in weight:
        assert "did you mean 'ukr'?" in text


def test_weight_may_read_a_private_uncertainty_and_pure_functions() -> None:
    text = _with_sides(
        '  - {id: west, name: West, weights: {ukr: "clip($ukr_weight * 2, 0, 5)"}}\n'
        "  - {id: east, name: East}\n"
    ).replace("high: 3.0,", "high: 3.0, known_to: [rus],")
    compiled = compile_scenario(loads_scenario(text))
    np.testing.assert_allclose(compiled.actor_weights(np.array([[1.0], [3.0]]))[:, 1], [2.0, 5.0])


def test_rank_by_resolves_sides_then_actors_with_clear_errors() -> None:
    scenario = load_scenario(FILE)
    assert rank_by(scenario, None, "west").describe() == (
        "ranked by the utility of side west (weights: usa 1, ukr $ukr_weight)"
    )
    assert rank_by(scenario, "usa", "west").describe().startswith("ranked by actor usa")
    with pytest.raises(UsageError, match=r"found 'ukraine'; hint: did you mean 'ukr'\?"):
        rank_by(scenario, "ukraine", "west")
    with pytest.raises(UsageError, match=r"side id \(west, east\) or an actor id"):
        rank_by(scenario, "zzz", "west")
    table = side_weight_table(scenario)
    assert table.to_dict(orient="records") == [
        {"side": "west", "actor": "usa", "weight": "1 (default)", "source": ""},
        {"side": "west", "actor": "ukr", "weight": "$ukr_weight", "source": ""},
        {"side": "east", "actor": "rus", "weight": "0.5", "source": ""},
    ]
    # A side's own source stands for the weights it lists (not for the defaults).
    text = FILE.read_text(encoding="utf-8").replace(
        "weights: {ukr: $ukr_weight}}",
        "weights: {ukr: $ukr_weight}, source: {note: 'judgement: equal partners'}}",
        1,
    )
    sourced = side_weight_table(loads_scenario(text))
    assert list(sourced["source"][:2]) == ["", "judgement: equal partners"]


def test_explain_parts_add_up_to_the_weighted_side_difference() -> None:
    scenario = load_scenario(FILE)
    tables = explain_strategies(scenario, "push", "hold", n=1500, seed=2)
    total = float(tables["total"]["difference"].iloc[0])
    by_actor = tables["by_actor"].set_index("actor")["difference"]
    assert set(by_actor.index) == {"usa", "ukr"}
    assert by_actor.sum() == pytest.approx(total, abs=1e-9)
    assert tables["by_term"]["difference"].sum() == pytest.approx(total, abs=1e-9)
    # ukr's part is its gain times its weight (mean weight ~2), not its own gain.
    own = explain_strategies(scenario, "push", "hold", n=1500, seed=2, rank_by="ukr")
    ukr_own = float(own["total"]["difference"].iloc[0])
    assert 1.8 < by_actor["ukr"] / ukr_own < 2.2
    assert list(own["by_actor"]["actor"]) == ["ukr"]


def test_commitment_values_weigh_the_actors() -> None:
    text = _with_sides(
        "  - {id: west, name: West, weights: {ukr: 3}}\n  - {id: east, name: East}\n"
    ).replace("horizon: 4", "horizon: 1")
    compiled = compile_scenario(loads_scenario(text))
    game = build_game(compiled, horizon=1, all_payoffs=True)
    pay = backward_induction.solve(game, verify=False).payoffs[0].tolist()
    payoffs = dict(zip(game.players, pay, strict=True))
    values = _by_side(compiled, game, pay)
    assert values["west"] == pytest.approx(payoffs["usa"] + 3 * payoffs["ukr"])


def test_actor_as_side_scores_the_side_as_that_actor() -> None:
    swept, side = actor_as_side(load_scenario(FILE), "ukr")
    assert side == "west"
    compiled = compile_scenario(swept)
    utility = np.array([[5.0, 2.0, 1.0], [-3.0, 7.0, 2.0]])
    draws = np.array([[1.3], [2.7]])
    np.testing.assert_array_equal(compiled.side_utilities(utility, draws)[:, 0], [2.0, 7.0])
    assert [s.id for s in swept.spec.sides] == ["west", "east"]
    assert swept.spec.actors == load_scenario(FILE).spec.actors


def test_a_drawn_negative_weight_stops_the_run() -> None:
    text = _with_sides(
        '  - {id: west, name: West, weights: {ukr: "$ukr_weight - 2"}}\n'
        "  - {id: east, name: East}\n"
    )
    compiled = compile_scenario(loads_scenario(text))
    np.testing.assert_allclose(compiled.actor_weights(np.array([[2.5]]))[:, 1], [0.5])
    with pytest.raises(SimulationError, match=r"side weight of actor 'ukr'.*found -0\.5"):
        compiled.actor_weights(np.array([[2.5], [1.5]]))
    with pytest.raises(SimulationError, match="side weight of actor 'ukr'"):
        simulate(compiled, n=50, seed=1)
