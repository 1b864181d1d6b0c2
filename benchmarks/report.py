"""Benchmark: how long the run report takes to build, and what a run's pieces cost.

Runs the reference scenario once (``escalade run`` defaults unless given: N = 2,000 per
cell, the 200-point robustness sweep), then builds its HTML report ``--repeat`` times and
prints, side by side:

1. the report build as ``escalade run`` does it now (figures from plain trace mappings, one
   shared page template, one plotly.js bundle), split into building the document and
   rendering the HTML, CPU and wall time, best of the repeats;
2. what validating the same figures with the ``plotly_white`` template copied into each
   one costs, as the report did before on top of building them (now skipped);
3. the run's own parts, once: simulating the cells, the robustness sweep, the report;
4. the report's size and how long headless Chromium takes to draw every figure, with the
   plotly.js bundle the report embeds (the smallest that serves its figures) and with the
   full plotly.js, side by side (skipped with ``--no-browser`` or without Chromium).

Run:  python benchmarks/report.py [--n 2000] [--sweep 200] [--repeat 5] [--browser-repeat 7]
      [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from escalade.report.bundle import bundle_for, plotly_js, trace_types
from escalade.report.html import FigureBlock, render_html
from escalade.report.run_report import run_report
from escalade.workflows.run import RunOptions, run_scenario


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best CPU and wall seconds of ``repeat`` calls, and the last result."""
    cpu, wall, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        out = fn()
        cpu, wall = min(cpu, time.process_time() - c), min(wall, time.perf_counter() - w)
    return cpu, wall, out


def validated(document: Any) -> int:
    """Re-build every figure the old way: validated, with the template inside (count them)."""
    count = 0
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, FigureBlock):
                spec = block.figure.to_plotly_json()
                spec["layout"]["template"] = "plotly_white"
                pio.to_json(go.Figure(spec), validate=True)
                count += 1
    return count


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
_DRAWN_JS = """
const plots = document.querySelectorAll('.js-plotly-plot svg.main-svg').length;
const nav = performance.getEntriesByType('navigation')[0];
return [document.documentElement.getAttribute('data-figures'), plots,
        nav ? nav.loadEventEnd : 0, performance.now()];
"""


def _browser() -> Any:
    """A headless Chromium through Selenium (the flags of the browser tests), or None."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return None
    os.environ["SE_OFFLINE"] = "1"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def render_seconds(driver: Any, path: Path) -> tuple[float, float]:
    """Seconds (page clock) from navigation start to the load event and to all figures drawn.

    The report draws the figures of its first screens before the load event and the others
    one per task after it.
    """
    driver.get("about:blank")
    driver.get(path.as_uri())
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        state, _, loaded, now = driver.execute_script(_DRAWN_JS)
        if state == "drawn" and loaded > 0:
            return loaded / 1000, now / 1000
        time.sleep(0.02)
    return float("nan"), float("nan")


def browser_table(document: Any, html: str, figures: int, repeat: int) -> None:
    """Print the report's size and its render times with the embedded and the full bundle.

    The two files are opened in turn, ``repeat`` times each; best and median are printed.
    """
    driver = _browser()
    if driver is None:
        print("\n(no Chromium/chromedriver/selenium: render times skipped)")
        return
    embedded = bundle_for(trace_types(_figures(document)))
    variants = {
        f"{embedded} bundle (as written)": html,
        "full plotly.js": html.replace(plotly_js(embedded), plotly_js("full"), 1),
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for k, (name, text) in enumerate(variants.items()):
                paths[name] = Path(tmp) / f"report-{k}.html"
                paths[name].write_text(text, encoding="utf-8")
            for _ in range(repeat):
                for name, path in paths.items():
                    times[name].append(render_seconds(driver, path))
    finally:
        driver.quit()
    print(f"\nin headless Chromium, 1280 px wide ({repeat} loads each, in turn; {figures} figures)")
    print(f"{'plotly.js':<30}{'MB':>6}{'load event s':>20}{'all drawn s':>20}")
    print(f"{'':<36}{'best':>10}{'median':>10}{'best':>10}{'median':>10}")
    rows = []
    for name, text in variants.items():
        first = sorted(t[0] for t in times[name])
        every = sorted(t[1] for t in times[name])
        row = (len(text.encode("utf-8")) / 1e6, first[0], median(first), every[0], median(every))
        rows.append(row)
        print(f"{name:<30}{row[0]:>6.2f}" + "".join(f"{v:>10.2f}" for v in row[1:]))
    print(f"{'  targets':<30}{2.0:>6.2f}{'':>20}{3.0:>10.2f}")
    ratios = [b / a for a, b in zip(rows[0], rows[1], strict=True)]
    print(
        f"{'  full ÷ embedded':<30}{ratios[0]:>5.2f}×" + "".join(f"{r:>9.2f}×" for r in ratios[1:])
    )


def _figures(document: Any) -> list[Any]:
    return [
        block.figure
        for section in document.sections
        for block in section.blocks
        if isinstance(block, FigureBlock)
    ]


def main() -> None:
    """Run, then time the report build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--sweep", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser-repeat", type=int, default=7, help="loads of each file")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores)")

    timings: dict[str, float] = {}
    c0 = time.process_time()
    outcome = run_scenario(
        "dprk-troops-2024",
        RunOptions(n=args.n, store=None, out=None, workers=1, sweep=0),
    )
    timings["simulate the cells (no sweep)"] = time.process_time() - c0
    c0 = time.process_time()
    outcome = run_scenario(
        "dprk-troops-2024",
        RunOptions(n=args.n, store=None, out=None, workers=1, sweep=args.sweep),
    )
    timings[f"simulate + sweep of {args.sweep} points"] = time.process_time() - c0
    rs = outcome.result_set

    doc_cpu, doc_wall, document = best(lambda: run_report(rs), args.repeat)
    html_cpu, html_wall, html = best(lambda: render_html(document), args.repeat)
    old_cpu, old_wall, figures = best(lambda: validated(document), args.repeat)
    total_cpu, total_wall = doc_cpu + html_cpu, doc_wall + html_wall

    print(f"\nreport of dprk-troops-2024 ({figures} figures, {len(html) / 1e6:.2f} MB HTML)")
    print(f"{'step':<48}{'CPU s':>8}{'wall s':>9}")
    print(f"{'build the document (tables, figures)':<48}{doc_cpu:>8.3f}{doc_wall:>9.3f}")
    print(f"{'render the HTML (JSON, template, plotly.js)':<48}{html_cpu:>8.3f}{html_wall:>9.3f}")
    print(f"{'report build, total':<48}{total_cpu:>8.3f}{total_wall:>9.3f}")
    print(f"{'  target':<48}{0.5:>8.3f}")
    print(f"{'validating them, template in each (now skipped)':<48}{old_cpu:>8.3f}{old_wall:>9.3f}")
    print(f"{'  skipped ÷ build now':<48}{old_cpu / max(total_cpu, 1e-9):>8.2f}×")
    print("\nthe run's parts, once (CPU s):")
    for name, value in timings.items():
        print(f"  {name:<46}{value:>8.2f}")
    alone = timings[f"simulate + sweep of {args.sweep} points"]
    alone -= timings["simulate the cells (no sweep)"]
    print(f"  {'the sweep alone (difference)':<46}{alone:>8.2f}")
    if not args.no_browser:
        browser_table(document, html, figures, args.browser_repeat)


if __name__ == "__main__":
    main()
