"""``escalade commit SCENARIO --side SIDE``: what declaring each strategy gives away."""

from __future__ import annotations

import argparse
import json
import math
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
    parser.add_argument(
        "--side-players",
        nargs="+",
        metavar="ACTOR",
        default=None,
        help="the side's actors who choose in the unconstrained game (default: all)",
    )
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
        compiled,
        args.side,
        horizon=args.horizon,
        node_limit=args.node_limit,
        side_players=args.side_players,
    )
    if args.json:
        out = {
            "side": result.side,
            "horizon": result.horizon,
            "strategies": [
                {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
                for row in result.table.to_dict(orient="records")
            ],
            "unconstrained": result.unconstrained,
            "unconstrained_note": result.unconstrained_note,
        }
        print(json.dumps(out, indent=2))
        return 0
    console = rich_console()
    table = result.table
    shown = [
        c
        for c in table.columns
        if c in ("strategy", "declared", "gain_from_knowing", "unplanned", "nodes")
        or (c.startswith("value_") and c != "value_neutral")
    ]
    console.print(
        dataframe_table(
            table[shown],
            title=f"Declared strategies of {result.side} against the best response "
            f"(horizon {result.horizon})",
            formats={c: ".4g" for c in shown if c.startswith(("value_", "gain", "unplanned"))},
        )
    )
    for strategy, moves in zip(table["strategy"], table["equilibrium_moves"], strict=True):
        console.print(f"{strategy}: the other side's moves: {moves or 'none'}")
    if result.unconstrained is not None:
        values = ", ".join(f"{k} {v:.4g}" for k, v in result.unconstrained.items())
        console.print(f"unconstrained best play (both sides choosing): {values}")
        console.print(
            "gain_from_knowing: the other side's value best-responding to the declared strategy "
            "minus its value playing its unconstrained-equilibrium plan against it"
        )
        if (table["unplanned"] > 0.05).any():
            console.print(
                "[yellow]warning:[/yellow] where 'unplanned' is large, play reaches states the "
                "unconstrained game does not contain (the other side holds there): that "
                "gain_from_knowing is unreliable; make the side's actors that the strategy "
                "moves --side-players"
            )
    else:
        console.print(f"unconstrained best play: not computed ({result.unconstrained_note})")
    return 0
