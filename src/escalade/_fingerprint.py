"""A short fingerprint of escalade's own Python source, to tell code versions apart.

Two runs with the same version string (``0.1.0.dev0`` under an editable
install, say) can come from different code; the fingerprint, a hash of the
package's ``.py`` files, tells them apart. It is recorded in every result's
provenance beside the version (``escalade_code``).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__all__ = ["code_fingerprint", "source_fingerprint"]

FINGERPRINT_CHARS = 12
"""Hex digits kept of the SHA-256 (48 bits: a collision between two versions is negligible)."""


def source_fingerprint(root: Path) -> str:
    """The fingerprint of the ``.py`` files under ``root``: their paths and bytes.

    Parameters
    ----------
    root : pathlib.Path
        A package folder.

    Returns
    -------
    str
        The first :data:`FINGERPRINT_CHARS` hex digits of a SHA-256 over every
        ``.py`` file's path relative to ``root`` and its content, in path order;
        any change to a file's content, name or the set of files changes it.
    """
    digest = hashlib.sha256()
    files = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*.py") if p.is_file())
    for name, path in files:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:FINGERPRINT_CHARS]


@functools.cache
def code_fingerprint() -> str:
    """The fingerprint of the escalade package being run (computed once per process).

    Returns
    -------
    str
        :func:`source_fingerprint` of the package folder, e.g. ``"3f9a1c2b7d4e"``.
    """
    return source_fingerprint(Path(__file__).resolve().parent)
