"""Benchmark: how long the run report takes to build, and what a run's pieces cost.

Runs the reference scenario once (``escalade run`` defaults unless given: N = 2,000 per
cell, the 200-point robustness sweep), then builds its HTML report ``--repeat`` times and
prints, side by side:

1. the report build as ``escalade run`` does it now (figures from plain trace mappings, one
   shared page template, one plotly.js bundle), split into building the document and
   rendering the HTML, CPU and wall time, best of the repeats;
2. what validating the same figures with the ``plotly_white`` template copied into each
   one costs, as the report did before on top of building them (now skipped);
3. the run's own parts, once: simulating the cells, the robustness sweep, the report.

Run:  python benchmarks/report.py [--n 2000] [--sweep 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

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


def main() -> None:
    """Run, then time the report build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--sweep", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
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


if __name__ == "__main__":
    main()
