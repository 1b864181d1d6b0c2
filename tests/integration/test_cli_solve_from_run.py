"""``escalade solve --from-trace K --run ID``: the trace's cell comes from the stored run.

A run stored with one strategy and one mindset needs neither flag: solving
from its trace gives exactly what naming the cell gives. A run with several
strategies says which flag is missing instead of replaying the trace under
the default policies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.cli import main
from escalade.workflows.run import RunOptions, run_scenario

SOLVE = [
    "solve",
    "kursk-mini",
    "--horizon",
    "2",
    "--from-trace",
    "1",
    "--from-round",
    "3",
    "--players",
    "rus",
]


def _stored(tmp_path: Path, strategies: list[str]) -> tuple[Path, str]:
    store = tmp_path / "runs.duckdb"
    options = RunOptions(strategies=strategies, n=8, seed=31, store=store, out=None, sweep=0)
    outcome = run_scenario("kursk-mini", options)
    assert outcome.run_id is not None
    return store, outcome.run_id


def _solve(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    out.pop("seconds")
    return out


def test_one_cell_run_gives_its_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, run_id = _stored(tmp_path, ["deescalate"])
    stored = ["--run", run_id, "--store", str(store)]
    inferred = _solve([*SOLVE, *stored], capsys)
    named = _solve(
        [*SOLVE, *stored, "--strategy", "deescalate", "--mindset", "opportunist"], capsys
    )
    explicit = _solve([*SOLVE, "--seed", "31", "--strategy", "deescalate"], capsys)
    default = _solve([*SOLVE, "--seed", "31"], capsys)
    # the setup names the cell as given (the run's: deescalate x opportunist) ...
    assert inferred["setup"]["mindset"] == named["setup"]["mindset"] == "opportunist"
    assert explicit["setup"]["mindset"] is None
    # ... but opportunist sets only rus's policy, and rus is the player: the same game
    for out in (inferred, named, explicit):
        out["setup"].pop("mindset")
    assert inferred == named == explicit
    assert inferred != default  # usa follows its strategy here, not the default policy


def test_several_cells_need_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, run_id = _stored(tmp_path, ["graduated", "deescalate"])
    stored = ["--run", run_id, "--store", str(store)]
    assert main([*SOLVE, *stored]) == 2
    err = capsys.readouterr().err
    assert "holds 2 strategys" not in err and "2 strategies" in err and "--strategy ID" in err
    assert main([*SOLVE, *stored, "--strategy", "nope"]) == 2
    assert "graduated, deescalate" in capsys.readouterr().err
    _solve([*SOLVE, *stored, "--strategy", "graduated"], capsys)
