"""Stored replays in the dashboard: their page and their report (real store, real replay)."""

from __future__ import annotations

from pathlib import Path

from escalade.web.app import Settings
from escalade.workflows.replay import ReplayOptions, replay_scenario
from webclient import dashboard_client

DATA = Path(__file__).parents[1] / "data" / "observed"


def test_a_stored_replay_is_shown(tmp_path: Path) -> None:
    store = tmp_path / "web.duckdb"
    outcome = replay_scenario(
        DATA / "coin.yaml",
        DATA / "coin.observed.yaml",
        ReplayOptions(particles=256, replicates=2, store=store),
    )
    assert outcome.run_id is not None
    with dashboard_client(Settings(store=store)) as c:
        page = c.get(f"/results/{outcome.run_id}")
        assert page.status_code == 200
        assert "Forecast vs record" in page.text and "How the scenario scored" in page.text
        report = c.get(f"/results/{outcome.run_id}/report.html")
        assert report.status_code == 200 and "Replay of coin" in report.text
        assert outcome.run_id in c.get("/results").text
