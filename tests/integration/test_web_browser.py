"""The dashboard on a real uvicorn server, driven by real headless Chromium; and under load."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pytest
import uvicorn
from browser import assert_not_blank, assert_plots_rendered, console_errors, screenshot
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from escalade.web.app import Settings, create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("web") / "web.duckdb"
    app = create_app(Settings(store=store, max_n=5000, max_jobs=2, max_queue=4))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.mark.browser
def test_scenario_page_run_and_result_in_chromium(chromium, server: str, tmp_path: Path) -> None:
    console_errors(chromium)
    chromium.get(f"{server}/scenarios/kursk-mini")
    assert assert_plots_rendered(chromium, 1) >= 1
    assert_not_blank(screenshot(chromium, tmp_path / "scenario.png"))
    chromium.find_element(By.ID, "run").click()
    link = WebDriverWait(chromium, 120, poll_frequency=0.3).until(
        lambda d: d.find_elements(By.ID, "result") or d.find_elements(By.ID, "error")
    )[0]
    assert link.get_attribute("id") == "result", link.text
    link.click()
    assert assert_plots_rendered(chromium, 4) >= 4
    assert "Strategies compared" in chromium.page_source
    assert console_errors(chromium) == []
    assert_not_blank(screenshot(chromium, tmp_path / "result.png"))


@pytest.mark.slow
def test_load_while_runs_are_going(server: str) -> None:
    """500 requests, 25 at a time, while two runs are going: no 5xx; p99 latency printed."""
    with httpx.Client(base_url=server, timeout=60) as client:
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
