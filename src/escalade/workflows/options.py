"""Options of the workflows given as keywords: ``escalade.run("kursk-mini", n=300)``.

:func:`escalade.run`, :func:`escalade.explore` and :func:`escalade.replay` take an
options object (:class:`~escalade.workflows.run.RunOptions`, ...) and, for
notebooks, any of its fields as keywords, which replace the object's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from escalade.errors import UsageError, closest_id_hint

__all__ = ["as_path", "with_overrides"]

T = TypeVar("T")


def with_overrides(
    options: T | None, default: type[T], overrides: Mapping[str, Any], what: str
) -> T:
    """``options`` (None: ``default()``) with the fields named in ``overrides`` replaced.

    Raises
    ------
    UsageError
        Naming the keyword that is not a field of ``default`` (``what`` names the
        function), with the closest field as a hint.
    """
    base = options if options is not None else default()
    if not isinstance(base, default):
        raise UsageError(
            f"{what}: expected options of type {default.__name__}, found {type(base).__name__}",
            parameter="options",
        )
    names = [f.name for f in fields(base)]  # type: ignore[arg-type]
    unknown = [k for k in overrides if k not in names]
    if unknown:
        raise UsageError(
            f"{what}: expected keyword arguments among {', '.join(names)}, "
            f"found {', '.join(unknown)}{closest_id_hint(unknown, names)}",
            parameter=unknown[0],
        )
    return replace(base, **overrides) if overrides else base  # type: ignore[type-var]


def as_path(value: str | PathLike[str] | None) -> Path | None:
    """``value`` as a :class:`~pathlib.Path` (a string is accepted where a path is)."""
    return None if value is None else Path(value)
