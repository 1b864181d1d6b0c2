"""Parquet bundles: a portable export of one :class:`ResultSet`.

A bundle is a directory holding

* one ``.parquet`` file per table (pandas metadata kept, so dtypes,
  column order and the index round-trip);
* ``scenario.txt`` with the scenario source, when there is one;
* ``metadata.json``: ``format_version``, ``escalade`` (the version that wrote
  it), ``kind``, ``run_id``, ``scenario_hash``, ``seed``, the list of tables
  (name and file) and the result set's full ``metadata``.

:func:`load_bundle` dispatches on ``format_version``, so bundles written by
older versions stay readable (``tests/data/bundles`` holds frozen ones).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from escalade._version import __version__
from escalade.errors import ResultsFormatError, UsageError
from escalade.results.resultset import KINDS, ResultSet

__all__ = ["BUNDLE_FORMAT_VERSION", "load_bundle", "save_bundle"]

BUNDLE_FORMAT_VERSION = 1
"""The bundle format this escalade writes."""

_METADATA = "metadata.json"
_SCENARIO = "scenario.txt"


def _file_name(position: int, name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:60] or "table"
    return f"{position:02d}-{slug}.parquet"


def _categories(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The categories of categorical columns (Parquet loses them for empty tables)."""
    found = {}
    for column in df.columns:
        dtype = df[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            values = dtype.categories.tolist()
            try:
                json.dumps(values, allow_nan=False)
            except (TypeError, ValueError):
                continue  # Parquet keeps non-empty categories of other types itself
            found[str(column)] = {"categories": values, "ordered": bool(dtype.ordered)}
    return found


def _restore_categories(df: pd.DataFrame, categories: dict[str, dict[str, Any]]) -> pd.DataFrame:
    for column, spec in categories.items():
        if column in df.columns:
            dtype = pd.CategoricalDtype(spec["categories"], ordered=bool(spec["ordered"]))
            df[column] = df[column].astype(dtype)
    return df


def save_bundle(
    rs: ResultSet, directory: str | os.PathLike[str], *, run_id: str | None = None
) -> list[Path]:
    """Write ``rs`` as a Parquet bundle into ``directory`` and return the files written.

    Parameters
    ----------
    rs : ResultSet
        The results.
    directory : str or Path
        Created if missing; it must not already hold a bundle.
    run_id : str, optional
        The store's id of the run, recorded in ``metadata.json``.

    Raises
    ------
    UsageError
        If ``directory`` is a file or already holds a ``metadata.json``.
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: expected a directory for the bundle, found a file")
    if (target / _METADATA).exists():
        raise UsageError(
            f"{target}: the directory already holds a bundle (hint: choose an empty directory)"
        )
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    entries = []
    for position, (name, df) in enumerate(rs.tables.items()):
        path = target / _file_name(position, name)
        # A table without columns keeps its rows only through a stored index.
        df.to_parquet(path, index=True if df.shape[1] == 0 else None)
        entries.append({"name": name, "file": path.name, "categories": _categories(df)})
        written.append(path)
    if rs.scenario_text is not None:
        scenario = target / _SCENARIO
        scenario.write_text(rs.scenario_text, encoding="utf-8")
        written.append(scenario)
    meta, provenance = rs.metadata_dict(), rs.provenance
    header = {
        "format_version": BUNDLE_FORMAT_VERSION,
        "escalade": __version__,
        "kind": rs.kind,
        "run_id": run_id,
        "scenario_hash": provenance.scenario_hash,
        "seed": provenance.seed,
        "tables": entries,
        "scenario_file": _SCENARIO if rs.scenario_text is not None else None,
        "metadata": meta,
    }
    (target / _METADATA).write_text(json.dumps(header, indent=2, sort_keys=False) + "\n")
    written.append(target / _METADATA)
    return written


def _load_v1(directory: Path, header: dict[str, Any]) -> ResultSet:
    where = directory / _METADATA
    try:
        kind = header["kind"]
        entries = header["tables"]
        metadata = header["metadata"]
    except KeyError as exc:
        raise ResultsFormatError(
            f"{where}: expected the field {exc.args[0]!r} in a version 1 bundle, found none"
        ) from None
    if kind not in KINDS:
        raise ResultsFormatError(f"{where}: kind: expected one of {KINDS}, found {kind!r}")
    tables: dict[str, pd.DataFrame] = {}
    for entry in entries:
        path = directory / str(entry["file"])
        if path.parent != directory:
            raise ResultsFormatError(f"{where}: table file {entry['file']!r} is outside the bundle")
        try:
            df = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise ResultsFormatError(
                f"{path}: cannot read the table {entry['name']!r}: {exc} "
                "(hint: the bundle is incomplete or damaged; export it again)"
            ) from exc
        tables[str(entry["name"])] = _restore_categories(df, entry.get("categories") or {})
    scenario_file = header.get("scenario_file")
    scenario_text = None
    if scenario_file:
        scenario_text = (directory / str(scenario_file)).read_text(encoding="utf-8")
    return ResultSet(kind, metadata, tables, scenario_text)


_LOADERS: dict[int, Callable[[Path, dict[str, Any]], ResultSet]] = {1: _load_v1}


def load_bundle(directory: str | os.PathLike[str]) -> ResultSet:
    """Read a bundle written by :func:`save_bundle` (any known format version).

    Raises
    ------
    ResultsFormatError
        If ``metadata.json`` is missing or malformed, the ``format_version``
        is unknown, or a table file cannot be read.
    """
    source = Path(directory)
    meta_path = source / _METADATA
    try:
        header = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsFormatError(
            f"{meta_path}: expected a bundle's metadata.json, found no such file "
            "(hint: pass the directory written by 'escalade runs export')"
        ) from None
    except (OSError, ValueError) as exc:
        raise ResultsFormatError(f"{meta_path}: not valid JSON ({exc})") from exc
    version = header.get("format_version") if isinstance(header, dict) else None
    loader = _LOADERS.get(version) if isinstance(version, int) else None
    if loader is None:
        known = ", ".join(str(v) for v in _LOADERS)
        raise ResultsFormatError(
            f"{meta_path}: format_version: expected one of {known}, found {version!r} "
            "(hint: a newer escalade wrote this bundle; upgrade escalade)"
        )
    return loader(source, header)
