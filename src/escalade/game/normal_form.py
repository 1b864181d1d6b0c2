r"""Normal-form (strategic-form) games.

Formal model
------------
A finite normal-form game has players :math:`i = 0, \dots, n-1`, each with a
finite set of pure strategies :math:`S_i`, and payoff functions
:math:`u_i : S_0 \times \dots \times S_{n-1} \to \mathbb{R}`, stored as one
array ``payoffs[i, s_0, ..., s_{n-1}]``. A mixed profile
:math:`\sigma = (\sigma_0, \dots, \sigma_{n-1})` gives each player a
distribution over their strategies, and
:math:`U_i(\sigma) = \sum_s u_i(s) \prod_j \sigma_j(s_j)`. A Nash equilibrium
is a profile in which no player gains by a unilateral deviation: every
strategy in the support of :math:`\sigma_i` is a best response to
:math:`\sigma_{-i}`.

>>> import numpy as np
>>> from escalade.game.normal_form import NormalFormGame
>>> pennies = NormalFormGame(np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]))
>>> pennies.shape, pennies.players
((2, 2), ('Player 1', 'Player 2'))
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from escalade._types import FloatArray
from escalade.errors import UsageError
from escalade.game.types import GameType, players_flag

__all__ = ["NormalFormGame"]


@dataclass(frozen=True, eq=False, init=False)
class NormalFormGame:
    """A finite game in strategic form.

    Parameters
    ----------
    payoffs : array_like, shape (n_players, n_1, ..., n_n)
        ``payoffs[i, s_1, ..., s_n]`` is player ``i``'s payoff.
    players : sequence of str, optional
        Player names (default ``"Player 1"``, ...).
    actions : sequence of sequence of str, optional
        Strategy labels per player (default ``"1"``, ``"2"``, ...).
    name : str
        A title.
    """

    payoffs: FloatArray
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    name: str

    def __init__(
        self,
        payoffs: FloatArray | Sequence[object],
        players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None,
        *,
        name: str = "",
    ) -> None:
        arr = np.array(payoffs, dtype=np.float64, copy=True)
        if arr.ndim < 2 or arr.shape[0] != arr.ndim - 1:
            raise UsageError(
                f"normal-form game: payoffs must have shape (n_players, n_1, ..., n_n), "
                f"found {arr.shape}"
            )
        if min(arr.shape[1:]) < 1:
            raise UsageError("normal-form game: every player needs at least one strategy")
        if not np.all(np.isfinite(arr)):
            raise UsageError("normal-form game: payoffs must be finite numbers")
        n = arr.shape[0]
        names = (
            tuple(players) if players is not None else tuple(f"Player {i + 1}" for i in range(n))
        )
        if len(names) != n:
            raise UsageError(f"normal-form game: {len(names)} player names for {n} players")
        if actions is None:
            labels = tuple(tuple(str(k + 1) for k in range(m)) for m in arr.shape[1:])
        else:
            labels = tuple(tuple(a) for a in actions)
        if tuple(len(a) for a in labels) != arr.shape[1:]:
            raise UsageError(
                f"normal-form game: strategy labels per player {[len(a) for a in labels]} do "
                f"not match the payoff shape {list(arr.shape[1:])}"
            )
        for i, acts in enumerate(labels):
            if len(set(acts)) != len(acts):
                raise UsageError(f"normal-form game: player {names[i]!r} repeats a strategy label")
        arr.setflags(write=False)
        object.__setattr__(self, "payoffs", arr)
        object.__setattr__(self, "players", names)
        object.__setattr__(self, "actions", labels)
        object.__setattr__(self, "name", name)

    @property
    def n_players(self) -> int:
        """Number of players."""
        return int(self.payoffs.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player."""
        return tuple(int(m) for m in self.payoffs.shape[1:])

    @cached_property
    def game_type(self) -> frozenset[GameType]:
        """The declared properties of this game (see :mod:`escalade.game.types`)."""
        sums = self.payoffs.sum(axis=0)
        const = self.n_players > 1 and bool(np.ptp(sums) <= 1e-9 * max(1.0, np.abs(sums).max()))
        info = (
            GameType.IMPERFECT_INFORMATION if self.n_players > 1 else GameType.PERFECT_INFORMATION
        )
        return frozenset(
            {
                GameType.SIMULTANEOUS,
                GameType.DETERMINISTIC,
                info,
                GameType.ZERO_SUM if const else GameType.GENERAL_SUM,
                players_flag(self.n_players),
            }
        )

    @cached_property
    def game_id(self) -> str:
        """A content hash (16 hex digits) of payoffs and labels."""
        digest = hashlib.sha256(np.ascontiguousarray(self.payoffs).tobytes())
        digest.update(repr((self.shape, self.players, self.actions)).encode())
        return digest.hexdigest()[:16]

    def bimatrix(self) -> tuple[FloatArray, FloatArray]:
        """Return ``(A, B)``, the row and column players' payoff matrices (two players only)."""
        if self.n_players != 2:
            raise UsageError(
                f"bimatrix: expected a two-player game, found {self.n_players} players"
            )
        return self.payoffs[0], self.payoffs[1]
