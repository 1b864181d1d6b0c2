"""``escalade run SCENARIO``: every strategy against every mindset, stored and reported."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from escalade.cli._common import (
    Bar,
    add_execution_arguments,
    checked_workers,
    memory_budget,
    progress_bar,
    rich_console,
)


def register(subparsers: Any) -> None:
    """Add the ``run`` command.

    Long on purpose: one ``add_argument`` per flag, nothing else.
    """
    parser = subparsers.add_parser(
        "run",
        help="compare the focal side's strategies against every mindset; store and report",
        description=(
            "Simulate every strategy of the focal side against every mindset of the other side, "
            "rank the strategies (expected utility with 95% intervals, threshold-crossing "
            "probabilities, worst case over mindsets, minimax regret), save the run to the DuckDB "
            "store and write a self-contained HTML report."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file or catalog id")
    parser.add_argument(
        "--strategies", nargs="+", metavar="ID", help="strategies to compare (default: all)"
    )
    parser.add_argument(
        "--mindsets", nargs="+", metavar="ID", help="mindsets to face (default: all)"
    )
    parser.add_argument(
        "--rank-by",
        metavar="ID",
        default=None,
        help=(
            "rank by the utility of this side (its actors' weighted sum, see 'weights' in the "
            "scenario's sides) or of this one actor (default: the focal side)"
        ),
    )
    add_execution_arguments(parser, default_n=2000)
    parser.add_argument("--out", type=Path, default=Path("escalade-report"), help="report folder")
    parser.add_argument(
        "--store", type=Path, default=Path("escalade.duckdb"), help="results store file"
    )
    parser.add_argument("--no-store", action="store_true", help="do not save the run in the store")
    parser.add_argument("--no-report", action="store_true", help="do not write the HTML report")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON summary on standard output"
    )
    parser.add_argument(
        "--sweep",
        type=int,
        default=200,
        metavar="POINTS",
        help="Latin-hypercube points of the robustness sweep in the brief (200; 0: none)",
    )
    parser.add_argument(
        "--sweep-trajectories",
        type=int,
        default=2,
        metavar="K",
        help="trajectories per sweep point and cell (2); the one-at-a-time sweeps use 4 K",
    )
    parser.add_argument(
        "--pdf", action="store_true", help="also write the brief as brief.pdf (headless Chromium)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the comparison, save it, report it."""
    # The bar shows first (a user sees the command working within a fraction of a
    # second), then the scenario layer and the engine load.
    with progress_bar(total=None, label=f"loading {args.scenario}") as bar:
        outcome = _simulate(args, bar)
    if outcome.store_problem is not None:
        print(
            f"warning: the run was not stored: {outcome.store_problem}\n"
            f"its results are kept in {outcome.pending} and will be merged into the store the "
            f"next time it is opened for writing (escalade runs import --store {args.store})",
            file=sys.stderr,
        )
    if args.json:
        summary = _summary_json(outcome.result_set, outcome.run_id, outcome.report)
        summary["pending"] = str(outcome.pending) if outcome.pending else None
        print(json.dumps(summary, indent=2, default=str))
    else:
        from escalade.report.brief import brief_text

        console = rich_console()
        console.print(brief_text(outcome.result_set), markup=False, soft_wrap=True)
        _print_tables(console, outcome.result_set, outcome.run_id, outcome.report)
        if outcome.pdf:
            console.print(f"brief: {outcome.pdf}")
    return 0


def _records(df: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in df.to_dict(orient="records")]


def _summary_json(rs: Any, run_id: str | None, report: Path | None) -> dict[str, Any]:
    from escalade.results import tablenames as tn

    prov = rs.provenance
    return {
        "run_id": run_id,
        "scenario": prov.scenario_id,
        "scenario_hash": prov.scenario_hash,
        "n": prov.n,
        "seed": prov.seed,
        "report": str(report) if report else None,
        "rank_by": {
            "kind": prov.rank_kind or "side",
            "id": prov.rank_by if prov.rank_by is not None else prov.focal_side,
            "text": prov.ranked_by,
        },
        "cells": _records(rs.tables[tn.CELLS]),
        "comparison": _records(rs.tables[tn.COMPARISON]),
        "thresholds": _records(rs.tables[tn.THRESHOLDS]),
        "outcomes": _records(rs.tables[tn.OUTCOMES]),
        "robustness": _records(rs.tables.get(tn.ROBUSTNESS, _empty())),
        "explain": _records(rs.tables.get(tn.EXPLAIN_BY_TERM, _empty())),
    }


def _empty() -> Any:
    import pandas as pd

    return pd.DataFrame()


def _print_thresholds(console: Any, thresholds: Any) -> None:
    """The informative thresholds' crossing probabilities, then the report's notes on the others.

    As the report: a threshold never crossed in any cell, or crossed in every one, has no
    column; a line names it.
    """
    from escalade.analysis.brief import fold_thresholds, folded_notes
    from escalade.report.text import dataframe_table

    if thresholds.empty:
        return
    keep, folded = fold_thresholds(thresholds)
    if not keep.empty:
        pct = ".1%"
        cell = keep.apply(
            lambda r: f"{r['probability']:{pct}} [{r['ci_low']:{pct}}–{r['ci_high']:{pct}}]", axis=1
        )
        wide = (
            keep.assign(cell=cell)
            .pivot(index=["strategy", "mindset"], columns="threshold", values="cell")
            .reset_index()
        )
        wide.columns.name = None
        title = "Probability of crossing each informative threshold, 95% interval"
        console.print(dataframe_table(wide, title=title))
    for note in folded_notes(folded):
        console.print(note, markup=False)


def _print_explain(console: Any, tables: Any) -> None:
    """The difference of the top two strategies by utility term and by actor (95% intervals)."""
    from escalade.report.text import dataframe_table
    from escalade.results import tablenames as tn

    comparison = tables[tn.COMPARISON]
    if len(comparison) < 2:
        return
    a, b = (str(s) for s in comparison["strategy"].iloc[:2])
    fmt = dict.fromkeys((a, b, "difference", "ci_low", "ci_high"), ".3g")
    for key, what in ((tn.EXPLAIN_BY_TERM, "utility term"), (tn.EXPLAIN_BY_ACTOR, "actor")):
        table = tables.get(key)
        if table is None or table.empty:
            continue
        title = f"What the answer rests on: {a} − {b} by {what} (95% interval)"
        named = table.rename(columns={"a": a, "b": b})
        console.print(dataframe_table(named, title=title, formats=fmt))


def _print_tables(console: Any, rs: Any, run_id: str | None, report: Path | None) -> None:
    """The run's tables as text.

    Long on purpose: one table after another, no logic to share.
    """
    from escalade.report.text import dataframe_table, first_outcome_note
    from escalade.results import tablenames as tn

    num = ".3g"
    tables = rs.tables
    prov = rs.provenance
    ranked = prov.ranked_by or f"ranked by side {prov.focal_side}"
    console.print(
        dataframe_table(
            tables[tn.COMPARISON],
            title=f"Strategies {ranked} (minimax regret first)",
            formats={"mean_utility": num, "worst_utility": num, "max_regret": num},
        )
    )
    console.print(
        dataframe_table(
            tables[tn.CELLS],
            title=f"Expected utility per mindset, 95% interval ({ranked})",
            formats={
                "utility": num,
                "utility_ci_low": num,
                "utility_ci_high": num,
                "vs_status_quo": num,
            },
        )
    )
    _print_explain(console, tables)
    _print_thresholds(console, tables[tn.THRESHOLDS])
    if not tables[tn.OUTCOMES].empty:
        console.print(
            dataframe_table(
                tables[tn.OUTCOMES],
                title="Outcomes (mean, 95% interval)",
                formats={"mean": num, "ci_low": num, "ci_high": num},
            )
        )
        first = first_outcome_note(tables[tn.OUTCOMES], prov.horizon)
        if first:
            console.print(first, markup=False, highlight=False)
    if run_id:
        console.print(f"saved as run {run_id} (escalade runs show {run_id})")
    if report:
        console.print(f"report: {report}")
    sys.stdout.flush()


def _simulate(args: argparse.Namespace, bar: Bar) -> Any:
    from escalade.workflows.run import RunOptions, plan_run, run_plan

    options = RunOptions(
        strategies=args.strategies,
        mindsets=args.mindsets,
        n=args.n,
        seed=args.seed,
        chunk_size=args.chunk_size,
        workers=checked_workers(args),
        scheduler=args.scheduler,
        memory=memory_budget(args),
        store=None if args.no_store else args.store,
        out=None if args.no_report else args.out,
        sweep=args.sweep,
        sweep_trajectories=args.sweep_trajectories,
        pdf=args.pdf,
        rank_by=args.rank_by,
    )
    plan = plan_run(args.scenario, options)  # every refusal comes before simulating
    bar.restart(total=plan.trajectories, label="simulating")
    return run_plan(plan, progress=bar)
