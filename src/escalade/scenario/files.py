"""Reading an input file in bounded memory, with a worded error for every odd case.

The size is checked with ``stat`` before a byte is read (a sparse multi-gigabyte
file is refused at once), and at most ``limit + 1`` bytes are ever read (a file
that grows, or reports no size, cannot exhaust memory). Directories, named
pipes (FIFOs), devices such as ``/dev/zero`` and sockets each get their own
message instead of blocking, reading forever or a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from escalade.errors import Issue, ScenarioError
from escalade.scenario.yamlio import Loaded

__all__ = ["read_input_file", "refuse_observed_timeline"]

_SCENARIO_SECTIONS = ("sides", "actors", "arenas", "options", "strategies", "mindsets")

_KINDS = (
    (stat.S_ISDIR, "a directory", "give the path of a file inside it"),
    (stat.S_ISFIFO, "a named pipe (FIFO)", "save the content to a regular file first"),
    (stat.S_ISCHR, "a character device (such as /dev/zero)", "give a regular file"),
    (stat.S_ISBLK, "a block device", "give a regular file"),
    (stat.S_ISSOCK, "a socket", "give a regular file"),
)


def read_input_file(path: Path, display: str, limit: int, what: str) -> bytes:
    """Return the bytes of ``path``, refusing special, oversized and unreadable files.

    Parameters
    ----------
    path : pathlib.Path
        The file to read.
    display : str
        The name used in messages.
    limit : int
        The largest size accepted, in bytes.
    what : str
        What the file should be, e.g. ``"scenario file"``.

    Raises
    ------
    ScenarioError
        With what was expected, what was found and a hint.
    """

    def fail(found: str, hint: str | None = None) -> ScenarioError:
        article = "an" if what[:1] in "aeiou" else "a"
        issue = Issue(f"expected {article} {what}, found {found}", file=display, hint=hint)
        return ScenarioError([issue])

    try:
        info = path.stat()
    except FileNotFoundError:
        raise fail("nothing at this path", "check the spelling") from None
    except OSError as exc:
        raise fail(f"a path that cannot be examined ({exc.strerror})") from None
    for test, kind, hint in _KINDS:
        if test(info.st_mode):
            raise fail(kind, hint)
    if not stat.S_ISREG(info.st_mode):
        raise fail("a special file", "give a regular file")
    if info.st_size > limit:
        raise fail(_too_large(info.st_size, limit), "split the data into smaller files")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise fail("a file this user may not read", "check the file's permissions") from None
    except OSError as exc:
        raise fail(f"a file that cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise fail(f"a file that cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise fail(_too_large(len(data), limit, more=True), "split the data into smaller files")
    return data


def _too_large(size: int, limit: int, *, more: bool = False) -> str:
    found = f"more than {limit:,} bytes" if more else f"{size:,} bytes"
    return f"{found} (the limit is {limit // (1024 * 1024)} MiB)"


def refuse_observed_timeline(loaded: Loaded, data: dict[str, Any]) -> None:
    """Refuse, in one error, an observed timeline given where a scenario is expected.

    A mapping with ``observations:`` and none of a scenario's sections is an
    observed timeline: checked as a scenario it would give one "unknown field"
    per top-level key.

    Raises
    ------
    ScenarioError
        At the ``observations`` key, with the command that checks such a file.
    """
    if "observations" not in data or any(key in data for key in _SCENARIO_SECTIONS):
        return
    raise ScenarioError(
        [
            loaded.issue(
                ("observations",),
                "expected a scenario, found an observed timeline ('observations:' and no "
                "scenario sections such as 'actors:' or 'options:')",
                "this looks like an observed timeline; check it against its scenario with "
                "`escalade replay` (as the observed timeline) or, in Python, "
                "`escalade.evidence.observed.load_observed`",
            )
        ]
    )
