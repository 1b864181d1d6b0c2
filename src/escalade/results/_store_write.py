"""Writing into a results store: a run's row and one chunk of one of its tables.

Private to :mod:`escalade.results.store`, which describes the layout; each
function works inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import time
from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from escalade.errors import UsageError
from escalade.results._codec import TableSpec, encode
from escalade.results._store_open import first
from escalade.results.provenance import Provenance
from escalade.results.resultset import utc_now

_counter = itertools.count()


def new_id(kind: str) -> str:
    """A fresh run id: ``r`` and 8 hex digits, from the time, the process and a counter."""
    token = f"{time.time_ns()}-{os.getpid()}-{next(_counter)}-{kind}"
    return "r" + hashlib.sha256(token.encode()).hexdigest()[:8]


def insert_run(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    metadata: Mapping[str, Any],
    *,
    status: str,
    scenario_text: str | None,
    key: str | None,
    wanted: str | None = None,
) -> str:
    """Insert the row of a new run and return its id (``wanted`` when free and well formed)."""
    ok = wanted is not None and re.fullmatch(r"r[0-9a-f]{8}", wanted)
    run_id = wanted if ok and wanted is not None else new_id(kind)
    while first(con.execute("SELECT 1 FROM runs WHERE id = ?", [run_id])):
        run_id = new_id(kind)
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


def write_rows(
    con: duckdb.DuckDBPyConnection, run_id: str, name: str, chunk: int, df: pd.DataFrame
) -> None:
    """Write ``df`` as chunk ``chunk`` of table ``name`` of run ``run_id``, replacing that chunk.

    Raises
    ------
    UsageError
        If the columns or dtypes differ from the table's earlier chunks, or DuckDB
        cannot store the rows.
    """
    where = f"run {run_id}, table {name!r}"
    arrow, spec = encode(df, where)
    row = first(
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
                f"{where}, chunk {chunk}: expected columns {layout(stored)} as in earlier "
                f"chunks, found {layout(spec)}"
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


def layout(spec: TableSpec) -> str:
    """A table's columns as ``[name: dtype, ...]`` for messages."""
    return "[" + ", ".join(f"{c.name}: {c.dtype}" for c in spec.columns) + "]"
