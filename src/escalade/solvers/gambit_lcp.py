"""Nash equilibria of two-player games by Lemke's algorithm, through pygambit (optional).

Calls ``pygambit.nash.lcp_solve`` (Lemke & Howson 1964; Koller, Megiddo &
von Stengel 1996 for the sequence form) on the game written in escalade's
strict format. Needs the GPL ``gambit`` extra (``pygambit>=16.7,<17``). The
equilibria are general Nash equilibria, not necessarily subgame-perfect;
their regret is recomputed by :mod:`escalade.solvers.verify`.
"""

from __future__ import annotations

import time

from escalade.game.extensive import ExtensiveFormGame
from escalade.game.normal_form import NormalFormGame
from escalade.game.types import ALL_TYPES, GameType, check_supported
from escalade.solvers._common import finish
from escalade.solvers._gambit import from_gambit_profile, import_pygambit, to_gambit
from escalade.solvers.result import SolveResult

__all__ = ["METHOD", "solve", "supports"]

METHOD = "gambit-lcp"

supports: frozenset[GameType] = ALL_TYPES - {GameType.ONE_PLAYER, GameType.N_PLAYER}


def solve(
    game: ExtensiveFormGame | NormalFormGame,
    *,
    rational: bool = False,
    stop_after: int | None = None,
    verify: bool = True,
) -> SolveResult:
    """Find Nash equilibria with pygambit's ``lcp_solve``.

    Parameters
    ----------
    game : ExtensiveFormGame or NormalFormGame
        A two-player game.
    rational : bool
        Use exact rational arithmetic in pygambit.
    stop_after : int, optional
        Stop after this many equilibria.
    verify : bool
        Recompute the regret of each equilibrium with escalade's own code.

    Raises
    ------
    DependencyNotInstalled
        If pygambit is not installed.
    UnsupportedGameError
        For games with other than two players.
    """
    check_supported(game.game_type, supports, METHOD)
    gbt = import_pygambit()
    started = time.perf_counter()
    ggame = to_gambit(game)
    result = gbt.nash.lcp_solve(ggame, rational=rational, stop_after=stop_after)
    equilibria = [from_gambit_profile(game, eq) for eq in result.equilibria]
    return finish(
        game,
        METHOD,
        {"rational": rational, "stop_after": stop_after},
        equilibria,
        started=started,
        verify=verify,
        extra={"pygambit": str(gbt.__version__)},
    )
