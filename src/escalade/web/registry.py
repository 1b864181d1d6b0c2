"""The scenarios the dashboard lists: catalog, files, folders and uploads, by id.

No request ever names a path: scenarios are looked up by id among the package
catalog, the files and folders of :class:`~escalade.web.settings.Settings`, and
the upload folder. An upload is validated exactly as ``escalade validate`` checks
a file called ``upload.yaml``, then written to ``<uploads>/<id>.yaml`` (never
over an existing file); an id that is already listed is refused with 409.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from escalade.errors import EscaladeError, UsageError, closest_id_hint
from escalade.scenario import Scenario, catalog_names, load_scenario, loads_scenario
from escalade.scenario.distributions import value_problem
from escalade.scenario.dump import dump_scenario
from escalade.scenario.schema import ChoiceSpec
from escalade.scenario.yamlio import decode
from escalade.web.problems import Conflict, Forbidden, NotFound
from escalade.web.settings import Settings

__all__ = ["UPLOAD_NAME", "Origin", "ScenarioRegistry", "validate_text", "with_overrides"]

UPLOAD_NAME = "upload.yaml"
"""The file name validation messages of uploaded text carry."""

Origin = Literal["catalog", "file", "upload"]
_HOLDERS: dict[str, str] = {
    "catalog": "a catalog scenario",
    "file": "a scenario file",
    "upload": "an uploaded scenario",
}
"""How a 409 names the scenario already listed under an id, by its origin."""

# The scenario schema's id pattern (a slug); checked again before an id names a file.
_SAFE_ID = re.compile(r"[a-z][a-z0-9_]*(-[a-z0-9_]+)*")
_KEPT = ("source", "id", "name", "known_to", "description")
"""What a fixed uncertainty keeps of the original: all but its distribution and nominal value."""


VALIDATION_BUDGET = 10.0
"""Seconds the dashboard spends validating one uploaded text before it answers 422."""


def validate_text(text: str, budget: float = VALIDATION_BUDGET) -> Scenario:
    """Load YAML text as ``escalade validate upload.yaml`` would load that file.

    Validation stops after ``budget`` seconds with a located error, so no upload
    keeps the server busy.

    Raises
    ------
    ScenarioError
        With the same located messages as the command line.
    """
    return loads_scenario(text, file=UPLOAD_NAME, budget=budget)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def _load_upload(path: Path) -> Scenario:
    # Named by file name only, so no machine path reaches messages or stored runs.
    text = decode(path.read_bytes(), path.name)
    return loads_scenario(text, file=path.name, base_dir=path.parent)


class ScenarioRegistry:
    """Scenario ids and where each comes from; loads lazily, accepts uploads.

    Parameters
    ----------
    settings : Settings
        The files, folders, upload folder and upload limit.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._sources: dict[str, Path | str] = {}
        self._origins: dict[str, Origin] = {}
        self._loaded: dict[str, Scenario] = {}
        self._discover()

    def _discover(self) -> None:
        for name in catalog_names():
            self._sources[name], self._origins[name] = name, "catalog"
        files = list(self.settings.scenarios)
        for root in self.settings.roots:
            files += _yaml_files(root)
        uploads = _yaml_files(self.settings.upload_dir)
        for path in files + uploads:
            try:
                scenario = _load_upload(path) if path in uploads else load_scenario(path)
            except EscaladeError:
                continue
            if scenario.id not in self._sources:
                self._record(scenario, path, "upload" if path in uploads else "file")

    def _record(self, scenario: Scenario, source: Path | str, origin: Origin) -> None:
        self._sources[scenario.id], self._origins[scenario.id] = source, origin
        self._loaded[scenario.id] = scenario

    def ids(self) -> list[str]:
        """Every listed id, sorted."""
        with self._lock:
            return sorted(self._sources)

    def titles(self) -> dict[str, str]:
        """Each listed scenario's title (empty for one that no longer loads)."""
        out = {}
        for sid in self.ids():
            try:
                out[sid] = self.get(sid).title
            except EscaladeError:
                out[sid] = ""
        return out

    def origins(self) -> Mapping[str, Origin]:
        """Where each listed scenario comes from (a snapshot)."""
        with self._lock:
            return dict(self._origins)

    def get(self, sid: str) -> Scenario:
        """The scenario of that id, loaded once.

        Raises
        ------
        NotFound
            When no listed scenario has that id.
        """
        with self._lock:
            source, loaded = self._sources.get(sid), self._loaded.get(sid)
        if source is None:
            raise NotFound(f"scenario: expected one of {self.ids()}, found {sid!r}")
        if loaded is None:
            loaded = load_scenario(source)
            with self._lock:
                loaded = self._loaded.setdefault(sid, loaded)
        return loaded

    def add_upload(self, text: str) -> Scenario:
        """Validate YAML text and keep it as ``<uploads>/<id>.yaml``; return the scenario.

        Raises
        ------
        ScenarioError
            When the text is not a valid scenario (the messages of ``escalade validate``).
        Conflict
            When a listed scenario (or a file in the upload folder) already has that id.
        Forbidden
            When the upload folder already holds ``max_uploads`` scenarios.
        """
        sid = validate_text(text).id
        if not _SAFE_ID.fullmatch(sid):  # the schema guarantees it; a file name depends on it
            raise UsageError(f"id: expected a lower-case slug, found {sid!r}")
        folder = self.settings.upload_dir
        with self._lock:
            self._check_room(sid, folder)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{sid}.yaml"
            try:
                with path.open("x", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except FileExistsError:
                raise Conflict(self._taken(sid, "a file in the upload folder")) from None
            scenario = _load_upload(path)
            self._record(scenario, path, "upload")
        return scenario

    def taken(self, sid: str) -> str | None:
        """Why ``sid`` cannot be saved as an upload (the 409's message), or None if it is free.

        The editor's check shows it before *Save*: a copy of a listed scenario keeps its id.
        """
        with self._lock:
            if sid in self._sources:
                return self._taken(sid, _HOLDERS[self._origins[sid]])
        if (self.settings.upload_dir / f"{sid}.yaml").exists():
            return self._taken(sid, "a file in the upload folder")
        return None

    def _check_room(self, sid: str, folder: Path) -> None:
        if sid in self._sources:
            raise Conflict(self._taken(sid, _HOLDERS[self._origins[sid]]))
        count = len(_yaml_files(folder))
        limit = self.settings.max_uploads
        if count >= limit:
            raise Forbidden(
                f"uploads: expected fewer than {limit} uploaded scenarios, found {count}; "
                "hint: remove files from the upload folder, or raise the dashboard's "
                "max_uploads setting"
            )

    @staticmethod
    def _taken(sid: str, holder: str) -> str:
        return (
            f"id: expected an id not yet listed, found {sid!r}, already taken by {holder}; "
            "hint: change the 'id:' line of the upload"
        )


def with_overrides(scenario: Scenario, overrides: Mapping[str, float]) -> Scenario:
    """The scenario with some uncertainties fixed to a value (a one-value ``choice``).

    Raises
    ------
    UsageError
        When an override names no uncertainty of the scenario, or gives a value
        outside its support (:func:`~escalade.scenario.distributions.value_problem`).
    """
    if not overrides:
        return scenario
    known = {u.id for u in scenario.spec.uncertainties}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise UsageError(
            f"overrides: expected uncertainties among {sorted(known)}, found {unknown}"
            + closest_id_hint(unknown, sorted(known))
        )
    problems = [
        problem
        for u in scenario.spec.uncertainties
        if u.id in overrides and (problem := value_problem(u, float(overrides[u.id])))
    ]
    if problems:
        raise UsageError("overrides: " + "; ".join(problems))
    fixed = [
        ChoiceSpec.model_validate(
            {
                **{k: getattr(u, k) for k in _KEPT},
                "dist": "choice",
                "values": [float(overrides[u.id])],
            }
        )
        if u.id in overrides
        else u
        for u in scenario.spec.uncertainties
    ]
    spec = scenario.spec.model_copy(update={"uncertainties": fixed})
    changed = dataclasses.replace(scenario, spec=spec)
    return loads_scenario(dump_scenario(changed), file=scenario.file)
