"""``escalade explain SCENARIO --a S1 --b S2``: why one strategy beats another."""

from __future__ import annotations

import argparse
import json
from typing import Any

from escalade.cli._common import add_execution_arguments, progress_bar, rich_console


def register(subparsers: Any) -> None:
    """Add the ``explain`` command."""
    parser = subparsers.add_parser(
        "explain",
        help="split the utility difference of two strategies by utility term and by actor",
        description=(
            "Simulate strategies A and B against the mindsets (common random numbers) and split "
            "the focal side's (or --rank-by's) expected utility difference A - B by utility term "
            "and by actor (each actor as its side weighs it), "
            "with 95% intervals. The terms add up to the total difference."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file or catalog id")
    parser.add_argument("--a", required=True, metavar="S1", help="the first strategy")
    parser.add_argument("--b", required=True, metavar="S2", help="the strategy to compare with")
    parser.add_argument(
        "--mindset", metavar="M", default=None, help="one mindset (default: mean over all)"
    )
    parser.add_argument(
        "--rank-by",
        metavar="ID",
        default=None,
        help="compare the utility of this side or actor (default: the focal side), as in run",
    )
    add_execution_arguments(parser, default_n=2000)
    parser.add_argument("--json", action="store_true", help="print the tables as JSON")
    # the two strategies and the mindset are checked as the library's strategies/mindsets
    parser.set_defaults(func=run, flag_names={"strategies": "--a/--b", "mindsets": "--mindset"})


def run(args: argparse.Namespace) -> int:
    """Simulate the two strategies and print the decomposition."""
    from escalade.analysis.ranking import rank_by
    from escalade.analysis.run import focal_side
    from escalade.report.text import dataframe_table
    from escalade.scenario import load_scenario
    from escalade.workflows.explain import explain_strategies

    scenario = load_scenario(args.scenario)
    rank = rank_by(scenario, args.rank_by, focal_side(scenario))  # fails before simulating
    mindsets = [m.id for m in scenario.mindsets] if args.mindset is None else [args.mindset]
    total = 2 * max(1, len(mindsets)) * args.n
    with progress_bar(total=total, label="simulating") as advance:
        tables = explain_strategies(
            scenario,
            args.a,
            args.b,
            mindset=args.mindset,
            n=args.n,
            seed=args.seed,
            chunk_size=args.chunk_size,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=advance,
            rank_by=args.rank_by,
        )
    if args.json:
        out: dict[str, Any] = {k: v.to_dict(orient="records") for k, v in tables.items()}
        out["rank_by"] = rank.as_dict()
        print(json.dumps(out, indent=2, default=float))
        return 0
    names = {"a": args.a, "b": args.b}
    fmt = dict.fromkeys((args.a, args.b, "difference", "ci_low", "ci_high"), "sig")
    where = f"under {args.mindset}" if args.mindset else "mean over mindsets"
    console = rich_console()
    total_row = tables["total"].iloc[0]
    console.print(f"Compared: {rank.subject()}.")
    console.print(
        f"{args.a} - {args.b} ({where}): {format_sig(total_row['difference'])} "
        f"(95% interval {format_sig(total_row['ci_low'])} to {format_sig(total_row['ci_high'])})"
    )
    for name, title in (("by_term", "By utility term"), ("by_actor", "By actor")):
        console.print(dataframe_table(tables[name].rename(columns=names), title, fmt))
    return 0


def format_sig(value: float) -> str:
    """A signed number to 3 significant digits."""
    from escalade.report.text import sig

    return sig(value, signed=True)
