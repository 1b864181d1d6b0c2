"""Numba, imported once with a cache directory that works for an installed package.

Compiled functions use ``cache=True``: the machine code is written next to the
module (``__pycache__``) on first use and loaded by every later process,
workers included. Where the package directory is not writable (a system or
read-only install), ``NUMBA_CACHE_DIR`` is pointed at the user's cache
directory unless it is already set. Without Numba, :data:`AVAILABLE` is False
and :func:`njit` returns the plain Python function (the engine then keeps to
its NumPy path).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["AVAILABLE", "KERNEL_MODULES", "cache_dir", "drop_stale_cache", "njit"]

KERNEL_MODULES = ("interp", "rows", "steps", "decide", "round")
"""The modules whose functions Numba compiles (and links into one another)."""


def cache_dir() -> Path | None:
    """Where the compiled kernel is cached when the package directory is read-only, else None."""
    here = Path(__file__).resolve().parent
    if os.access(here, os.W_OK):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "escalade" / "numba"


def drop_stale_cache(here: Path | None = None) -> bool:
    """Delete the in-tree compiled cache when any kernel module changed since it was written.

    Numba checks only the file of the function it loads, not the files of the
    functions it calls and linked in; a stamp of all kernel modules' contents
    catches an edit to any of them. Returns whether files were deleted.
    """
    here = here or Path(__file__).resolve().parent
    cache = here / "__pycache__"
    digest = hashlib.sha256()
    for name in KERNEL_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    stamp = cache / "kernel-sources.sha256"
    try:
        if stamp.read_text(encoding="ascii") == digest.hexdigest():
            return False
    except OSError:
        pass
    dropped = False
    try:
        for old in (*cache.glob("*.nbi"), *cache.glob("*.nbc")):
            old.unlink()
            dropped = True
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest.hexdigest(), encoding="ascii")
    except OSError:  # a read-only install: its cache is elsewhere (see cache_dir)
        return dropped
    return dropped


if "NUMBA_CACHE_DIR" not in os.environ:
    _fallback = cache_dir()
    if _fallback is not None:
        os.environ["NUMBA_CACHE_DIR"] = str(_fallback)
    else:
        drop_stale_cache()

numba: Any
try:
    import numba
except ImportError:  # pragma: no cover - numba is a core dependency; kept for source installs
    numba = None

AVAILABLE = numba is not None
"""Whether Numba could be imported."""


def njit(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``numba.njit(**options)``, or the identity without Numba."""
    if numba is None:  # pragma: no cover
        return lambda fn: fn
    decorate: Callable[[Callable[..., Any]], Callable[..., Any]] = numba.njit(**options)
    return decorate
