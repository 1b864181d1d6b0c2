"""Integration fixtures: a real headless Chromium driven through Selenium.

Chromium and its driver come from Debian (``chromium``, ``chromium-driver``). When
either is missing and the tests run as root, they are installed with apt-get
(argv lists, no shell); otherwise the browser tests are skipped with the reason.
Selenium is pointed at ``/usr/bin/chromedriver`` and runs offline, so it never
downloads a driver.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


def _ensure_chromium() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(
            "browser tests need Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver), and we are not root to install them"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "update", "-q"],
        [
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ],
    ):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("apt-get finished but /usr/bin/chromium or /usr/bin/chromedriver is missing")


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A Selenium WebDriver on a fresh headless Chromium profile (session-wide)."""
    _ensure_chromium()
    os.environ["SE_OFFLINE"] = "1"  # Selenium Manager must never download anything
    webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium")
    Service = pytest.importorskip("selenium.webdriver.chrome.service").Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
