"""Short ``repr`` strings for the objects the Python API returns.

The objects a notebook user gets back (scenarios, simulation results, result
sets, the outcomes of ``run``, ``explore``, ``replay``, the meta-game) hold
whole tables, arrays and the scenario text; their ``repr`` names what they are
instead: kind, ids, sizes, run id and report path, as pandas and httpx objects
do. The data stays one attribute away (``.tables``, ``.result_set``, ...).

Examples
--------
>>> short_repr("RunOutcome", run_id="r1a2b3c4d", report=None, n=300)
"RunOutcome(run_id='r1a2b3c4d', n=300)"
>>> short_repr("ResultSet", tables=listed(["cells", "comparison", "outcomes"], limit=2))
"ResultSet(tables=['cells', 'comparison', ... 1 more])"
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from os import PathLike
from typing import Any

__all__ = ["Shown", "html_with_repr", "listed", "short_repr"]


class Shown(str):
    """Text shown as it is in a short repr (not quoted)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def listed(values: Iterable[object], *, limit: int = 8) -> Shown:
    """The values as a list repr, the first ``limit`` of them and how many more.

    >>> listed(["a", "b", "c"], limit=2)
    ['a', 'b', ... 1 more]
    """
    items = list(values)
    shown = [repr(v) for v in items[:limit]]
    if len(items) > limit:
        shown.append(f"... {len(items) - limit} more")
    return Shown(f"[{', '.join(shown)}]")


def short_repr(kind: str, /, **fields: object) -> str:
    """``kind(name=value, ...)``, leaving out the fields that are None.

    Paths are shown as quoted strings; :class:`Shown` values as they are; floats
    with 4 significant digits.
    """
    parts = []
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, PathLike):
            text = repr(str(value))
        elif isinstance(value, float):
            text = f"{value:.4g}"
        else:
            text = repr(value)
        parts.append(f"{name}={text}")
    return f"{kind}({', '.join(parts)})"


def html_with_repr(value: object, table: Any, caption: str) -> str:
    """A notebook's rich display: ``repr(value)``, then ``table`` (a DataFrame) as HTML.

    ``caption`` says what the table is; an empty table is left out.
    """
    head = f"<p><code>{html.escape(repr(value))}</code></p>"
    if table is None or table.empty:
        return head
    body = table.to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0)
    return f"{head}<p>{html.escape(caption)}</p>{body}"
