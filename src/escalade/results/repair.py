"""``escalade runs repair``: move a damaged store aside and copy out what it still holds."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from escalade.errors import EscaladeError
from escalade.results._locking import REPAIR_HINT
from escalade.results.store import Store, StoreCorrupt

__all__ = ["Repair", "repair_store"]


@dataclass
class Repair:
    """What :func:`repair_store` did."""

    needed: bool
    moved_to: Path | None = None
    copied: list[str] = field(default_factory=list)
    lost: dict[str, str] = field(default_factory=dict)
    unreadable: str | None = None


_MAX_PROBLEM = 500


def _problem(exc: Exception) -> str:
    """The first line of ``exc`` without the hint to repair the store (being done), cut whole.

    A line longer than 500 characters ends in an ellipsis rather than mid-word.
    """
    lines = str(exc).splitlines()
    text = (lines[0] if lines else type(exc).__name__).replace(f" (hint: {REPAIR_HINT})", "")
    if len(text) <= _MAX_PROBLEM:
        return text
    return text[:_MAX_PROBLEM].rsplit(" ", 1)[0] + " …"


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    path.rename(aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        wal.rename(aside.with_name(aside.name + ".wal"))
    return aside


def _readable(store: Path) -> bool:
    """Whether every run of the store can be read back."""
    try:
        with Store(store, read_only=True) as opened:
            for run_id in opened.list_runs()["id"]:
                opened.load(str(run_id), allow_incomplete=True)
    except StoreCorrupt:
        return False
    return True


def repair_store(path: str | os.PathLike[str]) -> Repair:
    """Repair the store at ``path`` if it is damaged.

    A store whose runs can all be read back is left alone. A damaged one is renamed
    ``<name>.damaged-<UTC time>`` (with its ``.wal``); every run that can still be
    read from it is copied, with its id, into a new store at ``path``.

    Raises
    ------
    StoreBusy
        When another process holds the store.
    """
    store = Path(path)
    if _readable(store):
        return Repair(needed=False)
    aside = _move_aside(store)
    report = Repair(needed=True, moved_to=aside)
    with Store(store) as fresh:
        try:
            with Store(aside, read_only=True, wait=0) as old:
                ids = [str(i) for i in old.list_runs()["id"]]
                for run_id in ids:
                    try:
                        fresh.save(old.load(run_id), run_id=run_id)
                        report.copied.append(run_id)
                    except (EscaladeError, duckdb.Error) as exc:
                        report.lost[run_id] = _problem(exc)
        except (EscaladeError, duckdb.Error) as exc:
            report.unreadable = _problem(exc)
    return report
