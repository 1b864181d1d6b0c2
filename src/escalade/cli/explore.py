"""``escalade explore SCENARIO``: sweep the uncertainties, rank strategies by robustness."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from escalade.cli._common import (
    add_memory_argument,
    checked_workers,
    flag,
    memory_budget,
    progress_bar,
    rich_console,
)


def register(subparsers: Any) -> None:
    """Add the ``explore`` command.

    Long on purpose: one ``add_argument`` per flag, nothing else.
    """
    parser = subparsers.add_parser(
        "explore",
        help="vary every uncertainty; robustness, sensitivity and scenario discovery",
        description=(
            "Sample the scenario's uncertainties (Latin hypercube, Sobol, Morris or full "
            "factorial), simulate every strategy against every mindset at each point, store the "
            "experiments chunk by chunk (a killed sweep resumes with the same command), then rank "
            "the strategies by regret and worst case, compute Sobol or Morris indices and find "
            "PRIM boxes for a condition."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file or catalog id")
    parser.add_argument("--design", choices=["lhs", "sobol", "morris", "factorial"], default="lhs")
    parser.add_argument(
        "--n",
        type=int,
        default=200,
        help="design points (200); for sobol the base sample: N x (2D + 2) points for D "
        "uncertainties (Saltelli), for morris the trajectories: N x (D + 1) points",
    )
    parser.add_argument("--replications", type=int, default=1, help="replications per point (1)")
    parser.add_argument(
        "--trajectories", type=int, default=32, help="trajectories averaged per experiment (32)"
    )
    parser.add_argument("--strategies", nargs="+", metavar="ID", default=[])
    parser.add_argument("--mindsets", nargs="+", metavar="ID", default=[])
    parser.add_argument(
        "--vary",
        nargs="+",
        metavar="NAME=LOW:HIGH",
        default=[],
        help="replace an uncertainty's range (NAME=LOW:HIGH, NAME=LOW:HIGH:int or NAME=A,B,C)",
    )
    parser.add_argument("--sensitivity", choices=["sobol", "morris"], default=None)
    parser.add_argument(
        "--discover",
        metavar="OUTCOME<VALUE",
        default=None,
        help="find PRIM boxes where an outcome's condition holds: OUTCOME<VALUE or >VALUE",
    )
    parser.add_argument(
        "--when-beats",
        metavar="A:B",
        default=None,
        help="CART boxes of the uncertainties and mindsets where strategy B beats strategy A",
    )
    parser.add_argument("--outcome", default=None, help="outcome to rank by (focal side utility)")
    parser.add_argument("--seed", type=int, default=2024, help="root seed (2024)")
    parser.add_argument("--chunk-size", type=int, default=1024, help="experiments per chunk (1024)")
    parser.add_argument("--workers", type=int, default=None, help="local worker processes")
    parser.add_argument("--scheduler", metavar="ADDR", default=None, help="a Dask scheduler")
    add_memory_argument(parser)
    parser.add_argument("--store", type=Path, default=Path("escalade.duckdb"), help="results store")
    parser.add_argument("--no-store", action="store_true", help="do not store the sweep")
    parser.add_argument("--out", type=Path, default=None, help="write explore.html in this folder")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    parser.add_argument(
        "--oat",
        action="store_true",
        help="also sweep each uncertainty alone to both ends of its range (one at a time)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Explore, store, analyse, print."""
    from escalade.workflows.explore import ExploreOptions, explore_scenario

    options = ExploreOptions(
        design=args.design,
        n=args.n,
        replications=args.replications,
        trajectories=args.trajectories,
        strategies=tuple(args.strategies),
        mindsets=tuple(args.mindsets),
        vary=tuple(args.vary),
        sensitivity=args.sensitivity,
        discover=args.discover,
        seed=args.seed,
        chunk_size=args.chunk_size,
        workers=checked_workers(args),
        scheduler=args.scheduler,
        memory=memory_budget(args),
        store=None if args.no_store else args.store,
        out=args.out,
        outcome=args.outcome,
        oat=args.oat,
        when_beats=_pair(args.when_beats),
    )
    state = {"total": 0}
    with progress_bar(total=0, label="exploring") as advance:

        def progress(done: int, _total: int) -> None:
            advance(done - state["total"])
            state["total"] = done

        outcome = explore_scenario(args.scenario, options, progress=progress)
    if args.json:
        out = {
            "run_id": outcome.run_id,
            "report": str(outcome.report) if outcome.report else None,
            "resumed_chunks": outcome.resumed_chunks,
            **outcome.summary,
        }
        print(json.dumps(out, indent=2, default=str))
        return 0
    _print(outcome)
    return 0


def _print(outcome: Any) -> None:
    """The exploration's tables as text.

    Long on purpose: one table after another, no logic to share.
    """
    from escalade.report.text import dataframe_table
    from escalade.results import tablenames as tn

    console = rich_console()
    num = ".3g"
    console.print(f"{outcome.summary['experiments']:,} experiments")
    for warning in outcome.summary.get("warnings", []):
        # a warning names the library's parameters between backticks: show them as flags
        shown = re.sub(r"`([a-z][a-z0-9_]*)`", lambda m: flag(m.group(1)), str(warning))
        console.print(f"warning: {shown}", markup=False)
    console.print(
        dataframe_table(
            outcome.tables[tn.ROBUSTNESS],
            title="Strategies by robustness (regret against the best strategy in each experiment)",
            formats=dict.fromkeys(("mean", "worst", "best", "max_regret", "mean_regret"), num),
        )
    )
    if not outcome.tables[tn.SENSITIVITY].empty:
        console.print(
            dataframe_table(
                outcome.tables[tn.SENSITIVITY],
                title="Sensitivity",
                formats={
                    k: num
                    for k in outcome.tables[tn.SENSITIVITY].columns
                    if k not in ("strategy", "policy", "outcome", "parameter")
                },
            )
        )
    if not outcome.tables[tn.OAT].empty:
        console.print(
            dataframe_table(
                _oat_view(outcome.tables[tn.OAT]),
                title="One at a time: each uncertainty at the ends of its range, others nominal",
                formats={"mean": "sig"},
            )
        )
    _print_discover(console, outcome.summary.get("discover"), outcome.tables)
    _print_when_beats(console, outcome.summary.get("when_beats"), outcome.tables)
    if outcome.run_id:
        console.print(
            f"stored as run {outcome.run_id}"
            + (f" ({outcome.resumed_chunks} chunks resumed)" if outcome.resumed_chunks else "")
        )
    if outcome.report:
        console.print(f"report: {outcome.report}")
    sys.stdout.flush()


def _print_discover(console: Any, summary: Any, tables: Any) -> None:
    """``--discover COND``: the condition, how often it holds, then the PRIM boxes where it does."""
    from escalade.analysis.explore import discover_sentence
    from escalade.report.explore_report import boxes_view
    from escalade.report.text import dataframe_table
    from escalade.results import tablenames as tn

    if not summary:
        return
    condition = summary["condition"]
    console.print(
        discover_sentence(condition, summary["cases"], summary["experiments"]), markup=False
    )
    if not tables[tn.PRIM_BOXES].empty:
        console.print(
            dataframe_table(
                boxes_view(tables[tn.PRIM_BOXES]),
                title=f"PRIM boxes where {condition} holds",
                formats=dict.fromkeys(("coverage", "density", "mass"), ".1%"),
            )
        )


def _print_when_beats(console: Any, summary: Any, tables: Any) -> None:
    """``--when-beats A:B``: how often B beats A, then the boxes where it does."""
    from escalade.analysis.explore import when_beats_sentence
    from escalade.report.explore_report import boxes_view
    from escalade.report.text import dataframe_table
    from escalade.results import tablenames as tn

    if not summary:
        return
    a, b = summary["a"], summary["b"]
    console.print(when_beats_sentence(a, b, summary["share"], summary["cases"]), markup=False)
    boxes = tables[tn.CART_WHEN_BEATS]
    if not boxes.empty:
        console.print(
            dataframe_table(
                boxes_view(boxes),
                title=f"Where {b} beats {a} (CART boxes)",
                formats=dict.fromkeys(("coverage", "density", "mass"), ".1%"),
            )
        )
    elif 0 < summary["share"] < 1:
        console.print(f"No box of the tree holds mostly cases where {b} beats {a}.", markup=False)


def _pair(text: str | None) -> tuple[str, str] | None:
    """``A:B`` as ``(a, b)``; a UsageError naming the flag otherwise."""
    from escalade.errors import UsageError

    if text is None:
        return None
    a, sep, b = text.partition(":")
    if not sep or not a or not b:
        raise UsageError(
            f"--when-beats: expected two strategy ids as A:B, found {text!r} "
            "(hint: give two of the scenario's strategy ids, --when-beats A:B, to see when B "
            "beats A)"
        )
    return a.strip(), b.strip()


def _oat_view(oat: Any) -> Any:
    """The one-at-a-time table as printed: the base row says what it is (it read "NA")."""
    from escalade.report.text import sig

    view = oat.copy()
    base = view["level"] == "base"
    view["parameter"] = view["parameter"].where(~base, "(all nominal)")
    view["value"] = ["" if b else sig(v) for b, v in zip(base, view["value"], strict=True)]
    return view
