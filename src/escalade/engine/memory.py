"""Memory budgets: refuse a run whose estimated footprint exceeds the budget, before it starts.

The estimates are deliberately simple and on the safe side: bytes per
trajectory of a chunk (measured with ``tracemalloc`` on the shipped scenarios:
about 420 bytes for ``kursk-mini`` and 2,800 for ``dprk-troops-2024``; the
formula gives 700 and 5,100), bytes per kept trace, and bytes per row of an
exploration. The budget defaults to half of the machine's memory (or of the
container's limit, when smaller); the ``memory`` argument changes it.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from escalade.engine.executors import usable_cores
from escalade.errors import UsageError
from escalade.scenario.compiled import CompiledScenario

__all__ = [
    "bytes_per_trace",
    "bytes_per_trajectory",
    "check_memory",
    "default_budget",
    "format_bytes",
    "machine_memory",
    "parse_size",
    "usable_workers",
]

_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


def machine_memory() -> int:
    """Physical memory in bytes (the cgroup limit when it is smaller); 8 GiB if unknown."""
    total = 8 * 1024**3
    with contextlib.suppress(AttributeError, ValueError, OSError):
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < total:
            total = int(text)
    return total


def default_budget() -> int:
    """Half of :func:`machine_memory`."""
    return machine_memory() // 2


def parse_size(text: str) -> int:
    """``"4G"``, ``"512MB"``, ``"1.5GiB"`` or a number of bytes, as bytes.

    Raises
    ------
    UsageError
        When the text is not a size.
    """
    match = _SIZE.match(str(text))
    if match is None or float(match.group(1)) <= 0:
        raise UsageError(
            f"memory: expected a size such as 4G, 512M or 2.5GB, found {text!r}", parameter="memory"
        )
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def format_bytes(size: float) -> str:
    """``1.5 GB``-style rendering (powers of 1024)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _columns(compiled: CompiledScenario) -> int:
    return (
        len(compiled.variable_ids)
        + len(compiled.arenas)
        + len(compiled.options)
        + len(compiled.uncertainties)
        + len(compiled.actors)
    )


def bytes_per_trajectory(compiled: CompiledScenario) -> int:
    """Estimated peak bytes per trajectory of a chunk being simulated."""
    return 256 + 64 * _columns(compiled)


def bytes_per_trace(compiled: CompiledScenario) -> int:
    """Estimated bytes of one kept full trace."""
    return compiled.horizon * (400 + 32 * _columns(compiled))


def check_memory(
    needed: int, budget: int | None, *, what: str, change: str, parameter: str | None = None
) -> None:
    """Refuse when ``needed`` bytes exceed the budget (default: half of the machine).

    Parameters
    ----------
    needed : int
        The estimate, in bytes.
    budget : int or None
        The budget in bytes; None for :func:`default_budget`.
    what : str
        What needs the memory, e.g. ``"chunk_size 10000000 (x 1 process)"``.
    change : str
        The parameters to lower, backticked, e.g. ``"lower `chunk_size`"``.
    parameter : str, optional
        The parameter ``what`` starts with (see :class:`~escalade.errors.EscaladeError`).

    Raises
    ------
    UsageError
        With the estimate, the budget and the parameters to change.
    """
    limit = default_budget() if budget is None else budget
    if needed <= limit:
        return
    origin = "set by `memory`" if budget is not None else "half of this machine's memory"
    raise UsageError(
        f"{what}: needs about {format_bytes(needed)}, more than the memory budget of "
        f"{format_bytes(limit)} ({origin}) (hint: {change}, or raise `memory` if the machine "
        "has the memory to spare)",
        parameter=parameter,
    )


def usable_workers(workers: int | None) -> int | None:
    """Cap a requested number of worker processes at the number of cores."""
    cores = usable_cores()
    if workers is None or workers <= cores:
        return workers
    return cores
