"""Validation speed on large and hostile scenario files (never asserted in tests).

Prints the time to load and validate a scenario with many options (each with a
``when`` expression naming another option), for 2k to 20k options side by
side, and the time to refuse the 100 KB deep-nesting file of the hardening
review (an apostrophe on an earlier line, then 50,000 open brackets).

Run: ``python benchmarks/validation.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time

from escalade.errors import ScenarioError
from escalade.scenario import loads_scenario

HEADER = """schema_version: 1
id: many-options
title: Many options
calendar: {start: 2024-10-28, step: week, horizon: 12}
sides: [{id: west, name: West}, {id: east, name: East}]
actors:
  - {id: usa, name: United States, side: west}
  - {id: rus, name: Russia, side: east}
arenas:
  - {id: ukraine, name: War, ladder: kahn, parties: [west, east], initial: 12}
variables:
  - {id: position, initial: 0, min: -10, max: 10}
options:
"""


def many_options(count: int) -> str:
    """A valid scenario with ``count`` options, each naming the previous one."""
    lines = [HEADER]
    for i in range(count):
        actor = "usa" if i % 2 == 0 else "rus"
        when = f"taken('o{i - 1}') and position > -5" if i else "round >= 0"
        lines.append(
            f"  - {{id: o{i}, actor: {actor}, arena: ukraine, rung: 12, "
            f'when: "{when}", success: "0.5 + 0.01 * rung(\'ukraine\')"}}\n'
        )
    return "".join(lines)


def deep_nesting() -> str:
    """The review's hostile file: a quote that fools a line scanner, then deep brackets."""
    depth = 50_000
    return "schema_version: 1\ntitle: it's deep\nx: " + "[" * depth + "]" * depth + "\n"


def timed(text: str) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (CPU time is steadier on a shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        loads_scenario(text, file="bench.yaml")
        outcome = "valid"
    except ScenarioError as exc:
        outcome = exc.issues[0].message[:60]
    return time.perf_counter() - started, time.process_time() - cpu, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2k and 4k options only")
    args = parser.parse_args()
    counts = (2_000, 4_000) if args.quick else (2_000, 4_000, 8_000, 20_000)
    print(f"{'options':>8} {'bytes':>10} {'wall s':>8} {'CPU s':>8} {'CPU s/1k':>9}  outcome")
    for count in counts:
        text = many_options(count)
        seconds, cpu, outcome = timed(text)
        per_1k = cpu / count * 1000
        print(f"{count:>8,} {len(text):>10,} {seconds:>8.2f} {cpu:>8.2f} {per_1k:>9.3f}  {outcome}")
    text = deep_nesting()
    seconds, cpu, outcome = timed(text)
    print(f"\ndeep nesting file: {len(text):,} bytes refused in {seconds:.4f} s wall ({outcome})")


if __name__ == "__main__":
    main()
