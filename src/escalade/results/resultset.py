"""The :class:`ResultSet`: what a run, a simulation, a sweep or a solve produced.

A result set is a frozen record of

* ``kind``: what produced it (``"run"``, ``"simulate"``, ``"explore"``, ``"solve"``,
  ``"replay"``, ``"game"``);
* ``metadata``: a JSON-serialisable mapping with the provenance (scenario id and
  content hash, seed, ``n``, versions of escalade and its dependencies, the
  creation time in UTC, the parameters), read typed as :attr:`ResultSet.provenance`
  (see :mod:`escalade.results.provenance`);
* ``tables``: named tidy :class:`pandas.DataFrame` tables with any columns;
* ``scenario_text``: the scenario source, when there is one, so that the run can
  be reproduced from the result set alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from escalade.errors import UsageError
from escalade.reprs import html_with_repr, listed, short_repr
from escalade.results.provenance import Provenance, environment_versions, utc_now

__all__ = [
    "KINDS",
    "Kind",
    "ResultSet",
    "environment_versions",
    "scenario_hash",
    "utc_now",
]

Kind = Literal["run", "simulate", "explore", "solve", "replay", "game"]
KINDS: tuple[str, ...] = ("run", "simulate", "explore", "solve", "replay", "game")


def scenario_hash(text: str) -> str:
    """Return the content hash of a scenario text (``sha256:`` + 64 hex digits)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_json(value: Mapping[str, Any]) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"ResultSet.metadata: expected JSON-serialisable values (str, int, float, bool, "
            f"None, lists and dicts of them), found an unserialisable value ({exc}) "
            "(hint: convert numpy scalars with int()/float() and paths with str())"
        ) from exc


@dataclass(frozen=True, slots=True)
class ResultSet:
    """The frozen, self-describing output of one run.

    Parameters
    ----------
    kind : {"run", "simulate", "explore", "solve", "replay", "game"}
        What produced the tables.
    metadata : mapping
        JSON-serialisable provenance (``scenario_id``, ``scenario_hash``,
        ``seed``, ``n``, ``versions`` from :func:`environment_versions`,
        ``created`` from :func:`utc_now`, ``parameters`` ...).
    tables : mapping of str to DataFrame
        Named tidy tables; any columns (column names must be unique strings).
    scenario_text : str or None
        The scenario source the run used.

    Raises
    ------
    UsageError
        If ``kind`` is unknown, the metadata is not JSON-serialisable, or a
        table is not a DataFrame with unique string column names.

    Examples
    --------
    >>> import pandas as pd
    >>> rs = ResultSet("simulate", {"seed": 1}, {"outcomes": pd.DataFrame({"x": [1, 2]})})
    >>> rs.table_names
    ('outcomes',)
    """

    kind: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    scenario_text: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UsageError(
                f"ResultSet.kind: expected one of {', '.join(KINDS)}, found {self.kind!r}"
            )
        _check_json(self.metadata)
        for name, table in self.tables.items():
            _check_table(name, table)
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        object.__setattr__(self, "tables", MappingProxyType(dict(self.tables)))

    def __repr__(self) -> str:
        meta = self.metadata
        return short_repr(
            "ResultSet",
            kind=self.kind,
            scenario=meta.get("scenario_id"),
            run_id=meta.get("run_id"),
            n=meta.get("n"),
            seed=meta.get("seed"),
            tables=listed(self.tables),
        )

    def _repr_html_(self) -> str:
        """In a notebook: the repr, then every table's name and size."""
        sizes = pd.DataFrame(
            [(name, len(t), len(t.columns)) for name, t in self.tables.items()],
            columns=["table", "rows", "columns"],
        )
        return html_with_repr(self, sizes, "tables (table(name))")

    @property
    def table_names(self) -> tuple[str, ...]:
        """The table names, in insertion order."""
        return tuple(self.tables)

    def table(self, name: str) -> pd.DataFrame:
        """Return the table ``name``.

        Raises
        ------
        UsageError
            If there is no such table; the message lists the tables there are.
        """
        try:
            return self.tables[name]
        except KeyError:
            known = ", ".join(self.tables) or "none"
            raise UsageError(
                f"table {name!r} not found in this {self.kind} result (tables: {known})"
            ) from None

    def get(self, name: str) -> pd.DataFrame:
        """Return the table ``name``, or an empty frame when this result has none.

        What reports use for optional tables (a run without uncertainties has no
        robustness sweep, an exploration without ``--discover`` no PRIM boxes).
        """
        return self.tables[name] if name in self.tables else pd.DataFrame()

    @property
    def provenance(self) -> Provenance:
        """The metadata as a typed record (:meth:`Provenance.from_mapping`)."""
        return Provenance.from_mapping(self.metadata)

    def metadata_dict(self) -> dict[str, Any]:
        """Return a plain, deep-copied ``dict`` of the metadata (JSON round-trip)."""
        result: dict[str, Any] = json.loads(json.dumps(dict(self.metadata)))
        return result


def _check_table(name: object, table: object) -> None:
    if not isinstance(name, str) or not name:
        raise UsageError(f"ResultSet.tables: expected non-empty string names, found {name!r}")
    if not isinstance(table, pd.DataFrame):
        raise UsageError(
            f"ResultSet.tables[{name!r}]: expected a pandas DataFrame, found {type(table).__name__}"
        )
    columns: list[object] = list(table.columns)
    bad = [c for c in columns if not isinstance(c, str)]
    if bad:
        raise UsageError(
            f"ResultSet.tables[{name!r}]: expected string column names, found {bad[0]!r} "
            "(hint: flatten MultiIndex columns or rename them)"
        )
    if len(set(columns)) != len(columns):
        dupes = sorted({str(c) for c in columns if columns.count(c) > 1})
        raise UsageError(f"ResultSet.tables[{name!r}]: duplicate column names {dupes}")
