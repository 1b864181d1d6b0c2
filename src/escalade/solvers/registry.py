"""The solver methods by name, and the default method for a game."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from escalade.errors import UsageError

if TYPE_CHECKING:  # the game classes (NumPy) load with a game; METHODS stays light for the CLI
    from escalade.game.extensive import ExtensiveFormGame
    from escalade.game.normal_form import NormalFormGame
    from escalade.solvers.result import SolveResult

__all__ = ["METHODS", "default_method", "solve", "solver_module"]

METHODS: dict[str, str] = {
    "spe": "escalade.solvers.backward_induction",
    "enummixed": "escalade.solvers.support_enumeration",
    "zerosum-lp": "escalade.solvers.zerosum_lp",
    "gambit-lcp": "escalade.solvers.gambit_lcp",
    "gambit-logit": "escalade.solvers.gambit_logit",
    "mccfr": "escalade.solvers.mccfr",
    "single": "escalade.solvers.single_player",
}
"""Method name -> module exposing ``solve`` and ``supports``."""


def solver_module(method: str) -> ModuleType:
    """Return the module implementing ``method``.

    Raises
    ------
    UsageError
        For an unknown method name.
    """
    if method not in METHODS:
        raise UsageError(
            f"method: expected one of {', '.join(METHODS)}, found {method!r}", parameter="method"
        )
    return importlib.import_module(METHODS[method])


def default_method(game: ExtensiveFormGame | NormalFormGame) -> str:
    """Pick our own exact method for ``game`` when one applies, else ``gambit-lcp``.

    Perfect-information trees get ``spe``; one-player trees with information
    sets ``single``; two-player zero-sum trees ``zerosum-lp``; two-player
    normal-form games ``enummixed``.
    """
    from escalade.game.extensive import ExtensiveFormGame  # noqa: PLC0415 (keeps METHODS light)
    from escalade.game.types import GameType  # noqa: PLC0415

    flags = game.game_type
    if isinstance(game, ExtensiveFormGame):
        if GameType.PERFECT_INFORMATION in flags:
            return "spe"
        if GameType.ONE_PLAYER in flags:
            return "single"
        if GameType.TWO_PLAYER in flags and GameType.ZERO_SUM in flags:
            return "zerosum-lp"
        return "gambit-lcp" if GameType.TWO_PLAYER in flags else "gambit-logit"
    return "enummixed" if GameType.TWO_PLAYER in flags else "gambit-logit"


def solve(
    game: ExtensiveFormGame | NormalFormGame, method: str | None = None, **options: object
) -> SolveResult:
    """Find the equilibria of ``game`` (``docs/solvers.md``).

    Parameters
    ----------
    game : ExtensiveFormGame or NormalFormGame
        The game, e.g. from :func:`escalade.build_game` or read from a Gambit file.
    method : str, optional
        One of :data:`METHODS`: ``spe`` (backward induction), ``enummixed``
        (support enumeration), ``zerosum-lp``, ``gambit-lcp``, ``gambit-logit``,
        ``mccfr``, ``single``. Default: our own exact method when one applies
        (:func:`default_method`).
    **options
        Passed to the method's ``solve`` (e.g. ``iterations`` for ``mccfr``).

    Returns
    -------
    SolveResult
        ``equilibria`` (behaviour or mixed profiles), ``payoffs`` (one row per
        equilibrium, one column per player) and ``diagnostics`` (time, size, the
        verified regret).

    Raises
    ------
    UsageError
        For an unknown method.
    UnsupportedGameError
        If the method does not handle this type of game.

    Examples
    --------
    >>> from escalade.game.examples import trust_game
    >>> from escalade.solvers.registry import solve
    >>> solve(trust_game()).method
    'spe'
    """
    module = solver_module(method or default_method(game))
    result: SolveResult = module.solve(game, **options)
    return result
