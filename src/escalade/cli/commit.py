"""``escalade commit SCENARIO --side SIDE``: what declaring each strategy gives away."""

from __future__ import annotations

import argparse
import json
from typing import Any

from escalade.cli._common import rich_console


def register(subparsers: Any) -> None:
    """Add the ``commit`` command."""
    parser = subparsers.add_parser(
        "commit",
        help="commitment analysis: the other side's best response to each declared strategy",
        description=(
            "For each strategy of SIDE, fix that side to it (declared) and solve the scenario's "
            "game for the other side's best response (subgame-perfect); report both sides' values "
            "and, when the game is small enough, the side's unconstrained best play."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO")
    parser.add_argument("--side", required=True, help="the side whose strategies are declared")
    parser.add_argument("--horizon", type=int, default=1, help="rounds of the game (1)")
    parser.add_argument("--node-limit", type=int, default=200_000, help="largest game (200000)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the analysis and print it."""
    from escalade.analysis.commitment import commitment_analysis
    from escalade.report.text import dataframe_table
    from escalade.scenario import load_scenario
    from escalade.scenario.compiled import compile_scenario

    compiled = compile_scenario(load_scenario(args.scenario))
    result = commitment_analysis(
        compiled, args.side, horizon=args.horizon, node_limit=args.node_limit
    )
    if args.json:
        out = {
            "side": result.side,
            "horizon": result.horizon,
            "strategies": result.table.to_dict(orient="records"),
            "unconstrained": result.unconstrained,
            "unconstrained_note": result.unconstrained_note,
        }
        print(json.dumps(out, indent=2))
        return 0
    console = rich_console()
    console.print(
        dataframe_table(
            result.table,
            title=f"Declared strategies of {result.side} against the best response "
            f"(horizon {result.horizon})",
            formats={c: ".4g" for c in result.table.columns if c.startswith("value_")},
        )
    )
    if result.unconstrained is not None:
        values = ", ".join(f"{k} {v:.4g}" for k, v in result.unconstrained.items())
        console.print(f"unconstrained best play (both sides choosing): {values}")
    else:
        console.print(f"unconstrained best play: not computed ({result.unconstrained_note})")
    return 0
