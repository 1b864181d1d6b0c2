"""What a user waits for, measured side by side in one run (never asserted in tests).

Prints wall and CPU seconds (CPU of the command and every process it waited
for) of:

* ``escalade --help`` and ``escalade validate dprk-troops-2024``;
* ``escalade run dprk-troops-2024`` with its defaults (N = 2,000 per cell,
  12 cells, store and report in a temporary folder), and how soon its progress
  bar appears on a terminal (a pseudo-terminal here);
* one rules-only cell against the ``opportunist`` cell (``best_response``) at
  the same N, in one process;
* the rules cell (graduated x dominance) on the NumPy path against the compiled
  kernel (``ESCALADE_KERNEL=numba``, the ``kernel`` extra), actor-decisions per
  CPU second;
* ``escalade simulate dprk-troops-2024 --n N`` with ``--workers 1`` against
  the default worker count, at N = 10^4, 10^5, 10^6;
* building the report of the default run (tables, figures, HTML), best of
  ``--repeat`` (at least 3);

with the machine's load average before and after. Every figure is measured in
a fresh interpreter, so ``--baseline SRC`` (a ``src`` folder of another
checkout) times that code in the same run, side by side.

Run: ``python benchmarks/user.py [--quick] [--repeat 3] [--baseline OTHER/src]``.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import escalade

SCENARIO = "dprk-troops-2024"
HERE = str(Path(escalade.__file__).parents[1])
SECTIONS = ["cli", "run", "cells", "rollouts", "kernel", "workers", "report"]

CELL = """
import json, sys, time
from escalade.engine import simulate
from escalade.engine.executors import SequentialExecutor
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario
compiled = compile_scenario(load_scenario(sys.argv[1]))
n = int(sys.argv[2])
out = {}
cells = {"rules": ("graduated", "mirror"), "opportunist": ("graduated", "opportunist")}
for name, cell in cells.items():
    simulate(compiled, strategy=cell[0], mindset=cell[1], n=1024, seed=1,
             executor=SequentialExecutor(), keep_traces=0)
    wall, cpu = time.perf_counter(), time.process_time()
    simulate(compiled, strategy=cell[0], mindset=cell[1], n=n, seed=1,
             executor=SequentialExecutor(), keep_traces=0)
    out[name] = (time.perf_counter() - wall, time.process_time() - cpu)
print(json.dumps(out))
"""

ROLLOUTS = """
import json, resource, sys, time
from escalade.engine import simulate
from escalade.engine.executors import SequentialExecutor
from pathlib import Path
import escalade.scenario.catalog as catalog
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import compile_scenario
path = str(Path(catalog.__file__).parent / (sys.argv[1] + ".yaml"))
text = open(path, encoding="utf-8").read()
spec = "depth: 2, samples: " + sys.argv[3] + ", stop: " + sys.argv[4] + "}"
compiled = compile_scenario(loads_scenario(text.replace("depth: 2, samples: 2}", spec), file=path))
n = int(sys.argv[2])
cell = dict(strategy="graduated", mindset="opportunist", seed=1, keep_traces=0)
simulate(compiled, n=256, executor=SequentialExecutor(), **cell)
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
wall, cpu = time.perf_counter(), time.process_time()
simulate(compiled, n=n, executor=SequentialExecutor(), **cell)
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu, faults]))
"""

KERNEL = """
import json, os, sys, time
from escalade.engine import simulate
from escalade.engine.executors import SequentialExecutor
from escalade.engine.kernel.player import KernelPlayer
from escalade.engine.vectorised import RoundPlayer
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario
compiled = compile_scenario(load_scenario(sys.argv[1]))
n = int(sys.argv[2])
kw = dict(strategy="graduated", mindset="dominance", seed=1, executor=SequentialExecutor(),
          keep_traces=0)
rounds = [0.0]
def timed(play):
    def wrapper(*args, **kwargs):
        cpu = time.process_time()
        try:
            return play(*args, **kwargs)
        finally:
            rounds[0] += time.process_time() - cpu
    return wrapper
KernelPlayer.play = timed(KernelPlayer.play)
RoundPlayer.play = timed(RoundPlayer.play)
simulate(compiled, n=256, **kw)  # loads (or compiles) the kernel outside the timing
rounds[0] = 0.0
cpu = time.process_time()
simulate(compiled, n=n, **kw)
used = time.process_time() - cpu
decisions = n * compiled.horizon * len(compiled.actors)
print(json.dumps([decisions / used, decisions / rounds[0]]))
"""

REPORT = """
import json, sys, time
from escalade.report.html import render_html
from escalade.report.run_report import run_report
from escalade.workflows.run import RunOptions, run_scenario
outcome = run_scenario(sys.argv[1], RunOptions(n=2000, store=None, out=None, workers=1))
best = (float("inf"), float("inf"))
for _ in range(int(sys.argv[2])):
    wall, cpu = time.perf_counter(), time.process_time()
    render_html(run_report(outcome.result_set))
    best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
print(json.dumps(best))
"""


def _env(src: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": src, "COLUMNS": "120"}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: Sequence[str], src: str) -> tuple[float, float]:
    """Wall and CPU seconds of one command in a fresh interpreter."""
    cpu = _children_cpu()
    wall = time.perf_counter()
    subprocess.run(
        argv, env=_env(src), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - wall, _children_cpu() - cpu


def escalade_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "escalade", *args]


def median_of(argv: Sequence[str], src: str, repeat: int) -> tuple[float, float]:
    runs = [timed(argv, src) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def first_progress(argv: Sequence[str], src: str, markers: Sequence[bytes]) -> tuple[float, float]:
    """Seconds until one of ``markers`` appears on the command's terminal, and its wall time."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=_env(src), stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL
    )
    os.close(slave)
    seen: list[float] = []
    buffer = b""

    def drain() -> None:
        nonlocal buffer
        while True:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                buffer += chunk
                if not seen and any(m in buffer for m in markers):
                    seen.append(time.perf_counter() - start)
            elif proc.poll() is not None:
                return

    reader = threading.Thread(target=drain)
    reader.start()
    proc.wait()
    total = time.perf_counter() - start
    reader.join()
    os.close(master)
    return (seen[0] if seen else float("nan")), total


def snippet(
    code: str, src: str, *args: str, kernel: str = "numpy", malloc: str = "escalade"
) -> Any:
    """Run ``code`` in a fresh interpreter on ``src``; the JSON of its last line."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**_env(src), "ESCALADE_KERNEL": kernel, "ESCALADE_MALLOC": malloc},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def cells(src: str, n: int, kernel: str = "numpy") -> dict[str, tuple[float, float]]:
    figures = snippet(CELL, src, SCENARIO, str(n), kernel=kernel)
    return {k: (v[0], v[1]) for k, v in figures.items()}


def kernel_rate(src: str, mode: str, n: int) -> tuple[float, float]:
    """Actor-decisions per CPU second of the rules cell on the NumPy path or the kernel.

    The whole simulation, and its rounds alone (what the kernel replaces: the
    rest, uniforms and outcome bookkeeping, is the same NumPy code on both paths).
    """
    whole, rounds = snippet(KERNEL, src, SCENARIO, str(n), kernel=mode)
    return float(whole), float(rounds)


def report_build(src: str, repeat: int) -> tuple[float, float]:
    """Best wall and CPU seconds of building the run report (document and HTML)."""
    wall, cpu = snippet(REPORT, src, SCENARIO, str(repeat))
    return float(wall), float(cpu)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def row(label: str, figures: Sequence[tuple[float, float]]) -> str:
    cells_ = " | ".join(f"{w:7.2f} s wall {c:6.2f} s CPU" for w, c in figures)
    return f"{label:<44} | {cells_}"


def cli_section(sources: list[str], repeat: int) -> None:
    python = [sys.executable, "-c", "pass"]
    print(row("python -c pass", [median_of(python, s, repeat) for s in sources]))
    print(row("escalade --help", [median_of(escalade_cmd("--help"), s, repeat) for s in sources]))
    validate = escalade_cmd("validate", SCENARIO)
    print(row(f"escalade validate {SCENARIO}", [median_of(validate, s, repeat) for s in sources]))


def run_section(sources: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        shown = []
        for k, src in enumerate(sources):
            folder = Path(tmp) / str(k)
            folder.mkdir()
            argv = escalade_cmd(
                "run", SCENARIO, "--out", str(folder / "report"), "--store", str(folder / "s.db")
            )
            runs.append(timed(argv, src))
            shown.append(first_progress(argv, src, (b"loading", b"simulating"))[0])
        print(row(f"escalade run {SCENARIO} (defaults)", runs))
        print(f"{'  progress bar shown after':<44} | " + " | ".join(f"{s:7.2f} s" for s in shown))


def cells_section(sources: list[str]) -> None:
    for n in (2_000, 20_000):
        results = [cells(src, n) for src in sources]
        print(row(f"rules cell (graduated x mirror), N={n:,}", [r["rules"] for r in results]))
        print(
            row("opportunist cell (graduated x opportunist)", [r["opportunist"] for r in results])
        )
        print(
            f"{'  opportunist / rules (CPU)':<44} | "
            + " | ".join(f"{r['opportunist'][1] / r['rules'][1]:7.1f}x" for r in results)
        )


def rollouts_section(sources: list[str]) -> None:
    """The opportunist cell: glibc's allocator settings, and the adaptive stop at samples 8."""
    for malloc in ("system", "escalade"):
        args = (SCENARIO, "2000", "2", "all")
        figures = [snippet(ROLLOUTS, s, *args, malloc=malloc) for s in sources]
        print(row(f"opportunist N=2,000, allocator: {malloc}", [(f[0], f[1]) for f in figures]))
        print(f"{'  minor page faults':<44} | " + " | ".join(f"{f[2]:>9,}" for f in figures))
    for stop in ("all", "separated"):
        figures = [snippet(ROLLOUTS, s, SCENARIO, "2000", "8", stop) for s in sources]
        print(row(f"opportunist samples 8, stop: {stop}, N=2,000", [(f[0], f[1]) for f in figures]))


def workers_section(sources: list[str], sizes: Sequence[int]) -> None:
    for n in sizes:
        args = ("simulate", SCENARIO, "--n", str(n))
        one = [timed(escalade_cmd(*args, "--workers", "1"), s) for s in sources]
        default = [timed(escalade_cmd(*args), s) for s in sources]
        print(row(f"simulate --n {n:,} --workers 1", one))
        print(row(f"simulate --n {n:,} (default workers)", default))
        print(
            f"{'  default / workers 1 (wall)':<44} | "
            + " | ".join(f"{d[0] / o[0]:7.2f}x" for d, o in zip(default, one, strict=True))
        )


def kernel_section(sources: list[str], n: int) -> None:
    rates = {mode: [kernel_rate(s, mode, n) for s in sources] for mode in ("numpy", "numba")}
    for mode, figures in rates.items():
        label = f"rules cell, ESCALADE_KERNEL={mode}, N={n:,}"
        print(
            f"{label:<44} | "
            + " | ".join(
                f"{w / 1e6:6.2f} M actor-decisions/CPU s ({r / 1e6:.2f} M in its rounds)"
                for w, r in figures
            )
        )
    ratios = [
        f"{k[0] / p[0]:6.2f}x ({k[1] / p[1]:.2f}x in the rounds)"
        for k, p in zip(rates["numba"], rates["numpy"], strict=True)
    ]
    print(f"{'kernel / NumPy path':<44} | " + " | ".join(ratios))
    # The opportunist cell: its own rounds stay NumPy, its rollouts play in the kernel.
    for mode in ("numpy", "numba"):
        figures = [cells(s, 2_000, kernel=mode)["opportunist"] for s in sources]
        print(row(f"opportunist cell N=2,000, ESCALADE_KERNEL={mode}", figures))


def report_section(sources: list[str], repeat: int) -> None:
    figures = [report_build(s, max(repeat, 3)) for s in sources]
    print(row("report build of the default run (best)", figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 10^4 and 10^5 only, repeat 1")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the short commands (3)")
    parser.add_argument("--baseline", default=None, help="another checkout's src, timed too")
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, default=SECTIONS, help="sections (all)"
    )
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    sources = [HERE] + ([args.baseline] if args.baseline else [])
    names = ["this checkout"] + (["baseline"] if args.baseline else [])
    print(f"load average before: {load()} ({os.cpu_count()} cores; shared machine)")
    print(f"{'':<44} | " + " | ".join(f"{n:<30}" for n in names))
    if "cli" in args.only:
        cli_section(sources, repeat)
    if "run" in args.only:
        run_section(sources)
    if "cells" in args.only:
        cells_section(sources)
    if "rollouts" in args.only:
        rollouts_section(sources)
    if "kernel" in args.only:
        kernel_section(sources, 10_000 if args.quick else 100_000)
    if "workers" in args.only:
        workers_section(sources, (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000))
    if "report" in args.only:
        report_section(sources, repeat)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
