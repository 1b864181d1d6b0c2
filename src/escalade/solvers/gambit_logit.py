"""Logit quantal-response equilibrium tracing, through pygambit (optional).

Calls ``pygambit.nash.logit_solve``, which follows the principal branch of
the logit QRE correspondence (McKelvey & Palfrey 1995, 1998; Turocy 2005)
until the profile's regret falls below ``maxregret``, returning an
approximate Nash equilibrium. Needs the GPL ``gambit`` extra. The regret is
recomputed by :mod:`escalade.solvers.verify`.
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

METHOD = "gambit-logit"

supports: frozenset[GameType] = ALL_TYPES - {GameType.ONE_PLAYER}


def solve(
    game: ExtensiveFormGame | NormalFormGame,
    *,
    maxregret: float = 1e-8,
    verify: bool = True,
) -> SolveResult:
    """Approximate a Nash equilibrium by tracing the logit QRE branch.

    Raises
    ------
    DependencyNotInstalled
        If pygambit is not installed.
    """
    check_supported(game.game_type, supports, METHOD)
    gbt = import_pygambit()
    started = time.perf_counter()
    ggame = to_gambit(game)
    result = gbt.nash.logit_solve(ggame, maxregret=maxregret)
    equilibria = [from_gambit_profile(game, eq) for eq in result.equilibria]
    return finish(
        game,
        METHOD,
        {"maxregret": maxregret},
        equilibria,
        started=started,
        verify=verify,
        extra={"pygambit": str(gbt.__version__)},
    )
