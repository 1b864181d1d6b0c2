"""Opening a results store file: what the file is, and its schema created or checked.

Private to :mod:`escalade.results.store`, which describes the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from escalade._version import __version__
from escalade.errors import ResultsFormatError
from escalade.results._locking import connect, damage
from escalade.results.resultset import utc_now

FORMAT_VERSION = 1
"""The store schema version this escalade writes and reads."""

_SCHEMA = (
    "CREATE TABLE format_version (version INTEGER NOT NULL, created VARCHAR, escalade VARCHAR)",
    "CREATE SEQUENCE run_seq START 1",
    """CREATE TABLE runs (id VARCHAR NOT NULL, seq BIGINT NOT NULL, kind VARCHAR NOT NULL,
       status VARCHAR NOT NULL, created VARCHAR NOT NULL, scenario_id VARCHAR,
       scenario_hash VARCHAR, n BIGINT, seed UBIGINT, key VARCHAR, metadata VARCHAR NOT NULL,
       scenario_text VARCHAR)""",
    """CREATE TABLE run_tables (run_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
       position INTEGER NOT NULL, physical VARCHAR NOT NULL, spec VARCHAR NOT NULL)""",
    """CREATE TABLE run_chunks (run_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
       chunk BIGINT NOT NULL, rows BIGINT NOT NULL)""",
)
_DUCKDB_MAGIC = b"DUCK"


def first(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """Return the first row of a result, consuming it (DuckDB wants results finished)."""
    rows = result.fetchall()
    return tuple(rows[0]) if rows else None


def _fail(label: str, what: str, hint: str) -> ResultsFormatError:
    """The error for a store file that cannot be used, named by ``label``."""
    return ResultsFormatError(f"{label}: {what} (hint: {hint})")


def _make_folder(path: Path, label: str) -> None:
    """Create the folder of a new store file (as ``--out`` creates a report's folder)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(
            label,
            f"expected a folder that can hold the store, found {exc.strerror or exc}",
            "give a store path in a folder you can write to",
        ) from exc


def open_connection(
    path: Path, *, read_only: bool, wait: float, label: str
) -> duckdb.DuckDBPyConnection:
    """Open the store file ``path``, creating it and its schema unless ``read_only``.

    Raises
    ------
    ResultsFormatError
        If the path is not a store file (a folder, another kind of file, a DuckDB
        file with other tables, a newer format version) or, read-only, is missing;
        :class:`~._locking.StoreBusy` and :class:`~._locking.StoreCorrupt` as
        :func:`~._locking.connect` and :func:`~._locking.damage` raise them.
    """
    exists = path.exists()
    if exists and not path.is_file():
        kind = "a directory" if path.is_dir() else "a special file"
        raise _fail(
            label,
            f"expected a results store file, found {kind}",
            "pass a file name such as escalade.duckdb",
        )
    if read_only and not exists:
        raise _fail(
            label,
            "no results store here",
            "run a command that saves results first, or open an existing store file",
        )
    if exists and path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            header = handle.read(16)
        if header[8:12] != _DUCKDB_MAGIC:
            raise _fail(
                label,
                "expected a DuckDB results store, found a file of another kind",
                "pass the path of an escalade .duckdb file",
            )
    if not read_only and not exists:
        _make_folder(path, label)
    con = connect(path, read_only=read_only, wait=wait, label=label)
    try:
        if not read_only:
            # Large appends are otherwise written to the file before COMMIT; with DuckDB
            # 2.0, rows of a table created and filled in one transaction were lost by the
            # WAL replay after a SIGKILL (count(*) right, scans empty). Keeping appends in
            # memory until COMMIT makes them go through the WAL (or a checkpoint) whole.
            con.execute("SET enable_optimistic_write = false")
        _check_schema(con, read_only=read_only, label=label)
    except duckdb.Error as exc:
        con.close()
        raise damage(exc, path=path, label=label) from exc
    except BaseException:
        con.close()
        raise
    return con


def _check_schema(con: duckdb.DuckDBPyConnection, *, read_only: bool, label: str) -> None:
    """Check the store's format version, or create the schema in an empty file."""
    names = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "format_version" not in names:
        if names:
            raise _fail(
                label,
                "expected an escalade results store, found a DuckDB file with other tables",
                "pass a new file name; escalade will create the store",
            )
        if read_only:
            raise _fail(label, "the file holds no results store", "save a run into it first")
        _create_schema(con)
        return
    row = first(con.execute("SELECT max(version) FROM format_version"))
    version = row[0] if row else None
    if version is None or not 1 <= int(version) <= FORMAT_VERSION:
        raise _fail(
            label,
            f"expected a store of format version 1..{FORMAT_VERSION}, found version {version}",
            "this store was written by a newer escalade; upgrade escalade to read it",
        )


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables and record its format version, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    for statement in _SCHEMA:
        con.execute(statement)
    con.execute(
        "INSERT INTO format_version VALUES (?, ?, ?)", [FORMAT_VERSION, utc_now(), __version__]
    )
    con.execute("COMMIT")
