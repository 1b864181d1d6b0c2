"""``escalade replay SCENARIO --observed FILE``: score a scenario against what happened."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalade.cli._common import checked_workers, progress_bar, rich_console

if TYPE_CHECKING:
    import rich.table


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from escalade.scenario.messages import date_format_hint, date_reason

        reason = date_reason(text)
        why = f" ({reason})" if reason else f"; hint: {date_format_hint(text)}"
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD, found {text!r}{why}"
        ) from None


def register(subparsers: Any) -> None:
    """Add the ``replay`` command."""
    parser = subparsers.add_parser(
        "replay",
        help="score a scenario against an observed timeline and learn from it",
        description=(
            "Score the scenario's forecasts against an observed timeline (Brier and log scores "
            "beside base-rate and persistence baselines), infer which strategy and mindset "
            "explain the record (a particle filter per cell, with the log marginal likelihood "
            "and its standard error), and re-forecast the rest of the horizon from what is "
            "known at --as-of. See docs/history.md."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file or catalog id")
    parser.add_argument(
        "--observed", type=Path, required=True, metavar="FILE", help="the observed timeline"
    )
    parser.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="condition on the observations known by this date (default: the file's as_of)",
    )
    parser.add_argument(
        "--particles", type=int, default=4096, help="particles per strategy x mindset cell (4096)"
    )
    parser.add_argument(
        "--replicates", type=int, default=8, help="independent filters per cell (8)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="root seed (2024)")
    parser.add_argument("--workers", type=int, default=None, help="local worker processes (1)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--out", type=Path, default=None, help="write replay.html in this folder")
    parser.add_argument(
        "--store", type=Path, default=Path("escalade.duckdb"), help="results store file"
    )
    parser.add_argument("--no-store", action="store_true", help="do not save in the store")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Replay and print."""
    import sys

    from escalade.errors import UsageError
    from escalade.workflows.replay import ReplayOptions, replay_scenario

    if args.particles < 16:
        raise UsageError(f"--particles: expected at least 16, found {args.particles}")
    options = ReplayOptions(
        particles=args.particles,
        seed=args.seed,
        as_of=args.as_of,
        replicates=args.replicates,
        workers=checked_workers(args),
        store=None if args.no_store else args.store,
        out=args.out,
    )
    from escalade.scenario import load_scenario

    spec = load_scenario(args.scenario).spec
    cells = max(1, len(spec.strategies)) * max(1, len(spec.mindsets))
    total = 2 * cells * args.particles  # conditioned and prior filters
    with progress_bar(total=total, label="replaying") as bar:
        outcome = replay_scenario(args.scenario, args.observed, options, progress=bar)
    if outcome.store_problem is not None:
        print(
            f"warning: the replay was not stored: {outcome.store_problem}; kept in "
            f"{outcome.pending}",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(outcome.summary(), indent=2, allow_nan=False))
        return 0
    _print(outcome.summary())
    return 0


def _print(d: dict[str, Any]) -> None:
    from rich.table import Table

    console = rich_console()
    ev = d["log_evidence"]
    console.print(
        f"{d['scenario']}: {len(d['observations'])} observations, conditioned as of "
        f"{d['as_of']}; {d['particles']} particles per cell, seed {d['seed']}, ε={d['epsilon']}"
    )
    console.print(f"log marginal likelihood: {_f(ev['value'])} (MC s.e. {_f(ev['se'])})")
    for part in ("mindsets", "strategies"):
        table = Table(title=f"Posterior over {part}")
        for column in ("id", "prior", "posterior"):
            table.add_column(column)
        for key, p in d["posterior"][part].items():
            table.add_row(key, f"{d['prior'][part][key]:.1%}", f"{p:.1%}")
        console.print(table)
    s = d["scores"]
    table = Table(title="Scores of the prior forecasts (lower is better)")
    for column in ("forecast", "Brier", "log loss"):
        table.add_column(column)
    table.add_row("scenario", _f(s["brier"]), _f(s["log"]))
    for name, b in s["baselines"].items():
        table.add_row(f"baseline: {name}", _f(b["brier"]), _f(b["log"]))
    console.print(table)
    console.print(_record_table(d["observations"]))
    never = _never_produced(d["observations"])
    if never:
        console.print(never, markup=False)
    if d.get("run_id"):
        console.print(f"stored as run {d['run_id']}")
    if d.get("report"):
        console.print(f"report: {d['report']}")


def _record_table(observations: list[dict[str, Any]]) -> rich.table.Table:
    """Forecast vs record; the as-of column only when some fact has an as-of forecast.

    When every fact is on or before the as-of date none has one, and the column was
    printed empty in every row (the report leaves it out then too).
    """
    from rich.table import Table

    as_of = any(o.get("forecast_as_of") is not None for o in observations)
    table = Table(title="Forecast vs record")
    columns = ("id", "fact", "forecast", "observed", "Brier") + (("as-of forecast",) * as_of)
    for column in columns:
        table.add_column(column)
    for o in observations:
        row = [o["id"], o["label"], _f(o["forecast"]), str(o["observed"]), _f(o.get("brier"))]
        table.add_row(*row, *([_f(o.get("forecast_as_of"))] * as_of))
    return table


def _never_produced(observations: list[dict[str, Any]]) -> str:
    """The sentence naming the yes/no facts no prior trajectory produced ("" if none)."""
    import pandas as pd

    from escalade.report.replay_report import never_produced

    ids = never_produced(pd.DataFrame(observations))
    if not ids:
        return ""
    return (
        f"{len(ids)} fact{'s' if len(ids) != 1 else ''} the scenario never produced: "
        f"{', '.join(ids)} (no simulated trajectory of the prior, in any cell, went as the "
        f"record says, so {'each' if len(ids) != 1 else 'it'} weighs heavily in the log score; "
        "see replay.html)"
    )


def _f(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"
