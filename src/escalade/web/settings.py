"""Where the dashboard finds scenarios and keeps results and uploads, and its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escalade.web.security import new_token

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """Where scenarios, results and uploads live, and the limits.

    Parameters
    ----------
    roots : tuple of pathlib.Path
        Folders whose ``*.yaml``/``*.yml`` scenarios are listed.
    scenarios : tuple of pathlib.Path
        Scenario files that are listed.
    store : pathlib.Path
        The DuckDB results store.
    uploads : pathlib.Path or None
        The folder uploaded scenarios are written to (and read back from at start);
        None means ``escalade-uploads`` next to ``store``. Created on the first upload.
    max_n : int
        Largest N of a run.
    max_jobs, max_queue : int
        Runs going at once, and runs waiting; more get 429.
    max_body : int
        Largest request body in bytes; more gets 413.
    max_uploads : int
        Most scenarios kept in ``uploads``; more gets 403.
    token : str
        The secret every request carries (header, ``?token=`` or cookie); a fresh one
        per :class:`Settings` unless given.
    allow_hosts : tuple of str
        ``Host`` names accepted besides the loopback ones (``*``: any).
    extra : dict
        Free-form settings for extensions.
    """

    roots: tuple[Path, ...] = ()
    scenarios: tuple[Path, ...] = ()
    store: Path = Path("escalade.duckdb")
    uploads: Path | None = None
    max_n: int = 20_000
    max_jobs: int = 2
    max_queue: int = 4
    max_body: int = 1_000_000
    max_uploads: int = 100
    token: str = field(default_factory=new_token, repr=False)
    allow_hosts: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def upload_dir(self) -> Path:
        """The folder of uploaded scenarios (``uploads`` or its default)."""
        return self.uploads if self.uploads is not None else self.store.parent / "escalade-uploads"
