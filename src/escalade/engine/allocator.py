"""Keep freed memory for reuse, so that the engine's arrays do not page-fault.

A round allocates and frees many arrays of a few megabytes (a rollout batch
copies the state's rows for every candidate and sample). With glibc's default
settings, an allocation that size is often served by fresh pages from the
system (a new ``mmap``, or heap just trimmed back), and touching each fresh
4 KiB page costs a page fault. On the reference scenario's ``opportunist``
cell that was 0.5 s of system time in 1.3 s (288,000 minor page faults against
42,000 with the settings below; ``docs/benchmarks.md``).

:func:`tune` raises glibc's thresholds once per process: allocations up to
32 MiB come from the heap, the heap grows 64 MiB at a time and keeps up to
256 MiB of freed memory for reuse instead of handing it back. The numbers are
unchanged; only where the memory comes from. It does nothing on other C
libraries, or when ``ESCALADE_MALLOC=system``.
"""

from __future__ import annotations

import ctypes
import os
import platform

__all__ = ["MMAP_THRESHOLD", "TOP_PAD", "TRIM_THRESHOLD", "tune"]

MMAP_THRESHOLD = 32 << 20
"""Allocations above this size are mapped from the system (glibc's largest allowed value)."""

TRIM_THRESHOLD = 256 << 20
"""Freed memory at the top of the heap kept for reuse before it is handed back."""

TOP_PAD = 64 << 20
"""Extra memory asked for each time the heap grows."""

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # from <malloc.h>

_state: dict[str, bool] = {}


def tune() -> bool:
    """Apply the settings once per process; True when they are in effect."""
    if "tuned" not in _state:
        _state["tuned"] = _apply()
    return _state["tuned"]


def _apply() -> bool:
    if os.environ.get("ESCALADE_MALLOC") == "system" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    settings = [
        (_M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        (_M_TRIM_THRESHOLD, TRIM_THRESHOLD),
        (_M_TOP_PAD, TOP_PAD),
    ]
    return all(mallopt(option, value) == 1 for option, value in settings)
