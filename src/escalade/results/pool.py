"""Many readers of one store in a process: one read-only DuckDB instance, a cursor each.

A server that reads the store on every request (the dashboard) should neither open
a new DuckDB instance per request nor serialise requests behind one lock. A
:class:`ReadPool` opens the file read-only once and gives each reader its own
cursor (DuckDB runs them in parallel), at most ``size`` at a time. Because DuckDB
allows no writer, in this process or another, while the file is open read-only,
the instance is closed as soon as the last reader leaves, and :meth:`ReadPool.writing`
waits for the readers to leave (new ones wait meanwhile) so that the same process
can write.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from escalade.results.store import Store

__all__ = ["ReadPool"]


class ReadPool:
    """Read-only access to a store shared by threads (see module docstring).

    Parameters
    ----------
    path : str or Path
        The store file.
    size : int
        Readers at the same time; more wait.
    label : str, optional
        How messages name the store (see :class:`Store`).
    wait : float
        Seconds to wait for a store another process is writing.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        size: int = 4,
        label: str | None = None,
        wait: float = 5.0,
    ) -> None:
        self.path, self.label, self.wait = Path(path), label, wait
        self._slots = threading.BoundedSemaphore(size)
        self._state = threading.Condition()
        self._readers = 0
        self._writers = 0
        self._base: Store | None = None

    @contextmanager
    def reading(self) -> Iterator[Store | None]:
        """A read-only :class:`Store` on its own cursor; None while there is no store file."""
        with self._slots:
            with self._state:
                self._state.wait_for(lambda: self._writers == 0)
                if not self.path.exists():
                    yield None
                    return
                self._readers += 1
            try:
                yield self._cursor()
            finally:
                with self._state:
                    self._readers -= 1
                    if self._readers == 0:
                        self._close()
                    self._state.notify_all()

    def _cursor(self) -> Store:
        with self._state:
            if self._base is None:
                base = Store(self.path, read_only=True, label=self.label, wait=self.wait)
                base.connection()
                self._base = base
            return Store.over(self._base.connection().cursor(), self.path, label=self.label)

    def _close(self) -> None:
        if self._base is not None:
            self._base.close()
            self._base = None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold readers off (and close the shared instance) while this process writes."""
        with self._state:
            self._writers += 1
            self._state.wait_for(lambda: self._readers == 0)
            self._close()
        try:
            yield
        finally:
            with self._state:
                self._writers -= 1
                self._state.notify_all()
