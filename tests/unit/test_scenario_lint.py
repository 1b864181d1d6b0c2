"""Who may read a private uncertainty (``known_to``), and the lint rules' edges.

The base is tests/data/lint/clean.yaml: valid and without warnings. Each test
changes it in one place and checks the one error or warning that follows (or
that none does).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.errors import ScenarioError
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.schema import (
    HoldPolicySpec,
    PolicySpec,
    QuantalPolicySpec,
    UniformSpec,
    policy_spec,
)

CLEAN = (Path(__file__).resolve().parents[1] / "data" / "lint" / "clean.yaml").read_text(
    encoding="utf-8"
)
PRIVATE = (
    "uncertainties:\n  - {id: redline, dist: uniform, low: 4, high: 8, known_to: [KNOWN]}\n"
    "events:\n"
)


def _text(*subs: tuple[str, str], known: str = "east") -> str:
    text = CLEAN.replace("events:\n", PRIVATE.replace("KNOWN", known), 1)
    for old, new in subs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _warnings(*subs: tuple[str, str]) -> list[str]:
    return [f"{w.path}: {w.message}" for w in loads_scenario(_text(*subs)).warnings]


def _lint(*subs: tuple[str, str]) -> list[str]:
    """The warnings of the clean base (without the private uncertainty) after ``subs``."""
    text = CLEAN
    for old, new in subs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return [f"{w.path}: {w.message}" for w in loads_scenario(text).warnings]


def _errors(*subs: tuple[str, str], known: str = "east") -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(_text(*subs, known=known), file="t.yaml")
    return [f"{e.path}: {e.message}" for e in info.value.errors]


RUSSIA_RULES = (
    "{kind: quantal, lambda: 2}",
    '{kind: rules, rules: [{if: "CONDITION", then: push}]}',
)
USA_RULES = (
    "{kind: reactive, offset: 1}",
    '{kind: rules, rules: [{if: "CONDITION", then: strike}]}',
)


def _rules(which: tuple[str, str], condition: str) -> tuple[str, str]:
    return which[0], which[1].replace("CONDITION", condition)


# -- known_to ---------------------------------------------------------------------------------


def test_the_owner_may_read_its_private_value() -> None:
    # Russia (side east) reads its own red line: valid, no warning.
    assert _warnings(_rules(RUSSIA_RULES, "rung('front') < $redline")) == []


def test_an_actor_listed_by_id_may_read_it() -> None:
    text = _text(_rules(USA_RULES, "rung('front') < $redline"), known="usa")
    assert loads_scenario(text).warnings == ()


def test_the_other_side_may_not_read_it_in_rules() -> None:
    errors = _errors(_rules(USA_RULES, "rung('front') < $redline"))
    assert len(errors) == 1
    assert errors[0].startswith("actors[0].policy.rules[0].if: expected actor 'usa'")
    assert "$redline" in errors[0] and "rung('front') < $redline" in errors[0]


def test_strategy_and_mindset_policies_are_checked() -> None:
    strategy = (
        "events:\n",
        "strategies:\n  - {id: probe, side: west, policies: {usa: {kind: rules, "
        "rules: [{if: '$redline > 5', then: strike}]}}}\nevents:\n",
    )
    errors = _errors(strategy)
    assert [e.split(":")[0] for e in errors] == ["strategies[0].policies.usa.rules[0].if"]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("rung: 4, effects", "rung: 4, when: '$redline > 5', effects", "options[0].when"),
        ("rung: 4, effects", "rung: 4, success: '$redline / 10', effects", "options[0].success"),
        ("rung: 4, effects", "rung: 4, cost: '$redline', effects", "options[0].cost"),
        ("rung.front: -0.1}", "rung.front: '-$redline'}", "actors[0].utility.per_round.rung.front"),
    ],
)
def test_decision_inputs_of_the_other_side(old: str, new: str, where: str) -> None:
    errors = _errors((old, new))
    assert len(errors) == 1
    assert errors[0].startswith(f"{where}: expected actor 'usa'")


def test_option_effects_are_decision_inputs_only_of_quantal_actors() -> None:
    usa_effect = (
        "effects: [{var: position, add: 1}]",
        "effects: [{var: position, add: '$redline'}]",
    )
    assert _warnings(usa_effect) == []  # usa is reactive: the effect is nature's
    usa_quantal = ("{kind: reactive, offset: 1}", "{kind: quantal}")
    errors = _errors(usa_effect, usa_quantal)
    assert [e.split(":")[0] for e in errors] == ["options[0].effects[0].add"]


def test_nature_may_read_it() -> None:
    nature = [
        ("{id: position, initial: 0,", "{id: position, initial: '$redline - 6',"),
        ("at: 2024-01-15,", "at: 2024-01-15, when: 'rung(\"front\") < $redline',"),
        (
            "events:\n",
            "accidents:\n  front: {up: '0.001 * $redline'}\n"
            "outcomes:\n  - {id: gap, expr: '$redline - rung(\"front\")'}\n"
            "terminal:\n  - \"rung('front') >= $redline\"\nevents:\n",
        ),
    ]
    assert loads_scenario(_text(*nature)).warnings == ()


def test_terminal_utility_is_the_actors() -> None:
    terminal = (
        "events:\n",
        "terminal:\n  - {when: 'round > 2', utility: {usa: '-$redline'}}\nevents:\n",
    )
    errors = _errors(terminal)
    assert [e.split(":")[0] for e in errors] == ["terminal[0].utility.usa"]


def test_known_to_nobody_is_nature_only() -> None:
    errors = _errors(_rules(RUSSIA_RULES, "$redline > 5"), known="")
    assert len(errors) == 1 and "known to no actor" in errors[0]


# -- lint edges -------------------------------------------------------------------------------


def test_a_side_view_reaches_a_threshold() -> None:
    lower = ("rung: 6, effects", "rung: 5, effects")
    assert any("armed_conflict" in w for w in _lint(lower))
    seen = ("rung: 6, effects", "rung: 5, perceived: {west: 6}, effects")
    assert _lint(seen) == []


def test_accidents_and_rung_events_reach_thresholds() -> None:
    lower = ("rung: 6, effects", "rung: 5, effects")
    accident = ("events:\n", "accidents:\n  front: {up: 0.01}\nevents:\n")
    assert _lint(lower, accident) == []
    jump_to = ("{rung: front, add: -1}", "{rung: front, to: 7}")
    assert _lint(lower, jump_to) == []
    step_up = ("{rung: front, add: -1}", "{rung: front, side: west, add: 2}")
    assert _lint(lower, step_up) == []


def test_custom_ladder_thresholds_are_linted_even_when_unnamed() -> None:
    ladder = (
        "sides:",
        "ladders:\n  - id: tiny\n    name: Tiny\n    rungs: [{id: calm, name: Calm}, "
        "{id: tense, name: Tense}, {id: war, name: War}]\n    thresholds: "
        "[{id: at_war, name: War, at: war}]\nsides:",
    )
    arena = (
        "ladder: compact, parties: [west, east], initial: 2",
        "ladder: tiny, parties: [west, east]",
    )
    rungs = [("rung: 4, effects", "rung: 1, effects"), ("rung: 6, effects", "rung: 1, effects")]
    no_threshold = ("thresholds: {armed_conflict: -5}", "thresholds: {}")
    warnings = _lint(ladder, arena, *rungs, no_threshold)
    assert len(warnings) == 1
    assert warnings[0].startswith("ladders[0].thresholds[0]: threshold 'at_war'")


@pytest.mark.parametrize(
    ("policy", "chosen"),
    [
        ("{kind: hold}", False),
        ("{kind: deescalate}", False),
        ("{kind: reactive, arena: front}", True),
        ("{kind: graduated}", True),
        ("{kind: plan, steps: [{at: 1, option: strike}]}", True),
        ("{kind: rules, rules: [{if: 'true', then: push}], otherwise: strike}", True),
        ("{kind: best_response}", True),
    ],
)
def test_which_policies_choose_an_arena_option(policy: str, chosen: bool) -> None:
    text = CLEAN.replace("{kind: reactive, offset: 1}", policy.replace("push", "strike"))
    text = text.replace("{kind: quantal, lambda: 2}", "{kind: quantal}")
    warnings = [w.message for w in loads_scenario(text).warnings]
    assert any("option 'strike'" in w for w in warnings) is not chosen


def test_deescalate_chooses_deescalation_options() -> None:
    text = CLEAN.replace("{kind: reactive, offset: 1}", "{kind: deescalate}").replace(
        "rung: 4, effects", "rung: 1, deescalate: true, cost: 0.1, effects"
    )  # (a cost: free and always available, it would be flagged below)
    assert loads_scenario(text).warnings == ()


def test_a_strategy_can_choose_what_the_default_cannot() -> None:
    hold = CLEAN.replace("{kind: reactive, offset: 1}", "{kind: hold}")
    assert [w.path for w in loads_scenario(hold).warnings] == ["options[0].id"]
    strategy = hold.replace(
        "events:\n",
        "strategies:\n  - {id: plan, side: west, policies: {usa: {kind: tit_for_tat}}}\nevents:\n",
    )
    assert loads_scenario(strategy).warnings == ()


def test_a_variable_read_only_by_an_effect_is_read() -> None:
    morale = CLEAN.replace(
        "  - {id: position, initial: 0, min: -5, max: 5}\n",
        "  - {id: position, initial: 0, min: -5, max: 5}\n  - {id: morale, initial: 1}\n",
    ).replace("{var: position, add: -1}", "{var: morale, add: 1}, {var: position, add: 'morale'}")
    assert loads_scenario(morale).warnings == ()


@pytest.mark.parametrize(
    ("at", "late"),
    [
        ("3", False),  # the last round of a 4-round horizon
        ("4", True),
        ("40", True),
        ("2024-01-28", False),  # inside the last round (weeks from 2024-01-01)
        ("2024-01-29", True),  # the end of the last round
        ("2024-04-26", True),
    ],
)
def test_plan_steps_after_the_horizon_warn_at_the_step(at: str, late: bool) -> None:
    plan = CLEAN.replace(
        "{kind: reactive, offset: 1}",
        f"{{kind: plan, steps: [{{at: 0, option: strike}}, {{at: {at}, option: strike}}]}}",
    )
    warnings = loads_scenario(plan).warnings
    if not late:
        assert warnings == ()
        return
    assert [w.path for w in warnings] == ["actors[0].policy.steps[1].at"]
    assert "it never fires" in warnings[0].message and warnings[0].hint


def test_plan_steps_in_strategies_and_mindsets_are_linted() -> None:
    strategy = CLEAN.replace(
        "events:\n",
        "strategies:\n  - {id: late, side: west, policies: {usa: {kind: plan, "
        "steps: [{at: 2024-03-01, option: strike}]}}}\nevents:\n",
    )
    warnings = loads_scenario(strategy).warnings
    assert [w.path for w in warnings] == ["strategies[0].policies.usa.steps[0].at"]


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2023-12-31", "expected a date on or after the start 2024-01-01, found 2023-12-31"),
        ("-1", "expected a round 0 or later, found -1"),
    ],
)
def test_plan_steps_before_the_start_are_errors(at: str, message: str) -> None:
    plan = CLEAN.replace(
        "{kind: reactive, offset: 1}", f"{{kind: plan, steps: [{{at: {at}, option: strike}}]}}"
    )
    with pytest.raises(ScenarioError) as info:
        loads_scenario(plan, file="t.yaml")
    errors = info.value.errors
    assert [(e.path, e.message) for e in errors] == [("actors[0].policy.steps[0].at", message)]
    assert errors[0].hint


def test_an_unread_uncertainty_warns_at_its_id() -> None:
    warnings = _warnings()  # the base with the private uncertainty 'redline', read by nothing
    assert len(warnings) == 1
    assert warnings[0].startswith("uncertainties[0].id: uncertainty 'redline' is read by nothing")
    (warning,) = loads_scenario(_text()).warnings
    assert warning.hint is not None and "$redline" in warning.hint


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("rung: 6, effects", "rung: 6, success: '$redline / 10', effects"),
        ("{var: position, add: -1}", "{var: position, add: '$redline'}"),
        ("{id: position, initial: 0,", "{id: position, initial: '$redline - 6',"),
        ("at: 2024-01-15,", "at: 2024-01-15, when: 'rung(\"front\") < $redline',"),
        ("{position: -1.0}", "{position: '-0.1 * $redline'}"),
        ("events:\n", "outcomes:\n  - {id: gap, expr: '$redline - rung(\"front\")'}\nevents:\n"),
    ],
)
def test_any_reader_silences_the_unread_uncertainty(old: str, new: str) -> None:
    assert _warnings((old, new)) == []


@pytest.mark.parametrize(
    ("strike", "low"),
    [
        ("rung: 1", True),
        ("rung: 1, perceived: {east: 0}", True),
        ("rung: 2", False),  # at the initial rung: a deliberate act at the current level
        ("rung: 1, perceived: {east: 3}", False),  # the east's view moves up
        ("rung: 1, deescalate: true", False),
    ],
)
def test_an_option_below_the_initial_rung_warns(strike: str, low: bool) -> None:
    warnings = _lint(("rung: 4, effects", f"{strike}, effects"))
    found = [w for w in warnings if "below the initial rung 2 of arena 'front'" in w]
    assert len(found) == int(low), warnings
    if low:
        assert found[0].startswith("options[0].rung: option 'strike' is at rung")


def test_the_reference_scenario_is_lint_clean() -> None:
    # It once flagged `us_change` (written by the election, never read); the rebuilt
    # scenario reads it (US aid and weights after a change of administration).
    assert load_scenario("dprk-troops-2024").warnings == ()


# -- the per-kind schema classes --------------------------------------------------------------


def test_policy_classes_answer_every_engine_field() -> None:
    hold = HoldPolicySpec()
    assert (hold.kind, hold.rationality, hold.depth, tuple(hold.rules), hold.otherwise) == (
        "hold",
        None,
        None,
        (),
        None,
    )
    quantal = policy_spec("quantal", rationality=3.0)
    assert isinstance(quantal, QuantalPolicySpec) and quantal.rationality == 3.0
    assert quantal.samples is None and tuple(quantal.steps) == ()
    assert PolicySpec().kind == "hold"
    with pytest.raises(AttributeError):
        _ = hold.no_such_field  # type: ignore[attr-defined]


def test_uncertainty_classes_answer_every_parameter() -> None:
    spec = UniformSpec(id="u", dist="uniform", low=0.0, high=1.0)
    assert (spec.low, spec.high, spec.alpha, spec.values, spec.known_to) == (
        0.0,
        1.0,
        None,
        None,
        None,
    )


def test_missing_kind_is_hold_and_dumps_round_trip() -> None:
    scenario = loads_scenario(CLEAN.replace("{kind: quantal, lambda: 2}", "{}"))
    assert isinstance(scenario.spec.actors[1].policy, HoldPolicySpec)


FREE_DOWN = "rung: 1, deescalate: true, effects"


def test_a_free_always_available_deescalation_is_flagged() -> None:
    policy = ("{kind: reactive, offset: 1}", "{kind: deescalate}")
    (warning,) = _lint(policy, ("rung: 4, effects", FREE_DOWN))
    assert "option 'strike' de-escalates arena 'front' at no cost in every round" in warning
    for limited in ("cost: 0.5", "once: true", "cooldown: 2", 'when: "round >= 3"'):
        option = FREE_DOWN.replace("deescalate: true", f"deescalate: true, {limited}")
        assert _lint(policy, ("rung: 4, effects", option)) == [], limited


def test_a_reactive_policy_in_an_arena_without_its_options_warns() -> None:
    # the Israel–Iran trial: Hezbollah's `graduated` in arena 'direct', where it has no
    # option, always held, and nothing said so
    base = CLEAN.replace(
        "  - {id: front,",
        "  - {id: sea, ladder: compact, parties: [west, east]}\n  - {id: front,",
        1,
    )
    base = base.replace(
        "thresholds: {armed_conflict: -5}", "thresholds: {front.armed_conflict: -5}"
    )
    assert _lint_text(base) == []
    idle = base.replace("{kind: reactive, offset: 1}", "{kind: graduated, arena: sea}")
    assert _lint_text(idle) == [
        "options[0].id: option 'strike' of actor 'usa' is chosen by no policy "
        "(its policies: graduated)",
        "actors[0].policy.arena: a 'graduated' policy of actor 'usa' can choose none of its "
        "options (it has no escalation option with a rung in arena 'sea'): it always holds",
    ]
    deescalate = base.replace("{kind: reactive, offset: 1}", "{kind: deescalate}")
    assert not any("can choose none" in w for w in _lint_text(deescalate))  # means: hold


def _lint_text(text: str) -> list[str]:
    return [f"{w.path}: {w.message}" for w in loads_scenario(text).warnings]


MEDIATOR = (
    ("sides: [{id: west}, {id: east}]", "sides: [{id: west}, {id: east}, {id: mediator}]"),
    (
        "arenas:",
        "  - {id: tur, name: Turkey, side: mediator, utility: {per_round: {rung.front: -1}},\n"
        "     policy: {kind: deescalate}}\narenas:",
    ),
    (
        "events:",
        "  - {id: truce, actor: tur, arena: front, rung: 1, deescalate: true, "
        "consent: [usa, rus], once: true}\nevents:",
    ),
)


def test_a_mediator_asking_the_parties_consent_is_not_flagged() -> None:
    """Karabakh 2020: Russia's ceasefire needs Armenia and Azerbaijan, each of another side.

    The warning "consent is for allies" fits a party asking its adversary, not a third
    party, whose side is not a party of the arena, asking the arena's two parties.
    """
    assert _lint(*MEDIATOR) == []
    by_a_party = MEDIATOR[2][1].replace("actor: tur", "actor: usa").replace("usa, rus", "rus")
    party = _lint(MEDIATOR[0], MEDIATOR[1], (MEDIATOR[2][0], by_a_party))
    assert [w for w in party if "consent" in w] == [
        "options[2].consent[0]: option 'truce' of side 'west' needs the consent of 'rus' of "
        "side 'east'"
    ]
