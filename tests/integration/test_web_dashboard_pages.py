"""Dashboard pages a new user reported broken, in real headless Chromium on a real server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from browser import assert_plots_rendered, console_errors, page_on_another_port
from selenium.webdriver.support.ui import WebDriverWait

from escalade.web.app import Settings, create_app
from escalade.web.security import TOKEN_HEADER
from escalade.web.server import server_config


@dataclass(frozen=True)
class Served:
    url: str
    token: str
    runs: tuple[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stored_run(client: httpx.Client, body: dict[str, object]) -> str:
    jid = client.post("/api/runs", json=body).json()["id"]
    for _ in range(1200):
        job = client.get(f"/api/runs/{jid}").json()
        if job["status"] in ("done", "failed"):
            assert job["status"] == "done" and job["run_id"], job
            return str(job["run_id"])
        time.sleep(0.1)
    raise AssertionError(f"job {jid} did not finish")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A dashboard with two stored runs of kursk-mini (one with an uncertainty fixed)."""
    settings = Settings(store=tmp_path_factory.mktemp("pages") / "pages.duckdb", max_jobs=1)
    port = _free_port()
    srv = uvicorn.Server(server_config(create_app(settings), "127.0.0.1", port))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    headers = {TOKEN_HEADER: settings.token}
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client:
        first = _stored_run(client, {"scenario": "kursk-mini", "n": 128, "seed": 1})
        second = _stored_run(client, {"scenario": "kursk-mini", "n": 128, "seed": 2})
    yield Served(url, settings.token, (first, second))
    srv.should_exit = True
    thread.join(timeout=30)


def _sign_in(chromium, served: Served) -> None:
    chromium.get(f"{served.url}/?token={served.token}")
    assert chromium.current_url == f"{served.url}/", chromium.current_url
    console_errors(chromium)  # reading the log empties it


@pytest.mark.browser
def test_the_compare_page_shows_both_runs(chromium, served: Served) -> None:
    """Both framed result pages load and draw their plots; the CSP blocks nothing."""
    _sign_in(chromium, served)
    a, b = served.runs
    chromium.get(f"{served.url}/compare?a={a}&b={b}")
    frames = chromium.find_elements("tag name", "iframe")
    assert len(frames) == 2
    for frame, run_id in zip(frames, served.runs, strict=True):
        chromium.switch_to.frame(frame)
        try:
            WebDriverWait(chromium, 60).until(
                lambda d: d.execute_script("return document.readyState") == "complete"
            )
            assert "Strategies compared" in chromium.page_source, run_id
            assert assert_plots_rendered(chromium, 4) >= 4
        finally:
            chromium.switch_to.default_content()
    assert console_errors(chromium) == []
    # the dashboard's links in a pane open in the window (a pane may not frame other pages)
    chromium.switch_to.frame(frames[0])
    try:
        chromium.find_element("css selector", "nav.dash a[href='/results']").click()
    finally:
        chromium.switch_to.default_content()
    WebDriverWait(chromium, 30).until(lambda d: d.current_url == f"{served.url}/results")


FRAMING_PAGE = """<!doctype html><html><body>
<iframe id="f" src="{target}" style="width:600px;height:400px"></iframe>
</body></html>"""


@pytest.fixture
def other_origin(served: Served) -> Iterator[str]:
    """A page on another loopback port that frames a result page of the dashboard."""
    page = FRAMING_PAGE.format(target=f"{served.url}/results/{served.runs[0]}").encode()
    with page_on_another_port(page) as url:
        yield url


@pytest.mark.browser
def test_another_origin_cannot_frame_a_result_page(
    chromium, served: Served, other_origin: str
) -> None:
    _sign_in(chromium, served)
    chromium.get(other_origin)
    errors = WebDriverWait(chromium, 30, poll_frequency=0.3).until(
        lambda d: console_errors(d) or None
    )
    assert any("frame-ancestors 'self'" in e for e in errors), errors


# Each header word whose letters the browser laid out on more than one line.
_BROKEN_WORDS_JS = """
const broken = [];
for (const th of document.querySelectorAll('th')) {
  const text = th.firstChild && th.firstChild.nodeType === 3 ? th.firstChild : null;
  if (!text) continue;
  const re = /\\S+/g; let m;
  while ((m = re.exec(text.data)) !== null) {
    const range = document.createRange();
    range.setStart(text, m.index); range.setEnd(text, m.index + m[0].length);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    if (tops.size > 1) broken.push(m[0]);
  }
}
return broken;
"""


@pytest.mark.browser
def test_table_headers_wrap_at_spaces_only_in_a_narrow_pane(chromium, served: Served) -> None:
    """In the compare page's half-width panes, no header word is split across lines."""
    _sign_in(chromium, served)
    a, b = served.runs
    chromium.get(f"{served.url}/compare?a={a}&b={b}")
    frame = chromium.find_elements("tag name", "iframe")[0]
    chromium.switch_to.frame(frame)
    try:
        WebDriverWait(chromium, 60).until(lambda d: d.find_elements("css selector", "th"))
        chromium.execute_script(
            "document.querySelectorAll('details').forEach((d) => { d.open = true; })"
        )
        headers = chromium.execute_script("return document.querySelectorAll('th').length")
        broken = chromium.execute_script(_BROKEN_WORDS_JS)
    finally:
        chromium.switch_to.default_content()
    assert headers > 10
    assert broken == []


@pytest.mark.browser
def test_scenario_and_result_pages_link_the_editor(chromium, served: Served) -> None:
    _sign_in(chromium, served)
    for path in ("/scenarios/kursk-mini", f"/results/{served.runs[0]}"):
        chromium.get(served.url + path)
        link = chromium.find_element("css selector", "nav.dash a[href='/editor']")
        assert link.is_displayed() and link.text == "Editor", path
