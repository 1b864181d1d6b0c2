"""`escalade run --rank-by` and `escalade explain --rank-by` end to end, on a weighted coalition.

In tests/data/scenarios/weighted-coalition.yaml each success of `push` costs usa 1 and gains
ukr 0.5 per round, so side west (usa + w * ukr) prefers `push` exactly when ukr's weight w > 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.cli import main

FILE = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "weighted-coalition.yaml"


def _scenario(tmp_path: Path, weight: float) -> Path:
    text = FILE.read_text(encoding="utf-8").replace("{ukr: $ukr_weight}", f"{{ukr: {weight}}}")
    path = tmp_path / f"coalition-{weight}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    args = ["run", str(path), "--n", "300", "--seed", "4", "--sweep", "0", "--no-store"]
    assert main([*args, "--no-report", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _cells(out: dict) -> dict[str, float]:
    return {row["strategy"]: row["utility"] for row in out["cells"]}


def test_weights_decide_the_side_ranking(tmp_path: Path, capsys) -> None:
    high = _run(_scenario(tmp_path, 3.0), capsys)
    low = _run(_scenario(tmp_path, 1.0), capsys)
    assert high["comparison"][0]["strategy"] == "push"
    assert low["comparison"][0]["strategy"] == "hold"
    assert high["rank_by"]["kind"] == "side" and high["rank_by"]["id"] == "west"
    assert high["rank_by"]["text"] == "ranked by the utility of side west (weights: usa 1, ukr 3)"


def test_rank_by_actor_uses_that_actor_and_sides_are_weighted_sums(tmp_path: Path, capsys) -> None:
    path = _scenario(tmp_path, 3.0)
    west, usa, ukr = (_cells(_run(path, capsys, "--rank-by", w)) for w in ("west", "usa", "ukr"))
    for strategy in ("hold", "push"):
        assert west[strategy] == pytest.approx(usa[strategy] + 3.0 * ukr[strategy], abs=1e-9)
    assert usa["push"] < usa["hold"] and ukr["push"] > ukr["hold"]
    by_usa = _run(path, capsys, "--rank-by", "usa")
    assert by_usa["comparison"][0]["strategy"] == "hold"
    assert by_usa["rank_by"] == {
        "kind": "actor",
        "id": "usa",
        "text": "ranked by actor usa (its own utility, not its side's)",
    }


def test_text_output_and_report_say_what_the_ranking_is_by(tmp_path: Path, capsys) -> None:
    args = ["run", str(FILE), "--n", "200", "--sweep", "0", "--no-store"]
    assert main([*args, "--out", str(tmp_path / "r"), "--rank-by", "usa"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Strategies are ranked by actor usa" in out
    assert main([*args, "--out", str(tmp_path / "r")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "ranked by the utility of side west (weights: usa 1, ukr $ukr_weight)" in out
    report = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "weight in its side" in report and "$ukr_weight" in report and "1 (default)" in report


def test_unknown_rank_by_is_a_usage_error_before_simulating(capsys) -> None:
    assert main(["run", str(FILE), "--rank-by", "ukraine", "--no-store", "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "--rank-by: expected a side id (west, east) or an actor id (usa, ukr, rus)" in err
    assert "did you mean 'ukr'?" in err
    assert main(["explain", str(FILE), "--a", "push", "--b", "hold", "--rank-by", "x"]) == 2


def test_explain_rank_by(tmp_path: Path, capsys) -> None:
    path = _scenario(tmp_path, 3.0)
    args = ["explain", str(path), "--a", "push", "--b", "hold", "--n", "300", "--json"]
    assert main(args) == 0
    side = json.loads(capsys.readouterr().out)
    assert main([*args, "--rank-by", "ukr"]) == 0
    actor = json.loads(capsys.readouterr().out)
    assert actor["rank_by"]["id"] == "ukr" and side["rank_by"]["id"] == "west"
    parts = {row["actor"]: row["difference"] for row in side["by_actor"]}
    assert parts["ukr"] == pytest.approx(3.0 * actor["total"][0]["difference"], abs=1e-9)
    assert sum(parts.values()) == pytest.approx(side["total"][0]["difference"], abs=1e-9)


def test_robustness_sweep_scores_the_actor_ranked_by(capsys) -> None:
    args = ["run", str(FILE), "--n", "200", "--sweep", "16", "--no-store", "--no-report", "--json"]
    shares = {}
    for who in ("usa", "ukr", "west"):
        assert main([*args, "--rank-by", who]) == 0
        out = json.loads(capsys.readouterr().out)
        shares[who] = {row["strategy"]: row["share_best"] for row in out["robustness"]}
    # usa only pays for `push`, ukr only gains from it; west's choice turns on ukr_weight (1 to 3).
    assert shares["usa"] == {"hold": 1.0, "push": 0.0}
    assert shares["ukr"] == {"hold": 0.0, "push": 1.0}
    assert 0.0 < shares["west"]["push"] < 1.0
