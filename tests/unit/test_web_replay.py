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


def test_replay_an_uploaded_timeline_from_the_scenario_page(tmp_path: Path, wait_for_job) -> None:
    root = tmp_path / "scenarios"
    root.mkdir()
    (root / "coin.yaml").write_bytes((DATA / "coin.yaml").read_bytes())
    timeline = (DATA / "coin.observed.yaml").read_text(encoding="utf-8")
    settings = Settings(roots=(root,), store=tmp_path / "web.duckdb", max_n=2000)
    with dashboard_client(settings) as c:
        assert 'action="/scenarios/coin/replay"' in c.get("/scenarios/coin").text
        r = c.post(
            "/scenarios/coin/replay",
            data={"particles": "128", "seed": "5"},
            files={"file": ("coin.observed.yaml", timeline.encode(), "application/yaml")},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
        job = wait_for_job(c, r.headers["location"].removeprefix("/jobs/"))
        assert job["status"] == "done", job
        # Su-24 trial: the replay's job page was titled "Run of coin"
        assert "<h1>Replay of coin</h1>" in c.get(r.headers["location"]).text
        assert job["results"]["posterior"]["mindsets"] == {"calm": 0.0, "hard": 1.0}
        page = c.get(f"/results/{job['run_id']}")
        assert page.status_code == 200 and "Forecast vs record" in page.text
        bad = c.post(
            "/scenarios/coin/replay",
            data={"text": timeline.replace("option: harden", "option: hardn"), "particles": "64"},
        )
        assert bad.status_code == 422 and "did you mean" in bad.text and "harden" in bad.text
        too_many = c.post("/scenarios/coin/replay", data={"text": timeline, "particles": "5000"})
        assert too_many.status_code in (400, 422) and "particles" in too_many.text
