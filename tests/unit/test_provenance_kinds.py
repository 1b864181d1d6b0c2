"""What the provenance table calls quoted, structural and judgement, on kursk-mini variants."""

from __future__ import annotations

from pathlib import Path

import escalade.scenario.catalog as catalog
from escalade.evidence.provenance import assumptions
from escalade.scenario import loads_scenario

MINI = (Path(catalog.__file__).parent / "kursk-mini.yaml").read_text(encoding="utf-8")
QUOTE = 'quote: "allowing Ukraine to launch long-range strikes on Russia"'


def table(text: str) -> dict[str, str]:
    rows = assumptions(loads_scenario(text, file="mini.yaml"))
    return {row.element: row.kind for row in rows}


def test_an_options_quote_does_not_quote_its_rung_by_coincidence() -> None:
    # the option sits on rung 13; its quote happens to contain "13"
    text = MINI.replace(QUOTE, 'quote: "13 long-range strikes on Russia"')
    assert text != MINI
    kinds = table(text)
    assert kinds["option lift_strike_limits: rung"] == "structural"


def test_a_rung_effect_is_labelled_by_its_arena() -> None:
    event = (
        "events:\n  - {id: incident, prob: 0.1, effects: [{rung: ukraine, add: 1}], "
        "source: {note: judgement}}\n"
    )
    text = MINI.replace("accidents:", event + "accidents:", 1)
    kinds = table(text)
    assert "event incident: add the rung of ukraine" in kinds
    assert not any("None" in element for element in kinds)


def test_a_side_weight_of_one_is_the_default_written_out() -> None:
    # the Israel–Iran trial: `weights: {isr: 1, usa: 0.5}` left "weight of isr 1" unsourced
    sides = "sides: [{id: west, name: West}, {id: east, name: East}]"
    assert sides in MINI
    text = MINI.replace(sides, "sides: [{id: west, name: West, weights: {usa: 1}}, {id: east}]")
    assert table(text)["side west: weight of usa"] == "structural"
    half = MINI.replace(sides, "sides: [{id: west, name: West, weights: {usa: 0.5}}, {id: east}]")
    assert table(half)["side west: weight of usa"] == "unsourced"


def test_a_rung_effect_to_a_rung_is_listed_as_structural() -> None:
    # Su-24 trial: a branch's {rung: ukraine, to: 14} was missing from the table
    event = (
        "events:\n  - {id: incident, prob: 0.1, effects: [{rung: ukraine, to: 14}], "
        "source: {note: judgement}}\n"
    )
    kinds = table(MINI.replace("accidents:", event + "accidents:", 1))
    assert kinds["event incident: move the rung of ukraine to"] == "structural"


def test_choice_values_are_written_as_in_the_file() -> None:
    # Su-24 trial: `values: [2, 4, 6]` was shown as [2.0, 4.0, 6.0]
    unc = "uncertainties:\n  - {id: patience, dist: choice, values: [2, 4, 6], source: {note: j}}"
    text = MINI.replace("uncertainties:", unc, 1)
    rows = {r.element: r.value for r in assumptions(loads_scenario(text, file="mini.yaml"))}
    assert rows["uncertainty patience: choice"] == "values=[2, 4, 6]"
