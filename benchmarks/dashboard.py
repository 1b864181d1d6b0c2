"""Benchmark: dashboard latency under load, with and without runs going.

Starts ``escalade serve`` as its own process on 127.0.0.1 (a fresh store), then sends
``--requests`` GETs, ``--concurrency`` at a time, over five pages and API routes
(the scenario list, ``/api/scenarios``, a scenario page, ``/api/runs`` with the
stored runs, a job's status): first with nothing running, then while two runs of
``dprk-troops-2024`` (N = 2,000 per cell) are going. Prints the time of each
route's first answer (a scenario page is rendered once, then cached), then p50,
p99 and max per phase and the p99 of each route. This is the load test of
``tests/integration/test_web_browser.py``, with the server out of the client's process.

Run:  python benchmarks/dashboard.py [--requests 500] [--concurrency 25] [--n 2000]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

PATHS = ("/", "/api/scenarios", "/scenarios/kursk-mini", "/api/runs", "/api/runs/{job}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ESCALADE_TOKEN": token}
    argv = [sys.executable, "-m", "escalade", "serve", "--port", str(port)]
    argv += ["--store", str(folder / "bench.duckdb"), "--max-jobs", "2"]
    return subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)


def wait_up(client: httpx.Client) -> None:
    for _ in range(600):
        try:
            client.get("/api/runs")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start within 60 s")


def load(client: httpx.Client, job: str, requests: int, concurrency: int) -> dict[str, list[float]]:
    paths = [p.format(job=job) for p in PATHS]

    def get(i: int) -> tuple[str, float]:
        path = paths[i % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        if response.status_code >= 500:
            raise SystemExit(f"{path}: {response.status_code}")
        return PATHS[i % len(PATHS)], time.perf_counter() - started

    times: dict[str, list[float]] = {p: [] for p in PATHS}
    with ThreadPoolExecutor(concurrency) as pool:
        for path, seconds in pool.map(get, range(requests)):
            times[path].append(seconds)
    return times


def report(label: str, times: dict[str, list[float]]) -> None:
    every = np.concatenate([np.asarray(v) for v in times.values()])
    p50, p99 = np.percentile(every, [50, 99])
    worst = every.max()
    print(f"{label}: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {worst * 1000:.0f} ms")
    for path, values in times.items():
        print(f"    {path:24s} p99 {np.percentile(values, 99) * 1000:7.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=25)
    parser.add_argument("--n", type=int, default=2000, help="N per cell of the two runs")
    args = parser.parse_args()
    token, port = secrets.token_urlsafe(32), free_port()
    with tempfile.TemporaryDirectory(prefix="escalade-bench-") as folder:
        server = start_server(Path(folder), port, token)
        headers = {"X-Escalade-Token": token}
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120
            ) as client:
                wait_up(client)
                body = {"scenario": "kursk-mini", "n": 200}
                job = client.post("/api/runs", json=body).json()["id"]
                while client.get(f"/api/runs/{job}").json()["status"] not in ("done", "failed"):
                    time.sleep(0.2)
                for path in PATHS:  # the first render of a page is cached: time it apart
                    started = time.perf_counter()
                    client.get(path.format(job=job))
                    print(f"first {path}: {(time.perf_counter() - started) * 1000:.0f} ms")
                report("no runs going", load(client, job, args.requests, args.concurrency))
                body = {"scenario": "dprk-troops-2024", "n": args.n}
                jobs = [client.post("/api/runs", json=body).json()["id"] for _ in range(2)]
                while any(client.get(f"/api/runs/{j}").json()["progress"] == 0 for j in jobs):
                    time.sleep(0.2)
                times = load(client, jobs[0], args.requests, args.concurrency)
                still = [client.get(f"/api/runs/{j}").json()["status"] for j in jobs]
                report(f"two runs going (at the end: {', '.join(still)})", times)
                for j in jobs:  # let them finish: the server waits for running jobs
                    while client.get(f"/api/runs/{j}").json()["status"] not in ("done", "failed"):
                        time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
