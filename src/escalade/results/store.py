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
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb
import pandas as pd

from escalade.errors import ResultsFormatError, UsageError
from escalade.reprs import short_repr
from escalade.results._codec import TableSpec, decode
from escalade.results._locking import (
    STORE_WAIT,
    StoreBusy,
    StoreCorrupt,
    default_wait,
    guarded,
)
from escalade.results._store_open import FORMAT_VERSION, first, open_connection
from escalade.results._store_write import insert_run, write_rows
from escalade.results.bundle import load_bundle, save_bundle
from escalade.results.pending import pending_bundles, pending_dir
from escalade.results.resultset import KINDS, ResultSet

__all__ = ["FORMAT_VERSION", "RUN_COLUMNS", "STORE_WAIT", "Store", "StoreBusy", "StoreCorrupt"]

RUN_COLUMNS = ("id", "kind", "status", "created", "scenario_id", "scenario_hash", "n", "seed")
"""The columns of :meth:`Store.list_runs`."""


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

    def __repr__(self) -> str:
        return short_repr(
            "Store", path=self.path, read_only=self.read_only, open=self._con is not None
        )

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
            self._con = open_connection(
                self.path, read_only=self.read_only, wait=self.wait, label=self.label
            )
            if not self.read_only and pending_bundles(self.path):
                self.merge_pending()
        return self._con

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

    @guarded
    def save(self, rs: ResultSet, *, key: str | None = None, run_id: str | None = None) -> str:
        """Save a complete result set in one transaction and return its run id.

        A process killed during ``save`` leaves the store without the run. ``run_id``
        asks for that id (when free: runs copied from another store keep theirs).
        """
        with self._transaction() as con:
            run_id = insert_run(
                con,
                rs.kind,
                rs.metadata,
                status="complete",
                scenario_text=rs.scenario_text,
                key=key,
                wanted=run_id,
            )
            for name, df in rs.tables.items():
                write_rows(con, run_id, name, 0, df)
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
            return insert_run(
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
            write_rows(con, run, table, chunk, df)

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
            row = first(self._connection().execute("SELECT id FROM runs WHERE key = ?", [key]))
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
        row = first(
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
        row = first(
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
        row = first(
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
        row = first(con.execute("SELECT status FROM runs WHERE id = ?", [run]))
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
