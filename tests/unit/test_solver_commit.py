"""Commitment analysis (escalade.analysis.commitment) on kursk-mini and on errors."""

from __future__ import annotations

import json

import pytest

from escalade.analysis import commitment
from escalade.analysis.commitment import commitment_analysis
from escalade.cli import main
from escalade.engine.game_builder import build_game
from escalade.engine.game_size import SizeEstimate
from escalade.errors import GameTooLargeError, UsageError
from escalade.scenario import load_scenario, loads_scenario
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
    assert isinstance(small.unconstrained_error, GameTooLargeError)
    assert small.unconstrained_error.parameter == "node_limit"
    assert small.table["gain_from_knowing"].isna().all()


def test_every_declared_strategy_is_sized_before_any_game_is_built(kursk, monkeypatch) -> None:
    """A later strategy's game too large is refused at once, not after the earlier ones are built.

    The second declared strategy (``deescalate``) is estimated at a million
    nodes: the analysis must raise, naming that strategy and the largest
    estimate, without building any game (neither the unconstrained one nor the
    first strategy's).
    """

    def estimate(compiled, *, horizon, players, policies=None, budget=1.0):
        nodes = 1e6 if "deescalate" in str(policies) else 10.0
        return SizeEstimate(nodes=nodes, se=0.0, seconds=50.0, probes=8, elapsed=0.1)

    built: list[int] = []

    def build(*args, **kwargs):
        built.append(1)
        return build_game(*args, **kwargs)

    monkeypatch.setattr(commitment, "estimate_game_size", estimate)
    monkeypatch.setattr(commitment, "build_game", build)
    with pytest.raises(GameTooLargeError, match=r"deescalate's game .* about 1,000,000 nodes"):
        commitment_analysis(kursk, "west", horizon=1, node_limit=1000)
    assert built == []


def test_errors(kursk) -> None:
    with pytest.raises(UsageError, match=r"^side: expected one of west, east"):
        commitment_analysis(kursk, "north")
    with pytest.raises(UsageError, match="no strategy for this side") as east:
        commitment_analysis(kursk, "east")
    # the Israel–Iran trial: the error did not say which side has strategies
    assert "hint: the sides with strategies: west (the other side's alternatives" in str(east.value)
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
    # Falklands trial: "Declared strategies of uk" over a column `declared` reading False
    assert "Each strategy of west declared, against the other sides' best response" in text
    assert "declared_in_file" in text and "here every strategy is announced" in text
    args = ["commit", "kursk-mini", "--side", "west", "--horizon", "3", "--node-limit", "400"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)  # strict JSON: no NaN
    assert out["unconstrained"] is None
    assert [r["gain_from_knowing"] for r in out["strategies"]] == [None, None]
    # the hint names the command's flags, not the library's parameters (Israel–Iran trial)
    assert out["unconstrained_note"].startswith("--node-limit: the game at horizon 3")
    assert "fewer --side-players, a larger --node-limit" in out["unconstrained_note"]
    assert main(args) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "unconstrained best play: not computed (--node-limit: the game" in text
    assert "side_players" not in text and "node_limit" not in text
    assert main(["commit", "kursk-mini", "--side", "west", "--side-players", "rus"]) == 2
    assert "--side-players: expected actors of side west" in capsys.readouterr().err


STORM = """
schema_version: 2
id: storm-entry
title: Entry after a chance event
order: sequential
calendar: {start: 2024-01-01, step: week, horizon: 1}
sides: [{id: west}, {id: east}]
arenas: [{id: market, ladder: compact, parties: [west, east], initial: 3}]
variables:
  - {id: storm, initial: 0, min: 0, max: 1}
  - {id: gain_c, initial: 0, min: -10, max: 10}
  - {id: gain_i, initial: 0, min: -10, max: 10}
actors:
  - {id: challenger, name: C, side: east, utility: {final: {gain_c: 1}}}
  - {id: incumbent, name: I, side: west, utility: {final: {gain_i: 1}}}
events:
  - {id: gale, prob: 0.3, effects: [{var: storm, set: 1}]}
options:
  - {id: enter, actor: challenger, arena: market, rung: 4, once: true, when: "storm == 0",
     effects: [{var: gain_c, add: 2}, {var: gain_i, add: -2}]}
  - {id: raid, actor: challenger, arena: market, rung: 5, once: true, when: "storm == 1",
     effects: [{var: gain_c, add: 1}, {var: gain_i, add: -1}]}
  - {id: advertise, actor: incumbent, arena: market, rung: 3, once: true,
     effects: [{var: gain_i, add: 0.5}]}
strategies:
  - {id: accommodate, side: west, declared: true, policies: {incumbent: {kind: hold}}}
  - {id: publicise, side: west, declared: true,
     policies: {incumbent: {kind: plan, steps: [{at: 0, option: advertise}]}}}
"""


def test_moves_follow_one_path_not_every_branch(tmp_path, capsys) -> None:
    """The challenger enters without the gale (0.7) and raids after it (0.3): one path, not both.

    The moves used to be the union over every chance branch ("enter; raid": two
    moves of one actor in one round).
    """
    result = commitment_analysis(compile_scenario(loads_scenario(STORM)), "west")
    row = result.table.set_index("strategy").loc["accommodate"]
    assert row["equilibrium_moves"] == "r0 challenger: enter"
    assert row["likely_path_probability"] == pytest.approx(0.7)
    assert [(s["who"], s["what"], s["kind"]) for s in row["likely_path"]] == [
        ("chance", "gale: no", "chance"),
        ("challenger", "enter", "choice"),
    ]
    # the declared strategy's own moves (a fixed policy) are on the path too, in place
    publicise = result.table.set_index("strategy").loc["publicise", "likely_path"]
    assert [(s["who"], s["what"], s["kind"]) for s in publicise] == [
        ("chance", "gale: no", "chance"),
        ("challenger", "enter", "choice"),
        ("incumbent", "advertise", "fixed"),
    ]
    path = tmp_path / "storm.yaml"
    path.write_text(STORM, encoding="utf-8")
    assert main(["commit", str(path), "--side", "west", "--json", "--n", "50"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["strategies"][0]["likely_path"][0]["probability"] == pytest.approx(0.7)
    assert main(["commit", str(path), "--side", "west", "--n", "50"]) == 0
    text = capsys.readouterr().out
    line = "accommodate (path probability 0.7): r0 chance: gale: no (0.7); r0 challenger: enter"
    assert line in text
    assert "raid" not in text.split("Most likely path")[1]
    assert "r0 challenger: enter; r0 incumbent: advertise (fixed)" in text


def test_cli_side_defaults_to_the_side_whose_strategies_are_compared(capsys) -> None:
    # Berlin 1961 trial: `escalade commit SCENARIO` stopped at argparse's "required: --side",
    # with no list of the sides; `run` and `game` need no side.
    assert main(["commit", "kursk-mini", "--horizon", "1", "--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert main(["commit", "kursk-mini", "--side", "west", "--horizon", "1", "--json"]) == 0
    assert default["side"] == "west" and default == json.loads(capsys.readouterr().out)
