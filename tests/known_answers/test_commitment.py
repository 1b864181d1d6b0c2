"""Commitment analysis: the value of a declared threat in the entry game.

Selten's (1978) entry game, with the incumbent able to declare a strategy
before play (Schelling 1960, *The Strategy of Conflict*, ch. 5: the value of
commitment). Payoffs (challenger, incumbent): out (0, 0), enter/acquiesce
(2, -2), enter/fight (-1, -3). Declared "fight if entered": the challenger's
best response is to stay out, so the incumbent gets 0. Declared "accommodate":
the challenger enters, the incumbent gets -2. Unconstrained (no commitment),
the subgame-perfect outcome is enter/acquiesce: -2. Commitment is worth +2.
"""

from __future__ import annotations

import json

from escalade.analysis.commitment import commitment_analysis
from escalade.cli import main
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario

ENTRY = """
schema_version: 1
id: entry-commit
title: Entry game with declared strategies
order: sequential
calendar: {start: 2024-01-01, step: week, horizon: 1}
sides: [{id: west}, {id: east}]
arenas: [{id: market, ladder: compact, parties: [west, east], initial: 3}]
variables:
  - {id: gain_c, initial: 0, min: -10, max: 10}
  - {id: gain_i, initial: 0, min: -10, max: 10}
actors:
  - {id: challenger, name: C, side: east, utility: {final: {gain_c: 1}}}
  - {id: incumbent, name: I, side: west, utility: {final: {gain_i: 1}}}
options:
  - {id: enter, actor: challenger, arena: market, rung: 4,
     effects: [{var: gain_c, add: 2}, {var: gain_i, add: -2}]}
  - {id: fight, actor: incumbent, arena: market, rung: 6, when: "taken('enter')",
     effects: [{var: gain_c, add: -3}, {var: gain_i, add: -1}]}
strategies:
  - {id: threaten, side: west, declared: true,
     policies: {incumbent: {kind: rules, rules: [{if: "taken('enter')", then: fight}]}}}
  - {id: accommodate, side: west, declared: true, policies: {incumbent: {kind: hold}}}
"""


def test_value_of_commitment() -> None:
    result = commitment_analysis(compile_scenario(loads_scenario(ENTRY)), "west")
    table = result.table.set_index("strategy")
    assert table.loc["threaten", "value_west"] == 0.0
    assert table.loc["threaten", "value_east"] == 0.0
    assert table.loc["threaten", "equilibrium_moves"] == ""
    assert table.loc["accommodate", "value_west"] == -2.0
    assert table.loc["accommodate", "value_east"] == 2.0
    assert "enter" in table.loc["accommodate", "equilibrium_moves"]
    assert result.unconstrained == {"west": -2.0, "east": 2.0}


def test_cli_json(tmp_path, capsys) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(ENTRY, encoding="utf-8")
    assert main(["commit", str(path), "--side", "west", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [row["strategy"] for row in out["strategies"]] == ["threaten", "accommodate"]
    assert out["unconstrained"]["west"] == -2.0
    assert main(["commit", str(path), "--side", "nowhere"]) == 2
    assert main(["commit", "kursk-mini", "--side", "west", "--horizon", "2"]) == 0
