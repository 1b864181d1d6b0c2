"""The state of one trajectory in the reference interpreter (:mod:`escalade.engine.reference`)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["One"]


@dataclass
class One:
    """The state of one trajectory.

    ``views`` holds each arena's rung as each party side sees it, keyed
    ``"arena:side"``; ``rungs`` the common rung (the higher view);
    ``prev_moves`` the last round's move of each decision slot.
    """

    round: int
    day: int
    variables: dict[str, float]
    rungs: dict[str, int]
    taken: dict[str, bool]
    uncertainties: dict[str, float]
    alive: bool = True
    rounds_played: int = 0
    last_chosen: dict[str, int] = field(default_factory=dict)
    times_chosen: dict[str, int] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    utility: list[float] = field(default_factory=list)
    rung_max: dict[str, int] = field(default_factory=dict)
    prev_moves: dict[int, tuple[int, bool]] = field(default_factory=dict)
    views: dict[str, int] = field(default_factory=dict)
    view_max: dict[str, int] = field(default_factory=dict)
    revert: dict[str, int] = field(default_factory=dict)
    absorbed: bool = False

    def copy(self) -> One:
        """An independent copy (every container copied; their items are immutable)."""
        return One(
            self.round,
            self.day,
            dict(self.variables),
            dict(self.rungs),
            dict(self.taken),
            dict(self.uncertainties),
            self.alive,
            self.rounds_played,
            dict(self.last_chosen),
            dict(self.times_chosen),
            set(self.fired),
            list(self.utility),
            dict(self.rung_max),
            dict(self.prev_moves),
            dict(self.views),
            dict(self.view_max),
            dict(self.revert),
            self.absorbed,
        )
