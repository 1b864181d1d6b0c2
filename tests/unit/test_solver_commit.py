"""Commitment analysis (escalade.analysis.commitment) on kursk-mini and on errors."""

from __future__ import annotations

import json

import pytest

from escalade.analysis.commitment import commitment_analysis
from escalade.cli import main
from escalade.engine.game_builder import build_game
from escalade.errors import UsageError
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import backward_induction


@pytest.fixture(scope="module")
def kursk():
    return compile_scenario(load_scenario("kursk-mini"))


def test_kursk_mini_declaration_concedes_nothing(kursk) -> None:
    """Russia's utility does not depend on deploying, so it holds whatever the West declares.

    The declared de-escalation strategy gives Russia nothing it would not get
    anyway: same values as the graduated strategy, gain from knowing 0. This is
    what the model finds at horizons 1 and 2.
    """
    for horizon in (1, 2):
        result = commitment_analysis(kursk, "west", horizon=horizon)
        table = result.table.set_index("strategy")
        assert list(table.index) == ["graduated", "deescalate"]
        assert table.loc["deescalate", "declared"]
        assert table["value_east"].tolist() == [0.0, 0.0]
        assert table["gain_from_knowing"].tolist() == [0.0, 0.0]
        assert table["unplanned"].tolist() == [0.0, 0.0]
        assert (table["equilibrium_moves"] == "").all()
        assert result.unconstrained is not None
        both = backward_induction.solve(build_game(kursk, horizon=horizon)).payoffs[0]
        assert result.unconstrained["west"] == pytest.approx(both[0])
        assert table.loc["deescalate", "value_west"] == pytest.approx(both[0])


def test_side_players_and_too_large(kursk) -> None:
    result = commitment_analysis(kursk, "west", horizon=2, side_players=[])
    # the West's usa follows its default (reactive) policy in the unconstrained game
    assert result.unconstrained is not None
    small = commitment_analysis(kursk, "west", horizon=3, node_limit=400)
    assert small.unconstrained is None
    # the limit applies as given (483 nodes > 400); the estimate refuses it before building
    note = small.unconstrained_note
    assert "more than the limit 400" in note or "expected at most 400 nodes" in note
    assert "`" not in note and "--" not in note  # a note names the parameters plainly
    assert small.table["gain_from_knowing"].isna().all()


def test_errors(kursk) -> None:
    with pytest.raises(UsageError, match=r"^side: expected one of west, east"):
        commitment_analysis(kursk, "north")
    with pytest.raises(UsageError, match="no strategy for this side"):
        commitment_analysis(kursk, "east")
    with pytest.raises(UsageError, match=r"^side_players: expected actors of side west"):
        commitment_analysis(kursk, "west", side_players=["rus"])


def test_cli(capsys) -> None:
    assert main(["commit", "kursk-mini", "--side", "west", "--horizon", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["gain_from_knowing"] for r in out["strategies"]] == [0.0, 0.0]
    assert out["unconstrained"]["east"] == 0.0
    assert main(["commit", "kursk-mini", "--side", "west"]) == 0
    text = capsys.readouterr().out
    assert "gain_from_knowing" in text and "deescalate" in text
    args = ["commit", "kursk-mini", "--side", "west", "--horizon", "3", "--node-limit", "400"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)  # strict JSON: no NaN
    assert out["unconstrained"] is None
    assert [r["gain_from_knowing"] for r in out["strategies"]] == [None, None]
    assert main(args) == 0
    assert "not computed" in capsys.readouterr().out
    assert main(["commit", "kursk-mini", "--side", "west", "--side-players", "rus"]) == 2
    assert "--side-players: expected actors of side west" in capsys.readouterr().err
