"""The brief as PDF, printed by a headless Chromium when one is installed.

:func:`write_pdf` runs ``chromium --headless --print-to-pdf`` on the report's
``#brief`` view (the report's print stylesheet shows only the brief when the
URL fragment is ``#print-brief``). The command is an argument list (no
shell); the page is a local file and the report makes no network request.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from escalade.errors import UsageError

__all__ = ["chromium_path", "write_pdf"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def chromium_path() -> str | None:
    """The first Chromium-like browser on ``PATH`` (None if there is none)."""
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(report: Path, target: Path, *, timeout: float = 120.0) -> Path:
    """Print the brief of ``report`` (an HTML run report) to ``target`` as PDF.

    Raises
    ------
    UsageError
        If no Chromium is installed, or printing fails.
    """
    browser = chromium_path()
    if browser is None:
        raise UsageError(
            "pdf: expected a headless Chromium on PATH (chromium, google-chrome), found none; "
            "hint: install chromium, or open the HTML report and print its first page",
            parameter="pdf",
        )
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    url = Path(report).resolve().as_uri() + "?print=brief"
    with tempfile.TemporaryDirectory(prefix="escalade-chromium-") as profile:
        argv = [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=5000",
            f"--print-to-pdf={target}",
            url,
        ]
        done = subprocess.run(  # noqa: S603 - an argument list, no shell; the URL is a local file
            argv, capture_output=True, text=True, timeout=timeout, check=False
        )
    if done.returncode != 0 or not target.exists():
        raise UsageError(
            f"pdf: Chromium could not print {report} (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}",
            parameter="pdf",
        )
    return target
