"""The dashboard and a busy results store (issue 18, findings 6 and 8): real DuckDB, real runs.

The review: a dashboard job reached progress 1.0 and then failed with
``ResultsFormatError`` while another process held the store, and ``/results`` answered
404 for a run that exists.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from escalade.errors import ResultsFormatError
from escalade.results import ResultSet, Store
from escalade.web.app import Settings
from storeholder import held
from webclient import dashboard_client

KURSK = "kursk-mini"


def test_a_job_that_cannot_store_is_done_and_shown_then_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait_for_job
) -> None:
    store = tmp_path / "web.duckdb"
    with Store(store) as s:
        old = s.save(ResultSet("simulate", {"seed": 1}, {"t": pd.DataFrame({"x": [1]})}))
    monkeypatch.setenv("ESCALADE_STORE_WAIT", "0.5")
    settings = Settings(store=store, max_n=500)
    with dashboard_client(settings) as c:
        c.app.state.dashboard.reads.wait = 0.3  # type: ignore[attr-defined]
        with held(store):
            jid = c.post("/api/runs", json={"scenario": KURSK, "n": 60, "seed": 3}).json()["id"]
            job = wait_for_job(c, jid)
            assert job["status"] == "done" and job["run_id"] is None, job
            assert job["warning"].startswith("not stored yet: web.duckdb: another process")
            assert {r["strategy"] for r in job["results"]["comparison"]} == {
                "graduated",
                "deescalate",
            }
            page = c.get(f"/jobs/{jid}")
            assert f'href="/jobs/{jid}/results"' in page.text and "not stored yet" in page.text
            shown = c.get(f"/jobs/{jid}/results")
            assert shown.status_code == 200 and "Strategies compared" in shown.text
            busy = c.get(f"/results/{old}/parquet.zip")
            assert busy.status_code == 503, busy.text  # not a 404: the run exists
            assert str(tmp_path) not in busy.text
            assert c.get("/api/runs").status_code == 503
        assert c.get(f"/results/{old}/parquet.zip").status_code == 200
        # the next save merges the results kept aside
        jid = c.post("/api/runs", json={"scenario": KURSK, "n": 60, "seed": 4}).json()["id"]
        assert wait_for_job(c, jid)["run_id"] is not None
        listing = c.get("/api/runs")
        assert listing.status_code == 200, listing.text
        stored = listing.json()["stored"]
        assert sorted(int(r["seed"]) for r in stored) == [1, 3, 4]


def test_a_directory_as_store_is_a_message_not_a_path(tmp_path: Path) -> None:
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    with pytest.raises(ResultsFormatError, match="found a directory"), Store(folder) as s:
        s.list_runs()
    with dashboard_client(Settings(store=folder)) as c:
        r = c.get("/results/r12345678")
        assert r.status_code in (404, 503) and str(tmp_path) not in r.text


def test_pages_read_the_store_without_reopening_it_per_request(tmp_path: Path) -> None:
    """Stored runs and the run list come from the cache until the store file changes."""
    store = tmp_path / "web.duckdb"
    with Store(store) as s:
        run_id = s.save(ResultSet("simulate", {"seed": 1}, {"t": pd.DataFrame({"x": [1]})}))
    settings = Settings(store=store)
    with dashboard_client(settings) as c:
        board = c.app.state.dashboard  # type: ignore[attr-defined]
        first = c.get("/api/runs").json()["stored"]
        opened = []
        original = board.reads.reading
        board.reads.reading = lambda: opened.append(1) or original()
        assert c.get("/api/runs").json()["stored"] == first and opened == []
        with Store(store) as s:
            s.delete(run_id)
        assert c.get("/api/runs").json()["stored"] == [] and opened == [1]
