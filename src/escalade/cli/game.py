"""``escalade game SCENARIO``: the strategy meta-game, solved (Nash, α-Rank, commitment)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from escalade.cli._common import add_execution_arguments, progress_bar, rich_console


def register(subparsers: Any) -> None:
    """Add the ``game`` command."""
    parser = subparsers.add_parser(
        "game",
        help="the strategy meta-game: Nash equilibria, alpha-Rank and the value of commitment",
        description=(
            "Simulate every strategy against every mindset (common random numbers) and solve the "
            "bimatrix game whose rows are the strategies and whose columns are the mindsets, with "
            "each side's expected utility as its payoff: all Nash equilibria (support "
            "enumeration; degenerate games said), their robustness to sampling noise (bootstrap "
            "over trajectories), alpha-Rank, and each side's optimal mixed commitment "
            "(Stackelberg) against its Nash payoffs."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file or catalog id")
    parser.add_argument("--strategies", nargs="+", metavar="ID", help="rows (default: all)")
    parser.add_argument("--mindsets", nargs="+", metavar="ID", help="columns (default: all)")
    add_execution_arguments(parser, default_n=2000)
    parser.add_argument(
        "--bootstrap", type=int, default=200, help="resamples for robustness, 0 to skip (200)"
    )
    parser.add_argument(
        "--alpha", type=float, default=100.0, help="alpha-Rank intensity on range-scaled payoffs"
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="also save the solved game in this DuckDB results store (a 'game' run)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="write the report game.html in this folder"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def clean(value: Any) -> Any:
    """NaN and infinities as None, recursively (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    """Estimate the meta-game, solve it, print it."""
    from escalade.workflows.game import GameOptions, game_plan_outcome, plan_game

    options = GameOptions(
        strategies=args.strategies,
        mindsets=args.mindsets,
        n=args.n,
        seed=args.seed,
        bootstrap=args.bootstrap,
        alpha=args.alpha,
        chunk_size=args.chunk_size,
        workers=args.workers,
        scheduler=args.scheduler,
        store=args.store,
        out=args.out,
    )
    plan = plan_game(args.scenario, options)  # every refusal comes before simulating
    with progress_bar(total=plan.trajectories, label="simulating") as advance:
        outcome = game_plan_outcome(plan, progress=advance)
    if args.json:
        data = clean(outcome.result.to_dict())
        data.update(run_id=outcome.run_id, report=str(outcome.report) if outcome.report else None)
        print(json.dumps(data, indent=2))
    else:
        print_analysis(rich_console(), outcome.result)
        if outcome.run_id:
            print(f"stored as run {outcome.run_id} in {args.store}")
        if outcome.report:
            print(f"report: {outcome.report}")
    if outcome.pending is not None:
        print(
            f"warning: the store could not be written ({outcome.store_problem}); the results "
            f"are kept in {outcome.pending} and merged the next time the store is opened",
            file=sys.stderr,
        )
    return 0


def _mix(mix: dict[str, float]) -> str:
    return ", ".join(f"{s} {p:.3g}" if p < 1 - 1e-9 else s for s, p in mix.items())


def print_analysis(console: Any, result: Any) -> None:
    """The meta-game's tables as text.

    Long on purpose: one table after another, no logic to share.
    """
    from rich.table import Table

    from escalade.analysis.metagame import run_versus_game

    g = result.game
    payoff = Table(
        title=f"Payoffs ({g.row_side} / {g.col_side}, expected utility ± standard error, "
        f"N = {g.n} per cell, common random numbers)"
    )
    payoff.add_column(f"{g.row_side} \\ {g.col_side}")
    for c in g.cols:
        payoff.add_column(c, justify="right")
    for i, r in enumerate(g.rows):
        payoff.add_row(
            r,
            *(
                f"{g.payoffs[0, i, j]:.4g} ±{g.se[0, i, j]:.2g} / "
                f"{g.payoffs[1, i, j]:.4g} ±{g.se[1, i, j]:.2g}"
                for j in range(len(g.cols))
            ),
        )
    console.print(payoff)
    nash = Table(title=f"Nash equilibria ({len(result.nash)})")
    for column in (g.row_side, g.col_side, f"payoff {g.row_side}", f"payoff {g.col_side}"):
        nash.add_column(column)
    nash.add_column("robustness", justify="right")
    for e in result.nash:
        robust = "" if e["robustness"] is None else f"{e['robustness']:.0%}"
        if e["dimension"]:
            robust += f" (continuum, dim {e['dimension']})"
        nash.add_row(
            _mix(e["profile"][g.row_side]),
            _mix(e["profile"][g.col_side]),
            f"{e['payoffs'][g.row_side]:.4g}",
            f"{e['payoffs'][g.col_side]:.4g}",
            robust,
        )
    console.print(nash)
    if result.note:
        console.print(f"[yellow]note:[/yellow] {result.note}")
    supports = [list(e["profile"][g.row_side]) for e in result.nash]
    sentence = run_versus_game(g.rows, g.payoffs[0], supports)
    console.print(sentence.replace("`", ""), markup=False, highlight=False)
    console.print(
        f"robustness: share of {result.bootstrap} bootstrap resamples of the trajectories in "
        "which the same supports still carry an equilibrium"
        if result.bootstrap
        else "robustness: not computed (--bootstrap 0)"
    )
    ranking = result.alpha_rank
    for side, masses in ranking["by_side"].items():
        ordered = sorted(masses.items(), key=lambda kv: -kv[1])
        console.print(
            f"alpha-Rank ({side}, alpha {ranking['alpha']:g}): "
            + ", ".join(f"{s} {p:.3f}" for s, p in ordered)
        )
    print_commitment(console, result)
    console.print(f"equilibrium computation: {result.seconds:.3f} s")


def print_commitment(console: Any, result: Any, sides: list[str] | None = None) -> None:
    """Each side's optimal commitment against its Nash payoffs."""
    from rich.table import Table

    from escalade.analysis.metagame import fragile_commitment_text

    table = Table(title="The value of commitment (leader commits to a mix, follower sees it)")
    for column in (
        "leader",
        "commits to",
        "follower replies",
        "leader value",
        "best Nash",
        "value of commitment",
        "reply margin ± SE",
    ):
        table.add_column(column)
    for side, c in result.stackelberg.items():
        if sides is not None and side not in sides:
            continue
        table.add_row(
            side,
            _mix(c["commitment"]),
            c["follower_response"],
            f"{c['leader_value']:.4g}",
            f"{c['best_nash_value']:.4g}",
            f"{c['value_of_commitment']:+.4g}",
            _margin(c),
        )
    console.print(table)
    console.print(
        "value of commitment: the leader's Stackelberg value minus its best Nash payoff "
        "(positive: declaring helps; zero: declaring gives nothing away and gains nothing); "
        "reply margin: how much the follower's reply beats its second-best reply under the "
        "commitment (a margin under two standard errors is a tie within the noise)"
    )
    for side, c in result.stackelberg.items():
        text = fragile_commitment_text(c)
        if text and (sides is None or side in sides):
            console.print(f"[yellow]warning:[/yellow] {text}", highlight=False)


def _margin(c: dict[str, Any]) -> str:
    """``0.006 ± 0.04 (fragile)``, or ``-`` without a second reply."""
    if c.get("reply_margin") is None:
        return "-"
    text = f"{c['reply_margin']:.3g} ± {c['reply_margin_se']:.2g}"
    return text + " (fragile)" if c["fragile"] else text
