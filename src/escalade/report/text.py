"""Terminal tables: :mod:`rich` renderings of tidy tables, deterministic when asked.

Formatting only: the numbers arrive computed. ``formats`` maps a column to a
Python format specification (``".3f"``, ``".1%"``, ``",d"``); other float
columns use ``".4g"``, and missing values print as ``"NA"``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from io import StringIO
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = [
    "COMMON_RUNG",
    "DEFAULT_FLOAT_FORMAT",
    "MISSING",
    "dataframe_table",
    "format_value",
    "mapping_table",
    "percent",
    "plain_console",
    "render_text",
    "shown",
    "sig",
    "subtitle",
    "table_to_text",
]

COMMON_RUNG = "on the common rung (the higher of the two views)"
"""Whose view threshold probabilities are on, in the brief and the reports' captions."""

DEFAULT_FLOAT_FORMAT = ".4g"
MISSING = "NA"


def sig(value: Any, digits: int = 3, *, signed: bool = False) -> str:
    """A number to ``digits`` significant digits, thousands separated, no exponent below 1e9.

    Examples
    --------
    >>> sig(-700.7437260969525), sig(0.0019170472812529342), sig(35912.4), sig(2.0)
    ('-701', '0.00192', '35,900', '2')
    >>> sig(12.5, signed=True), sig(float("nan"))
    ('+12.5', 'NA')
    """
    if value is None or value is pd.NA:
        return MISSING
    x = float(value)
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return ("+" if signed and x > 0 else "") + ("∞" if x > 0 else "-∞")
    sign = "+" if signed and x > 0 else ""
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if abs(x) >= 1e9 or magnitude < -6:
        return sign + format(x, f".{digits - 1}e")
    if magnitude >= digits - 1:
        return sign + format(int(round(x, -(magnitude - digits + 1))), ",d")
    decimals = digits - 1 - magnitude
    text = format(round(x, decimals), f",.{decimals}f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return sign + text


def shown(value: object, default: str = "") -> str:
    """``str(value)``, or ``default`` when the value is ``None`` (a field not recorded)."""
    return default if value is None else str(value)


def subtitle(prov: Any) -> str:
    """``scenario ID · run ID`` under a report's title (``· run`` only once the run is stored).

    Examples
    --------
    >>> from types import SimpleNamespace as N
    >>> subtitle(N(scenario_id="taiwan-1996", run_id="r5fc25652"))
    'scenario taiwan-1996 · run r5fc25652'
    >>> subtitle(N(scenario_id="taiwan-1996", run_id=None))
    'scenario taiwan-1996'
    """
    text = f"scenario {shown(prov.scenario_id, '?')}"
    return f"{text} · run {prov.run_id}" if prov.run_id else text


def percent(value: Any, digits: int = 3) -> str:
    """A probability as a percentage to ``digits`` significant digits (``"<0.1%"`` when tiny)."""
    if value is None or value is pd.NA:
        return MISSING
    x = float(value)
    if math.isnan(x):
        return MISSING
    if x in {0.0, 1.0}:
        return f"{x:.0%}"
    if x < 0.001:
        return "<0.1%"
    if x > 0.999:
        return ">99.9%"
    return sig(100 * x, digits) + "%"


def format_value(value: Any, spec: str | None = None) -> str:
    """Format one cell: ``spec`` if given, ``.4g`` for floats, ``str`` otherwise.

    ``spec`` may also be ``"sig"`` (:func:`sig`) or ``"pct"`` (:func:`percent`).

    Examples
    --------
    >>> format_value(0.123456), format_value(0.5, ".1%"), format_value(None)
    ('0.1235', '50.0%', 'NA')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float | np.floating) and math.isnan(float(value)):
        return MISSING
    if isinstance(value, np.generic):
        value = value.item()
    if spec == "sig":
        return sig(value) if isinstance(value, int | float) else str(value)
    if spec == "pct":
        return percent(value) if isinstance(value, int | float) else str(value)
    if spec is not None:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float):
        return format(value, DEFAULT_FLOAT_FORMAT)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def dataframe_table(
    df: pd.DataFrame,
    title: str | None = None,
    formats: Mapping[str, str] | None = None,
    *,
    max_rows: int | None = None,
) -> Table:
    """Return a :class:`rich.table.Table` of ``df`` (index ignored; numbers right-aligned).

    Parameters
    ----------
    df : DataFrame
        The rows to show.
    title : str, optional
        The table's title.
    formats : mapping of str to str, optional
        Format specifications by column.
    max_rows : int, optional
        Show at most this many rows, then a final ``…`` row.
    """
    formats = formats or {}
    table = Table(title=_plain(title), title_justify="left")
    for column in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[column]) and not pd.api.types.is_bool_dtype(
            df[column]
        )
        table.add_column(Text(str(column)), justify="right" if numeric else "left")
    shown = df if max_rows is None else df.head(max_rows)
    for row in shown.itertuples(index=False, name=None):
        table.add_row(
            *(
                Text(format_value(v, formats.get(str(c))))
                for c, v in zip(df.columns, row, strict=True)
            )
        )
    if max_rows is not None and len(df) > max_rows:
        table.add_row(*(["…"] * len(df.columns)))
    return table


def mapping_table(mapping: Mapping[str, Any], title: str | None = None) -> Table:
    """Return a two-column ``field | value`` table of a mapping (nested values as JSON)."""
    table = Table(title=_plain(title), title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in mapping.items():
        table.add_row(Text(str(key)), Text(format_value(value)))
    return table


def _plain(title: str | None) -> Text | None:
    """Data shown in a table is text, never Rich markup or ``:emoji:`` codes."""
    return None if title is None else Text(title)


def plain_console(width: int = 100) -> Console:
    """Return a console that records into a string: fixed width, no colour, no terminal."""
    return Console(
        width=width,
        color_system=None,
        file=StringIO(),
        force_terminal=False,
        legacy_windows=False,
        highlight=False,
        emoji=False,
    )


def render_text(*renderables: Any, width: int = 100) -> str:
    """Render rich objects to plain text, the same on every machine."""
    console = plain_console(width)
    for item in renderables:
        console.print(item)
    file = console.file
    assert isinstance(file, StringIO)
    return file.getvalue()


def table_to_text(
    df: pd.DataFrame,
    title: str | None = None,
    formats: Mapping[str, str] | None = None,
    *,
    width: int = 100,
    max_rows: int | None = None,
) -> str:
    """Render ``df`` as a plain-text table (see :func:`dataframe_table`).

    Examples
    --------
    >>> import pandas as pd
    >>> print(table_to_text(pd.DataFrame({"x": [0.5]}), formats={"x": ".0%"}, width=20), end="")
    ┏━━━━━┓
    ┃   x ┃
    ┡━━━━━┩
    │ 50% │
    └─────┘
    """
    return render_text(
        dataframe_table(df, title, formats, max_rows=max_rows),
        width=width,
    )


def first_outcome_note(outcomes: pd.DataFrame, horizon: int | None) -> str | None:
    """What a ``first`` outcome's number means, and which never held at all.

    ``at: first`` counts the rounds until a condition first holds, and ``horizon + 1``
    when it never does: a mean of 9 in an 8-round scenario read as "nine weeks", where
    it meant "never".

    Parameters
    ----------
    outcomes : DataFrame
        Columns ``outcome``, ``at`` and ``mean``, one row per cell (``ci_low`` tells
        an outcome that never held in any trajectory of a cell).
    horizon : int or None
        The scenario's rounds.

    Returns
    -------
    str or None
        A sentence, or None when no outcome is ``at: first`` (or the horizon is unknown).
    """
    if horizon is None or "at" not in outcomes.columns:
        return None
    first = outcomes[outcomes["at"] == "first"]
    if first.empty:
        return None
    never = float(horizon + 1)
    low = first["ci_low"] if "ci_low" in first.columns else first["mean"]
    first = first.assign(never=(first["mean"] == never) & (low == never))
    names = ", ".join(dict.fromkeys(first["outcome"].astype(str)))
    parts = [
        f"{names} (at: first): the rounds until the condition first holds, {horizon + 1} "
        f"(the horizon + 1) when it never does within the {horizon} rounds"
    ]
    for name, rows in first.groupby("outcome", sort=False):
        if rows["never"].all():
            where = "of any cell" if len(rows) > 1 else ""
            parts.append(f"{name} never held, in any trajectory {where}".rstrip())
        elif rows["never"].any():
            parts.append(
                f"{name} never held in {int(rows['never'].sum())} of the {len(rows)} cells"
            )
    return "; ".join(parts) + "."
