"""Loading, validating, dumping and compiling scenarios."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from escalade.errors import ScenarioError, UsageError
from escalade.scenario import catalog_names, load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.scenario.dump import dump_scenario
from escalade.scenario.schema import ScenarioSpec
from escalade.scenario.validate import did_you_mean

DESIGN = Path(__file__).resolve().parents[2].parent / "shared" / "DESIGN.md"


def test_design_example_validates() -> None:
    """The small scenario printed in DESIGN.md §1 is valid as written there."""
    if not DESIGN.exists():
        pytest.skip("shared/DESIGN.md not beside the checkout")
    block = re.search(r"```yaml\n(.*?)```", DESIGN.read_text(encoding="utf-8"), re.S)
    assert block is not None
    scenario = loads_scenario(block.group(1), file="DESIGN.md")
    assert scenario.id == "kursk-mini"
    assert [a.id for a in scenario.actors] == ["usa", "rus"]
    # The design note writes schema version 1; the catalog copy is the same file in version 2.
    as_v2 = block.group(1).replace("schema_version: 1", "schema_version: 2", 1)
    shipped = load_scenario("kursk-mini").content_hash
    assert loads_scenario(as_v2, file="DESIGN.md").content_hash == shipped


def test_catalog_lists_shipped_scenarios() -> None:
    assert "kursk-mini" in catalog_names()


def test_unknown_catalog_name_suggests() -> None:
    with pytest.raises(ScenarioError, match="did you mean 'kursk-mini'"):
        load_scenario("kursk-mni")


def test_load_from_path_keeps_base_dir(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(load_scenario("kursk-mini").text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.base_dir == tmp_path
    assert scenario.file == str(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="directory"):
        load_scenario(tmp_path)


def test_round_trip_dump_preserves_content() -> None:
    scenario = load_scenario("kursk-mini")
    text = dump_scenario(scenario)
    again = loads_scenario(text)
    assert again.content_hash == scenario.content_hash
    assert dump_scenario(again) == text


def test_hash_ignores_formatting_and_comments() -> None:
    text = load_scenario("kursk-mini").text
    reformatted = "# a comment\n" + text.replace("horizon: 12", "horizon:   12")
    assert loads_scenario(reformatted).content_hash == load_scenario("kursk-mini").content_hash
    changed = text.replace("horizon: 12", "horizon: 13")
    assert loads_scenario(changed).content_hash != load_scenario("kursk-mini").content_hash


def test_positions_point_at_fields() -> None:
    scenario = load_scenario("kursk-mini")
    line, col = scenario.position(("options", 0, "rung"))
    assert scenario.text.splitlines()[line - 1].strip() == "rung: 13"
    assert col is not None


def test_number_with_source_mapping() -> None:
    text = load_scenario("kursk-mini").text.replace(
        "cost: 0.5", 'cost: {value: 0.5, source: bi-2024, quote: "few commitments were made"}'
    )
    scenario = loads_scenario(text)
    cost = scenario.options[0].cost
    assert getattr(cost, "value", None) == 0.5
    compiled = compile_scenario(scenario)
    assert compiled.options[0].cost.constant == 0.5


def test_compiled_indices_and_dates() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    assert compiled.sides == ("west", "east")
    assert compiled.options_by_actor == ((0,), (1,))
    lift = compiled.options[0]
    assert (lift.actor, lift.arena, lift.rung, lift.once) == (0, 0, 13, True)
    assert compiled.arenas[0].initial == 12
    assert len(compiled.days) == compiled.horizon + 1
    assert compiled.days[1] - compiled.days[0] == 7
    keys = [k for _, k, _ in compiled.thresholds]
    assert "no_nuclear_use" in keys and len(keys) == 6
    usa = compiled.actors[0]
    assert usa.thresholds[0].rung == 21


def test_uncertainty_draws_follow_distributions() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    u = np.linspace(0.0005, 0.9995, 2000)[:, None]
    draws = compiled.draw_uncertainties(u)[:, 0]
    assert draws.min() >= 0.1 and draws.max() <= 0.8
    assert abs(np.median(draws) - np.interp(0.5, u[:, 0], draws)) < 1e-12
    assert abs(draws.mean() - (0.1 + 0.3 + 0.8) / 3) < 0.01
    assert compiled.nominal_uncertainties()[0] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("dist", "params", "mean"),
    [
        ("uniform", "low: 2, high: 4", 3.0),
        ("normal", "mean: 1, sd: 2", 1.0),
        ("normal", "mean: 0, sd: 1, low: 0, high: 10", 0.7979),
        ("beta", "alpha: 2, beta: 2, low: 0, high: 10", 5.0),
        ("choice", "values: [1, 2, 3], weights: [1, 1, 2]", 2.25),
    ],
)
def test_each_distribution(dist: str, params: str, mean: float) -> None:
    text = load_scenario("kursk-mini").text.replace(
        "dist: triangular, low: 0.1, mode: 0.3, high: 0.8", f"dist: {dist}, {params}"
    )
    compiled = compile_scenario(loads_scenario(text))
    u = (np.arange(20000)[:, None] + 0.5) / 20000
    assert compiled.draw_uncertainties(u)[:, 0].mean() == pytest.approx(mean, abs=0.01)


def test_unknown_strategy_is_a_usage_error() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    assert compiled.strategy("graduated").id == "graduated"
    with pytest.raises(UsageError, match="graduated, deescalate"):
        compiled.strategy("nope")


def test_policies_override_defaults() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    defaults = compiled.policies()
    assert defaults[0].kind == "reactive" and defaults[1].kind == "hold"
    chosen = compiled.policies(compiled.strategy("deescalate"), compiled.mindset("opportunist"))
    assert chosen[0].kind == "deescalate" and chosen[1].kind == "best_response"
    assert chosen[1].depth == 2


def test_custom_ladder_with_rung_ids() -> None:
    text = (
        load_scenario("kursk-mini")
        .text.replace(
            "arenas:",
            "ladders:\n  - id: simple\n    name: Simple\n"
            "    rungs: [{id: calm, name: Calm}, {id: tense, name: Tense}, {id: war, name: War}]\n"
            "    thresholds: [{id: armed, name: Armed conflict, at: war}]\narenas:",
        )
        .replace(
            "ladder: kahn, parties: [west, east], initial: 12}",
            "ladder: simple, parties: [west, east], initial: calm}",
        )
    )
    text = text.replace("rung: 13", "rung: war").replace("rung: 12,", "rung: tense,")
    text = text.replace("thresholds: {no_nuclear_use: -100}", "thresholds: {armed: -5}")
    compiled = compile_scenario(loads_scenario(text))
    assert (compiled.arenas[0].low, compiled.arenas[0].high, compiled.arenas[0].initial) == (
        0,
        2,
        0,
    )
    assert compiled.options[0].rung == 2 and compiled.options[1].rung == 1
    assert compiled.thresholds == ((0, "armed", 2),)


def test_perceived_rung_of_target_side() -> None:
    text = load_scenario("kursk-mini").text.replace(
        "    rung: 13\n", "    rung: 13\n    perceived: {east: 16}\n"
    )
    option = compile_scenario(loads_scenario(text)).options[0]
    assert option.perceived == (13, 16)
    assert option.rung == 16  # the target side (east) perceives 16


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("lambda: 2", "lambda: $rationality", "a policy's lambda"),
        ("offset: 1", "offset: '1 + $rationality'", "a policy's lambda"),
        ("horizon: 4", "horizon: $rationality", "fields listed under 'Numbers'"),
        ("max: 5}", "max: '2 * $rationality'}", "fields listed under 'Numbers'"),
    ],
)
def test_an_expression_where_a_fixed_number_is_expected_has_a_hint(
    old: str, new: str, hint: str
) -> None:
    base = (Path(__file__).resolve().parents[1] / "data" / "lint" / "clean.yaml").read_text(
        encoding="utf-8"
    )
    unc = "uncertainties:\n  - {id: rationality, dist: uniform, low: 0.5, high: 4}\nevents:\n"
    assert old in base
    text = base.replace(old, new, 1).replace("events:\n", unc, 1)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, file="t.yaml")
    (error,) = info.value.errors
    assert error.message.startswith("expected a")
    assert error.hint is not None and hint in error.hint


@pytest.mark.parametrize(
    ("start", "reason", "hint"),
    [
        ("2017-06-31", "(day is out of range for month)", "June 2017 has 30 days"),
        ("2023-02-29", "(day is out of range for month)", "February 2023 has 28 days"),
        ("2017-13-01", "(month must be in 1..12)", None),
    ],
)
def test_a_date_that_does_not_exist_says_why(start: str, reason: str, hint: str | None) -> None:
    base = (Path(__file__).resolve().parents[1] / "data" / "lint" / "clean.yaml").read_text(
        encoding="utf-8"
    )
    text = re.sub(r"start: \d{4}-\d{2}-\d{2}", f"start: {start}", base, count=1)
    assert text != base
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, file="t.yaml")
    (error,) = info.value.errors
    assert error.path == "calendar.start"
    assert error.message == f"expected a date (YYYY-MM-DD), found '{start}' {reason}"
    assert error.hint == hint


def test_a_badly_written_date_keeps_the_format_message() -> None:
    base = (Path(__file__).resolve().parents[1] / "data" / "lint" / "clean.yaml").read_text(
        encoding="utf-8"
    )
    text = re.sub(r"start: \d{4}-\d{2}-\d{2}", "start: 2017-6-3", base, count=1)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, file="t.yaml")
    (error,) = info.value.errors
    assert error.message == "expected a date (YYYY-MM-DD), found '2017-6-3'"


def test_a_rungs_group_is_described_in_the_schema_and_the_docs() -> None:
    group = ScenarioSpec.model_json_schema()["$defs"]["RungSpec"]["properties"]["group"]
    assert "whole number" in group["description"] and "band" in group["description"]
    docs = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"
    assert "`group`: an optional whole number" in docs.read_text(encoding="utf-8")


def test_an_observed_timeline_gets_one_error_naming_the_command_that_checks_it() -> None:
    """A new user's `validate` on an observed timeline gave one "unknown field" per key."""
    text = (
        "schema_version: 1\nscenario: us-iran-2019\nas_of: 2020-02-01\nobservations:\n"
        "  - {id: k1, date: 2019-12-27, option: rocket_attack, taken: true}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, file="t.observed.yaml")
    issues = caught.value.issues
    assert len(issues) == 1
    assert (issues[0].file, issues[0].line) == ("t.observed.yaml", 5)  # its first entry
    assert "found an observed timeline" in issues[0].message
    assert issues[0].hint is not None
    assert "`escalade replay` (as the observed timeline)" in issues[0].hint
    assert "no schema_version" not in str(caught.value)
    with pytest.raises(ScenarioError, match="unknown field 'observations'"):
        loads_scenario(load_scenario("kursk-mini").text + "observations: []\n")


def test_did_you_mean_offers_every_about_equally_close_id() -> None:
    rungs = ["limited_strategic_strikes", "limited_conventional_strikes", "no_conflict"]
    hint = did_you_mean("limited_strikes", rungs)
    assert hint == "did you mean 'limited_strategic_strikes' or 'limited_conventional_strikes'?"
    assert did_you_mean("lift_strke_limits", ["lift_strike_limits", "nato"]) == (
        "did you mean 'lift_strike_limits'?"
    )


def test_a_comma_that_split_a_flow_mapping_value_gets_a_quoting_hint() -> None:
    """The Israel–Iran trial: `{id: a, name: Shadow war (covert action, proxies)}` gave
    "unknown field 'proxies)' (known: id, name, group)", which does not say what went wrong."""
    text = (
        "schema_version: 2\nid: comma\ntitle: Comma\n"
        "calendar: {start: 2024-04-01, step: week, horizon: 2}\n"
        "ladders:\n  - id: l\n    name: L\n    rungs:\n"
        "      - {id: a, name: Shadow war (covert action, proxies)}\n"
        "      - {id: b, name: B}\n"
        "sides: [{id: x}, {id: y}]\nactors:\n  - {id: p, side: x, name: P}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, file="s.yaml")
    (issue,) = caught.value.issues
    assert (issue.line, issue.message) == (9, "unknown field 'proxies)'")
    assert issue.hint is not None
    assert "an unquoted comma ends a value" in issue.hint and "quote the value" in issue.hint
    with pytest.raises(ScenarioError) as plain:  # a field-like name keeps its did-you-mean
        loads_scenario(text.replace("name: Shadow war (covert action, proxies)", "nme: x"))
    assert "did you mean 'name'?" in str(plain.value)


def test_a_policy_for_an_actor_of_the_other_side_is_one_error_naming_the_right_actors() -> None:
    """Su-24 trial: a mindset's policy keyed by the wrong side's actor gave that error, with no
    hint, and one "expected an option of actor ..." per rule that named the right actor's
    options."""
    text = load_scenario("kursk-mini").text
    mindset = "policies: {rus: {kind: best_response, depth: 2}}"
    assert mindset in text
    wrong = 'policies: {usa: {kind: rules, rules: [{if: "round == 0", then: deploy_to_kursk}]}}'
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text.replace(mindset, wrong), file="s.yaml")
    issues = info.value.issues
    assert len(issues) == 1, [i.message for i in issues]
    assert "expected an actor of side 'east', found 'usa'" in issues[0].message
    assert issues[0].hint == "the actors of side 'east': rus"


def test_a_misspelt_side_of_a_mindset_is_one_error_not_one_per_policy() -> None:
    """Berlin 1961 trial: `side: eats` on a mindset also said of each of its policies
    "expected an actor of side 'eats', found 'rus' of side 'east'"."""
    text = load_scenario("kursk-mini").text
    mindset = "side: east, policies: {rus: {kind: best_response"
    assert mindset in text
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text.replace(mindset, mindset.replace("east", "eats"), 1), file="s.yaml")
    messages = [i.message for i in info.value.issues]
    assert messages == ["expected the id of a declared side, found 'eats'"], messages


@pytest.mark.parametrize(
    ("at", "why", "hint"),
    [
        ("2024-13-01", "(month must be in 1..12)", "dates are written YYYY-MM-DD"),
        ("2024-02-30", "(day is out of range for month)", "February 2024 has 29 days"),
    ],
)
def test_a_plan_step_on_a_date_that_does_not_exist_says_why(at: str, why: str, hint: str) -> None:
    """Berlin 1961 trial: a plan step at 1961-13-08 (day and month swapped) was only "expected a
    date (YYYY-MM-DD) or a whole number", as if the format were wrong."""
    path = Path(__file__).resolve().parents[1] / "data" / "lint" / "late-plan-step.yaml"
    text = path.read_text(encoding="utf-8").replace("{at: 1, option", f"{{at: {at}, option", 1)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, file="s.yaml")
    (issue,) = info.value.issues
    assert issue.message.endswith(f"found '{at}' {why}"), issue.message
    assert issue.hint is not None and issue.hint.startswith(hint)
