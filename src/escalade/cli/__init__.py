"""The ``escalade`` command line: thin, no model logic.

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``, which adds an ``argparse`` parser whose ``func``
default takes the parsed namespace and returns an exit status. Modules are
discovered, so adding a command means adding a module.

Building the parser imports every command module, so a command module imports
at its top only the standard library and light escalade modules; the numerical
stack (NumPy, SciPy, pandas, DuckDB, Plotly), rich, the scenario layer and the
engine are imported inside the function that runs the command. ``escalade
--help`` then answers in about a tenth of a second, and
``tests/unit/test_cli_imports.py`` keeps it so.

Exit statuses: 0 success; 1 a check failed (e.g. ``verify --strict``) or an
unexpected escalade error; 2 invalid user input (``EscaladeError.exit_code``);
3 a missing optional dependency; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence

from escalade._version import __version__
from escalade.cli._common import error_text
from escalade.cli._locate import located
from escalade.errors import EscaladeError, SimulationError

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every discovered subcommand."""
    parser = argparse.ArgumentParser(
        prog="escalade",
        description="Analyse escalation crises: validate, simulate, solve, explore, report.",
    )
    parser.add_argument("--version", action="version", version=f"escalade {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (without the program name); ``sys.argv[1:]`` by default.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return int(exc.code) if isinstance(exc.code, int) else 2
    func: Handler | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except EscaladeError as exc:  # parameter names become the command's flags
        names = getattr(args, "flag_names", None)
        text = error_text(exc, names)
        if isinstance(exc, SimulationError):  # the engine names the element, not the file
            text = located(text, getattr(args, "scenario", None))
        print(f"escalade: error: {text}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("escalade: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. ``| head``): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def entry_point() -> None:  # pragma: no cover - thin wrapper for the console script
    """Console-script entry point."""
    sys.exit(main())
