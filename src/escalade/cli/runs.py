"""``escalade runs``: list, show, export, delete, import and repair the runs in a results store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalade.cli._common import rich_console

if TYPE_CHECKING:  # imported by the actions, not when the parser is built
    from rich.console import Console

    from escalade.results import Store

__all__ = ["DEFAULT_STORE", "register"]

DEFAULT_STORE = "escalade.duckdb"
N_MEANING = (
    "n: trajectories per cell for run, simulate and game; particles per cell for replay; "
    "design points for explore"
)
"""What the ``n`` column counts, by kind of run (printed under ``runs list``)."""


def _console() -> Console:
    # Piped output is not cut to 80 columns: ids and hashes must stay whole.
    return rich_console()


def _store(args: argparse.Namespace, *, read_only: bool = True) -> Store:
    from escalade.results import Store

    return Store(Path(args.store), read_only=read_only)


def _jsonable(value: Any) -> Any:
    """Turn pandas missing values and numpy scalars into JSON values."""
    if isinstance(value, dict | list | tuple):
        return value
    import pandas as pd

    if hasattr(value, "item"):
        value = value.item()
    return None if pd.isna(value) else value


def _list(args: argparse.Namespace) -> int:
    from escalade.report.text import dataframe_table

    with _store(args) as store:
        runs = store.list_runs()
    if args.json:
        rows = [{k: _jsonable(v) for k, v in row.items()} for row in runs.to_dict("records")]
        print(json.dumps(rows, indent=2))
        return 0
    if runs.empty:
        print(f"no runs in {args.store}")
        return 0
    table = dataframe_table(runs, f"Runs in {args.store} (newest first)")
    table.caption = N_MEANING
    table.caption_justify = "left"
    _console().print(table)
    return 0


def _show(args: argparse.Namespace) -> int:
    import pandas as pd

    from escalade.report.text import dataframe_table, mapping_table

    with _store(args) as store:
        info = store.describe(args.id)
        result = store.load(info["id"], allow_incomplete=True)
    if args.json:
        info["tables"] = {
            name: {**info["tables"].get(name, {}), "columns": list(df.columns)}
            for name, df in result.tables.items()
        }
        print(json.dumps({k: _jsonable(v) for k, v in info.items()}, indent=2, default=str))
        return 0
    console = _console()
    # ``key`` (a resumable sweep's) is shown only when the run has one (it read "NA")
    summary = {k: info[k] for k in ("id", "kind", "status", "created", "key") if info[k]}
    console.print(mapping_table({**summary, **info["metadata"]}, f"Run {info['id']}"))
    for name, df in result.tables.items():
        sizes = info["tables"].get(name, {})
        shown = min(args.rows, len(df))
        console.print(f"\n{name}: {sizes.get('rows', len(df))} rows, first {shown}", markup=False)
        flat = df if isinstance(df.index, pd.RangeIndex) else df.reset_index()
        console.print(dataframe_table(flat, max_rows=args.rows))
    return 0


def _export(args: argparse.Namespace) -> int:
    with _store(args) as store:
        files = store.export_parquet(args.id, Path(args.parquet))
    for path in files:
        print(path)
    return 0


def _delete(args: argparse.Namespace) -> int:
    with _store(args, read_only=False) as store:
        run_id = store.describe(args.id)["id"]
        store.delete(run_id)
    print(f"deleted run {run_id}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from escalade.results.pending import pending_bundles

    waiting = len(pending_bundles(args.store))
    with _store(args, read_only=False) as store:
        store.list_runs()  # opening for writing merges the pending results
        merged, unmerged = store.merged, store.unmerged
    print(f"merged {len(merged)} of {waiting} pending results into {args.store}")
    for run_id in merged:
        print(f"  {run_id}")
    for name, problem in unmerged.items():
        print(f"  not merged: {name}: {problem}", file=sys.stderr)
    return 1 if unmerged else 0


def _repair(args: argparse.Namespace) -> int:
    from escalade.results.repair import repair_store

    done = repair_store(args.store)
    if not done.needed:
        print(f"{args.store}: the store opens and reads; nothing to repair")
        return 0
    print(f"moved the damaged store aside to {done.moved_to}")
    if done.unreadable:
        print(f"no run could be read from it ({done.unreadable}); {args.store} is a new store")
        return 1
    print(f"copied {len(done.copied)} runs into a new {args.store}")
    for run_id, problem in done.lost.items():
        print(f"  lost {run_id}: {problem}", file=sys.stderr)
    return 1 if done.lost else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``runs`` command and its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        default=DEFAULT_STORE,
        metavar="FILE",
        help=f"the DuckDB results store (default: ./{DEFAULT_STORE})",
    )
    parser = subparsers.add_parser(
        "runs",
        help="list, show, export, delete, import or repair saved runs",
        description=__doc__.replace("``", "") if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="runs_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="list the runs, newest first",
        description=f"List the runs, newest first. {N_MEANING}.",
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=_list)
    show = actions.add_parser("show", parents=[common], help="show a run's metadata and tables")
    show.add_argument("id", help="run id or an unambiguous prefix")
    show.add_argument("--rows", type=int, default=5, help="rows shown per table (default 5)")
    show.add_argument("--json", action="store_true", help="print JSON instead of tables")
    show.set_defaults(func=_show)
    export = actions.add_parser("export", parents=[common], help="export a run as Parquet")
    export.add_argument("id", help="run id or an unambiguous prefix")
    export.add_argument("--parquet", required=True, metavar="DIR", help="the bundle directory")
    export.set_defaults(func=_export)
    delete = actions.add_parser("delete", parents=[common], help="delete a run")
    delete.add_argument("id", help="run id or an unambiguous prefix")
    delete.set_defaults(func=_delete)
    merge = actions.add_parser(
        "import",
        parents=[common],
        help="merge results kept aside while the store was busy (<store>.pending/)",
    )
    merge.set_defaults(func=_import)
    repair = actions.add_parser(
        "repair",
        parents=[common],
        help="move a damaged store aside and copy the runs it still holds into a new one",
    )
    repair.set_defaults(func=_repair)
