"""Strategy profiles: behaviour profiles (extensive form) and mixed profiles (normal form).

A :class:`BehaviorProfile` holds one probability per *slot* (information set,
action) of an :class:`~escalade.game.extensive.ExtensiveFormGame`; the slots
of information set ``h`` are ``game.infoset_offset[h]`` onwards. A
:class:`MixedProfile` holds one probability vector per player of a
:class:`~escalade.game.normal_form.NormalFormGame`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from escalade._types import FloatArray
from escalade.errors import UsageError
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.normal_form import NormalFormGame

__all__ = [
    "BehaviorProfile",
    "MixedProfile",
    "Profile",
    "check_profile",
    "profile_to_dict",
    "uniform_profile",
]

_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class BehaviorProfile:
    """Action probabilities per slot of an extensive-form game."""

    probabilities: FloatArray

    def __post_init__(self) -> None:
        arr = np.array(self.probabilities, dtype=np.float64, copy=True)
        arr.setflags(write=False)
        object.__setattr__(self, "probabilities", arr)


@dataclass(frozen=True, eq=False)
class MixedProfile:
    """One probability vector per player of a normal-form game."""

    strategies: tuple[FloatArray, ...]

    def __post_init__(self) -> None:
        vecs = []
        for s in self.strategies:
            arr = np.array(s, dtype=np.float64, copy=True)
            arr.setflags(write=False)
            vecs.append(arr)
        object.__setattr__(self, "strategies", tuple(vecs))

    @classmethod
    def of(cls, *strategies: Sequence[float] | FloatArray) -> MixedProfile:
        """Build a profile from one vector per player."""
        return cls(tuple(np.asarray(s, dtype=np.float64) for s in strategies))


Profile = BehaviorProfile | MixedProfile


def uniform_profile(game: ExtensiveFormGame | NormalFormGame) -> Profile:
    """Return the profile that mixes uniformly everywhere."""
    if isinstance(game, NormalFormGame):
        return MixedProfile(tuple(np.full(m, 1.0 / m) for m in game.shape))
    return BehaviorProfile(1.0 / game.n_actions[game.slot_infoset])


def check_profile(game: ExtensiveFormGame | NormalFormGame, profile: Profile) -> None:
    """Raise ``UsageError`` unless ``profile`` fits ``game`` and is a probability profile."""
    if isinstance(game, NormalFormGame):
        if not isinstance(profile, MixedProfile):
            raise UsageError("profile: a normal-form game needs a MixedProfile")
        if tuple(s.size for s in profile.strategies) != game.shape:
            raise UsageError(
                f"profile: strategy lengths {[s.size for s in profile.strategies]} do not "
                f"match the game's {list(game.shape)}"
            )
        for i, s in enumerate(profile.strategies):
            if np.any(s < -_TOL) or abs(float(s.sum()) - 1.0) > 1e-6:
                raise UsageError(f"profile: player {game.players[i]!r} is not a distribution")
        return
    if not isinstance(profile, BehaviorProfile):
        raise UsageError("profile: an extensive-form game needs a BehaviorProfile")
    p = profile.probabilities
    if p.shape != (game.n_slots,):
        raise UsageError(f"profile: expected {game.n_slots} probabilities, found {p.shape}")
    if game.n_slots == 0:
        return
    sums = np.add.reduceat(p, game.infoset_offset[:-1]) if game.n_infosets else np.zeros(0)
    if np.any(p < -_TOL) or np.any(np.abs(sums - 1.0) > 1e-6):
        raise UsageError("profile: each information set needs a probability distribution")


def profile_to_dict(
    game: ExtensiveFormGame | NormalFormGame, profile: Profile
) -> dict[str, dict[str, float]]:
    """Return ``{player: {action: probability}}``.

    Actions are keyed ``infoset/action`` for a player with several
    information sets, plain ``action`` otherwise.
    """
    check_profile(game, profile)
    out: dict[str, dict[str, float]] = {}
    if isinstance(game, NormalFormGame):
        assert isinstance(profile, MixedProfile)
        for name, acts, vec in zip(game.players, game.actions, profile.strategies, strict=True):
            out[name] = {a: float(v) for a, v in zip(acts, vec, strict=True)}
        return out
    assert isinstance(profile, BehaviorProfile)
    counts = np.bincount(game.infoset_player, minlength=game.n_players)
    for name in game.players:
        out[name] = {}
    for slot in range(game.n_slots):
        h = int(game.slot_infoset[slot])
        pl = int(game.infoset_player[h])
        label = game.slot_label(slot, qualified=bool(counts[pl] > 1))
        out[game.players[pl]][label] = float(profile.probabilities[slot])
    return out
