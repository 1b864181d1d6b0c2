"""Results that could not be stored yet: Parquet bundles next to the store, merged later.

When the store stays busy (DuckDB allows one writing process at a time) beyond the
wait of :class:`~escalade.results.store.Store`, or cannot be opened at all, a run's
results are kept as a Parquet bundle (:mod:`escalade.results.bundle`) in
``<store>.pending/``, next to the store file. The next time the store is opened for
writing (any command that saves, or ``escalade runs import``) the bundles are saved
into it, each in its own transaction, and removed. A bundle is written under a
temporary name and renamed when complete, so a half-written one is never merged.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from escalade.results.bundle import save_bundle
from escalade.results.resultset import ResultSet

__all__ = ["PENDING_SUFFIX", "pending_bundles", "pending_dir", "stash"]

PENDING_SUFFIX = ".pending"
"""``<store file name>`` + this is the folder of results waiting to be stored."""


def pending_dir(store: str | os.PathLike[str]) -> Path:
    """The folder of results waiting to be merged into ``store``."""
    path = Path(store)
    return path.with_name(path.name + PENDING_SUFFIX)


def pending_bundles(store: str | os.PathLike[str]) -> list[Path]:
    """The complete bundles waiting for ``store``, oldest first."""
    folder = pending_dir(store)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def stash(store: str | os.PathLike[str], rs: ResultSet) -> Path:
    """Keep ``rs`` as a bundle waiting for ``store``; return the bundle's folder."""
    folder = pending_dir(store)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    name = f"{stamp}-{os.getpid()}-{secrets.token_hex(4)}-{rs.kind}"
    partial = folder / f".partial-{name}"
    save_bundle(rs, partial)
    target = folder / name
    partial.rename(target)
    return target
