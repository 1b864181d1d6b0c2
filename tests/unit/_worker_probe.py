"""Run inside a worker process: which of the given modules are imported there."""

from __future__ import annotations

import sys


def loaded(names: list[str]) -> list[str]:
    """The names in ``names`` that are (or whose submodules are) in ``sys.modules``."""
    return sorted(
        name for name in names if any(m == name or m.startswith(name + ".") for m in sys.modules)
    )
