"""Shared pytest configuration: the ``--regen-golden`` switch and common paths."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_SOURCES = ROOT.parent / "shared" / "sources"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden instead of comparing with them",
    )


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture
def golden(regen_golden: bool):
    """Compare text with a golden file, or rewrite it under ``--regen-golden``."""

    def check(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if regen_golden or not path.exists():
            if not regen_golden:
                pytest.fail(f"golden file {path.name} is missing: run pytest --regen-golden")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file (pytest --regen-golden)"

    return check


@pytest.fixture
def wait_for_job() -> Callable[[Any, str], dict[str, Any]]:
    """Poll a dashboard client's ``/api/runs/{id}`` until the job is done or failed (60 s)."""

    def wait(client: Any, jid: str) -> dict[str, Any]:
        for _ in range(1200):
            job: dict[str, Any] = client.get(f"/api/runs/{jid}").json()
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {jid} did not finish within 60 s")

    return wait
