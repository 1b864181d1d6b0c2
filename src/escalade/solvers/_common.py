"""Helpers shared by the solvers: timing, payoffs and the regret check."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import Profile
from escalade.game.types import GameType
from escalade.solvers.result import Diagnostics, SolveResult
from escalade.solvers.verify import expected_payoffs, regret

TWO_PLAYER_ZERO_SUM: frozenset[GameType] = frozenset(
    {
        GameType.SEQUENTIAL,
        GameType.PERFECT_INFORMATION,
        GameType.IMPERFECT_INFORMATION,
        GameType.DETERMINISTIC,
        GameType.CHANCE,
        GameType.ZERO_SUM,
        GameType.TWO_PLAYER,
    }
)
"""What the two-player zero-sum extensive-form solvers (LP, MCCFR) accept."""

__all__ = ["finish", "game_size"]


def game_size(game: ExtensiveFormGame | NormalFormGame) -> int:
    """Nodes of an extensive game, or cells of a normal-form table."""
    if isinstance(game, ExtensiveFormGame):
        return game.n_nodes
    return math.prod(int(s) for s in game.shape)


def finish(
    game: ExtensiveFormGame | NormalFormGame,
    method: str,
    parameters: Mapping[str, Any],
    equilibria: Sequence[Profile],
    *,
    started: float,
    verify: bool = True,
    extra: Mapping[str, float | int | str] | None = None,
    node_values: FloatArray | None = None,
    path: IntArray | None = None,
) -> SolveResult:
    """Assemble a :class:`SolveResult`, computing payoffs and (if ``verify``) regrets."""
    seconds = time.perf_counter() - started
    payoffs = np.array([expected_payoffs(game, e) for e in equilibria]).reshape(
        len(equilibria), game.n_players
    )
    max_regret = float("nan")
    if verify:
        max_regret = max((float(regret(game, e).max()) for e in equilibria), default=0.0)
    return SolveResult(
        game_id=game.game_id,
        game_name=game.name,
        method=method,
        parameters=dict(parameters),
        equilibria=tuple(equilibria),
        payoffs=payoffs,
        diagnostics=Diagnostics(seconds, game_size(game), max_regret, dict(extra or {})),
        node_values=node_values,
        path=path,
    )
