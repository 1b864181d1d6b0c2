"""DataFrame <-> Arrow encoding that keeps column names, dtypes, order and index.

A table is stored with positional physical column names (``c0``, ``c1`` ...)
so that any column name (spaces, quotes, case-only differences) is safe in
SQL, and with a :class:`TableSpec` (JSON) that records the real names, the
pandas dtype of every column, the categories of categorical columns and the
number of leading columns that form the index. An unnamed ``RangeIndex`` (the
default, or that of a row slice) is not stored: the table reads back with
``RangeIndex(n)``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from escalade.errors import ResultsFormatError, UsageError

__all__ = ["ColumnSpec", "TableSpec", "decode", "encode"]

_INDEX_PLACEHOLDER = "__index_level_{}__"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """The real name and pandas dtype of one stored column."""

    name: str
    dtype: str
    categories: list[Any] | None = None
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class TableSpec:
    """The columns of a stored table and how many of them form the index."""

    columns: tuple[ColumnSpec, ...]
    index_levels: int = 0
    index_names: tuple[str | None, ...] = ()

    def to_json(self) -> str:
        """Serialise to JSON."""
        return json.dumps(asdict(self), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> TableSpec:
        """Parse the JSON written by :meth:`to_json`."""
        raw = json.loads(text)
        return cls(
            columns=tuple(ColumnSpec(**c) for c in raw["columns"]),
            index_levels=int(raw["index_levels"]),
            index_names=tuple(raw["index_names"]),
        )

    def same_layout(self, other: TableSpec) -> bool:
        """Whether two specs have the same names and dtypes (categories may differ)."""
        mine = [(c.name, c.dtype) for c in self.columns]
        theirs = [(c.name, c.dtype) for c in other.columns]
        return mine == theirs and self.index_levels == other.index_levels

    def merged(self, other: TableSpec) -> TableSpec:
        """Return this spec with the union of both specs' categories."""
        columns = []
        for mine, theirs in zip(self.columns, other.columns, strict=True):
            if mine.categories is None or theirs.categories is None:
                columns.append(mine)
                continue
            extra = [c for c in theirs.categories if c not in mine.categories]
            columns.append(
                ColumnSpec(mine.name, mine.dtype, [*mine.categories, *extra], mine.ordered)
            )
        return TableSpec(tuple(columns), self.index_levels, self.index_names)


def _is_default_index(index: pd.Index) -> bool:
    """An unnamed RangeIndex (e.g. of a slice) carries no data: it is not stored."""
    return isinstance(index, pd.RangeIndex) and index.step == 1 and index.name is None


def _flatten_index(
    df: pd.DataFrame, where: str
) -> tuple[pd.DataFrame, int, tuple[str | None, ...]]:
    if _is_default_index(df.index) and df.index.name is None:
        return df, 0, ()
    names = tuple(None if n is None else str(n) for n in df.index.names)
    stored = [n if n is not None else _INDEX_PLACEHOLDER.format(i) for i, n in enumerate(names)]
    clash = set(stored) & {str(c) for c in df.columns}
    if clash:
        raise UsageError(
            f"{where}: the index name(s) {sorted(clash)} also name columns "
            "(hint: reset_index() or rename the index)"
        )
    flat = df.copy(deep=False)
    flat.index = flat.index.set_names(stored)
    return flat.reset_index(), len(stored), names


def _column_spec(name: str, series: pd.Series, where: str) -> ColumnSpec:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories.tolist()
        try:
            json.dumps(categories, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise UsageError(
                f"{where}: column {name!r}: expected categories that are strings or "
                f"numbers, found {categories[:3]!r}"
            ) from exc
        return ColumnSpec(name, "category", categories, bool(dtype.ordered))
    return ColumnSpec(name, str(dtype))


def encode(df: pd.DataFrame, where: str) -> tuple[pa.Table, TableSpec]:
    """Encode ``df`` as an Arrow table with columns ``c0..cN`` and its spec.

    Parameters
    ----------
    df : DataFrame
        The table; a non-default index is stored as leading columns.
    where : str
        Where the table comes from, for error messages (e.g. ``"table 'outcomes'"``).

    Raises
    ------
    UsageError
        If a column holds values Arrow cannot store (e.g. mixed Python objects).
    """
    flat, levels, index_names = _flatten_index(df, where)
    specs = tuple(_column_spec(str(c), flat[c], where) for c in flat.columns)
    arrays = []
    for spec, column in zip(specs, flat.columns, strict=True):
        try:
            array = pa.array(flat[column], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            raise UsageError(
                f"{where}: column {spec.name!r} (dtype {spec.dtype}) cannot be stored: {exc} "
                "(hint: give the column one type, e.g. astype(str) or astype(float))"
            ) from exc
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        arrays.append(array)
    names = [f"c{i}" for i in range(len(specs))]
    if not arrays:  # no columns: an empty selection of a placeholder keeps the row count
        table = pa.table({"_": pa.nulls(len(flat))}).select([])
        return table, TableSpec(specs, levels, index_names)
    return pa.Table.from_arrays(arrays, names=names), TableSpec(specs, levels, index_names)


def _restore(series: pd.Series, spec: ColumnSpec) -> pd.Series:
    if spec.dtype == "category":
        dtype = pd.CategoricalDtype(spec.categories, ordered=spec.ordered)
        return series.astype(dtype)
    if str(series.dtype) == spec.dtype:
        return series
    target = pd.api.types.pandas_dtype(spec.dtype)
    if isinstance(target, pd.DatetimeTZDtype) and isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert(target.tz)
    restored: pd.Series = series.astype(target)
    return restored


def decode(table: pa.Table, spec: TableSpec, where: str) -> pd.DataFrame:
    """Decode an Arrow table written by :func:`encode` back into the original DataFrame.

    Raises
    ------
    ResultsFormatError
        If the stored columns do not match the spec or a dtype cannot be restored.
    """
    if table.num_columns != len(spec.columns):
        raise ResultsFormatError(
            f"{where}: expected {len(spec.columns)} stored columns, found {table.num_columns} "
            "(hint: the store was modified outside escalade)"
        )
    raw = table.to_pandas()
    data = {}
    for position, column in enumerate(spec.columns):
        try:
            data[column.name] = _restore(raw.iloc[:, position], column)
        except (TypeError, ValueError) as exc:
            raise ResultsFormatError(
                f"{where}: column {column.name!r}: cannot restore dtype {column.dtype}: {exc}"
            ) from exc
    df = pd.DataFrame(data, index=pd.RangeIndex(len(raw)))
    if spec.index_levels:
        levels = [c.name for c in spec.columns[: spec.index_levels]]
        df = df.set_index(levels)
        df.index = df.index.set_names(list(spec.index_names))
    return df
