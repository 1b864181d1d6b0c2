"""`escalade explore` end to end: JSON, report, store, and resuming a killed sweep."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from escalade.cli import main
from escalade.results import Store


def test_json_robustness_boxes_and_report(tmp_path: Path, capsys) -> None:
    args = [
        "explore",
        "dprk-troops-2024",
        "--n",
        "40",
        "--trajectories",
        "4",
        "--mindsets",
        "dominance",
        "mirror",
        "--discover",
        "ukraine_position<0",
        "--store",
        str(tmp_path / "s.duckdb"),
        "--out",
        str(tmp_path / "rep"),
        "--json",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["experiments"] == 40 * 5 * 2
    strategies = {row["strategy"] for row in out["robustness"]}
    assert strategies == {"indecision", "stated_restraint", "graduated", "decisive", "support_role"}
    assert sum(row["minimax_regret"] for row in out["robustness"]) == 1
    for box in out["boxes"]:
        assert set(box) >= {"limits", "coverage", "density"}
        assert 0 < box["coverage"] <= 1 and 0 < box["density"] <= 1
    report = Path(out["report"])
    assert report.exists() and "Which strategy holds up" in report.read_text(encoding="utf-8")
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        stored = store.load(out["run_id"])
    assert len(stored.tables["outcomes"]) == out["experiments"]
    assert {"robustness", "regret_by_mindset", "experiments", "outcomes"} <= set(stored.tables)


def test_terminal_output_and_bad_input(tmp_path: Path, capsys) -> None:
    assert main(["explore", "kursk-mini", "--n", "16", "--trajectories", "2", "--no-store"]) == 0
    assert "Strategies by robustness" in capsys.readouterr().out
    assert main(["explore", "kursk-mini", "--vary", "nope=0:1", "--no-store"]) == 2
    assert "expected an uncertainty of kursk-mini" in capsys.readouterr().err
    assert main(["explore", "kursk-mini", "--discover", "what?", "--no-store"]) == 2


def _outcomes(store_path: Path, run_id: str) -> pd.DataFrame:
    with Store(store_path, read_only=True) as store:
        return store.load(run_id).tables["outcomes"]


def test_a_killed_sweep_resumes_to_the_same_result(tmp_path: Path, capsys) -> None:
    command = [
        "explore",
        "kursk-mini",
        "--n",
        "2500",
        "--trajectories",
        "24",
        "--chunk-size",
        "1024",
        "--workers",
        "1",
        "--json",
    ]
    killed = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "escalade", *command, "--store", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    wal = Path(str(killed) + ".wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 200_000:
            break
        time.sleep(0.05)
    finished_first = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert main([*command, "--store", str(killed)]) == 0
    resumed = json.loads(capsys.readouterr().out)
    assert main([*command, "--store", str(tmp_path / "clean.duckdb")]) == 0
    clean = json.loads(capsys.readouterr().out)
    pd.testing.assert_frame_equal(
        _outcomes(killed, resumed["run_id"]), _outcomes(tmp_path / "clean.duckdb", clean["run_id"])
    )
    assert resumed["robustness"] == clean["robustness"]
    if not finished_first:
        assert 1 <= resumed["resumed_chunks"] < -(-2500 * 2 // 1024)


def test_one_at_a_time_and_prim_separates_strategies(tmp_path: Path, capsys) -> None:
    args = ["explore", "kursk-mini", "--n", "30", "--trajectories", "8", "--oat", "--no-store"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {(r["parameter"], r["level"], r["strategy"]) for r in out["oat"]}
    for strategy in ("graduated", "deescalate"):
        assert ("strike_effect", "low", strategy) in rows
        assert ("strike_effect", "high", strategy) in rows
        assert ("", "base", strategy) in rows
    low = {r["strategy"]: r["value"] for r in out["oat"] if r["level"] == "low"}
    assert set(low.values()) == {0.1}  # the low end of strike_effect's range
    # the terminal's base row says what it is (Su-24 trial: it was a blank name and "NA")
    assert main(args) == 0
    text = capsys.readouterr().out
    base = [line for line in text.splitlines() if "│ base " in line]
    assert len(base) == 2 and all("(all nominal)" in line and "NA" not in line for line in base)


TAIWAN = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "taiwan-1996.yaml"
QUICK = ["--n", "20", "--trajectories", "2", "--workers", "1", "--no-store"]


def test_the_terminal_prim_table_shows_the_values_of_a_categorical_limit(capsys) -> None:
    args = ["explore", str(TAIWAN), "--n", "30", "--trajectories", "4", "--workers", "1"]
    assert main([*args, "--no-store", "--discover", "lee_vote<0.5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if "│ mindset" in line or "│ strategy" in line]
    assert rows and all("NA" not in row for row in rows), lines
    assert any("{reactive}" in row for row in rows)
    assert " to " in next(line for line in lines if "│ p_landslide" in line)


def test_when_beats_prints_the_share_and_the_boxes_or_says_never(tmp_path: Path, capsys) -> None:
    args = ["explore", str(TAIWAN), *QUICK, "--out", str(tmp_path)]
    assert main([*args, "--when-beats", "one_carrier:status_quo"]) == 0
    out = capsys.readouterr().out
    assert "status_quo beats one_carrier in 17.5% of the 40 cases" in out
    assert "Where status_quo beats one_carrier (CART boxes)" in out
    assert "{reactive}" in out
    html = (tmp_path / "explore.html").read_text(encoding="utf-8")
    assert "status_quo beats one_carrier in 17.5% of the 40 cases" in html
    assert main([*args, "--when-beats", "two_carriers:one_carrier"]) == 0
    out = capsys.readouterr().out
    assert "one_carrier never beats two_carriers (40 cases" in out
    html = (tmp_path / "explore.html").read_text(encoding="utf-8")
    assert "one_carrier never beats two_carriers" in html


NOISY = """\
schema_version: 2
id: noisy
title: Two uncertainties, one outcome
calendar: {start: 2024-01-01, step: week, horizon: 2}
sides: [{id: a}, {id: b}]
actors:
  - {id: p, name: P, side: a, utility: {per_round: {x: 1}}}
  - {id: q, name: Q, side: b}
arenas: [{id: z, ladder: compact, parties: [a, b], initial: 1}]
variables: [{id: x, initial: 0}]
events:
  - {id: shock, prob: 0.5, effects: [{var: x, add: "$u1 * $u1 + $u2"}]}
uncertainties:
  - {id: u1, dist: uniform, low: 0, high: 3}
  - {id: u2, dist: uniform, low: 0, high: 1}
"""


def test_a_sobol_warning_names_the_flag_to_raise(tmp_path: Path, capsys) -> None:
    # the Israel–Iran trial: "raise n (now 16)" named no flag of the command
    path = tmp_path / "noisy.yaml"
    path.write_text(NOISY, encoding="utf-8")
    args = ["explore", str(path), "--sensitivity", "sobol", "--n", "8", "--trajectories", "2"]
    assert main([*args, "--no-store"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "the indices are noise at this sample size; raise --n (now 8): " in out
    # --n is the base sample: the suggestion names it as the flag, and the design's points apart
    assert "so --n 4,096 (a design of " in out and " points) brings them under 0.1" in out
    assert "(--n 32 would halve them)" in out
    assert "`" not in out
