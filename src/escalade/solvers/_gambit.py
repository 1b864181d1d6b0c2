"""Bridge to the optional pygambit package (GPL; the ``gambit`` extra).

Games reach pygambit through escalade's own strict ``.efg``/``.nfg`` text, so
pygambit's information sets and actions come back in escalade's order
(players 1..n, information sets 1..n per player, actions in order).
pygambit's answers are never trusted: each solver recomputes regret with
:mod:`escalade.solvers.verify`.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

import numpy as np

from escalade.errors import DependencyNotInstalled
from escalade.game.efg import format_efg
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.nfg import format_nfg
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import BehaviorProfile, MixedProfile, Profile

__all__ = ["from_gambit_profile", "import_pygambit", "to_gambit"]


def import_pygambit() -> Any:
    """Import pygambit, or raise :class:`DependencyNotInstalled` naming the extra."""
    try:
        return importlib.import_module("pygambit")
    except ImportError as exc:
        raise DependencyNotInstalled("pygambit", "gambit") from exc


def to_gambit(game: ExtensiveFormGame | NormalFormGame) -> Any:
    """Return a ``pygambit.Game`` read from escalade's strict file text."""
    gbt = import_pygambit()
    if isinstance(game, ExtensiveFormGame):
        return gbt.read_efg(io.StringIO(format_efg(game)))
    return gbt.read_nfg(io.StringIO(format_nfg(game)))


def from_gambit_profile(game: ExtensiveFormGame | NormalFormGame, gprof: Any) -> Profile:
    """Convert a pygambit mixed-behaviour or mixed-strategy profile to escalade's."""
    ggame = gprof.game
    if isinstance(game, NormalFormGame):
        vecs = [np.array([float(gprof[s]) for s in player.strategies]) for player in ggame.players]
        return MixedProfile(tuple(vecs))
    probs = np.zeros(game.n_slots)
    players = list(ggame.players)
    for h in range(game.n_infosets):
        p = int(game.infoset_player[h])
        ginfoset = list(players[p].infosets)[int(game.infoset_local[h])]
        lo = int(game.infoset_offset[h])
        for k, action in enumerate(ginfoset.actions):
            probs[lo + k] = float(gprof[action])
    return BehaviorProfile(probs)
