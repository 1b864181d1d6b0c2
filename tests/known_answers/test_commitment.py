"""Commitment analysis: the value of a declared threat in the entry game.

Selten's (1978) entry game, with the incumbent able to declare a strategy
before play (Schelling 1960, *The Strategy of Conflict*, ch. 5: the value of
commitment). Payoffs (challenger, incumbent): out (0, 0), enter/acquiesce
(2, -2), enter/fight (-1, -3). Declared "fight if entered": the challenger's
best response is to stay out, so the incumbent gets 0. Declared "accommodate":
the challenger enters, the incumbent gets -2. Unconstrained (no commitment),
the subgame-perfect outcome is enter/acquiesce: -2. Commitment is worth +2.

What the challenger gains from knowing the declaration: not knowing it, the
challenger plays its unconstrained-equilibrium plan (enter, expecting
acquiescence). Against "fight", that gives -1; knowing it, it stays out: 0, a
gain of 1. Against "accommodate" (the de-escalation strategy) it enters either
way: the declaration tells it nothing it did not already expect (gain 0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.analysis.commitment import commitment_analysis
from escalade.cli import main
from escalade.engine.game_builder import build_game
from escalade.errors import GameTooLargeError
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario

ENTRY = (Path(__file__).resolve().parents[1] / "data" / "engine" / "entry.yaml").read_text(
    encoding="utf-8"
)


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
    assert table.loc["threaten", "uninformed_east"] == -1.0
    assert table.loc["threaten", "uninformed_west"] == -3.0
    assert table.loc["threaten", "gain_from_knowing"] == 1.0
    assert table.loc["accommodate", "gain_from_knowing"] == 0.0
    assert (table["unplanned"] == 0.0).all()


def test_cli_json(tmp_path, capsys) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(ENTRY, encoding="utf-8")
    assert main(["commit", str(path), "--side", "west", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [row["strategy"] for row in out["strategies"]] == ["threaten", "accommodate"]
    assert out["unconstrained"]["west"] == -2.0
    # the meta-game part: per side, its Nash payoffs and its optimal commitment
    assert set(out["meta_game"]) == {"west", "east"}
    assert out["meta_game"]["west"]["stackelberg"]["leader"] == "west"
    assert main(["commit", str(path), "--side", "nowhere"]) == 2
    assert main(["commit", "kursk-mini", "--side", "west", "--horizon", "2", "--n", "200"]) == 0
    capsys.readouterr()
    assert main(["commit", str(path), "--side", "west", "--no-tree", "--n", "100"]) == 0
    assert "tree-based commitment: not computed (--no-tree)" in capsys.readouterr().out


def test_node_limit_as_given() -> None:
    compiled = compile_scenario(loads_scenario(ENTRY))
    both = build_game(compiled, horizon=1, all_payoffs=True).n_nodes
    # the unconstrained game gets the whole limit (it used to get a tenth of it)
    result = commitment_analysis(compiled, "west", node_limit=both)
    assert result.unconstrained == {"west": -2.0, "east": 2.0}
    with pytest.raises(GameTooLargeError, match="estimated"):
        commitment_analysis(compiled, "west", node_limit=1)
