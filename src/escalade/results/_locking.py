"""Opening a store file: waiting while another process holds it, naming a damaged file.

DuckDB lets one process at a time open a file for writing (and none while others
read it). :func:`connect` retries with backoff for ``wait`` seconds, then raises
:class:`StoreBusy`; any other DuckDB failure becomes :class:`StoreCorrupt` (a
truncated or damaged file) or a :class:`~escalade.errors.ResultsFormatError`.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb

from escalade.errors import ResultsFormatError

__all__ = [
    "REPAIR_HINT",
    "STORE_WAIT",
    "StoreBusy",
    "StoreCorrupt",
    "connect",
    "damage",
    "default_wait",
    "guarded",
]

STORE_WAIT = 30.0
"""Seconds a store waits for another process to release the file (``ESCALADE_STORE_WAIT``)."""


class StoreBusy(ResultsFormatError):
    """The store stayed locked by another process for the whole wait."""


class StoreCorrupt(ResultsFormatError):
    """The store file is truncated or damaged."""


def default_wait() -> float:
    """``ESCALADE_STORE_WAIT`` if set to a number, else :data:`STORE_WAIT`."""
    try:
        return max(0.0, float(os.environ.get("ESCALADE_STORE_WAIT", STORE_WAIT)))
    except ValueError:
        return STORE_WAIT


def _is_lock(message: str) -> bool:
    return "Could not set lock" in message or "different configuration" in message


def connect(path: Path, *, read_only: bool, wait: float, label: str) -> duckdb.DuckDBPyConnection:
    """Connect, retrying (0.05 s doubling to 1 s) while another process holds the file."""
    deadline, delay = time.monotonic() + wait, 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not _is_lock(str(exc)):
                raise damage(exc, path=path, label=label) from exc
            left = deadline - time.monotonic()
            if left <= 0:
                raise _busy(str(exc), read_only=read_only, wait=wait, label=label) from exc
            time.sleep(min(delay, left))
            delay = min(delay * 2, 1.0)


def _busy(message: str, *, read_only: bool, wait: float, label: str) -> StoreBusy:
    """The message once the wait is over: held by another process, or open here otherwise."""
    if "different configuration" in message:  # only a connection of this same process
        mode = "read-write" if read_only else "read-only"
        return StoreBusy(
            f"{label}: this process still has the store open {mode} after {wait:g} s "
            f"(DuckDB opens a file one way at a time in a process) (hint: close that Store, "
            "or open stores in a `with` block so that they close when done)"
        )
    return StoreBusy(
        f"{label}: another process kept the store locked for {wait:g} s (DuckDB "
        "allows one writing process at a time) (hint: wait for it to finish; set "
        "ESCALADE_STORE_WAIT to wait longer)"
    )


REPAIR_HINT = (
    "repairing it (escalade.results.repair.repair_store, on the command line escalade "
    "runs repair) moves it aside and copies the runs it can still read into a new store; "
    "or move the file aside yourself"
)
"""The hint of a damaged store's message (which ``runs repair`` leaves out of its own)."""


def damage(exc: duckdb.Error, *, path: Path, label: str) -> ResultsFormatError:
    """The store's message for a DuckDB failure (the path replaced by ``label``)."""
    text = str(exc).replace(str(path), label)
    lowered = text.lower()
    if "version" in lowered and "checksum" not in lowered:
        return ResultsFormatError(
            f"{label}: cannot open the DuckDB file ({text}) (hint: upgrade duckdb)"
        )
    if not isinstance(exc, duckdb.IOException) and "corrupt" not in lowered:
        return ResultsFormatError(f"{label}: DuckDB failed: {text}")
    return StoreCorrupt(
        f"{label}: the store file is truncated or damaged ({text}) (hint: {REPAIR_HINT})"
    )


_F = TypeVar("_F", bound=Callable[..., Any])


def guarded(method: _F) -> _F:
    """Turn DuckDB errors of a store method into the store's messages (closing it if damaged)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except duckdb.Error as exc:
            problem = damage(exc, path=self.path, label=self.label)
            if isinstance(problem, StoreCorrupt):
                self.close()
            raise problem from exc

    return cast("_F", wrapper)
