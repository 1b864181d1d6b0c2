"""Shared pytest configuration: the ``--regen-golden`` switch and common paths."""

from __future__ import annotations

from pathlib import Path

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
