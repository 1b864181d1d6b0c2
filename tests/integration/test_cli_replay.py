"""`escalade replay` end to end on a small scenario and its observed timeline."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from escalade.cli import main
from escalade.results import Store
from escalade.scenario import load_scenario

DATA = Path(__file__).parents[1] / "data" / "observed"
SCENARIO, OBSERVED = str(DATA / "coin.yaml"), str(DATA / "coin.observed.yaml")


def test_json_store_and_report(tmp_path, capsys) -> None:
    store, out = tmp_path / "s.duckdb", tmp_path / "report"
    args = ["replay", SCENARIO, "--observed", OBSERVED, "--particles", "1024", "--seed", "4"]
    assert main([*args, "--json", "--store", str(store), "--out", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d["log_evidence"]) >= {"value", "se", "cells"}
    assert math.isfinite(d["log_evidence"]["value"]) and d["log_evidence"]["se"] > 0
    # "harden" was taken in round 0: only the hard mindset explains the record.
    assert d["posterior"]["mindsets"] == {"calm": 0.0, "hard": 1.0}
    assert set(d["scores"]) >= {"brier", "log", "baseline_brier"}
    assert 0 <= d["scores"]["brier"] <= 1
    ids = [o["id"] for o in d["observations"]]
    assert ids[0] == "hardened" and ids[-1] == "last" and len(ids) == 9
    first = d["observations"][0]
    assert first["observed"] == 1 and abs(first["forecast"] - 0.5) < 1e-12  # half the cells
    with Store(store) as opened:
        runs = opened.list_runs()
        assert list(runs["kind"]) == ["replay"]
        rs = opened.load(runs["id"].iloc[0])
    assert set(rs.tables) >= {"cells", "observations", "scores", "ess", "uncertainties"}
    assert len(rs.tables["observations"]) == 9
    # The scenario hash of run, explore, game and validate: the canonical content's.
    assert main(["validate", SCENARIO, "--json"]) == 0
    validated = json.loads(capsys.readouterr().out)
    assert rs.metadata["scenario_hash"] == validated["hash"] == load_scenario(SCENARIO).content_hash
    html = (out / "replay.html").read_text(encoding="utf-8")
    assert "Replay of coin" in html and "Forecast vs record" in html
    assert "<script src=" not in html  # self-contained


def test_as_of_reforecasts_the_rest(capsys) -> None:
    args = ["replay", SCENARIO, "--observed", OBSERVED, "--particles", "1024", "--no-store"]
    assert main([*args, "--json", "--as-of", "2024-01-21"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["as_of"] == "2024-01-21"
    later = [o for o in d["observations"] if not o["conditioned"]]
    assert [o["id"] for o in later][-1] == "last" and len(later) == 6
    # Conditioned on "harden" taken, an incident has probability 0.7 each week.
    for o in later:
        assert abs(o["forecast_as_of"] - 0.7) < 0.06, o
    assert all("forecast_as_of" not in o for o in d["observations"] if o["conditioned"])


def test_text_output_and_errors(capsys) -> None:
    args = ["replay", SCENARIO, "--observed", OBSERVED, "--particles", "256", "--no-store"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Posterior over mindsets" in out and "Forecast vs record" in out
    proc = subprocess.run(
        [sys.executable, "-m", "escalade", *args, "--as-of", "2025-01-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--as-of" in proc.stderr


def test_verify_checks_the_quotes_of_an_observed_file(tmp_path, capsys) -> None:
    (tmp_path / "log.txt").write_text("Week 1: the east hardened its stance.\n", encoding="utf-8")
    text = (DATA / "coin.observed.yaml").read_text(encoding="utf-8")
    text = text.replace("outlet: test,", "outlet: test, file: log.txt,")
    observed = tmp_path / "coin.observed.yaml"
    observed.write_text(text, encoding="utf-8")
    assert main(["verify", str(observed), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (check,) = report["quotes"]
    assert check["status"] == "found" and check["path"] == "observations[0].source.quote"
    assert check["line"] == 7  # the line of the first observation
    observed.write_text(text.replace('quote: "hardened"', 'quote: "softened"'), encoding="utf-8")
    assert main(["verify", str(observed), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["quotes"][0]["status"] == "not_found"


def test_verify_of_an_observed_file_prints_no_empty_assumptions_table(tmp_path, capsys) -> None:
    """Su-24 trial: an empty 'Unsourced assumptions' table and '0 assumptions: quoted 0, ...'
    followed the quotes of a timeline, which has no numbers to source."""
    assert main(["verify", str(DATA / "coin.observed.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Quotes in" in out and "verify passed" in out
    assert "Unsourced assumptions" not in out and "0 assumptions" not in out
