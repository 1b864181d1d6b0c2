"""Validation messages a new user met writing the Nagorno-Karabakh 2020 scenario."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from rich.console import Console

from escalade.analysis.commitment import commitment_analysis
from escalade.cli import main
from escalade.cli.commit import _print_tree
from escalade.cli.replay import _never_produced, _record_table
from escalade.engine.game_builder import build_game
from escalade.errors import Issue, ScenarioError, UsageError, named_id_hint
from escalade.explore.parameters import RealParameter
from escalade.explore.scenario import ScenarioModel
from escalade.report.brief import _figures as brief_figure_blocks
from escalade.report.text import first_outcome_note
from escalade.results import ResultSet
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.workflows.explore import _outcome as explore_outcome

MINI = (
    Path(__file__).resolve().parents[2] / "src" / "escalade" / "scenario" / "catalog"
    / "kursk-mini.yaml"
).read_text(encoding="utf-8")  # fmt: skip

EVENT = """events:
  - id: truce
    at: 2024-11-11
    branches:
      - {id: holds, prob: 0.1, effects: [{var: ukraine_position, add: 1}]}
      - {id: collapses, prob: PROB, effects: []}
accidents:"""


def _issues(text: str) -> list[Issue]:
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, file="s.yaml")
    return list(caught.value.issues)


@pytest.mark.parametrize(
    ("prob", "found", "hint"),
    [
        ("0.8", "found 0.9 (holds 0.1, collapses 0.8)", "raise them by 0.1 in all"),
        ("0.95", "found 1.05 (holds 0.1, collapses 0.95)", "lower them by 0.05 in all"),
    ],
)
def test_branches_that_do_not_sum_to_1_name_each_and_what_is_missing(
    prob: str, found: str, hint: str
) -> None:
    """The message gave the sum alone, with no hint: which branch, and by how much?"""
    (issue,) = _issues(MINI.replace("accidents:", EVENT.replace("PROB", prob), 1))
    assert issue.path == "events[0].branches" and found in issue.message
    assert issue.hint is not None and issue.hint.startswith(hint)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("25 October 2024", "write it as 2024-10-25"),
        ("October 28, 2024", "write it as 2024-10-28"),
        ("2024-10-5", "write it as 2024-10-05"),
        ("next week", "write dates as YYYY-MM-DD, e.g. 2024-11-05"),
    ],
)
def test_a_date_in_another_format_gets_it_written_as_one(written: str, hint: str) -> None:
    """ "at: 25 October 2020" said only that a date was expected."""
    text = MINI.replace("start: 2024-10-28", f"start: '{written}'")
    (issue,) = _issues(text)
    assert issue.path == "calendar.start" and "expected a date (YYYY-MM-DD)" in issue.message
    assert issue.hint == hint


def _obs(forecast_as_of: float | None) -> dict[str, object]:
    return {"id": "shusha", "label": "aze_take_shusha taken", "kind": "option", "forecast": 0.0,
            "observed": 1, "brier": 1.0, "forecast_as_of": forecast_as_of}  # fmt: skip


def test_replay_prints_the_as_of_column_only_when_a_fact_has_one() -> None:
    """Every fact on or before the as-of date: the column was printed empty in every row."""
    assert [c.header for c in _record_table([_obs(None)]).columns][-1] == "Brier"
    assert [c.header for c in _record_table([_obs(0.4)]).columns][-1] == "as-of forecast"
    two = [_obs(None), {**_obs(None), "id": "ceasefire"}]
    assert "so each weighs heavily" in _never_produced(two)
    assert "so it weighs heavily" in _never_produced(two[:1])


@pytest.mark.parametrize(
    ("values", "who"),
    [({"west": 1.0, "east": -1.0}, "both sides"), ({"a": 1.0, "b": 0.0, "m": 4.7}, "every side")],
)
def test_commit_names_every_side_choosing_when_there_are_three(
    values: dict[str, float], who: str
) -> None:
    """Karabakh 2020 had Russia as a mediator side: "both sides choosing" listed three."""
    table = pd.DataFrame(
        {"strategy": ["s"], "declared": [False], "value_a": [1.0], "gain_from_knowing": [0.0],
         "unplanned": [0.0], "nodes": [3], "likely_path_probability": [1.0],
         "likely_path": [[]]}
    )  # fmt: skip
    result = SimpleNamespace(table=table, side="a", horizon=1, unconstrained=values)
    console = Console(record=True, width=200)
    _print_tree(console, result)
    assert f"unconstrained best play ({who} choosing)" in console.export_text()


def _first_rows(means: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"outcome": ["weeks_to_ceasefire"] * len(means), "at": ["first"] * len(means),
         "mean": means, "ci_low": means}
    )  # fmt: skip


def test_a_first_outcome_says_that_horizon_plus_one_means_never() -> None:
    """Karabakh 2020: weeks_to_ceasefire read 9 in an 8-round run, where it never held."""
    note = first_outcome_note(_first_rows([9.0, 9.0]), 8)
    assert note is not None
    assert "9 (the horizon + 1) when it never does within the 8 rounds" in note
    assert note.endswith("weeks_to_ceasefire never held, in any trajectory of any cell.")
    some = first_outcome_note(_first_rows([9.0, 4.5]), 8)
    assert some is not None and "never held in 1 of the 2 cells" in some
    assert "never held" not in (first_outcome_note(_first_rows([3.0]), 8) or "")
    other = pd.DataFrame({"outcome": ["x"], "at": ["end"], "mean": [9.0], "ci_low": [9.0]})
    assert first_outcome_note(other, 8) is None


def test_simulate_prints_the_note_under_its_outcomes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MINI.replace(
        "outcomes:\n",
        "outcomes:\n  - {id: weeks_to_win, expr: 'ukraine_position > 100', at: first}\n",
    )
    path = tmp_path / "first.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["simulate", str(path), "--n", "100", "--workers", "1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "weeks_to_win (at: first): the rounds until the condition first holds, 13" in out
    assert "weeks_to_win never held, in any trajectory." in out


def test_a_name_where_an_id_is_expected_gets_the_id() -> None:
    """Karabakh 2020: `--side armenia` and `--players armenia` said only what was expected."""
    text = MINI.replace("{id: east, name: East}", "{id: east, name: Russia and allies}")
    compiled = compile_scenario(loads_scenario(text))
    with pytest.raises(UsageError) as side:
        commitment_analysis(compiled, "russia", horizon=1)
    assert "hint: 'russia' is the name of 'east' (Russia and allies); give its id, east" in str(
        side.value
    )
    with pytest.raises(UsageError) as actor:
        commitment_analysis(compiled, "usa", horizon=1)
    assert "hint: 'usa' is actor 'usa', of side 'west'" in str(actor.value)
    with pytest.raises(UsageError) as player:
        build_game(compiled, horizon=1, players=["Russia"])
    assert "found Russia; hint: 'Russia' is the name of 'rus' (Russia)" in str(player.value)
    assert named_id_hint(["russia"], {"rus": "Russia"}).endswith("give its id, rus")


def test_the_tornado_caption_gives_the_central_advantage() -> None:
    """Karabakh 2020: the brief said +0.824 u and the tornado's dotted line sat at 1.35, unnamed."""
    oat = pd.DataFrame(
        {"parameter": ["a", "a"], "level": ["low", "high"], "advantage": [1.42, 1.34],
         "base": [1.35, 1.35]}
    )  # fmt: skip
    figures = brief_figure_blocks(ResultSet("run", {"scenario_id": "s"}, {"oat": oat}))
    caption = figures["What would change it"].caption
    assert "dotted line: every uncertainty at its central value, +1.35 u" in caption
    # Berlin 1961: 0 is off this chart (no red line drawn), and the caption says so
    assert "off the chart to the left" in caption and "red line" not in caption
    near = oat.assign(advantage=[0.2, -0.1], base=[0.05, 0.05])
    figures = brief_figure_blocks(ResultSet("run", {"scenario_id": "s"}, {"oat": near}))
    assert "left of the red line at 0" in figures["What would change it"].caption


def test_explore_suggests_the_uncertainty_and_the_outcome_meant() -> None:
    """Karabakh 2020: `--vary offensive_succes=...` and `--outcome arm_loss` had no hint."""
    scenario = loads_scenario(MINI)
    with pytest.raises(UsageError) as vary:
        ScenarioModel(scenario, vary=(RealParameter("strike_efect", 0.0, 1.0),))
    assert str(vary.value).endswith("found 'strike_efect'; hint: did you mean 'strike_effect'?")
    with pytest.raises(UsageError) as outcome:
        explore_outcome(ScenarioModel(scenario), "ukraine_positon")
    assert "hint: did you mean 'ukraine_position'?" in str(outcome.value)


def test_a_date_flag_in_another_format_gets_it_written_as_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ingest --date 2020/11/08` and `replay --as-of '20 Oct 2020'` said only the format."""
    assert main(["ingest", "nothing.txt", "--date", "2020/11/08"]) == 2
    assert "found '2020/11/08'; hint: write it as 2020-11-08" in capsys.readouterr().err
