"""From file or text to a validated :class:`~escalade.scenario.model.Scenario`.

The steps: read bytes (size, encoding) → safe YAML with positions → the
schema version → structural validation (pydantic) → semantic validation. Every
problem is reported with file, line, column and field path; all problems of a
step are reported together.
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from escalade.errors import Issue, ScenarioError
from escalade.scenario.files import read_input_file, refuse_observed_timeline
from escalade.scenario.ladders import resolve_ladders
from escalade.scenario.messages import data_path, date_reason, pydantic_issues
from escalade.scenario.model import Scenario
from escalade.scenario.schema import (
    SCHEMA_VERSION,
    ScenarioSpec,
)
from escalade.scenario.validate import Checker, did_you_mean
from escalade.scenario.yamlio import MAX_BYTES, Loaded, decode, load_yaml

__all__ = [
    "catalog_names",
    "date_reason",
    "load_scenario",
    "loads_scenario",
    "pydantic_issues",
    "resolve_scenario_path",
]

_CATALOG = "escalade.scenario.catalog"


def catalog_names() -> tuple[str, ...]:
    """Ids of the scenarios shipped in the package catalog."""
    folder = resources.files(_CATALOG)
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


def resolve_scenario_path(name: str | FsPath) -> tuple[bytes, str, FsPath | None]:
    """Return ``(bytes, display name, path on disk or None)`` for a path or a catalog id."""
    path = FsPath(name)
    text = str(name)
    if path.exists() and not path.is_dir():
        return read_input_file(path, text, MAX_BYTES, "scenario file"), text, path
    if text in catalog_names():
        resource = resources.files(_CATALOG) / f"{text}.yaml"
        return resource.read_bytes(), f"{text}.yaml", None
    if path.exists():
        raise ScenarioError(
            [Issue(f"expected a scenario file, found a directory {text!r}", file=text)]
        )
    hint = did_you_mean(text, catalog_names()) or f"catalog scenarios: {', '.join(catalog_names())}"
    raise ScenarioError(
        [
            Issue(
                f"expected a scenario file or a catalog scenario id, found {text!r}",
                file=text,
                hint=hint,
            )
        ]
    )


def load_scenario(name: str | FsPath, *, budget: float | None = None) -> Scenario:
    """Load and validate a scenario from a file path or a catalog id.

    Parameters
    ----------
    name : str or pathlib.Path
        A path to a YAML scenario file, or the id of a scenario shipped in the
        package catalog (e.g. ``"dprk-troops-2024"``; :func:`catalog_names` lists them).
    budget : float, optional
        Seconds validation may take at most.

    Returns
    -------
    Scenario
        The validated scenario: ``spec`` (the parsed file), ``text`` (its source),
        ``warnings`` (the lint warnings).

    Raises
    ------
    ScenarioError
        With every problem found, each located by file, line and field path;
        also when validation runs past ``budget`` seconds (when given).

    Examples
    --------
    >>> scenario = load_scenario("kursk-mini")
    >>> [s.id for s in scenario.strategies]
    ['graduated', 'deescalate']
    """
    raw, display, path = resolve_scenario_path(name)
    text = decode(raw, display)
    base_dir = path.parent if path else None
    return loads_scenario(text, file=display, base_dir=base_dir, budget=budget)


def loads_scenario(
    text: str,
    *,
    file: str = "<string>",
    base_dir: FsPath | None = None,
    budget: float | None = None,
) -> Scenario:
    """Load and validate a scenario from YAML text (see :func:`load_scenario`).

    ``budget`` bounds the wall-clock seconds spent: past it a
    :class:`ScenarioError` says so (the web dashboard passes one per request).
    """
    with _gc_paused():
        return _validated(text, file, base_dir, budget)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a scenario is built.

    Loading creates hundreds of thousands of small acyclic objects; the
    collector's passes over a growing heap made validation time grow faster
    than the file (20,000 options: 15 s of CPU with it, 7 s without).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validated(text: str, file: str, base_dir: FsPath | None, budget: float | None) -> Scenario:
    loaded = load_yaml(text, file, budget=budget)
    spec, unknown_fields = _structural(loaded)
    used = {a.ladder for a in spec.arenas}
    ladders, ladder_problems = resolve_ladders(spec.ladders, used)
    issues = Checker(spec, loaded, ladders, ladder_problems).run()
    if unknown_fields:  # the other errors, not lint of a file read without some of its fields
        issues = unknown_fields + [i for i in issues if i.severity == "error"]
    if spec.schema_version == 1 and not any(i.severity == "error" for i in issues):
        issues.append(
            loaded.issue(
                ("schema_version",),
                "schema_version 1 is read with its old meanings where they can be kept (options "
                "move rungs on success, terminal conditions stop the accounts); per-side views "
                "and escalations before de-escalations apply as in version 2",
                "see docs/migration.md, then write 'schema_version: 2'",
                severity="warning",
            )
        )
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ScenarioError(issues)
    return Scenario(
        spec=spec,
        text=text,
        file=file,
        base_dir=base_dir,
        ladders=ladders,
        positions=loaded.positions,
        warnings=tuple(i for i in issues if i.severity == "warning"),
    )


def _structural(loaded: Loaded) -> tuple[ScenarioSpec, list[Issue]]:
    """The validated sections, and the unknown fields (errors) set aside to check the rest.

    When every structural problem is an unknown field, the fields are left out
    and the file is checked further, so that one run of ``validate`` lists the
    other problems too.
    """
    data = loaded.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value {data!r}"[:80]
        raise ScenarioError(
            [loaded.issue((), f"expected a mapping of scenario sections, found {kind}")]
        )
    refuse_observed_timeline(loaded, data)
    version = data.get("schema_version")
    if version is None:
        raise ScenarioError(
            [
                loaded.issue(
                    (),
                    "expected 'schema_version: 2' at the top, found no schema_version",
                    "add 'schema_version: 2' as the first line",
                )
            ]
        )
    if type(version) is not int or version not in (1, SCHEMA_VERSION):
        raise ScenarioError(
            [
                loaded.issue(
                    ("schema_version",),
                    f"expected schema_version {SCHEMA_VERSION} (or 1), found {version!r}",
                    f"this escalade reads schema versions 1 and {SCHEMA_VERSION}",
                )
            ]
        )
    if version == 1:
        data = migrate_v1(data)
    try:
        return ScenarioSpec.model_validate(data), []
    except ValidationError as exc:
        issues = pydantic_issues(exc, loaded)
        trimmed = _without_unknown_fields(data, exc, loaded)
        if trimmed is None:
            raise ScenarioError(issues) from None
    try:
        return ScenarioSpec.model_validate(trimmed), issues
    except ValidationError:
        raise ScenarioError(issues) from None


def _without_unknown_fields(
    data: dict[str, Any], exc: ValidationError, loaded: Loaded
) -> dict[str, Any] | None:
    """``data`` without its unknown fields, or None if some error is of another kind."""
    errors = exc.errors(include_url=False)
    if any(e["type"] != "extra_forbidden" for e in errors):
        return None
    paths = [data_path(loaded.data, e["loc"])[0] for e in errors]
    if any(not p for p in paths):
        return None
    out: dict[str, Any] = copy.deepcopy(data)
    for path in paths:
        node: Any = out
        for part in path[:-1]:
            node = node[part]
        if not isinstance(node, dict) or path[-1] not in node:
            return None
        del node[path[-1]]
    return out


def migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 data with its version 1 meanings written out in version 2 fields.

    Options move rungs only when they succeed (``escalates: success``) and
    terminal conditions stop the accounts (``absorbing: false``). What version 2
    changes for every file (per-side views of ``perceived`` rungs, escalations
    resolved before de-escalations) cannot be written back; ``docs/migration.md``
    lists it.
    """
    out = dict(data)
    options = out.get("options")
    if isinstance(options, list):
        out["options"] = [
            {**o, "escalates": o.get("escalates", "success")} if isinstance(o, dict) else o
            for o in options
        ]
    terminal = out.get("terminal")
    if isinstance(terminal, list):
        out["terminal"] = [
            {"when": t, "absorbing": False} if isinstance(t, str) else t for t in terminal
        ]
    return out
