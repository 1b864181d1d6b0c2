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

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["AVAILABLE", "cache_dir", "njit"]


def cache_dir() -> Path | None:
    """Where the compiled kernel is cached when the package directory is read-only, else None."""
    here = Path(__file__).resolve().parent
    if os.access(here, os.W_OK):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "escalade" / "numba"


if "NUMBA_CACHE_DIR" not in os.environ:
    _fallback = cache_dir()
    if _fallback is not None:
        os.environ["NUMBA_CACHE_DIR"] = str(_fallback)

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
