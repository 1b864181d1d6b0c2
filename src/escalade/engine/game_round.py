"""The bookkeeping of a round being expanded into a game tree, and its accident laws.

Split from :mod:`escalade.engine.game_builder`, which walks the rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from escalade.engine.reference import One, ReferenceInterpreter
from escalade.game.tree import Node
from escalade.scenario.compiled_parts import CompiledArena

__all__ = ["Next", "Round", "accident_laws", "saw"]


@dataclass
class Round:
    """Bookkeeping of the round being expanded."""

    t: int
    before: tuple[dict[str, int], dict[str, int]]
    paid: list[float]
    moves: dict[int, tuple[int, str]]
    seen: tuple[str, ...] = ()
    hidden: tuple[str, ...] = field(default_factory=tuple)
    down: dict[str, int] = field(default_factory=dict)
    secret: tuple[tuple[int, str], ...] = ()
    """The private values drawn at the root (``private="chance"``): uncertainty, label."""
    picked: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Each actor's picks in this round's earlier slots (-1 hold), as the engine keeps them."""

    def copy(self) -> Round:
        """An independent copy (containers copied; their items are immutable)."""
        return Round(
            self.t,
            self.before,
            list(self.paid),
            dict(self.moves),
            self.seen,
            self.hidden,
            dict(self.down),
            self.secret,
            dict(self.picked),
        )


Next = Callable[[One, "Round"], Node]


def saw(r: Round, label: str, *, public: bool) -> Round:
    """A copy of ``r`` that has seen ``label`` (public now, or at the end of the round)."""
    out = r.copy()
    if public:
        out.seen = (*out.seen, label)
    else:
        out.hidden = (*out.hidden, label)
    return out


def accident_laws(
    ref: ReferenceInterpreter, arena: CompiledArena, s: One
) -> list[tuple[str, int, bool, float]]:
    """An arena's accidental moves on state ``s``: (label, step, walked back, probability > 0).

    One rung up, down or none by default; ``jump`` sizes split a move by
    their weights; ``revert`` splits it again into walked back next round
    or kept (the engine draws the size and the walk-back with their own
    uniforms, independent of the accident's).
    """
    p_up = min(max(ref.value(arena.accident_up, s), 0.0), 1.0)
    p_down = min(max(p_up + ref.value(arena.accident_down, s), 0.0), 1.0) - p_up
    weights = np.diff(np.concatenate(([0.0], np.asarray(arena.jump_cdf, dtype=float))))
    back = 0.0
    if arena.revert is not None:
        back = ref.probability(arena.revert, s, f"accidents {arena.id!r} revert")
    laws: list[tuple[str, int, bool, float]] = []
    for name, sign, p in (("up", 1, p_up), ("down", -1, p_down)):
        for size, w in zip(arena.jump_sizes, weights, strict=True):
            sized = f"{name} {size}" if arena.sized else name
            for walked, q in ((True, back), (False, 1.0 - back)):
                label = f"{sized}, walked back" if walked else sized
                laws.append((label, sign * int(size), walked, p * float(w) * q))
    laws.append(("stay", 0, False, 1.0 - p_up - p_down))
    return [law for law in laws if law[3] > 0.0]
