"""Dashboard details a new user reported: numbers in /api/runs, the run id, the Editor link,
uncertainties fixed by an override."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from escalade.web.app import Settings
from webclient import dashboard_client

KURSK = "kursk-mini"


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory):
    """A dashboard with one stored run of kursk-mini, ``strike_effect`` fixed to 0.5."""
    store = tmp_path_factory.mktemp("details") / "web.duckdb"
    with dashboard_client(Settings(store=store, max_jobs=1)) as c:
        body = {"scenario": KURSK, "n": 64, "seed": 2024, "overrides": {"strike_effect": 0.5}}
        jid = c.post("/api/runs", json=body).json()["id"]
        for _ in range(1200):
            job = c.get(f"/api/runs/{jid}").json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done" and job["run_id"], job
        yield c, jid, job["run_id"]


def test_api_runs_lists_numbers_as_numbers(ran: tuple[TestClient, str, str]) -> None:
    client, _, run_id = ran
    (row,) = [r for r in client.get("/api/runs").json()["stored"] if r["id"] == run_id]
    assert row["n"] == 64 and row["seed"] == 2024
    assert isinstance(row["n"], int) and isinstance(row["seed"], int)
    schema = client.get("/openapi.json").json()["components"]["schemas"]["StoredRun"]
    for name in ("n", "seed"):
        types = {t.get("type") for t in schema["properties"][name]["anyOf"]}
        assert types == {"integer", "null"}, schema["properties"][name]


def test_every_page_has_the_editor_link(ran: tuple[TestClient, str, str]) -> None:
    client, jid, run_id = ran
    for path in ("/", f"/scenarios/{KURSK}", f"/jobs/{jid}", f"/results/{run_id}", "/results"):
        page = client.get(path)
        assert page.status_code == 200, path
        nav = re.search(r'<nav class="dash".*?</nav>', page.text, re.S)
        assert nav is not None and '<a href="/editor" target="_top">Editor</a>' in nav.group(0)


def test_a_stored_result_page_names_its_run(ran: tuple[TestClient, str, str]) -> None:
    client, _, run_id = ran
    text = client.get(f"/results/{run_id}").text
    assert f"scenario {KURSK} · run {run_id}" in text


def test_the_job_page_and_the_brief_show_the_fixed_uncertainty(
    ran: tuple[TestClient, str, str],
) -> None:
    client, jid, run_id = ran
    job = client.get(f"/jobs/{jid}").text
    assert re.search(r'id="overrides".*<code>strike_effect</code> = 0\.5', job)
    page = client.get(f"/results/{run_id}").text
    fixed = page.index("Fixed for this run.")
    assert fixed < page.index("<strong>Answer.</strong>")
    assert "<code>strike_effect</code> = 0.5" in page[fixed : fixed + 300]


def test_report_headers_wrap_at_spaces_only() -> None:
    css = (Path(__file__).parents[2] / "src/escalade/report/templates/report.css").read_text()
    th = re.search(r"^th \{([^}]*)\}", css, re.M)
    assert th is not None and "word-break: normal" in th.group(1)
    assert "overflow-wrap: normal" in th.group(1) and "hyphens: none" in th.group(1)
