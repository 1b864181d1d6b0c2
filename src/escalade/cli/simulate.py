"""``escalade simulate SCENARIO``: Monte Carlo of one strategy against one mindset."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from escalade.cli._common import (
    add_execution_arguments,
    checked_workers,
    memory_budget,
    progress_bar,
    rich_console,
)


def register(subparsers: Any) -> None:
    """Add the ``simulate`` command."""
    parser = subparsers.add_parser(
        "simulate",
        help="simulate a scenario under one strategy and mindset",
        description=(
            "Run N trajectories of a scenario (vectorised Monte Carlo) and print outcome means, "
            "threshold-crossing probabilities (95% intervals), option usage and utilities."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file or catalog id")
    parser.add_argument("--strategy", metavar="ID", help="a strategy of the focal side")
    parser.add_argument("--mindset", metavar="ID", help="a mindset of the other side")
    add_execution_arguments(parser, default_n=10_000)
    parser.add_argument("--traces", type=int, default=0, metavar="K", help="print K full traces")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=run, flag_names={"keep_traces": "--traces"})


def run(args: argparse.Namespace) -> int:
    """Simulate and print."""
    from escalade.engine import render_trace, run_grid
    from escalade.scenario import load_scenario
    from escalade.scenario.compiled import compile_scenario

    compiled = compile_scenario(load_scenario(args.scenario))
    if args.strategy:
        compiled.strategy(args.strategy)
    if args.mindset:
        compiled.mindset(args.mindset)
    cell = (args.strategy, args.mindset)
    with progress_bar(total=args.n, label="simulating") as advance:
        result = run_grid(
            compiled,
            [cell],
            n=args.n,
            seed=args.seed,
            chunk_size=args.chunk_size,
            workers=checked_workers(args),
            scheduler=args.scheduler,
            keep_traces=max(args.traces, 0),
            progress=advance,
            memory=memory_budget(args),
        )[cell]
    if args.json:
        print(result.to_json())
        return 0
    _print(result)
    for trace in result.traces[: args.traces]:
        print(render_trace(trace, compiled))
    return 0


OPTION_NOTE = (
    "usage_rate: share of trajectories that chose the option at least once; success_rate: share "
    "in which it succeeded at least once (not the chance that one attempt succeeds); mean_times: "
    "times chosen per trajectory; refused_per_trajectory: times per trajectory an actor whose "
    "consent it needs refused it"
)


def _print(result: Any) -> None:
    from escalade.report.text import dataframe_table, first_outcome_note

    console = rich_console()
    num, pct = ".4g", ".1%"
    title = f"{result.compiled.scenario.id}: n={result.n}, seed={result.seed}"
    title += f", strategy={result.strategy or 'default'}, mindset={result.mindset or 'default'}"
    console.print(title)
    note = _defaults_note(result.compiled, result.strategy, result.mindset)
    if note:
        console.print(note, markup=False)
    outcomes = result.outcomes()
    if not outcomes.empty:
        console.print(
            dataframe_table(
                outcomes.drop(columns=["n"]),
                title="Outcomes (mean, 95% interval)",
                formats={"mean": num, "sd": num, "ci_low": num, "ci_high": num},
            )
        )
        first = first_outcome_note(outcomes, result.compiled.horizon)
        if first:
            console.print(first, markup=False, highlight=False)
    console.print(
        dataframe_table(
            result.thresholds(),
            title="Probability of crossing each threshold (95% Wilson interval)",
            formats={"probability": pct, "ci_low": pct, "ci_high": pct},
        )
    )
    console.print(
        dataframe_table(
            result.options(),
            title="Option usage (share of trajectories)",
            formats={
                "usage_rate": pct,
                "success_rate": pct,
                "mean_times": ".3g",
                "refused_per_trajectory": ".3g",
            },
        )
    )
    console.print(OPTION_NOTE, markup=False, highlight=False)
    _print_chance(console, result)
    _print_utilities(console, result)


def _print_utilities(console: Any, result: Any) -> None:
    from escalade.report.text import dataframe_table

    num = ".4g"
    console.print(
        dataframe_table(
            result.utilities().drop(columns=["n"]),
            title="Utility per actor (95% interval)",
            formats={"mean": num, "sd": num, "ci_low": num, "ci_high": num},
        )
    )
    sys.stdout.flush()


def _print_chance(console: Any, result: Any) -> None:
    """How often each event fired and each arena's accidents struck (what chance did).

    Only traces showed them: a scenario's chance events and accidents had no summary.
    """
    from escalade.report.text import dataframe_table

    events = result.events()
    if not events.empty:
        console.print(
            dataframe_table(
                events,
                title="Events fired (rate: share of trajectories)",
                formats={"rate": ".1%", "mean_count": ".3g"},
            )
        )
    accidents = result.accidents()
    struck = accidents[
        (accidents["up_per_trajectory"] > 0) | (accidents["down_per_trajectory"] > 0)
    ]
    if not struck.empty:
        console.print(
            dataframe_table(
                struck,
                title="Accidental moves per trajectory",
                formats={"up_per_trajectory": ".3g", "down_per_trajectory": ".3g"},
            )
        )


def _defaults_note(compiled: Any, strategy: str | None, mindset: str | None) -> str | None:
    """One line naming the default policies a cell without strategy or mindset used."""
    scenario = compiled.scenario
    parts, choices = [], []
    for chosen, bundles, flag in (
        (strategy, scenario.strategies, "--strategy"),
        (mindset, scenario.mindsets, "--mindset"),
    ):
        if chosen is None and bundles:
            parts.append({b.side for b in bundles})
            choices.append(f"{flag} {' | '.join(b.id for b in bundles)}")
    if strategy is None and mindset is None:
        parts = [{s.id for s in scenario.spec.sides}]
    sides = set().union(*parts) if parts else set()
    defaults = [
        f"{actor.id} {policy.kind if policy is not None else 'hold'}"
        for actor, policy in zip(scenario.spec.actors, compiled.policies(), strict=True)
        if actor.side in sides
    ]
    if not defaults:
        return None
    line = "default policies (each actor's own): " + ", ".join(defaults)
    return line + (f"; choose with {' and '.join(choices)}" if choices else "")
