"""The frozen, self-describing result every solver returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import Profile, profile_to_dict
from escalade.reprs import Shown, short_repr

__all__ = ["Diagnostics", "SolveResult"]


def _readonly(arr: np.ndarray | None) -> Any:
    if arr is None:
        return None
    out = np.array(arr, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Diagnostics:
    """How a solve went.

    Parameters
    ----------
    seconds : float
        Wall-clock time of the solve (excluding verification).
    nodes : int
        Nodes of the extensive game, or cells of the normal-form payoff table.
    max_regret : float
        The largest regret of any player in any returned equilibrium, computed
        by :func:`escalade.solvers.verify.regret`.
    extra : mapping
        Method-specific figures (e.g. supports tried, LP iterations).
    """

    seconds: float
    nodes: int
    max_regret: float
    extra: Mapping[str, float | int | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))


@dataclass(frozen=True, eq=False)
class SolveResult:
    """What a solver found, with enough to reproduce it.

    Parameters
    ----------
    game_id, game_name : str
        The solved game's content hash and title.
    method : str
        The method name (``"spe"``, ``"enummixed"``, ...).
    parameters : mapping
        The solver's options as called.
    equilibria : tuple of profile
        Behaviour profiles (extensive games) or mixed profiles (normal form).
    payoffs : ndarray, shape (n_equilibria, n_players)
        Expected payoffs of each equilibrium.
    diagnostics : Diagnostics
        Time, size and the verified regret.
    node_values : ndarray or None
        Backward induction only: the value of every node, shape
        ``(n_nodes, n_players)``.
    path : ndarray or None
        Backward induction only: the nodes reached with positive probability
        under the equilibrium, in breadth-first order.
    """

    game_id: str
    game_name: str
    method: str
    parameters: Mapping[str, Any]
    equilibria: tuple[Profile, ...]
    payoffs: FloatArray
    diagnostics: Diagnostics
    node_values: FloatArray | None = None
    path: IntArray | None = None

    def __repr__(self) -> str:
        payoffs = self.payoffs
        shown = (
            Shown(repr(np.round(payoffs, 4).tolist()))
            if payoffs.size <= 12
            else Shown(f"<array of shape {payoffs.shape}>")
        )
        return short_repr(
            "SolveResult",
            game=self.game_name or self.game_id,
            method=self.method,
            equilibria=len(self.equilibria),
            payoffs=shown,
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "equilibria", tuple(self.equilibria))
        object.__setattr__(self, "payoffs", _readonly(np.asarray(self.payoffs, dtype=np.float64)))
        object.__setattr__(self, "node_values", _readonly(self.node_values))
        object.__setattr__(self, "path", _readonly(self.path))

    def to_dict(self, game: ExtensiveFormGame | NormalFormGame) -> dict[str, Any]:
        """Return the JSON form printed by ``escalade solve --json``."""
        eqs = []
        for prof, pay in zip(self.equilibria, self.payoffs, strict=True):
            eqs.append(
                {
                    "profile": profile_to_dict(game, prof),
                    "payoffs": {p: float(v) for p, v in zip(game.players, pay, strict=True)},
                }
            )
        return {
            "game": self.game_name,
            "game_id": self.game_id,
            "method": self.method,
            "parameters": dict(self.parameters),
            "equilibria": eqs,
            "regret": self.diagnostics.max_regret,
            "seconds": self.diagnostics.seconds,
        }
