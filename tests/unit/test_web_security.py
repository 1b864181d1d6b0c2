"""Only the dashboard's user drives it: token, Host, Origin, body limit, headers (issue 18, 1-2).

Each test reproduces a request the review sent to an unprotected dashboard (served,
before the guard) and checks it is refused now, while the user's own requests pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from escalade.web.app import Settings, create_app
from escalade.web.security import TOKEN_HEADER, cookie_name, is_loopback
from webclient import dashboard_client

KURSK = "kursk-mini"
ORIGIN = "http://127.0.0.1"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        store=tmp_path / "web.duckdb", uploads=tmp_path / "up", max_n=500, max_jobs=1, max_queue=1
    )


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    """A client on the loopback Host without the token: another local page or process."""
    with TestClient(create_app(settings), base_url=ORIGIN) as c:
        yield c


def test_without_the_token_nothing_runs_uploads_or_reads(
    anonymous: TestClient, settings: Settings
) -> None:
    assert anonymous.post("/api/runs", json={"scenario": KURSK, "n": 10}).status_code == 401
    form = anonymous.post(f"/scenarios/{KURSK}/run", data={"n": "10"}, follow_redirects=False)
    assert form.status_code == 401
    text = {"content-type": "text/plain"}
    assert anonymous.post("/api/scenarios", content="id: x", headers=text).status_code == 401
    assert anonymous.get("/api/runs").status_code == 401
    assert anonymous.get("/").status_code == 401
    assert anonymous.app.state.jobs.jobs == {}  # type: ignore[attr-defined]
    assert not settings.upload_dir.exists()
    # the icon and plotly.js need no token
    assert anonymous.get("/favicon.ico").status_code == 200


def test_a_wrong_token_is_refused(settings: Settings) -> None:
    with dashboard_client(settings, headers={TOKEN_HEADER: "guess"}) as c:
        r = c.get("/api/scenarios")
        assert r.status_code == 401 and "token" in r.json()["detail"]


def test_the_url_with_the_token_sets_a_cookie_and_drops_the_token(
    anonymous: TestClient, settings: Settings
) -> None:
    r = anonymous.get(f"/scenarios/{KURSK}?token={settings.token}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/scenarios/{KURSK}"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(None)}={settings.token}")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert anonymous.get("/api/scenarios").status_code == 200  # the cookie now
    # a form post with the cookie and the page's own Origin is the user's
    own = anonymous.post(
        f"/scenarios/{KURSK}/run",
        data={"n": "10"},
        headers={"origin": ORIGIN},
        follow_redirects=False,
    )
    assert own.status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://127.0.0.1:9999"},  # a page on another local port
        {"origin": "null"},  # a sandboxed frame or a file:// page
        {"referer": "http://evil.example/page"},
        {},  # the cookie alone, no Origin or Referer at all
    ],
)
def test_cross_origin_writes_with_the_cookie_are_refused(
    anonymous: TestClient, settings: Settings, headers: dict[str, str]
) -> None:
    """Browsers send cookies to every port of a host: the Origin is what tells pages apart."""
    anonymous.cookies.set(cookie_name(None), settings.token)
    r = anonymous.post(f"/scenarios/{KURSK}/run", data={"n": "10"}, headers=headers)
    assert r.status_code == 403 and r.json()["detail"].startswith("Origin: expected")
    plain = {"content-type": "text/plain", **headers}
    assert anonymous.post("/api/scenarios", content="x: 1", headers=plain).status_code == 403
    assert anonymous.app.state.jobs.jobs == {}  # type: ignore[attr-defined]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "192.168.1.5", ""])
def test_a_foreign_host_is_refused(settings: Settings, host: str) -> None:
    """DNS rebinding: a name that resolves to 127.0.0.1 still carries its own Host."""
    with dashboard_client(settings, headers={"host": host}) as c:
        r = c.get("/api/runs")
        assert r.status_code == 403 and "Host: expected a loopback name" in r.json()["detail"]


def test_allowed_hosts_are_served(settings: Settings) -> None:
    allowed = Settings(store=settings.store, allow_hosts=("dash.lan",), token=settings.token)
    with dashboard_client(allowed, headers={"host": "dash.lan:8000"}) as c:
        assert c.get("/api/scenarios").status_code == 200
    for host in ("localhost:8000", "[::1]:8000", "127.0.0.1", "app.localhost"):
        with dashboard_client(settings, headers={"host": host}) as c:
            assert c.get("/api/scenarios").status_code == 200, host


def test_loopback_names() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "::1", "[::1]", "localhost", "127.1.2.3"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.1", "localhost.evil.example", "::"]))


def test_every_answer_has_the_security_headers(settings: Settings, anonymous: TestClient) -> None:
    with dashboard_client(settings) as c:
        for r in (c.get("/"), c.get(f"/scenarios/{KURSK}"), c.get("/api/runs"), c.get("/nope")):
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["x-content-type-options"] == "nosniff"
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert anonymous.get("/").headers["x-frame-options"] == "DENY"  # refusals too


def test_only_the_compare_page_frames_and_only_result_pages_are_framed(settings: Settings) -> None:
    """The compare page frames two result pages; nothing else frames or is framed."""
    with dashboard_client(settings) as c:
        compare = c.get("/compare?a=r1&b=r2").headers
        result = c.get("/results/r1").headers
        index = c.get("/").headers
    assert "frame-src 'self'" in compare["content-security-policy"]
    assert "frame-ancestors 'none'" in compare["content-security-policy"]
    assert compare["x-frame-options"] == "DENY"
    assert "frame-ancestors 'self'" in result["content-security-policy"]
    assert "frame-src" not in result["content-security-policy"]
    assert "default-src 'none'" in result["content-security-policy"]
    assert result["x-frame-options"] == "SAMEORIGIN"
    assert "frame-src" not in index["content-security-policy"]
    assert "frame-ancestors 'none'" in index["content-security-policy"]


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def test_a_chunked_body_over_the_limit_gets_413(settings: Settings) -> None:
    """No Content-Length: the limit is counted on the stream (the review sent 1 GiB)."""
    small = Settings(store=settings.store, max_body=100_000, token=settings.token)
    plain = {"content-type": "text/plain"}
    with dashboard_client(small) as c:
        for path in ("/api/scenarios/validate", "/api/scenarios", "/api/runs"):
            r = c.post(path, content=chunks(5_000_000), headers=plain)
            assert r.status_code == 413, (path, r.text[:200])
            assert r.json() == {"detail": "request body: expected at most 100000 bytes"}
        files = {"file": ("big.yaml", b"#" * 300_000, "text/yaml")}
        assert c.post("/scenarios", files=files, headers={"origin": ORIGIN}).status_code == 413
    assert not small.upload_dir.exists()


def test_a_422_does_not_echo_a_large_body(settings: Settings) -> None:
    with dashboard_client(settings) as c:
        body = {"scenario": KURSK, "n": "x" * 500_000}
        r = c.post("/api/runs", json=body)
        assert r.status_code == 422 and len(r.content) < 2_000, len(r.content)
        assert "500000 characters" in r.text


def test_messages_do_not_show_the_store_path(settings: Settings) -> None:
    with dashboard_client(settings) as c:
        r = c.get("/results/r00000000")
        assert r.status_code == 404
        assert str(settings.store.parent) not in r.text and "web.duckdb" in r.text
