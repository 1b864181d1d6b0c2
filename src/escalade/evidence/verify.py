"""Check every quote of a scenario against its source text (DESIGN.md §5).

Source texts are found through the ``file`` of each source: relative to the
scenario file's folder, then in each folder given by the caller (``--sources``)
or listed in the ``ESCALADE_SOURCES`` environment variable (``os.pathsep``
separated). Matching is done by :func:`escalade.evidence.quotes.find_quote`:
normalised for typography, fuzzy for small differences, with a score.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from escalade.errors import EvidenceError
from escalade.evidence.provenance import Assumption, QuoteRef, assumptions, count_kinds, quotes
from escalade.evidence.quotes import find_quote
from escalade.evidence.text import normalise, read_source_text
from escalade.reprs import short_repr
from escalade.scenario import Scenario, load_scenario
from escalade.scenario.schema import SourceSpec

__all__ = ["QuoteCheck", "VerifyReport", "check_quotes", "find_source_file", "verify"]

Status = Literal["found", "not_found", "no_text", "unknown_source"]


@dataclass(frozen=True, slots=True)
class QuoteCheck:
    """The result of checking one quote."""

    path: str
    line: int | None
    ref: str
    quote: str
    status: Status
    score: float
    location: str | None
    excerpt: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The check as a JSON-ready mapping."""
        return asdict(self)


@dataclass(frozen=True)
class VerifyReport:
    """Quotes checked, the provenance table, and the sources whose text was missing."""

    scenario: str
    quotes: tuple[QuoteCheck, ...]
    assumptions: tuple[Assumption, ...]
    missing_texts: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return short_repr(
            "VerifyReport",
            scenario=self.scenario,
            quotes=len(self.quotes),
            failed_quotes=len(self.failed_quotes),
            assumptions=len(self.assumptions),
            unsourced=len(self.unsourced),
            missing_texts=len(self.missing_texts),
        )

    @property
    def unsourced(self) -> tuple[Assumption, ...]:
        """Assumptions with no source at all."""
        return tuple(a for a in self.assumptions if a.kind == "unsourced")

    @property
    def failed_quotes(self) -> tuple[QuoteCheck, ...]:
        """Quotes not found, or whose source text could not be read."""
        return tuple(q for q in self.quotes if q.status != "found")

    @property
    def counts(self) -> dict[str, int]:
        """Assumptions per kind: quoted, sourced, uncertainty, judgement, structural, unsourced."""
        return count_kinds(a.kind for a in self.assumptions)

    def passed(self, *, strict: bool) -> bool:
        """True if nothing fails; under ``strict`` unsourced numbers (and unread texts) fail too."""
        if strict:
            return not self.failed_quotes and not self.unsourced
        return not [q for q in self.quotes if q.status in {"not_found", "unknown_source"}]

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready mapping."""
        return {
            "scenario": self.scenario,
            "quotes": [q.to_dict() for q in self.quotes],
            "assumptions": [a.to_dict() for a in self.assumptions],
            "counts": self.counts,
            "unsourced": [a.to_dict() for a in self.unsourced],
            "missing_texts": self.missing_texts,
        }


def find_source_file(name: str, scenario: Scenario, source_dirs: Sequence[Path]) -> Path | None:
    """Return the path of a source's text file, or None if it is nowhere to be found.

    Only files under the scenario's folder or a source folder (``--sources``,
    ``ESCALADE_SOURCES``) are read, after symbolic links and ``..`` are resolved:
    a scenario cannot make ``verify`` read (and so reveal) any other file.
    """
    return _find_text(name, scenario.base_dir, source_dirs)


def _find_text(name: str, base_dir: Path | None, source_dirs: Sequence[Path]) -> Path | None:
    env = os.environ.get("ESCALADE_SOURCES", "")
    dirs = [*source_dirs, *(Path(p) for p in env.split(os.pathsep) if p)]
    roots = [*([base_dir] if base_dir is not None else []), *dirs]
    path = Path(name)
    candidates = [root / path for root in roots] + [d / path.name for d in dirs]
    for candidate, root in zip(candidates, [*roots, *dirs], strict=True):
        if candidate.is_file() and _inside(candidate, root):
            return candidate
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def verify(
    scenario: Scenario | str | Path,
    *,
    source_dirs: Sequence[Path] = (),
    threshold: float = 90.0,
) -> VerifyReport:
    """Check every quote of ``scenario`` and build its provenance table.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    source_dirs : sequence of pathlib.Path
        Extra folders in which to look for the sources' text files.
    threshold : float
        The fuzzy-match score (0–100) a quote needs to count as found.

    Returns
    -------
    VerifyReport
        ``quotes`` (each quote's check), ``assumptions`` (the provenance table),
        ``failed_quotes``, ``unsourced`` and ``counts``.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    checks, missing = check_quotes(
        scenario.spec.sources,
        quotes(scenario),
        base_dir=scenario.base_dir,
        source_dirs=source_dirs,
        threshold=threshold,
    )
    return VerifyReport(scenario.id, checks, tuple(assumptions(scenario)), missing)


def _read_texts(
    sources: Sequence[SourceSpec], base_dir: Path | None, source_dirs: Sequence[Path], what: str
) -> tuple[dict[str, Any], dict[str, str]]:
    texts: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for source in sources:
        if not source.file:
            missing[source.id] = "the source declares no 'file' with its text"
            continue
        path = _find_text(source.file, base_dir, source_dirs)
        if path is None:
            missing[source.id] = (
                f"text file {source.file!r} not found under the {what}'s folder or a "
                "source folder (given to verify, or listed in ESCALADE_SOURCES)"
            )
            continue
        try:
            raw = read_source_text(path)
        except EvidenceError as exc:
            missing[source.id] = str(exc)
            continue
        texts[source.id] = (path, raw, normalise(raw))
    return texts, missing


def check_quotes(
    sources: Sequence[SourceSpec],
    refs: Sequence[QuoteRef],
    *,
    base_dir: Path | None,
    source_dirs: Sequence[Path] = (),
    threshold: float = 90.0,
    what: str = "scenario",
) -> tuple[tuple[QuoteCheck, ...], dict[str, str]]:
    """Check quotes against their sources' texts; also the sources whose text is missing.

    Shared by scenario files and observed timelines (their sources have the same fields).
    """
    known = {s.id for s in sources}
    texts, missing = _read_texts(sources, base_dir, source_dirs, what)
    checks = []
    for ref in refs:
        head = (ref.path, ref.line, ref.ref, ref.quote)
        if ref.ref not in known:
            checks.append(QuoteCheck(*head, "unknown_source", 0.0, None, ""))
        elif ref.ref not in texts:
            checks.append(QuoteCheck(*head, "no_text", 0.0, None, "", missing.get(ref.ref, "")))
        else:
            path, _, norm = texts[ref.ref]
            match = find_quote(ref.quote, norm, threshold=threshold)
            location = f"{path.name}:{match.line}:{match.col}" if match.line is not None else None
            status: Status = "found" if match.found else "not_found"
            checks.append(QuoteCheck(*head, status, match.score, location, match.excerpt))
    return tuple(checks), missing
