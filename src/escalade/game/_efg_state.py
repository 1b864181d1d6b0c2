"""The columns of an ``.efg`` game being parsed (shared by the fast and the full parser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["EfgState"]


@dataclass
class EfgState:
    """The columns of a game being parsed, filled node by node (both parsers share it)."""

    n_players: int
    parent: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    infoset: list[int] = field(default_factory=list)
    prob: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    outcome: list[int] = field(default_factory=list)
    chance_actions: list[tuple[str, ...]] = field(default_factory=list)
    outcomes: dict[int, tuple[float, ...]] = field(default_factory=dict)
    player_sets: dict[tuple[int, int], int] = field(default_factory=dict)
    h_player: list[int] = field(default_factory=list)
    h_actions: list[tuple[str, ...]] = field(default_factory=list)
    h_labels: list[str] = field(default_factory=list)
    chance_sets: dict[int, tuple[tuple[str, ...], tuple[Fraction, ...]]] = field(
        default_factory=dict
    )
    pending_probs: list[tuple[Fraction, ...]] = field(default_factory=list)
    chance_index: dict[int, int] = field(default_factory=dict)
