"""The dashboard on a real uvicorn: streamed bodies, slow clients, the start banner (issue 18)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from escalade.web.app import Settings, create_app
from escalade.web.security import TOKEN_HEADER
from escalade.web.server import server_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    folder = tmp_path_factory.mktemp("hardening")
    settings = Settings(store=folder / "web.duckdb", uploads=folder / "up", max_body=200_000)
    port = free_port()
    config = server_config(
        create_app(settings), "127.0.0.1", port, header_timeout=1.0, body_timeout=1.0
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    srv.should_exit = True
    thread.join(timeout=30)


def test_a_chunked_stream_is_cut_at_the_limit(served: tuple[str, Settings]) -> None:
    """The review's 1 GiB chunked POST: answered 413 once the limit is passed."""
    url, settings = served
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(16 * 1024):  # up to 1 GiB in 64 KiB chunks
            sent += 65536
            yield b"a" * 65536

    headers = {TOKEN_HEADER: settings.token, "content-type": "text/plain"}
    try:
        r = httpx.post(f"{url}/api/scenarios/validate", content=body(), headers=headers, timeout=60)
    except httpx.HTTPError:  # the server may close while the client still writes
        pass
    else:
        assert r.status_code == 413
    assert sent < 200 * 1024 * 1024, f"the server read {sent} bytes before refusing"
    assert httpx.get(f"{url}/api/runs", headers=headers).status_code == 200


def recv_all(sock: socket.socket, wait: float) -> bytes:
    sock.settimeout(wait)
    data = b""
    try:
        while chunk := sock.recv(4096):
            data += chunk
    except TimeoutError:
        return data + b"<still open>"
    return data


def test_a_client_slow_to_send_its_headers_is_cut_off(served: tuple[str, Settings]) -> None:
    url, _ = served
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line
        assert recv_all(sock, 5.0) == b"", "expected the server to close the connection"


def test_a_client_slow_to_send_its_body_is_cut_off(served: tuple[str, Settings]) -> None:
    url, settings = served
    port = int(url.rsplit(":", 1)[1])
    head = (
        "POST /api/scenarios/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"{TOKEN_HEADER}: {settings.token}\r\nContent-Type: text/plain\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head.encode() + b"id: x\n")
        started = time.perf_counter()
        answer = recv_all(sock, 8.0)
        assert not answer.endswith(b"<still open>"), answer
        assert time.perf_counter() - started < 7.0


def serve(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-m", "escalade", "serve", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_lines(proc: subprocess.Popen[str], count: int) -> list[str]:
    assert proc.stderr is not None
    return [proc.stderr.readline() for _ in range(count)]


def test_serve_prints_the_url_with_the_token(tmp_path: Path) -> None:
    port = free_port()
    proc = serve(["--port", str(port), "--store", "s.duckdb"], tmp_path)
    try:
        line = first_lines(proc, 1)[0]
        assert line.startswith(f"escalade dashboard: open http://127.0.0.1:{port}/?token=")
        token = line.strip().rsplit("=", 1)[1]
        assert len(token) >= 40
        for _ in range(100):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/runs", headers={TOKEN_HEADER: token})
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert r.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/runs").status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_serve_warns_loudly_on_a_public_address(tmp_path: Path) -> None:
    proc = serve(["--host", "0.0.0.0", "--port", str(free_port())], tmp_path)
    try:
        warning, url = first_lines(proc, 2)
        assert warning.startswith("WARNING: the dashboard is bound to 0.0.0.0")
        assert "?token=" in url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_serve_refuses_a_directory_as_store(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    proc = serve(["--store", "folder", "--port", str(free_port())], tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert "--store: expected a results store file (.duckdb), found a directory" in err
    assert str(tmp_path) not in err


def test_serve_refuses_a_port_in_use_before_printing_an_address(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = serve(["--port", str(port), "--store", "s.duckdb"], tmp_path)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert f"--port: expected a free port, found port {port} on 127.0.0.1 already in use" in err
    assert f"--port {port + 1}" in err
    assert "open http" not in err  # no address that would not answer


def test_serve_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    proc = serve(["--port", "70000", "--store", "s.duckdb"], tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert "--port: expected a port number from 1 to 65535, found 70000" in err
