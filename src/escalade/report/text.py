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

__all__ = [
    "DEFAULT_FLOAT_FORMAT",
    "MISSING",
    "dataframe_table",
    "format_value",
    "mapping_table",
    "plain_console",
    "render_text",
    "table_to_text",
]

DEFAULT_FLOAT_FORMAT = ".4g"
MISSING = "NA"


def format_value(value: Any, spec: str | None = None) -> str:
    """Format one cell: ``spec`` if given, ``.4g`` for floats, ``str`` otherwise.

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
    table = Table(title=title, title_justify="left")
    for column in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[column]) and not pd.api.types.is_bool_dtype(
            df[column]
        )
        table.add_column(str(column), justify="right" if numeric else "left")
    shown = df if max_rows is None else df.head(max_rows)
    for row in shown.itertuples(index=False, name=None):
        table.add_row(
            *(format_value(v, formats.get(str(c))) for c, v in zip(df.columns, row, strict=True))
        )
    if max_rows is not None and len(df) > max_rows:
        table.add_row(*(["…"] * len(df.columns)))
    return table


def mapping_table(mapping: Mapping[str, Any], title: str | None = None) -> Table:
    """Return a two-column ``field | value`` table of a mapping (nested values as JSON)."""
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in mapping.items():
        table.add_row(str(key), format_value(value))
    return table


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
