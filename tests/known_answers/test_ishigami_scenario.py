"""Ishigami's Sobol indices through `escalade explore` on a scenario.

The scenario's only outcome is the Ishigami function of three uncertainties
(Ishigami & Homma 1990; values from Saltelli et al. 2008, *Global Sensitivity
Analysis: The Primer*): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
This checks the whole path: scenario → batch model → Saltelli design →
engine → SALib analysis → the CLI's JSON.
"""

from __future__ import annotations

import json

from escalade.cli import main

S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}

SCENARIO = """
schema_version: 2
id: ishigami
title: The Ishigami function as a scenario
calendar: {start: 2024-01-01, step: week, horizon: 1}
sides: [{id: west}, {id: east}]
actors: [{id: a, name: A, side: west}]
uncertainties:
  - {id: x1, dist: uniform, low: -3.141592653589793, high: 3.141592653589793}
  - {id: x2, dist: uniform, low: -3.141592653589793, high: 3.141592653589793}
  - {id: x3, dist: uniform, low: -3.141592653589793, high: 3.141592653589793}
outcomes:
  - {id: y, expr: "sin($x1) + 7 * sin($x2) ** 2 + 0.1 * $x3 ** 4 * sin($x1)", at: end}
"""


def test_sobol_indices_through_the_cli(tmp_path, capsys) -> None:
    path = tmp_path / "ishigami.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    args = [
        "explore",
        str(path),
        "--sensitivity",
        "sobol",
        "--n",
        "4096",
        "--trajectories",
        "1",
        "--outcome",
        "y",
        "--no-store",
        "--json",
        "--workers",
        "1",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    indices = out["sensitivity"]["y"]
    for name in ("x1", "x2", "x3"):
        row = indices[name]
        assert abs(row["S1"] - S1[name]) <= max(row["S1_conf"], 0.02), (name, row)
        assert abs(row["ST"] - ST[name]) <= max(row["ST_conf"], 0.02), (name, row)
