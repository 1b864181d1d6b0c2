"""``escalade serve``: the dashboard on 127.0.0.1 (FastAPI + uvicorn, the ``web`` extra)."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path
from typing import Any

from escalade.errors import DependencyNotInstalled, UsageError


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
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (127.0.0.1); any other is reachable from the network: see "
        "docs/security.md",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name accepted besides localhost/127.0.0.1/::1 (repeatable; * for any)",
    )
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


def _check_store(store: Path) -> None:
    if store.is_dir():
        raise UsageError(
            f"--store: expected a results store file (.duckdb), found a directory "
            f"{store.name!r}; hint: pass a file name, e.g. --store {store.name}/escalade.duckdb"
        )
    if store.exists() and not store.is_file():
        raise UsageError(f"--store: expected a regular file, found a special file {store.name!r}")


def _check_port(host: str, port: int) -> None:
    """Refuse, before printing an address to open, a port that cannot be bound."""
    if not 0 < port < 65536:
        raise UsageError(
            f"--port: expected a port number from 1 to 65535, found {port}; hint: the default "
            "is 8000"
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                found = f"port {port} on {host} already in use (another escalade serve?)"
                hint = f"choose another with --port {port + 1}, or stop the other server"
            else:
                found = f"{host}:{port} cannot be bound ({exc.strerror or exc})"
                hint = "check --host and --port (ports below 1024 need privileges)"
            raise UsageError(f"--port: expected a free port, found {found}; hint: {hint}") from exc


def _banner(host: str, port: int, token: str) -> str:
    from escalade.web.security import is_loopback

    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # noqa: S104 - names what was bound
        shown = "127.0.0.1"
    url = f"http://{shown}:{port}/?token={token}"
    lines = [f"escalade dashboard: open {url}"]
    if not is_loopback(host):
        lines = [
            f"WARNING: the dashboard is bound to {host}, reachable from other machines. "
            "Anyone holding the token can run simulations and upload scenarios, and the "
            "traffic is not encrypted. Bind 127.0.0.1 (the default) unless you mean it; "
            "see docs/security.md. Requests must name an --allow-host (or use * ).",
            *lines,
        ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn."""
    try:
        import uvicorn

        from escalade.web.app import Settings, create_app
        from escalade.web.security import new_token
        from escalade.web.server import server_config
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyNotInstalled(exc.name or "fastapi", "web") from exc
    _check_store(args.store)
    _check_port(args.host, args.port)
    token = os.environ.get("ESCALADE_TOKEN") or new_token()
    settings = Settings(
        roots=tuple(args.root),
        scenarios=tuple(args.scenarios),
        store=args.store,
        max_n=args.max_n,
        max_jobs=args.max_jobs,
        uploads=args.uploads,
        max_uploads=args.max_uploads,
        token=token,
        allow_hosts=tuple(args.allow_host),
    )
    app = create_app(settings)
    print(_banner(args.host, args.port, token), file=sys.stderr, flush=True)
    uvicorn.Server(server_config(app, args.host, args.port)).run()
    return 0
