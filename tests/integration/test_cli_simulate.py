"""`escalade simulate` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from escalade.cli import main


def test_json_shape(capsys) -> None:
    args = ["simulate", "dprk-troops-2024", "--strategy", "decisive", "--mindset", "dominance"]
    assert main([*args, "--n", "512", "--seed", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"outcomes", "thresholds", "options", "n", "seed", "scenario_hash"}
    assert out["n"] == 512 and out["seed"] == 3
    assert set(out["outcomes"]["ukraine_position"]) == {"mean", "ci_low", "ci_high"}
    assert set(out["thresholds"]["ukraine.no_nuclear_use"]) == {"probability", "ci_low", "ci_high"}
    assert 0.0 <= out["options"]["lift_strike_limits"] <= 1.0
    # Yom Kippur 1973 trial: what chance did (events fired, accidents) was not in the JSON
    assert set(out["events"]["us_election"]) == {"rate", "mean_count"}
    assert out["events"]["us_election"]["rate"] == 1.0
    assert set(out["accidents"]["ukraine"]) == {"up_per_trajectory", "down_per_trajectory"}


def test_chunk_size_does_not_change_the_numbers(capsys) -> None:
    base = ["simulate", "kursk-mini", "--n", "3000", "--seed", "9", "--json", "--workers", "1"]
    assert main([*base, "--chunk-size", "1000"]) == 0
    first = capsys.readouterr().out
    assert main([*base, "--chunk-size", "100000"]) == 0
    assert capsys.readouterr().out == first


def test_tables_and_traces(capsys) -> None:
    assert main(["simulate", "kursk-mini", "--n", "256", "--traces", "1"]) == 0
    out = capsys.readouterr().out
    assert "Outcomes" in out and "Option usage" in out and "trajectory 0" in out
    # Berlin 1961 trial: an option taken 22 times with success 0.6 showed success_rate 100%,
    # read as the chance of success; the table now says what its rates count.
    words = " ".join(out.split())  # the note wraps at the terminal's width
    assert "success_rate: share in which it succeeded at least once (not the chance" in words
    # Yom Kippur 1973 trial: the last column, refused_per_trajectory, was not explained
    assert "refused_per_trajectory: times per trajectory an actor whose consent" in words


def test_errors_exit_2_without_traceback() -> None:
    for extra in (["--n", "0"], ["--chunk-size", "0"], ["--strategy", "nope"], ["--seed", "-4"]):
        proc = subprocess.run(
            [sys.executable, "-m", "escalade", "simulate", "kursk-mini", *extra],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2, (extra, proc.stderr)
        assert "Traceback" not in proc.stderr and "escalade: error:" in proc.stderr


def test_events_and_accidents_are_summarised(capsys) -> None:
    """Yom Kippur 1973 trial: how often a chance event fired, or accidents struck, was in no
    table (only in traces)."""
    scenario = str(
        Path(__file__).resolve().parents[1] / "data" / "scenarios" / "cuba-quarantine.yaml"
    )
    assert main(["simulate", scenario, "--n", "400"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # titles wrap at the terminal's width
    assert "Events fired (rate: share of trajectories)" in out and "submarine" in out
    assert "Accidental moves per trajectory" in out and "caribbean" in out
