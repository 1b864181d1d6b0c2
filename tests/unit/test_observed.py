"""The observed-timeline format: structure, located errors, facts in the engine's terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.errors import ScenarioError
from escalade.evidence.facts import compile_observations
from escalade.evidence.observed import (
    DEFAULT_EPSILON,
    ObservedTimeline,
    load_observed,
    loads_observed,
)
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

DATA = Path(__file__).parents[1] / "data" / "observed"


@pytest.fixture(scope="module")
def coin():
    return compile_scenario(load_scenario(DATA / "coin.yaml"))


def text(*observations: str, head: str = "") -> str:
    body = "\n".join(f"  - {o}" for o in observations)
    return (
        "schema_version: 1\nscenario: coin\nas_of: 2024-03-03\n"
        f"{head}observations:\n{body}\n"
        "sources:\n  - {id: log, title: Incident log}\n"
    )


def errors(compiled, source: str) -> list:
    with pytest.raises(ScenarioError) as info:
        compile_observations(compiled, loads_observed(source, file="t.observed.yaml"))
    return list(info.value.errors)


def test_the_test_file_compiles_to_facts(coin) -> None:
    lt = load_observed(DATA / "coin.observed.yaml")
    facts = compile_observations(coin, lt)
    assert lt.timeline.epsilon == 0.0
    assert len(facts) == 9
    first, second = facts[0], facts[1]
    assert (first.id, first.kind, first.first, first.last, first.holds) == (
        "hardened",
        "option",
        0,
        0,
        True,
    )
    assert (second.kind, second.first, second.last, second.holds) == ("event", 1, 1, True)
    assert facts[2].holds is False and facts[2].first == facts[2].last == 2
    assert facts[-1].id == "last"


def test_default_epsilon_and_the_round_of_a_date(coin) -> None:
    lt = loads_observed(text("{date: 2024-01-20, event: incident, fired: false}"))
    assert lt.timeline.epsilon == DEFAULT_EPSILON
    (fact,) = compile_observations(coin, lt)
    assert (fact.first, fact.last) == (2, 2)  # the week of 20 January: round 2


def test_unknown_option_is_located_with_a_hint(coin) -> None:
    (issue,) = errors(coin, text("{date: 2024-01-20, option: hardn, taken: true}"))
    assert issue.line == 5 and issue.path == "observations[0].option"
    assert "expected an option id" in issue.message and "'hardn'" in issue.message
    assert issue.hint == "did you mean 'harden'?"


def test_unknown_event_branch_variable_arena(coin) -> None:
    found = errors(
        coin,
        text(
            "{date: 2024-01-20, event: incidnt, fired: true}",
            "{date: 2024-01-20, variable: q, value: 1, sd: 1}",
            "{date: 2024-01-20, arena: war, rung: 3}",
            "{date: 2024-01-20, threshold: nuclear, crossed: false}",
        ),
    )
    paths = [i.path for i in found]
    assert paths == [
        "observations[0].event",
        "observations[1].variable",
        "observations[2].arena",
        "observations[3].threshold",
    ]


def test_dates_outside_the_calendar_and_after_as_of(coin) -> None:
    found = errors(coin, text("{date: 2023-12-01, option: harden, taken: false}"))
    assert "within the scenario's calendar" in found[0].message
    assert found[0].path == "observations[0].date"
    with pytest.raises(ScenarioError) as info:
        loads_observed(text("{date: 2024-03-10, option: harden, taken: false}"))
    (issue,) = info.value.errors
    assert "on or before as_of 2024-03-03" in issue.message and issue.line == 5


def test_contradiction(coin) -> None:
    found = errors(
        coin,
        text(
            "{id: no, between: [2024-01-01, 2024-02-20], event: incident, fired: false}",
            "{id: yes, between: [2024-01-15, 2024-01-21], event: incident, fired: true}",
        ),
    )
    assert len(found) == 1 and found[0].path == "observations[1]"
    assert "consistent" in found[0].message and "'no'" in found[0].message


def test_overlapping_but_not_contained_windows_are_fine(coin) -> None:
    lt = loads_observed(
        text(
            "{between: [2024-01-01, 2024-01-20], event: incident, fired: true}",
            "{between: [2024-01-15, 2024-02-20], event: incident, fired: false}",
        )
    )
    assert len(compile_observations(coin, lt)) == 2


@pytest.mark.parametrize(
    ("observation", "says"),
    [
        ("{date: 2024-01-20}", "exactly one of 'option'"),
        ("{date: 2024-01-20, option: harden, event: incident, taken: true}", "exactly one"),
        ("{option: harden, taken: true}", "exactly one of 'date' or 'between"),
        ("{date: 2024-01-20, option: harden}", "expected 'taken' (true: the move was made"),
        (
            "{date: 2024-01-20, variable: p, value: 1}",
            "expected 'sd' (the measurement's standard deviation, above 0) on a 'variable' "
            "observation, found none (add sd: 0.5)",
        ),
        ("{date: 2024-01-20, event: incident}", "found none (add branch: BRANCH or fired: true)"),
        ("{date: 2024-01-20, option: harden, taken: true, fired: true}", "does not take fired"),
        ("{between: [2024-01-20, 2024-01-27], variable: p, value: 1, sd: 1}", "at a 'date'"),
        ("{date: 2024-01-20, variable: p, value: 1, sd: 0}", "greater than 0"),
        ("{between: [2024-01-27, 2024-01-20], option: harden, taken: true}", "on or before"),
    ],
)
def test_structural_errors(observation: str, says: str) -> None:
    with pytest.raises(ScenarioError) as info:
        loads_observed(text(observation))
    rendered = info.value.render()
    assert says in rendered, rendered
    assert ":5:" in rendered  # located at the observation's line


def test_schema_version_scenario_and_source_refs(coin) -> None:
    with pytest.raises(ScenarioError, match="schema_version: 1"):
        loads_observed(
            text("{date: 2024-01-20, option: harden, taken: true}").replace(
                "schema_version: 1", "schema_version: 2"
            )
        )
    with pytest.raises(ScenarioError, match="source id of 'sources'"):
        loads_observed(text("{date: 2024-01-20, option: harden, taken: true, source: lg}"))
    # the Israel–Iran trial: with no sources at all, the hint says where the source goes
    empty = text("{date: 2024-01-20, option: harden, taken: true, source: lg}").replace(
        "sources:\n  - {id: log, title: Incident log}\n", "sources: []\n"
    )
    with pytest.raises(ScenarioError) as missing:
        loads_observed(empty)
    assert "(add {id: lg, title: ..., outlet: ..., date: ...} to 'sources'" in str(missing.value)
    other = text("{date: 2024-01-20, option: harden, taken: true}").replace(
        "scenario: coin", "scenario: kursk"
    )
    (issue,) = errors(coin, other)
    assert issue.path == "scenario" and "'coin'" in issue.message


def test_prior_names_must_exist(coin) -> None:
    found = errors(
        coin,
        text(
            "{date: 2024-01-20, option: harden, taken: true}",
            head="prior: {mindsets: {calm: 1, hrd: 2}}\n",
        ),
    )
    assert found[0].path == "prior.mindsets.hrd" and found[0].hint == "did you mean 'hard'?"


TAIWAN = Path(__file__).parents[1] / "data" / "scenarios" / "taiwan-1996.yaml"


def taiwan_text(*observations: str) -> str:
    body = "\n".join(f"  - {o}" for o in observations)
    return f"schema_version: 1\nscenario: taiwan-1996\nas_of: 1996-04-14\nobservations:\n{body}\n"


def test_a_threshold_is_named_as_in_utilities_or_by_its_bare_key() -> None:
    taiwan = compile_scenario(load_scenario(TAIWAN))
    window = "between: [1996-02-05, 1996-04-14]"
    lt = loads_observed(
        taiwan_text(
            f"{{{window}, threshold: strait.brink, crossed: false}}",
            f"{{{window}, threshold: brink, crossed: false}}",
            f"{{{window}, threshold: diplomacy.armed_conflict, crossed: false}}",
        )
    )
    dotted, bare, other = compile_observations(taiwan, lt)
    assert (dotted.target, dotted.level) == (bare.target, bare.level) == (0, 7)  # strait, clash
    assert (other.target, other.level) == (1, 6)


def test_misspelt_ids_in_an_observed_file_get_a_suggestion() -> None:
    taiwan = compile_scenario(load_scenario(TAIWAN))
    found = errors(
        taiwan,
        taiwan_text(
            "{date: 1996-03-08, option: missle_tests, taken: true}",
            "{date: 1996-03-23, event: electon, fired: true}",
            "{date: 1996-03-23, threshold: strait.brnk, crossed: false}",
        ),
    )
    assert [i.hint for i in found] == [
        "did you mean 'missile_tests'?",
        "did you mean 'election'?",
        "did you mean 'strait.brink'?",
    ]


def test_a_bare_threshold_of_several_arenas_names_the_spellings() -> None:
    reference = compile_scenario(load_scenario("dprk-troops-2024"))
    source = (
        "schema_version: 1\nscenario: dprk-troops-2024\nas_of: 2024-11-01\nobservations:\n"
        "  - {date: 2024-10-28, threshold: no_nuclear_use, crossed: false}\n"
    )
    (issue,) = errors(reference, source)
    assert issue.hint == "write one of ukraine.no_nuclear_use, korea.no_nuclear_use"


def test_a_date_that_does_not_exist_says_why() -> None:
    with pytest.raises(ScenarioError) as info:
        loads_observed(text("{date: 2024-02-30, option: harden, taken: true}"))
    (issue,) = info.value.errors
    assert issue.path == "observations[0].date" and issue.line == 5
    assert "found '2024-02-30' (day is out of range for month)" in issue.message
    assert issue.hint == "February 2024 has 29 days"


def test_every_independent_error_comes_out_in_one_go(coin) -> None:
    source = text(
        "{date: 2024-02-30, option: hardn, taken: true}",  # format: skipped by later checks
        "{date: 2024-01-20, option: harden, taken: true, source: {ref: lgo}}",  # structural
        "{date: 2024-03-10, option: harden, taken: false}",  # structural (after as_of)
        "{date: 2024-01-20, option: hardn, taken: true}",  # the scenario's ids
        "{between: [2024-01-01, 2024-02-20], event: incident, fired: false}",
        "{date: 2024-01-15, event: incident, fired: true}",  # a contradiction
    )
    with pytest.raises(ScenarioError) as info:
        loads_observed(source, file="t.observed.yaml", scenario=coin)
    found = info.value.errors
    assert [(i.line, i.path) for i in found] == [
        (5, "observations[0].date"),
        (6, "observations[1].source.ref"),
        (7, "observations[2].date"),
        (8, "observations[3].option"),
        (10, "observations[5]"),
    ]
    assert "day is out of range" in found[0].message
    assert "on or before as_of" in found[2].message  # once: not again as outside the calendar
    assert "'obs5'" in found[4].message  # numbered as in the file, past the skipped entry


def test_without_the_scenario_the_file_checks_still_come_together() -> None:
    source = text(
        "{date: 2024-01-20, option: harden}",
        "{date: 2024-03-10, option: harden, taken: false}",
        "{date: 2024-01-20, option: harden, taken: true, source: {ref: lgo}}",
    )
    with pytest.raises(ScenarioError) as info:
        loads_observed(source)
    assert [i.path for i in info.value.errors] == [
        "observations[0]",
        "observations[1].date",
        "observations[2].source.ref",
    ]


def test_a_problem_outside_the_observations_stops_before_the_later_checks(coin) -> None:
    source = text("{date: 2024-03-10, option: hardn, taken: false}").replace(
        "as_of: 2024-03-03", "as_of: 2024-03-33"
    )
    with pytest.raises(ScenarioError) as info:
        loads_observed(source, scenario=coin)
    (issue,) = info.value.errors
    assert issue.path == "as_of"


def test_a_valid_file_checked_against_its_scenario(coin) -> None:
    lt = load_observed(DATA / "coin.observed.yaml", scenario=coin)
    assert lt.entries is None and len(compile_observations(coin, lt)) == 9


def test_the_schema_states_the_kinds_itself() -> None:
    schema = ObservedTimeline.model_json_schema(by_alias=True)
    observation = schema["$defs"]["Observation"]
    text = observation["description"]
    assert "docstring" not in text
    for kind, says in [
        ("option", "``option`` + ``taken``"),
        ("event", "``event`` + ``branch`` or ``fired``"),
        ("threshold", "``threshold`` + ``crossed``"),
        ("arena", "``arena`` + ``rung``"),
        ("variable", "``variable`` + ``value`` + ``sd``"),
    ]:
        assert says in text, kind
        assert observation["properties"][kind]["description"]


def test_a_scenario_given_as_the_timeline_is_named_as_such() -> None:
    """Su-24 trial: ``replay s.yaml --observed s.yaml`` asked to add 'schema_version: 1'."""
    scenario_text = load_scenario("kursk-mini").text
    with pytest.raises(ScenarioError) as info:
        loads_observed(scenario_text, file="s.yaml")
    rendered = info.value.render()
    assert "expected an observed timeline ('observations:'), found a scenario" in rendered
    assert "and as its observed timeline a file of what happened" in rendered
    assert "schema_version: 1" not in rendered
    assert "--observed" not in rendered  # the library names no flag (test_error_parameters)


def test_a_window_whose_dates_are_swapped_says_what_was_found() -> None:
    """Yom Kippur 1973: "'between' needs its first date on or before its second" named
    neither the dates found nor the fix."""
    with pytest.raises(ScenarioError) as info:
        loads_observed(
            text("{between: [2024-02-10, 2024-01-20], option: harden, taken: false}"),
            file="t.observed.yaml",
        )
    message = info.value.render()
    assert "expected its first date on or before its second" in message
    assert "found 2024-02-10 after 2024-01-20" in message
    assert "swap them: between: [2024-01-20, 2024-02-10]" in message


def test_a_rung_number_off_the_ladder_gets_its_range() -> None:
    """Yom Kippur 1973: rung 9 on a seven-rung ladder got "known: ceasefire, skirmish, ...",
    a list of ids that did not say which numbers the ladder has."""
    trial = DATA.parent / "trial1973" / "yom-kippur-1973.yaml"
    compiled = compile_scenario(load_scenario(trial))
    source = (
        "schema_version: 1\nscenario: yom-kippur-1973\nas_of: 1973-10-26\nobservations:\n"
        "  - {date: 1973-10-25, arena: sinai, rung: 9}\n"
    )
    (issue,) = errors(compiled, source)
    assert issue.path == "observations[0].rung" and "found 9" in issue.message
    assert issue.hint is not None and issue.hint.startswith("rungs 0 to 6 or their ids")
