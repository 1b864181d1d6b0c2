"""Export sweeps in EMA Workbench's shapes, and as Parquet.

* :func:`to_ema` — the ``(experiments, outcomes)`` pair that EMA Workbench's
  ``perform_experiments`` returns: a DataFrame with the uncertainties, the
  levers and the ``scenario``, ``policy`` and ``model`` columns, and a dict
  of 1-D outcome arrays.
* :func:`save_ema` / :func:`load_ema` — EMA's ``save_results`` ``.tar.gz``
  layout: ``experiments.csv``, one headerless ``NAME.cls`` file per scalar
  outcome, and ``metadata.json`` (``version``, outcome classes and file
  names, experiment dtypes). EMA's ``load_results`` reads the files written
  here.
* :func:`save_parquet` / :func:`load_parquet` — one Parquet file with the
  experiments and outcomes side by side and the sweep's metadata as JSON in
  the file's key-value metadata (key ``escalade``).
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from escalade.errors import ResultsFormatError
from escalade.explore.experiments import ExploreResult

__all__ = ["load_ema", "load_parquet", "save_ema", "save_parquet", "to_ema"]

EMA_VERSION = 0.1
_META_KEY = b"escalade"


def to_ema(result: ExploreResult) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Return ``(experiments, outcomes)`` as EMA Workbench shapes them."""
    experiments = result.experiments.reset_index(drop=True).copy()
    for column in ("policy", "model"):
        if column in experiments.columns:
            experiments[column] = experiments[column].astype("category")
    outcomes = {
        str(name): result.outcomes[name].to_numpy(dtype=np.float64) for name in result.outcomes
    }
    return experiments, outcomes


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def save_ema(result: ExploreResult, path: str | Path) -> Path:
    """Write ``result`` as an EMA Workbench ``.tar.gz`` bundle; return the path."""
    target = Path(path)
    experiments, outcomes = to_ema(result)
    with tarfile.open(target, "w:gz") as archive:
        _add(archive, "experiments.csv", experiments.to_csv(index=False).encode("utf-8"))
        entries = []
        for name, values in outcomes.items():
            text = pd.DataFrame(values).to_csv(header=False, index=False)
            _add(archive, f"{name}.cls", text.encode("utf-8"))
            entries.append(["ScalarOutcome", name, f"{name}.cls"])
        metadata = {
            "version": EMA_VERSION,
            "outcomes": entries,
            "experiments": {k: v.name for k, v in experiments.dtypes.to_dict().items()},
        }
        _add(archive, "metadata.json", json.dumps(metadata).encode("utf-8"))
    return target


def _member(archive: tarfile.TarFile, name: str, path: Path) -> bytes:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise ResultsFormatError(f"{path}: expected a member {name!r} in the EMA bundle")
    return handle.read()


def load_ema(path: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Read an EMA Workbench ``.tar.gz`` bundle of scalar outcomes.

    Raises
    ------
    ResultsFormatError
        If the file is not a gzip tar archive, or a member is missing or malformed.
    """
    source = Path(path)
    try:
        with tarfile.open(source, "r:gz") as archive:
            metadata = json.loads(_member(archive, "metadata.json", source))
            experiments = pd.read_csv(io.BytesIO(_member(archive, "experiments.csv", source)))
            outcomes = {}
            for kind, name, filename in metadata["outcomes"]:
                if kind != "ScalarOutcome":
                    raise ResultsFormatError(
                        f"{source}: outcome {name!r}: expected a ScalarOutcome, found {kind}"
                    )
                raw = _member(archive, filename, source)
                values = pd.read_csv(io.BytesIO(raw), header=None).to_numpy(dtype=np.float64)
                outcomes[name] = values.reshape(values.shape[0])
    except (tarfile.TarError, OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, ResultsFormatError):
            raise
        raise ResultsFormatError(f"{source}: not a readable EMA results bundle ({exc})") from exc
    for column, dtype in metadata.get("experiments", {}).items():
        if column in experiments.columns:
            experiments[column] = experiments[column].astype(
                "category" if dtype in ("category", "object") else dtype
            )
    return experiments, outcomes


def save_parquet(result: ExploreResult, path: str | Path) -> Path:
    """Write experiments and outcomes to one Parquet file; metadata goes in its footer."""
    import pyarrow as pa  # noqa: PLC0415 (heavy import)
    import pyarrow.parquet as pq  # noqa: PLC0415

    target = Path(path)
    clash = set(result.experiments.columns) & set(result.outcomes.columns)
    if clash:
        raise ResultsFormatError(f"outcome names clash with experiment columns: {sorted(clash)}")
    frame = result.experiments.join(result.outcomes)
    table = pa.Table.from_pandas(frame, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    meta[_META_KEY] = json.dumps(
        {"metadata": result.metadata, "outcomes": list(result.outcomes.columns)}, default=str
    ).encode("utf-8")
    pq.write_table(table.replace_schema_metadata(meta), target)
    return target


def load_parquet(path: str | Path) -> ExploreResult:
    """Read a file written by :func:`save_parquet`."""
    import pyarrow.parquet as pq  # noqa: PLC0415 (heavy import)

    source = Path(path)
    try:
        table = pq.read_table(source)
        info: dict[str, Any] = json.loads((table.schema.metadata or {})[_META_KEY])
    except (OSError, KeyError, ValueError) as exc:
        raise ResultsFormatError(f"{source}: not an escalade Parquet export ({exc})") from exc
    frame = table.to_pandas()
    names = info["outcomes"]
    return ExploreResult(frame.drop(columns=names), frame[names], info["metadata"])
