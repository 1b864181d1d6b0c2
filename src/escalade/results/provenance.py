"""The typed provenance of a result set: :class:`Provenance`.

A result set's ``metadata`` is a JSON mapping (what the DuckDB store and the
Parquet bundles hold). Writers build a :class:`Provenance` and store
:meth:`Provenance.to_mapping`; readers (reports, the CLI, the dashboard) call
:meth:`Provenance.from_mapping` (or :attr:`ResultSet.provenance
<escalade.results.resultset.ResultSet.provenance>`) and read typed fields.

The stored layout is the one escalade has always written, kind by kind
(:data:`LAYOUTS`): ``run``, ``explore`` and ``simulate`` spread the versions
of Python, escalade and its dependencies into top-level keys (``python``,
``escalade``, ``numpy``, ...); ``replay`` and ``game`` nest them under
``versions``. :meth:`~Provenance.from_mapping` remembers which keys a mapping
had, in which order, so that reading and writing back gives the same mapping;
a key it does not know, or whose value has an unexpected type, is kept in
:attr:`~Provenance.extra` and written back unchanged.
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import metadata as importlib_metadata
from types import MappingProxyType
from typing import Any

from escalade._fingerprint import code_fingerprint
from escalade._version import __version__

__all__ = [
    "EXPLORE_KEYS",
    "FLAT_VERSIONS",
    "GAME_KEYS",
    "INTERVALS",
    "LAYOUTS",
    "REPLAY_KEYS",
    "RUN_KEYS",
    "SIMULATE_KEYS",
    "VERSION_NAMES",
    "Provenance",
    "environment_versions",
    "utc_now",
]

_DEPENDENCIES = (
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "duckdb",
    "pydantic",
    "salib",
    "plotly",
    "jinja2",
    "rich",
)
VERSION_NAMES: tuple[str, ...] = ("python", "escalade", "escalade_code", *_DEPENDENCIES)
"""The keys of :func:`environment_versions`, in order (``escalade_code``: the code
fingerprint, :func:`escalade._fingerprint.code_fingerprint`; results stored before it
was recorded lack it)."""

INTERVALS = "95%: normal approximation for means, Wilson for probabilities"
"""How ``run`` and ``simulate`` compute their intervals (the ``intervals`` field)."""

FLAT_VERSIONS = "*versions"
"""The place, in a layout, of the versions spread into top-level keys."""

_SCENARIO = ("scenario_id", "scenario_title")
SIMULATE_KEYS: tuple[str, ...] = (
    *_SCENARIO,
    "scenario_hash",
    "seed",
    "n",
    "strategy",
    "mindset",
    "horizon",
    "intervals",
    "created",
    FLAT_VERSIONS,
)
"""The keys a ``simulate`` result set's metadata holds, in order."""
RUN_KEYS: tuple[str, ...] = (
    *_SCENARIO,
    "scenario_description",
    "scenario_hash",
    "seed",
    "n",
    "horizon",
    "focal_side",
    "rank_by",
    "rank_kind",
    "ranked_by",
    "intervals",
    "status_quo",
    "sweep_points",
    "sweep_trajectories",
    "created",
    "strategies",
    "mindsets",
    "n_mindsets",
    FLAT_VERSIONS,
)
"""The keys a ``run`` result set's metadata holds, in order (then ``run_id`` once stored)."""
EXPLORE_KEYS: tuple[str, ...] = (
    *_SCENARIO,
    "scenario_hash",
    "seed",
    "n",
    "design",
    "replications",
    "trajectories",
    "common_random_numbers",
    "focal_side",
    "outcome",
    "strategies",
    "mindsets",
    "parameters",
    "created",
    FLAT_VERSIONS,
)
"""The keys an ``explore`` result set's metadata holds, in order (then ``run_id``)."""
REPLAY_KEYS: tuple[str, ...] = (
    *_SCENARIO,
    "scenario_hash",
    "observed_file",
    "observed_hash",
    "n",
    "particles",
    "replicates",
    "seed",
    "epsilon",
    "as_of",
    "n_observations",
    "log_evidence",
    "posterior",
    "scores",
    "versions",
    "created",
)
"""The keys a ``replay`` result set's metadata holds, in order."""
GAME_KEYS: tuple[str, ...] = (
    *_SCENARIO,
    "scenario_hash",
    "seed",
    "n",
    "row_side",
    "col_side",
    "strategies",
    "mindsets",
    "bootstrap",
    "alpha",
    "degenerate",
    "note",
    "seconds",
    "versions",
    "created",
)
"""The keys a ``game`` result set's metadata holds, in order (then ``run_id`` once stored)."""
LAYOUTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "simulate": SIMULATE_KEYS,
        "run": RUN_KEYS,
        "explore": EXPLORE_KEYS,
        "replay": REPLAY_KEYS,
        "game": GAME_KEYS,
    }
)
"""Each kind's stored keys, in the order escalade writes them."""


def environment_versions() -> dict[str, str]:
    """Return the versions of Python, escalade and its main dependencies.

    Returns
    -------
    dict of str to str
        ``{"python": "3.11.9", "escalade": "0.1.0", "escalade_code": "3f9a1c2b7d4e",
        "numpy": "2.1.0", ...}``; ``escalade_code`` is a hash of escalade's own source
        (it tells apart two builds of one version, e.g. under an editable install); a
        dependency that is not installed is reported as ``"absent"``.
    """
    versions = {
        "python": platform.python_version(),
        "escalade": __version__,
        "escalade_code": code_fingerprint(),
    }
    for name in _DEPENDENCIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def utc_now() -> str:
    """Return the current time in UTC as an ISO 8601 string (seconds precision)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a result set came from: scenario, seed, sizes, settings, versions, time.

    Every field is optional (a kind fills the ones it has, :data:`LAYOUTS`):
    ``None`` (or an empty tuple or mapping) means the metadata does not hold it.

    Attributes
    ----------
    scenario_id, scenario_title, scenario_description, scenario_hash : str or None
        The scenario, and the SHA-256 hash of its canonical content
        (:attr:`Scenario.content_hash <escalade.scenario.model.Scenario.content_hash>`, as
        ``escalade validate --json`` prints it; the same for every kind of run).
    seed, n : int or None
        The root seed; trajectories per cell (``run``, ``simulate``, ``game``),
        design points (``explore``) or particles (``replay``).
    created : str or None
        The creation time, ISO 8601 in UTC.
    run_id : str or None
        The store's id of the run, once stored.
    strategy, mindset : str or None
        The cell of a ``simulate`` result.
    horizon : int or None
        Rounds per trajectory.
    intervals : str or None
        How the intervals were computed.
    focal_side, rank_by, rank_kind, ranked_by, status_quo : str or None
        The side the analysis takes; the side or actor (``rank_kind``) the
        strategies are ranked by and that ranking as a sentence; the
        status-quo strategy.
    sweep_points, sweep_trajectories : int or None
        The robustness sweep of a ``run``.
    strategies, mindsets : tuple of str
        The levers (``game``: the row side's and the column side's strategies).
    n_mindsets : int or None
        The number of mindsets of a ``run``.
    design, common_random_numbers, outcome : str or None
        An exploration's design, how it shares random numbers, its outcome.
    replications, trajectories : int or None
        An exploration's replications and trajectories per experiment.
    parameters : tuple of str
        The uncertainties an exploration varies.
    observed_file, observed_hash, as_of : str or None
        A replay's observation file (name and hash) and its cut-off date.
    particles, replicates, n_observations : int or None
        A replay's particles and replicate filters per cell, and observations used.
    epsilon : float or None
        A replay's observation-error rate.
    log_evidence : mapping
        A replay's log evidence (``value``, ``se``).
    posterior, scores : object
        A replay's posterior and scores (JSON values).
    row_side, col_side, note : str or None
        A meta-game's sides, and the note when it is degenerate.
    bootstrap : int or None
        A meta-game's bootstrap resamples.
    alpha, seconds : float or None
        A meta-game's α-Rank intensity and equilibrium computation time.
    degenerate : bool or None
        Whether the meta-game is degenerate.
    versions : mapping of str to str
        :func:`environment_versions` when the result was made.
    extra : mapping
        Keys this escalade does not know (or whose value has an unexpected
        type), kept so that they are written back unchanged.
    keys : tuple of str or None
        The stored keys in order (:data:`LAYOUTS`); ``None``: every field that
        is set, in field order.

    Examples
    --------
    >>> meta = {"scenario_id": "kursk-mini", "seed": 7, "n": 64, "note_to_self": "hi"}
    >>> prov = Provenance.from_mapping(meta)
    >>> prov.seed, prov.strategies, dict(prov.extra)
    (7, (), {'note_to_self': 'hi'})
    >>> prov.to_mapping() == meta
    True
    """

    scenario_id: str | None = None
    scenario_title: str | None = None
    scenario_description: str | None = None
    scenario_hash: str | None = None
    seed: int | None = None
    n: int | None = None
    created: str | None = None
    run_id: str | None = None
    strategy: str | None = None
    mindset: str | None = None
    horizon: int | None = None
    intervals: str | None = None
    focal_side: str | None = None
    rank_by: str | None = None
    rank_kind: str | None = None
    ranked_by: str | None = None
    status_quo: str | None = None
    sweep_points: int | None = None
    sweep_trajectories: int | None = None
    strategies: tuple[str, ...] = ()
    mindsets: tuple[str, ...] = ()
    n_mindsets: int | None = None
    design: str | None = None
    replications: int | None = None
    trajectories: int | None = None
    common_random_numbers: str | None = None
    outcome: str | None = None
    parameters: tuple[str, ...] = ()
    observed_file: str | None = None
    observed_hash: str | None = None
    particles: int | None = None
    replicates: int | None = None
    epsilon: float | None = None
    as_of: str | None = None
    n_observations: int | None = None
    log_evidence: Mapping[str, Any] = field(default_factory=dict)
    posterior: Any = None
    scores: Any = None
    row_side: str | None = None
    col_side: str | None = None
    bootstrap: int | None = None
    alpha: float | None = None
    degenerate: bool | None = None
    note: str | None = None
    seconds: float | None = None
    versions: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    keys: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("strategies", "mindsets", "parameters"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("log_evidence", "versions", "extra"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @property
    def title(self) -> str:
        """The scenario's title, else its id, else ``""``."""
        if self.scenario_title is not None:
            return self.scenario_title
        return self.scenario_id or ""

    @property
    def escalade_version(self) -> str | None:
        """The version of escalade that made the result, when recorded."""
        return self.versions.get("escalade")

    @property
    def escalade_build(self) -> str | None:
        """The version and, when recorded, the code fingerprint: ``0.1.0 (code 3f9a1c2b7d4e)``."""
        code = self.versions.get("escalade_code")
        if code is None or self.escalade_version is None:
            return self.escalade_version
        return f"{self.escalade_version} (code {code})"

    def with_run_id(self, run_id: str | None) -> Provenance:
        """Return the record with ``run_id`` set (and written last, as escalade always has)."""
        keys = self.keys
        if keys is not None and "run_id" not in keys:
            keys = (*keys, "run_id")
        return replace(self, run_id=run_id, keys=keys)

    @classmethod
    def from_mapping(cls, meta: Mapping[str, Any]) -> Provenance:
        """Read a stored metadata mapping (of any escalade version).

        Missing keys take the defaults; unknown keys, and known keys whose value
        has an unexpected type, go to :attr:`extra`. The order of the keys is
        kept in :attr:`keys`, so ``from_mapping(m).to_mapping() == m``.
        """
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        keys: list[str] = []
        nested = isinstance(meta.get("versions"), Mapping)
        flat: dict[str, str] = {}
        for key, value in meta.items():
            if not nested and key in VERSION_NAMES and isinstance(value, str):
                if not flat:
                    keys.append(FLAT_VERSIONS)
                flat[key] = value
                continue
            keys.append(key)
            parsed = _parse(key, value)
            if parsed is _INVALID:
                extra[key] = value
            else:
                values[key] = parsed
        if flat:
            values["versions"] = flat
        return cls(**values, extra=extra, keys=tuple(keys))

    def to_mapping(self) -> dict[str, Any]:
        """The JSON mapping to store: the keys of :attr:`keys`, then :attr:`extra`'s others."""
        keys = self.keys if self.keys is not None else self._set_keys()
        out: dict[str, Any] = {}
        for key in keys:
            if key == FLAT_VERSIONS:
                out.update(self.versions)
            elif key in self.extra:
                out[key] = self.extra[key]
            elif key in _FIELDS:
                out[key] = _dump(getattr(self, key))
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    def _set_keys(self) -> tuple[str, ...]:
        defaults = Provenance()
        return tuple(name for name in _FIELDS if getattr(self, name) != getattr(defaults, name))


_INVALID = object()
_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Provenance) if f.name not in ("extra", "keys")
)
_STR = (
    "scenario_id",
    "scenario_title",
    "scenario_description",
    "scenario_hash",
    "created",
    "run_id",
    "strategy",
    "mindset",
    "intervals",
    "focal_side",
    "rank_by",
    "rank_kind",
    "ranked_by",
    "status_quo",
    "design",
    "common_random_numbers",
    "outcome",
    "observed_file",
    "observed_hash",
    "as_of",
    "row_side",
    "col_side",
    "note",
)
_INT = (
    "seed",
    "n",
    "horizon",
    "sweep_points",
    "sweep_trajectories",
    "n_mindsets",
    "replications",
    "trajectories",
    "particles",
    "replicates",
    "n_observations",
    "bootstrap",
)
_FLOAT = ("epsilon", "alpha", "seconds")
_NAMES = ("strategies", "mindsets", "parameters")
_MAPPINGS = ("versions", "log_evidence")


def _parse(key: str, value: Any) -> Any:
    """The field value of a stored ``key``, or ``_INVALID`` (kept in ``extra``)."""
    if key not in _FIELDS:
        return _INVALID
    if key in ("posterior", "scores"):
        return value
    if value is None:
        return None if key not in _NAMES + _MAPPINGS else _INVALID
    if key in _STR:
        return value if isinstance(value, str) else _INVALID
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if key in _INT:
        return value if is_number and isinstance(value, int) else _INVALID
    if key in _FLOAT:
        return value if is_number else _INVALID
    if key == "degenerate":
        return value if isinstance(value, bool) else _INVALID
    if key in _NAMES:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return tuple(value) if ok else _INVALID
    if key in _MAPPINGS:
        return value if isinstance(value, Mapping) else _INVALID
    return _INVALID


def _dump(value: Any) -> Any:
    """A field value as stored: tuples as lists, mappings as dicts."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value
