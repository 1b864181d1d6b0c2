"""``escalade serve``: the dashboard on 127.0.0.1 (FastAPI + uvicorn, the ``web`` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from escalade.errors import DependencyNotInstalled


def register(subparsers: Any) -> None:
    """Add the ``serve`` command."""
    parser = subparsers.add_parser(
        "serve",
        help="the dashboard: scenarios, runs with live progress, results, comparisons",
        description="Serve the dashboard (bound to 127.0.0.1 unless --host says otherwise).",
    )
    parser.add_argument("scenarios", nargs="*", type=Path, metavar="SCENARIO", help="files")
    parser.add_argument("--root", type=Path, action="append", default=[], help="scenario folder")
    parser.add_argument("--store", type=Path, default=Path("escalade.duckdb"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--max-n", type=int, default=20_000, help="largest N of a run (20000)")
    parser.add_argument("--max-jobs", type=int, default=2, help="runs at the same time (2)")
    parser.add_argument(
        "--uploads",
        type=Path,
        default=None,
        help="folder of uploaded scenarios (default: escalade-uploads next to --store)",
    )
    parser.add_argument(
        "--max-uploads", type=int, default=100, help="most uploaded scenarios kept (100)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn."""
    try:
        import uvicorn

        from escalade.web.app import Settings, create_app
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyNotInstalled(exc.name or "fastapi", "web") from exc
    settings = Settings(
        roots=tuple(args.root),
        scenarios=tuple(args.scenarios),
        store=args.store,
        max_n=args.max_n,
        max_jobs=args.max_jobs,
        uploads=args.uploads,
        max_uploads=args.max_uploads,
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0
