"""Read or write a Gambit game file, choosing the format by its suffix."""

from __future__ import annotations

from pathlib import Path

from escalade.errors import UsageError
from escalade.game.convert import to_normal_form
from escalade.game.efg import read_efg, write_efg
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.nfg import read_nfg, write_nfg
from escalade.game.normal_form import NormalFormGame

__all__ = ["read_game", "write_game"]


def read_game(path: str | Path) -> ExtensiveFormGame | NormalFormGame:
    """Read a ``.efg`` or ``.nfg`` file.

    Raises
    ------
    UsageError
        If the suffix is neither ``.efg`` nor ``.nfg``.
    GameFormatError
        If the file is malformed.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".efg":
        return read_efg(p)
    if suffix == ".nfg":
        return read_nfg(p)
    raise UsageError(f"{p.name}: expected a game file ending in .efg or .nfg, found {suffix!r}")


def write_game(game: ExtensiveFormGame | NormalFormGame, path: str | Path) -> None:
    """Write ``game`` as ``.efg`` or ``.nfg`` according to the suffix of ``path``.

    An extensive game written to ``.nfg`` is first converted to its reduced
    normal form.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".efg":
        if not isinstance(game, ExtensiveFormGame):
            raise UsageError(f"{p.name}: a normal-form game cannot be written as .efg")
        write_efg(game, p)
    elif suffix == ".nfg":
        if isinstance(game, ExtensiveFormGame):
            game = to_normal_form(game, reduced=True)
        write_nfg(game, p)
    else:
        raise UsageError(f"{p.name}: expected a file name ending in .efg or .nfg")
