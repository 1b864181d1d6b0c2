"""The dashboard on a real uvicorn server, driven by real headless Chromium; and under load."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import uvicorn
from browser import (
    assert_not_blank,
    assert_plots_rendered,
    axe_violations,
    console_errors,
    page_on_another_port,
    screenshot,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from escalade.web.app import Settings, create_app
from escalade.web.security import TOKEN_HEADER
from escalade.web.server import server_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SETTINGS: dict[str, Settings] = {}
APPS: dict[str, Any] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("web") / "web.duckdb"
    settings = Settings(store=store, max_n=5000, max_jobs=2, max_queue=4)
    SETTINGS["server"] = settings
    app = create_app(settings)
    APPS["server"] = app
    port = free_port()
    srv = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


def as_user() -> dict[str, str]:
    """The header scripts send: the server's token."""
    return {TOKEN_HEADER: SETTINGS["server"].token}


def sign_in(chromium, server: str) -> None:
    """Open the URL `escalade serve` prints: the token goes into a cookie."""
    chromium.get(f"{server}/?token={SETTINGS['server'].token}")
    assert chromium.current_url == f"{server}/", chromium.current_url


@pytest.mark.browser
def test_scenario_page_run_and_result_in_chromium(chromium, server: str, tmp_path: Path) -> None:
    sign_in(chromium, server)
    console_errors(chromium)
    chromium.get(f"{server}/scenarios/kursk-mini")
    assert assert_plots_rendered(chromium, 1) >= 1
    assert_not_blank(screenshot(chromium, tmp_path / "dashboard-scenario.png"))
    chromium.find_element(By.ID, "run").click()
    link = WebDriverWait(chromium, 120, poll_frequency=0.3).until(
        lambda d: d.find_elements(By.ID, "result") or d.find_elements(By.ID, "error")
    )[0]
    assert link.get_attribute("id") == "result", link.text
    link.click()
    assert assert_plots_rendered(chromium, 4) >= 4
    assert "Strategies compared" in chromium.page_source
    assert console_errors(chromium) == []
    assert_not_blank(screenshot(chromium, tmp_path / "dashboard-result.png"))


def _held_job(release: threading.Event) -> str:
    """A job of the server's own job manager that runs (half done) until ``release`` is set."""

    def work(job: Any) -> None:
        job.done = 5
        assert release.wait(120), "the test never released the job"
        job.done = 10

    return str(APPS["server"].state.jobs.submit("kursk-mini", 10, work).id)


@pytest.mark.browser
def test_the_job_page_replaces_its_progress_bar_when_done(chromium, server: str) -> None:
    """Once the job says done, the page shows the result link and no (full) progress bar."""
    release = threading.Event()
    jid = _held_job(release)
    try:
        sign_in(chromium, server)
        console_errors(chromium)
        chromium.get(f"{server}/jobs/{jid}")
        WebDriverWait(chromium, 60, poll_frequency=0.2).until(
            lambda d: d.find_element(By.ID, "status").text.startswith("running 50%")
        )
        assert chromium.find_elements(By.TAG_NAME, "progress"), "no bar while running"
    finally:
        release.set()
    link = WebDriverWait(chromium, 60, poll_frequency=0.2).until(
        lambda d: d.find_elements(By.ID, "result") or d.find_elements(By.ID, "error")
    )[0]
    assert link.get_attribute("id") == "result", link.text
    assert chromium.find_element(By.ID, "status").text == "done: results"
    assert chromium.find_elements(By.TAG_NAME, "progress") == []
    assert console_errors(chromium) == []


@pytest.mark.browser
def test_the_job_page_replaces_its_progress_bar_when_failed(chromium, server: str) -> None:
    """A job that fails while the page watches: the error, and no progress bar left."""
    release = threading.Event()

    def work(job: Any) -> None:
        job.done = 3
        assert release.wait(120), "the test never released the job"
        raise ValueError("stopped on purpose")

    jid = APPS["server"].state.jobs.submit("kursk-mini", 10, work).id
    try:
        sign_in(chromium, server)
        chromium.get(f"{server}/jobs/{jid}")
        WebDriverWait(chromium, 60, poll_frequency=0.2).until(
            lambda d: d.find_element(By.ID, "status").text.startswith("running 30%")
        )
    finally:
        release.set()
    error = WebDriverWait(chromium, 60, poll_frequency=0.2).until(
        lambda d: d.find_elements(By.ID, "error")
    )[0]
    assert error.text == "failed: ValueError: stopped on purpose"
    assert chromium.find_elements(By.TAG_NAME, "progress") == []


ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


@pytest.mark.browser
def test_a_failing_uploaded_scenario_shows_its_error_in_chromium(chromium, server: str) -> None:
    """An uploaded scenario whose effect takes log of a negative number: the run fails."""
    text = ZOO.read_text(encoding="utf-8")
    text = text.replace("{var: cohesion, add: 0.2}", '{var: cohesion, add: "log(cohesion - 2)"}')
    text = text.replace("\nid: zoo\n", "\nid: nan-zoo-browser\n", 1)
    with httpx.Client(base_url=server, timeout=60, headers=as_user()) as client:
        up = client.post("/api/scenarios", content=text, headers={"content-type": "text/plain"})
        assert up.status_code == 201, up.text
        body = {"scenario": "nan-zoo-browser", "n": 256, "seed": 1}
        body |= {"strategies": ["graduated"], "mindsets": ["cautious"]}
        jid = client.post("/api/runs", json=body).json()["id"]
    sign_in(chromium, server)
    console_errors(chromium)
    chromium.get(f"{server}/jobs/{jid}")
    error = WebDriverWait(chromium, 120, poll_frequency=0.3).until(
        lambda d: d.find_elements(By.ID, "error") or d.find_elements(By.ID, "result")
    )[0]
    assert error.get_attribute("id") == "error", error.text
    assert error.text.startswith("failed: SimulationError: option 'reassure', round ")
    assert "expected finite numbers, found nan" in error.text
    chromium.get(server)
    assert "nan-zoo-browser" in chromium.find_element(By.TAG_NAME, "ul").text
    assert console_errors(chromium) == []


@pytest.mark.browser
def test_the_upload_form_in_chromium(chromium, server: str) -> None:
    """The form as a browser sends it: multipart, with an empty file field and the text."""
    text = resources.files("escalade.scenario.catalog").joinpath("kursk-mini.yaml").read_text()
    text = text.replace("\nid: kursk-mini\n", "\nid: kursk-from-browser\n", 1)
    sign_in(chromium, server)
    area = chromium.find_element(By.NAME, "text")
    chromium.execute_script("arguments[0].value = arguments[1];", area, text)
    chromium.find_element(By.ID, "upload").click()
    WebDriverWait(chromium, 60).until(lambda d: d.current_url.endswith("/kursk-from-browser"))
    assert assert_plots_rendered(chromium, 1) >= 1
    chromium.get(server)
    area = chromium.find_element(By.NAME, "text")
    chromium.execute_script("arguments[0].value = 'schema_version: 3';", area)
    chromium.find_element(By.ID, "upload").click()
    message = WebDriverWait(chromium, 60).until(lambda d: d.find_elements(By.ID, "upload-error"))
    expected = "upload.yaml:1:17: schema_version: expected schema_version 2 (or 1), found 3"
    assert expected in message[0].text


@pytest.mark.slow
def test_load_while_runs_are_going(server: str) -> None:
    """500 requests, 25 at a time, while two runs are going: no 5xx; p99 latency printed."""
    with httpx.Client(base_url=server, timeout=60, headers=as_user()) as client:
        jobs = [
            client.post("/api/runs", json={"scenario": "dprk-troops-2024", "n": 2000}).json()["id"]
            for _ in range(2)
        ]
        paths = [
            "/",
            "/api/scenarios",
            "/scenarios/kursk-mini",
            "/api/runs",
            f"/api/runs/{jobs[0]}",
        ]

        def get(i: int) -> tuple[int, float]:
            start = time.perf_counter()
            status = client.get(paths[i % len(paths)]).status_code
            return status, time.perf_counter() - start

        with ThreadPoolExecutor(25) as pool:
            results = list(pool.map(get, range(500)))
    statuses = [s for s, _ in results]
    assert all(s < 500 for s in statuses), sorted(set(statuses))
    p99 = float(np.percentile([t for _, t in results], 99))
    print(f"p99 latency of 500 requests, 25 at a time, two runs going: {p99 * 1000:.0f} ms")


EVIL_PAGE = """<!doctype html><html><body>
<form id="f" method="post" action="{server}/scenarios/kursk-mini/run">
<input name="n" value="10"></form>
<script>
fetch("{server}/api/scenarios", {{method: "POST", mode: "no-cors", credentials: "include",
  headers: {{"content-type": "text/plain"}}, body: {upload}}})
  .catch(() => null)
  .finally(() => {{ document.title = "sent"; document.getElementById("f").submit(); }});
</script></body></html>"""


@pytest.fixture
def evil_site(server: str) -> Iterator[str]:
    """A page on another loopback port that tries to start a run and upload a scenario."""
    text = resources.files("escalade.scenario.catalog").joinpath("kursk-mini.yaml").read_text()
    upload = text.replace("\nid: kursk-mini\n", "\nid: planted-by-evil\n", 1)
    page = EVIL_PAGE.format(server=server, upload=json.dumps(upload)).encode()
    with page_on_another_port(page) as url:
        yield url


@pytest.mark.browser
def test_a_page_on_another_port_cannot_drive_the_dashboard(
    chromium, server: str, evil_site: str
) -> None:
    """The review's attack (issue 18, finding 1), in the user's own signed-in browser."""
    sign_in(chromium, server)  # the dashboard's cookie is in this browser
    with httpx.Client(base_url=server, timeout=60, headers=as_user()) as client:
        before = len(client.get("/api/runs").json()["jobs"])
        chromium.get(evil_site)
        WebDriverWait(chromium, 60).until(lambda d: d.current_url.startswith(server))
        assert "Origin: expected" in chromium.page_source
        time.sleep(1.0)  # let the no-cors fetch land, if it were to
        assert len(client.get("/api/runs").json()["jobs"]) == before
        listed = {s["id"] for s in client.get("/api/scenarios").json()}
        assert "planted-by-evil" not in listed


@pytest.mark.browser
def test_dashboard_pages_pass_axe(chromium, server: str, tmp_path: Path) -> None:
    """axe-core (vendored, run in the page) finds no serious or critical violation."""
    with httpx.Client(base_url=server, timeout=60, headers=as_user()) as client:
        body = {"scenario": "kursk-mini", "n": 200, "seed": 3}
        jid = client.post("/api/runs", json=body).json()["id"]
    sign_in(chromium, server)
    chromium.get(f"{server}/jobs/{jid}")
    WebDriverWait(chromium, 120, poll_frequency=0.3).until(
        lambda d: d.find_elements(By.ID, "result")
    )
    pages = {"index": "/", "scenario": "/scenarios/kursk-mini", "job": f"/jobs/{jid}"}
    pages["results"] = "/results"
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        chromium.get(server + path)
        found[name] = axe_violations(chromium)
        assert_not_blank(screenshot(chromium, tmp_path / f"dashboard-{name}.png"))
    chromium.get(f"{server}/jobs/{jid}")
    chromium.find_element(By.ID, "result").click()
    assert assert_plots_rendered(chromium, 4) >= 4
    found["result"] = axe_violations(chromium)
    assert_not_blank(screenshot(chromium, tmp_path / "dashboard-result-axe.png"))
    assert {name: v for name, v in found.items() if v} == {}
    # axe does run: an input without a label added to the page is caught
    chromium.execute_script("document.body.appendChild(document.createElement('input'))")
    assert any(v.startswith("label (critical)") for v in axe_violations(chromium))


def test_the_editor_checks_as_you_type_and_saves(chromium, server: str, tmp_path: Path) -> None:
    """A copy's taken id shows before Save; a mistake shows its line and column; fixing it
    shows valid; Save lists it."""
    sign_in(chromium, server)
    console_errors(chromium)  # reading the log empties it: earlier tests' entries go
    chromium.get(f"{server}/editor?from=kursk-mini")
    wait = WebDriverWait(chromium, 60, poll_frequency=0.2)
    wait.until(lambda d: d.find_elements(By.ID, "taken"))  # a copy keeps the listed id
    assert "already taken by a catalog scenario" in chromium.find_element(By.ID, "problems").text
    # the label above the box, the box the column's width (it sat beside the label's baseline)
    label = chromium.find_element(By.CSS_SELECTOR, "label[for=yaml]").rect
    area = chromium.find_element(By.ID, "yaml").rect
    assert label["y"] + label["height"] <= area["y"] and abs(area["x"] - label["x"]) < 2
    assert "warning(s)" not in chromium.find_element(By.ID, "taken").text
    box = chromium.find_element(By.ID, "yaml")
    text = box.get_attribute("value")
    broken = text.replace("id: kursk-mini", "id: kursk-edited", 1).replace("horizon:", "horizn:", 1)
    chromium.execute_script(
        "const b = document.getElementById('yaml'); b.value = arguments[0];"
        "b.dispatchEvent(new Event('input'));",
        broken,
    )
    wait.until(lambda d: d.find_elements(By.ID, "invalid"))
    problems = chromium.find_element(By.ID, "problems").text
    assert "horizn" in problems and ":" in problems  # located: file:line:col
    fixed = broken.replace("horizn:", "horizon:", 1)
    chromium.execute_script(
        "const b = document.getElementById('yaml'); b.value = arguments[0];"
        "b.dispatchEvent(new Event('input'));",
        fixed,
    )
    wait.until(lambda d: d.find_elements(By.ID, "valid"))
    assert "kursk-edited" in chromium.find_element(By.ID, "valid").text
    assert axe_violations(chromium) == []
    chromium.find_element(By.ID, "save").click()
    wait.until(lambda d: d.find_elements(By.ID, "saved"))
    link = chromium.find_element(By.CSS_SELECTOR, "#saved a")
    assert link.get_attribute("href").endswith("/scenarios/kursk-edited")
    # The one expected entry: Chromium logs the 422 answer to the broken text as a failed load.
    unexpected = [e for e in console_errors(chromium) if "/api/scenarios/validate" not in e]
    assert unexpected == []
    assert_not_blank(screenshot(chromium, tmp_path / "dashboard-editor.png"))
