"""Pieces shared by the commands: execution options, progress bars, consoles."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from escalade.errors import EscaladeError

if TYPE_CHECKING:  # rich is imported when a command prints, not when the parser is built
    from rich.console import Console

__all__ = [
    "Bar",
    "add_execution_arguments",
    "add_memory_argument",
    "checked_workers",
    "console_width",
    "error_text",
    "flag",
    "memory_budget",
    "progress_bar",
    "rich_console",
]


def flag(parameter: str, names: Mapping[str, str] | None = None) -> str:
    """The command-line flag of a library parameter: ``chunk_size`` -> ``--chunk-size``.

    ``names`` holds a command's exceptions, e.g. ``{"keep_traces": "--traces"}``.
    """
    given = (names or {}).get(parameter)
    return given if given is not None else "--" + parameter.replace("_", "-")


def error_text(exc: EscaladeError, names: Mapping[str, str] | None = None) -> str:
    """An escalade error's message with the parameters it names shown as flags.

    A command whose flags differ from the library's parameter names registers them
    with ``parser.set_defaults(flag_names={...})``; :func:`escalade.cli.main` passes them.
    """
    return exc.render_parameters(lambda parameter: flag(parameter, names))


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 problem``, ``2 problems``: a count with its noun in the right number."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def add_execution_arguments(parser: argparse.ArgumentParser, *, default_n: int) -> None:
    """Add ``--n --seed --chunk-size --workers --scheduler`` to a command."""
    parser.add_argument(
        "--n", type=int, default=default_n, help=f"trajectories per cell ({default_n})"
    )
    parser.add_argument("--seed", type=int, default=2024, help="root seed (2024)")
    parser.add_argument(
        "--chunk-size", type=int, default=20_000, help="trajectories per task (20000)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="local worker processes (all cores)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDR",
        default=None,
        help="a Dask scheduler, e.g. tcp://127.0.0.1:8786",
    )
    add_memory_argument(parser)


def add_memory_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--memory SIZE`` (the memory budget runs are checked against)."""
    parser.add_argument(
        "--memory",
        metavar="SIZE",
        default=None,
        help="memory budget, e.g. 4G (half of this machine); larger runs are refused up front",
    )


def memory_budget(args: argparse.Namespace) -> int | None:
    """The ``--memory`` budget in bytes (None: the default, half of the machine)."""
    from escalade.engine.memory import parse_size

    return None if args.memory is None else parse_size(args.memory)


def checked_workers(args: argparse.Namespace) -> int | None:
    """``--workers``, capped at the core count with a note on standard error."""
    from escalade.engine.memory import usable_workers

    workers: int | None = args.workers
    capped = usable_workers(workers)
    if capped != workers:
        print(
            f"note: --workers {workers} is more than this machine's {capped} cores; "
            f"using {capped} worker processes",
            file=sys.stderr,
        )
    return capped


PIPED_WIDTH = 160
"""Columns of a table printed to a pipe or file (a terminal's own width is used otherwise)."""


def console_width() -> int | None:
    """The width tables are printed at: ``None`` (the terminal's) on a terminal, else wide.

    Piped or redirected output is not cut to 80 columns (rich's default without a
    terminal), which wraps every cell of a wide table: it is ``$COLUMNS`` when
    that is a positive number, else :data:`PIPED_WIDTH`.
    """
    if sys.stdout.isatty():
        return None
    given = os.environ.get("COLUMNS", "").strip()
    return int(given) if given.isdigit() and int(given) > 0 else PIPED_WIDTH


def rich_console() -> Console:
    """A console on standard output (plain and :func:`console_width` wide off a terminal)."""
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, emoji=False, width=console_width())


class Bar:
    """What :func:`progress_bar` yields: ``bar(k)`` advances by ``k``; ``restart`` relabels."""

    def __init__(self, progress: Any, task: Any) -> None:
        self._progress = progress
        self._task = task

    def __call__(self, k: int) -> None:
        """Advance by ``k``."""
        self._progress.advance(self._task, k)

    def restart(self, *, total: int, label: str) -> None:
        """Start counting again from 0 up to ``total`` under ``label``."""
        self._progress.reset(self._task, total=total, description=label)


@contextmanager
def progress_bar(*, total: int | None, label: str) -> Iterator[Bar]:
    """Yield a :class:`Bar`; it is drawn on standard error when that is a terminal.

    ``total`` None draws a bar without an end (e.g. while a scenario loads),
    until :meth:`Bar.restart` gives one.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    err = Console(file=sys.stderr)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not sys.stderr.isatty(),
        transient=True,
    )
    task = progress.add_task(label, total=total)
    with progress:
        yield Bar(progress, task)
