"""The results store: every run in ONE DuckDB file, no server.

Layout (format version 1)
-------------------------
``format_version``
    one row: the store's schema version.
``runs``
    one row per run: ``id``, ``seq`` (insertion order), ``kind``, ``status``
    (``"running"`` or ``"complete"``), ``created``, ``scenario_id``,
    ``scenario_hash``, ``n``, ``seed``, ``key`` (for resuming chunked runs),
    ``metadata`` (JSON) and ``scenario_text``.
``run_tables``
    one row per run and table name: its position, the physical DuckDB table
    that holds it and its column spec (real names and pandas dtypes, JSON).
``run_chunks``
    one row per chunk written: ``(run_id, name, chunk, rows)``.
``d_<run id>_<position>``
    the data of one table of one run, columns ``c0..cN`` plus ``__chunk`` and
    ``__row`` (the order rows are read back in).

Because each run's table is its own DuckDB table, runs may have tables of the
same name with different columns. Every write happens in one transaction,
so a process killed at any moment leaves either the whole write or nothing;
a chunked run that was killed stays ``"running"`` and can be resumed with
:meth:`Store.find_resumable` and :meth:`Store.completed_chunks`.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb
import pandas as pd
import pyarrow as pa

from escalade._version import __version__
from escalade.errors import ResultsFormatError, UsageError
from escalade.results._codec import TableSpec, decode, encode
from escalade.results._locking import (
    STORE_WAIT,
    StoreBusy,
    StoreCorrupt,
    connect,
    damage,
    default_wait,
    guarded,
)
from escalade.results.bundle import load_bundle, save_bundle
from escalade.results.pending import pending_bundles, pending_dir
from escalade.results.provenance import Provenance
from escalade.results.resultset import KINDS, ResultSet, utc_now

__all__ = ["FORMAT_VERSION", "RUN_COLUMNS", "STORE_WAIT", "Store", "StoreBusy", "StoreCorrupt"]

FORMAT_VERSION = 1
"""The store schema version this escalade writes and reads."""

RUN_COLUMNS = ("id", "kind", "status", "created", "scenario_id", "scenario_hash", "n", "seed")
"""The columns of :meth:`Store.list_runs`."""

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
_counter = itertools.count()


def _new_id(kind: str) -> str:
    token = f"{time.time_ns()}-{os.getpid()}-{next(_counter)}-{kind}"
    return "r" + hashlib.sha256(token.encode()).hexdigest()[:8]


class Store:
    """A results store in one DuckDB file.

    Parameters
    ----------
    path : str or Path
        The DuckDB file. It is created (with its schema) on first use unless
        ``read_only``.
    read_only : bool
        Open without writing; a missing file raises :class:`ResultsFormatError`.
    label : str, optional
        How messages name the store (default: its path); the dashboard passes the
        file name so that no answer shows a path of the machine.
    wait : float, optional
        Seconds to wait, retrying with backoff (0.05 s doubling to 1 s), while another
        process holds the file; default :data:`STORE_WAIT` or ``ESCALADE_STORE_WAIT``.

    Raises
    ------
    ResultsFormatError
        On first use, if the file is not a DuckDB file, not an escalade store, or
        of a newer format version; :class:`StoreBusy` if another process held it for
        the whole wait; :class:`StoreCorrupt` if it is truncated or damaged.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "escalade.duckdb"
    >>> with Store(path) as store:
    ...     run_id = store.save(ResultSet("simulate", {"seed": 3}, {"t": pd.DataFrame({"x": [1]})}))
    ...     store.load(run_id).table("t")["x"].tolist()
    [1]
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        label: str | None = None,
        wait: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.label = label if label is not None else str(self.path)
        self.wait = default_wait() if wait is None else wait
        self.merged: list[str] = []
        """Run ids of the pending bundles merged since this object was made."""
        self.unmerged: dict[str, str] = {}
        """Pending bundles :meth:`merge_pending` could not read, with the reason."""
        self._con: duckdb.DuckDBPyConnection | None = None

    # -- connection ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._connection()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (it reopens on next use)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    @classmethod
    def over(
        cls, con: duckdb.DuckDBPyConnection, path: str | os.PathLike[str], *, label: str | None
    ) -> Store:
        """A read-only store on an open connection (a cursor of :class:`~.pool.ReadPool`)."""
        store = cls(path, read_only=True, label=label)
        store._con = con
        return store

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open DuckDB connection (opened now if need be)."""
        return self._connection()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self._open()
            if not self.read_only and pending_bundles(self.path):
                self.merge_pending()
        return self._con

    def _fail(self, what: str, hint: str) -> ResultsFormatError:
        return ResultsFormatError(f"{self.label}: {what} (hint: {hint})")

    def _make_folder(self) -> None:
        """Create the folder of a new store file (as ``--out`` creates a report's folder)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._fail(
                f"expected a folder that can hold the store, found {exc.strerror or exc}",
                "give a store path in a folder you can write to",
            ) from exc

    def _open(self) -> duckdb.DuckDBPyConnection:
        exists = self.path.exists()
        if exists and not self.path.is_file():
            kind = "a directory" if self.path.is_dir() else "a special file"
            raise self._fail(
                f"expected a results store file, found {kind}",
                "pass a file name such as escalade.duckdb",
            )
        if self.read_only and not exists:
            raise self._fail(
                "no results store here",
                "run a command that saves results first, or open an existing store file",
            )
        if exists and self.path.is_file() and self.path.stat().st_size > 0:
            with self.path.open("rb") as handle:
                header = handle.read(16)
            if header[8:12] != _DUCKDB_MAGIC:
                raise self._fail(
                    "expected a DuckDB results store, found a file of another kind",
                    "pass the path of an escalade .duckdb file",
                )
        if not self.read_only and not exists:
            self._make_folder()
        con = connect(self.path, read_only=self.read_only, wait=self.wait, label=self.label)
        try:
            if not self.read_only:
                # Large appends are otherwise written to the file before COMMIT; with DuckDB
                # 2.0, rows of a table created and filled in one transaction were lost by the
                # WAL replay after a SIGKILL (count(*) right, scans empty). Keeping appends in
                # memory until COMMIT makes them go through the WAL (or a checkpoint) whole.
                con.execute("SET enable_optimistic_write = false")
            self._check_schema(con)
        except duckdb.Error as exc:
            con.close()
            raise damage(exc, path=self.path, label=self.label) from exc
        except BaseException:
            con.close()
            raise
        return con

    def _check_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        names = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "format_version" not in names:
            if names:
                raise self._fail(
                    "expected an escalade results store, found a DuckDB file with other tables",
                    "pass a new file name; escalade will create the store",
                )
            if self.read_only:
                raise self._fail("the file holds no results store", "save a run into it first")
            self._create_schema(con)
            return
        row = _first(con.execute("SELECT max(version) FROM format_version"))
        version = row[0] if row else None
        if version is None or not 1 <= int(version) <= FORMAT_VERSION:
            raise self._fail(
                f"expected a store of format version 1..{FORMAT_VERSION}, found version {version}",
                "this store was written by a newer escalade; upgrade escalade to read it",
            )

    def _create_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("BEGIN TRANSACTION")
        for statement in _SCHEMA:
            con.execute(statement)
        con.execute(
            "INSERT INTO format_version VALUES (?, ?, ?)", [FORMAT_VERSION, utc_now(), __version__]
        )
        con.execute("COMMIT")

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.read_only:
            raise UsageError(f"{self.label}: the store was opened read-only")
        con = self._connection()
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    # -- writing ------------------------------------------------------------------------------

    def _insert_run(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: str,
        metadata: Mapping[str, Any],
        *,
        status: str,
        scenario_text: str | None,
        key: str | None,
        wanted: str | None = None,
    ) -> str:
        ok = wanted is not None and re.fullmatch(r"r[0-9a-f]{8}", wanted)
        run_id = wanted if ok and wanted is not None else _new_id(kind)
        while _first(con.execute("SELECT 1 FROM runs WHERE id = ?", [run_id])):
            run_id = _new_id(kind)
        prov = Provenance.from_mapping(metadata)
        seed = prov.seed
        con.execute(
            "INSERT INTO runs VALUES (?, nextval('run_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                kind,
                status,
                prov.created or utc_now(),
                prov.scenario_id,
                prov.scenario_hash,
                prov.n,
                seed if seed is not None and seed >= 0 else None,
                key,
                json.dumps(dict(metadata), allow_nan=False),
                scenario_text,
            ],
        )
        return run_id

    @guarded
    def save(self, rs: ResultSet, *, key: str | None = None, run_id: str | None = None) -> str:
        """Save a complete result set in one transaction and return its run id.

        A process killed during ``save`` leaves the store without the run. ``run_id``
        asks for that id (when free: runs copied from another store keep theirs).
        """
        with self._transaction() as con:
            run_id = self._insert_run(
                con,
                rs.kind,
                rs.metadata,
                status="complete",
                scenario_text=rs.scenario_text,
                key=key,
                wanted=run_id,
            )
            for name, df in rs.tables.items():
                self._write(con, run_id, name, 0, df)
        return run_id

    @guarded
    def begin(
        self,
        kind: str,
        metadata: Mapping[str, Any],
        *,
        scenario_text: str | None = None,
        key: str | None = None,
    ) -> str:
        """Start a chunked run (status ``"running"``) and return its id.

        Parameters
        ----------
        kind, metadata, scenario_text
            As in :class:`ResultSet` (checked the same way).
        key : str, optional
            A key that identifies the work (e.g. a hash of the command), so that
            a killed run can be found again with :meth:`find_resumable`.
        """
        ResultSet(kind, metadata, {}, scenario_text)  # validates kind and metadata
        with self._transaction() as con:
            return self._insert_run(
                con, kind, metadata, status="running", scenario_text=scenario_text, key=key
            )

    @guarded
    def write_chunk(self, run_id: str, table: str, chunk: int, df: pd.DataFrame) -> None:
        """Write chunk ``chunk`` of table ``table`` of a running run, in one transaction.

        Writing the same ``(run, table, chunk)`` again replaces it (idempotent).
        Rows are read back ordered by chunk number, then row.

        Raises
        ------
        UsageError
            If the run is not running, ``chunk`` is negative, or the columns or
            dtypes differ from the table's earlier chunks.
        """
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 0:  # type: ignore[redundant-expr]
            raise UsageError(f"write_chunk: chunk: expected an integer >= 0, found {chunk!r}")
        ResultSet("run", {}, {table: df})  # validates the name and the columns
        with self._transaction() as con:
            run = self._resolve(con, run_id)
            status = self._status(con, run)
            if status != "running":
                raise UsageError(
                    f"run {run} is {status}: chunks can only be written to a running run "
                    "(hint: start one with Store.begin)"
                )
            self._write(con, run, table, chunk, df)

    def _write(
        self, con: duckdb.DuckDBPyConnection, run_id: str, name: str, chunk: int, df: pd.DataFrame
    ) -> None:
        where = f"run {run_id}, table {name!r}"
        arrow, spec = encode(df, where)
        row = _first(
            con.execute(
                "SELECT physical, spec FROM run_tables WHERE run_id = ? AND name = ?",
                [run_id, name],
            )
        )
        if row is None:
            count = con.execute("SELECT count(*) FROM run_tables WHERE run_id = ?", [run_id])
            position = int(count.fetchall()[0][0])
            physical = f"d_{run_id}_{position}"
            con.execute(
                "INSERT INTO run_tables VALUES (?, ?, ?, ?, ?)",
                [run_id, name, position, physical, spec.to_json()],
            )
        else:
            physical, stored = str(row[0]), TableSpec.from_json(str(row[1]))
            if not stored.same_layout(spec):
                raise UsageError(
                    f"{where}, chunk {chunk}: expected columns {_layout(stored)} as in earlier "
                    f"chunks, found {_layout(spec)}"
                )
            con.execute(
                "UPDATE run_tables SET spec = ? WHERE run_id = ? AND name = ?",
                [stored.merged(spec).to_json(), run_id, name],
            )
        n = arrow.num_rows
        arrow = arrow.append_column("__chunk", pa.array([chunk] * n, type=pa.int64()))
        arrow = arrow.append_column("__row", pa.array(range(n), type=pa.int64()))
        con.register("_escalade_chunk", arrow)
        try:
            con.execute(f'CREATE TABLE IF NOT EXISTS "{physical}" AS FROM _escalade_chunk LIMIT 0')
            con.execute(f'DELETE FROM "{physical}" WHERE __chunk = ?', [chunk])  # noqa: S608
            con.execute(f'INSERT INTO "{physical}" FROM _escalade_chunk')
        except duckdb.Error as exc:
            raise UsageError(f"{where}, chunk {chunk}: cannot store the rows: {exc}") from exc
        finally:
            con.unregister("_escalade_chunk")
        con.execute(
            "DELETE FROM run_chunks WHERE run_id = ? AND name = ? AND chunk = ?",
            [run_id, name, chunk],
        )
        con.execute("INSERT INTO run_chunks VALUES (?, ?, ?, ?)", [run_id, name, chunk, n])

    @guarded
    def merge_pending(self) -> list[str]:
        """Save the results waiting in ``<store>.pending/`` (see :mod:`~escalade.results.pending`).

        Each bundle is saved in its own transaction under the key ``pending:<name>``
        (so a bundle saved but not yet removed is not saved twice), then removed.

        Returns
        -------
        list of str
            The run ids of the merged bundles.
        """
        merged: list[str] = []
        self.unmerged = {}
        for folder in pending_bundles(self.path):
            key = f"pending:{folder.name}"
            row = _first(self._connection().execute("SELECT id FROM runs WHERE key = ?", [key]))
            try:
                run_id = str(row[0]) if row else self.save(load_bundle(folder), key=key)
            except (ResultsFormatError, UsageError) as exc:  # left in place, reported
                self.unmerged[folder.name] = str(exc)
                continue
            shutil.rmtree(folder, ignore_errors=True)
            merged.append(run_id)
        with contextlib.suppress(OSError):
            pending_dir(self.path).rmdir()
        self.merged += merged
        return merged

    @guarded
    def finish(self, run_id: str) -> None:
        """Mark a running run ``"complete"``."""
        with self._transaction() as con:
            run = self._resolve(con, run_id)
            con.execute("UPDATE runs SET status = 'complete' WHERE id = ?", [run])

    @guarded
    def delete(self, run_id: str) -> None:
        """Delete a run and all its tables, in one transaction."""
        with self._transaction() as con:
            run = self._resolve(con, run_id)
            physical = con.execute("SELECT physical FROM run_tables WHERE run_id = ?", [run])
            for (table,) in physical.fetchall():
                con.execute(f'DROP TABLE IF EXISTS "{table}"')
            for meta in ("run_chunks", "run_tables"):
                con.execute(f"DELETE FROM {meta} WHERE run_id = ?", [run])  # noqa: S608
            con.execute("DELETE FROM runs WHERE id = ?", [run])

    # -- reading ------------------------------------------------------------------------------

    @guarded
    def completed_chunks(self, run_id: str, table: str) -> set[int]:
        """Return the chunk numbers of ``table`` already written for a run."""
        con = self._connection()
        run = self._resolve(con, run_id)
        rows = con.execute(
            "SELECT chunk FROM run_chunks WHERE run_id = ? AND name = ?", [run, table]
        ).fetchall()
        return {int(r[0]) for r in rows}

    @guarded
    def find_resumable(self, key: str) -> str | None:
        """Return the newest ``"running"`` run started with ``key``, or ``None``."""
        row = _first(
            self._connection().execute(
                "SELECT id FROM runs WHERE key = ? AND status = 'running' "
                "ORDER BY seq DESC LIMIT 1",
                [key],
            )
        )
        return None if row is None else str(row[0])

    @guarded
    def list_runs(self) -> pd.DataFrame:
        """Return one row per run, newest first, with the columns :data:`RUN_COLUMNS`."""
        columns = ", ".join(RUN_COLUMNS)
        query = f"SELECT {columns} FROM runs ORDER BY seq DESC"  # noqa: S608
        table = self._connection().sql(query).to_arrow_table()
        df: pd.DataFrame = table.to_pandas()
        for column in ("n", "seed"):
            df[column] = df[column].astype("Int64")
        return df

    @guarded
    def describe(self, run_id: str) -> dict[str, Any]:
        """Return a run's row of :meth:`list_runs`, its metadata, key and table sizes."""
        con = self._connection()
        run = self._resolve(con, run_id)
        row = _first(
            con.execute(
                f"SELECT {', '.join(RUN_COLUMNS)}, key, metadata FROM runs WHERE id = ?",  # noqa: S608
                [run],
            )
        )
        assert row is not None
        info: dict[str, Any] = dict(zip((*RUN_COLUMNS, "key"), row[:-1], strict=True))
        info["metadata"] = json.loads(row[-1])
        sizes = con.execute(
            """SELECT t.name, coalesce(sum(c.rows), 0), count(c.chunk) FROM run_tables t
               LEFT JOIN run_chunks c ON c.run_id = t.run_id AND c.name = t.name
               WHERE t.run_id = ? GROUP BY t.name, t.position ORDER BY t.position""",
            [run],
        ).fetchall()
        info["tables"] = {str(n): {"rows": int(r), "chunks": int(c)} for n, r, c in sizes}
        return info

    @guarded
    def load(self, run_id: str, *, allow_incomplete: bool = False) -> ResultSet:
        """Load a run as a :class:`ResultSet` (dtypes and column order preserved).

        Parameters
        ----------
        run_id : str
            The run id or an unambiguous prefix of it.
        allow_incomplete : bool
            Also load a run that is still ``"running"`` (the chunks written so far).

        Raises
        ------
        ResultsFormatError
            If no run has that id (the message suggests close ids), or the run
            is incomplete and ``allow_incomplete`` is false.
        """
        con = self._connection()
        run = self._resolve(con, run_id)
        row = _first(
            con.execute(
                "SELECT kind, status, metadata, scenario_text FROM runs WHERE id = ?", [run]
            )
        )
        assert row is not None
        kind, status, metadata, scenario_text = row
        if status != "complete" and not allow_incomplete:
            raise ResultsFormatError(
                f"run {run} is {status}: it was interrupted or is still being written "
                "(hint: run the same command again to resume it, or delete it)"
            )
        tables = {}
        listing = con.execute(
            "SELECT name, physical, spec FROM run_tables WHERE run_id = ? ORDER BY position", [run]
        ).fetchall()
        for name, physical, spec_text in listing:
            spec = TableSpec.from_json(spec_text)
            # A table without columns keeps its row count: read the row numbers, drop them.
            kept = "* EXCLUDE (__chunk, __row)" if spec.columns else "__row"
            query = f'SELECT {kept} FROM "{physical}" ORDER BY __chunk, __row'  # noqa: S608
            arrow = con.sql(query).to_arrow_table()
            if not spec.columns:
                arrow = arrow.select([])
            tables[str(name)] = decode(arrow, spec, f"run {run}, {name}")
        if kind not in KINDS:
            raise ResultsFormatError(f"run {run}: unknown kind {kind!r} (hint: upgrade escalade)")
        return ResultSet(kind, json.loads(metadata), tables, scenario_text)

    @guarded
    def export_parquet(self, run_id: str, directory: str | os.PathLike[str]) -> list[Path]:
        """Export a run as a Parquet bundle (see :mod:`escalade.results.bundle`)."""
        run = self._resolve(self._connection(), run_id)
        return save_bundle(self.load(run), directory, run_id=run)

    # -- helpers ------------------------------------------------------------------------------

    def _status(self, con: duckdb.DuckDBPyConnection, run: str) -> str:
        row = _first(con.execute("SELECT status FROM runs WHERE id = ?", [run]))
        assert row is not None
        return str(row[0])

    def _resolve(self, con: duckdb.DuckDBPyConnection, run_id: str) -> str:
        ids = [str(r[0]) for r in con.execute("SELECT id FROM runs ORDER BY seq DESC").fetchall()]
        if run_id in ids:
            return run_id
        matches = [i for i in ids if run_id and i.startswith(run_id)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UsageError(
                f"run id {run_id!r} is ambiguous in {self.label}: it starts "
                f"{', '.join(matches[:5])} (hint: give more characters)"
            )
        close = difflib.get_close_matches(run_id, ids, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else None
        hint = hint or ("list the runs with: escalade runs list" if ids else "the store is empty")
        raise ResultsFormatError(f"{self.label}: no run with id {run_id!r} (hint: {hint})")


def _first(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """Return the first row of a result, consuming it (DuckDB wants results finished)."""
    rows = result.fetchall()
    return tuple(rows[0]) if rows else None


def _layout(spec: TableSpec) -> str:
    return "[" + ", ".join(f"{c.name}: {c.dtype}" for c in spec.columns) + "]"
