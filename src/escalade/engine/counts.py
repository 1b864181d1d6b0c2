"""Mergeable counts of many trajectories: what a chunk returns (NumPy only, no pandas).

A chunk returns integer counts (exact under any grouping) and, per random
block of trajectories, float sums and sums of squares; the runner adds the
block sums in block order (see :mod:`escalade.engine.summary`). This module is
kept free of pandas so worker processes import only the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.engine.decompose import part_count
from escalade.scenario.compiled import CompiledScenario

__all__ = ["Counts"]


@dataclass(eq=False)
class Counts:
    """Integer counts and float sums over trajectories (see module docstring).

    ``floats`` holds, in order: outcome sums, outcome sums of squares, actor
    utility sums, their squares, side utility sums, their squares, utility
    part sums (:mod:`escalade.engine.decompose`), their squares.

    ``rung_hist[a, t]`` counts the trajectories at each rung of arena ``a``
    after ``t`` rounds (``view_hist`` each side's view); ``peak_hist[a, t]``
    (``peak_view_hist``) at each highest rung reached during round ``t - 1``,
    so a rung reached and walked back within a round shows there only (row 0:
    the start; a trajectory that has ended: its rung).
    """

    n: int
    crossed_by_round: IntArray
    crossed_by_side: IntArray
    chosen_any: IntArray
    succeeded_any: IntArray
    times_chosen: IntArray
    refused: IntArray
    rung_hist: IntArray
    view_hist: IntArray
    peak_hist: IntArray
    peak_view_hist: IntArray
    event_any: IntArray
    event_count: IntArray
    accidents_up: IntArray
    accidents_down: IntArray
    ended: int
    rounds_played: int
    floats: FloatArray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def zeros(cls, compiled: CompiledScenario) -> Counts:
        """Empty counts for a scenario."""
        c = compiled
        n_opt, n_arena = len(c.options), len(c.arenas)
        width = max((a.high - a.low + 1 for a in c.arenas), default=1)
        n_float = 2 * (len(c.outcomes) + len(c.actors) + len(c.sides) + 2 * part_count(c))
        return cls(
            n=0,
            crossed_by_round=np.zeros((len(c.thresholds), c.horizon + 1), dtype=np.int64),
            crossed_by_side=np.zeros((len(c.thresholds), 2), dtype=np.int64),
            chosen_any=np.zeros(n_opt, dtype=np.int64),
            succeeded_any=np.zeros(n_opt, dtype=np.int64),
            times_chosen=np.zeros(n_opt, dtype=np.int64),
            refused=np.zeros(n_opt, dtype=np.int64),
            rung_hist=np.zeros((n_arena, c.horizon + 1, width), dtype=np.int64),
            view_hist=np.zeros((2 * n_arena, c.horizon + 1, width), dtype=np.int64),
            peak_hist=np.zeros((n_arena, c.horizon + 1, width), dtype=np.int64),
            peak_view_hist=np.zeros((2 * n_arena, c.horizon + 1, width), dtype=np.int64),
            event_any=np.zeros(len(c.events), dtype=np.int64),
            event_count=np.zeros(len(c.events), dtype=np.int64),
            accidents_up=np.zeros(n_arena, dtype=np.int64),
            accidents_down=np.zeros(n_arena, dtype=np.int64),
            ended=0,
            rounds_played=0,
            floats=np.zeros(n_float),
        )

    def add_counts(self, other: Counts) -> None:
        """Add another chunk's integer counts (exact, any order)."""
        self.n += other.n
        for name in (
            "crossed_by_round",
            "crossed_by_side",
            "chosen_any",
            "succeeded_any",
            "times_chosen",
            "refused",
            "rung_hist",
            "view_hist",
            "peak_hist",
            "peak_view_hist",
            "event_any",
            "event_count",
            "accidents_up",
            "accidents_down",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.ended += other.ended
        self.rounds_played += other.rounds_played

    def add_floats(self, parts: list[FloatArray]) -> None:
        """Add per-block float sums, in block order."""
        for part in parts:
            self.floats = self.floats + part
