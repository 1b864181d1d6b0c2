"""The parts of a compiled scenario: options, events, arenas, actors, terminals, uncertainties.

Frozen, integer-indexed records (see :mod:`escalade.scenario.compiled`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from escalade._types import FloatArray
from escalade.scenario import expr as ex
from escalade.scenario.ladders import Ladder
from escalade.scenario.schema import PolicySpec, UncertaintySpec
from escalade.scenario.validate import support

__all__ = [
    "ADD",
    "MUL",
    "SET",
    "CompiledActor",
    "CompiledArena",
    "CompiledBranch",
    "CompiledEvent",
    "CompiledOption",
    "CompiledOutcome",
    "CompiledTerminal",
    "CompiledUncertainty",
    "Draws",
    "Effect",
    "RungEffect",
    "ThresholdTerm",
    "UtilityTerm",
]

ADD, SET, MUL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Effect:
    """``variables[var] (+= | = | *=) value``."""

    var: int
    op: int
    value: ex.Compiled


@dataclass(frozen=True, slots=True)
class RungEffect:
    """Move arena ``arena``'s rung: ``add`` steps or ``to`` a rung.

    Only party ``party``'s view moves (``-1``: both views).
    """

    arena: int
    party: int
    to: bool
    value: ex.Compiled


@dataclass(frozen=True, slots=True)
class CompiledOption:
    """An option with indices instead of ids; ``rung`` is as the target side perceives it.

    ``views`` is the rung as each party of the arena sees it (party order of the
    arena, ``-1`` where the option does not move that view); ``on_attempt``
    says whether the rung moves when the option is taken (the default) or
    only when it succeeds.
    """

    index: int
    id: str
    name: str
    actor: int
    arena: int
    rung: int
    perceived: tuple[int, ...]
    views: tuple[int, int]
    on_attempt: bool
    deescalate: bool
    once: bool
    cooldown: int
    cost: ex.Compiled
    success: ex.Compiled
    when: ex.Compiled
    consent: tuple[int, ...]
    effects: tuple[Effect, ...]


@dataclass(frozen=True, slots=True)
class CompiledBranch:
    """One branch of an event."""

    id: str
    prob: ex.Compiled
    effects: tuple[Effect, ...]
    rung_effects: tuple[RungEffect, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledEvent:
    """A scheduled event (``at_round >= 0``) or a random one (``prob``)."""

    index: int
    id: str
    at_round: int
    prob: ex.Compiled | None
    when: ex.Compiled
    once: bool
    effects: tuple[Effect, ...]
    branches: tuple[CompiledBranch, ...]
    rung_effects: tuple[RungEffect, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledArena:
    """An arena: its ladder range, initial rung, parties and accident law."""

    index: int
    id: str
    ladder: Ladder
    low: int
    high: int
    initial: int
    parties: tuple[int, int]
    accident_up: ex.Compiled
    accident_down: ex.Compiled
    thresholds: tuple[tuple[str, int], ...]
    jump_sizes: tuple[int, ...] = (1,)
    jump_cdf: tuple[float, ...] = (1.0,)
    revert: ex.Compiled | None = None

    @property
    def sized(self) -> bool:
        """Whether an accidental move here is not one rung (``jump`` sizes other than ``[1]``).

        A single size other than 1 counts: ``sizes: [3]`` moves three rungs.
        """
        return self.jump_sizes != (1,)

    @property
    def jumps(self) -> bool:
        """Whether accidents here draw a jump size or may be reverted (extra random slots)."""
        return self.sized or self.revert is not None


@dataclass(frozen=True, slots=True)
class UtilityTerm:
    """``weight * (variable or rung)``; ``kind`` is ``"var"`` or ``"rung"``."""

    kind: str
    index: int
    weight: ex.Compiled


@dataclass(frozen=True, slots=True)
class ThresholdTerm:
    """A one-off utility when ``arena`` first reaches ``rung``."""

    arena: int
    rung: int
    id: str
    value: ex.Compiled


@dataclass(frozen=True, slots=True)
class CompiledActor:
    """An actor: side, utility terms, discount and default policy."""

    index: int
    id: str
    name: str
    side: int
    per_round: tuple[UtilityTerm, ...]
    final: tuple[UtilityTerm, ...]
    thresholds: tuple[ThresholdTerm, ...]
    discount: float
    policy: PolicySpec
    moves: int = 1


@dataclass(frozen=True, slots=True)
class CompiledTerminal:
    """A terminal condition, its per-round utility per actor and whether it is absorbing."""

    id: str
    when: ex.Compiled
    utility: tuple[ex.Compiled | None, ...]
    absorbing: bool


@dataclass(frozen=True, slots=True)
class CompiledOutcome:
    """An outcome metric and when it is read."""

    id: str
    expr: ex.Compiled
    at: str
    direction: str


@dataclass(frozen=True, slots=True)
class CompiledUncertainty:
    """An uncertainty, drawn by inverse transform from one uniform number.

    ``known_to`` holds the indices of the actors who know its value (all when
    the file does not restrict it).
    """

    index: int
    spec: UncertaintySpec
    known_to: frozenset[int] = frozenset()

    @property
    def id(self) -> str:
        """The uncertainty id."""
        return self.spec.id

    @property
    def nominal(self) -> float:
        """The nominal value (given, or the distribution's centre)."""
        u = self.spec
        if u.nominal is not None:
            return u.nominal
        return (
            float(self.ppf(np.array([0.5]))[0]) if u.dist != "triangular" else float(u.mode or 0.0)
        )

    @property
    def bounds(self) -> tuple[float, float]:
        """The support, with infinite ends replaced by the 0.1% and 99.9% quantiles."""
        low, high = support(self.spec)
        if math.isinf(low) or math.isinf(high):
            q = self.ppf(np.array([0.001, 0.999]))
            low = float(q[0]) if math.isinf(low) else low
            high = float(q[1]) if math.isinf(high) else high
        return low, high

    def ppf(self, u: FloatArray) -> FloatArray:
        """Map uniform numbers in [0, 1) to draws of this distribution."""
        s = self.spec
        if s.dist == "uniform":
            assert s.low is not None and s.high is not None
            return s.low + u * (s.high - s.low)
        if s.dist == "triangular":
            assert s.low is not None and s.high is not None and s.mode is not None
            a, b, c = s.low, s.high, s.mode
            cut = (c - a) / (b - a)
            left = a + np.sqrt(u * (b - a) * (c - a))
            right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
            return np.where(u < cut, left, right)
        if s.dist == "normal":
            assert s.mean is not None and s.sd is not None
            lo = -np.inf if s.low is None else (s.low - s.mean) / s.sd
            hi = np.inf if s.high is None else (s.high - s.mean) / s.sd
            from scipy import stats  # noqa: PLC0415 (1-2 s to import: only when a scenario needs it)

            return np.asarray(stats.truncnorm.ppf(u, lo, hi, loc=s.mean, scale=s.sd), dtype=float)
        if s.dist == "beta":
            assert s.alpha is not None and s.beta is not None
            low = 0.0 if s.low is None else s.low
            high = 1.0 if s.high is None else s.high
            from scipy import stats  # noqa: PLC0415 (see above)

            return low + (high - low) * np.asarray(stats.beta.ppf(u, s.alpha, s.beta), dtype=float)
        assert s.values is not None
        weights = (
            np.ones(len(s.values)) if s.weights is None else np.asarray(s.weights, dtype=float)
        )
        cdf = np.cumsum(weights) / weights.sum()
        idx = np.minimum(np.searchsorted(cdf, u, side="right"), len(s.values) - 1)
        return np.asarray(s.values, dtype=float)[idx]


@dataclass(frozen=True, slots=True)
class Draws:
    """The state a side weight reads: ``n`` trajectories' uncertainty draws, nothing else.

    Satisfies :class:`escalade.scenario.expr.EvalState` with empty variables,
    rungs and options (a validated weight reads only uncertainties).
    """

    n: int
    uncertainties: FloatArray
    round: int = 0
    day: int = 0

    @property
    def variables(self) -> FloatArray:
        """No variables: ``(n, 0)``."""
        return np.zeros((self.n, 0))

    @property
    def rungs(self) -> FloatArray:
        """No rungs: ``(n, 0)``."""
        return np.zeros((self.n, 0))

    @property
    def views(self) -> FloatArray:
        """No views: ``(n, 0)``."""
        return np.zeros((self.n, 0))

    @property
    def taken(self) -> npt.NDArray[np.bool_]:
        """No options: ``(n, 0)``."""
        return np.zeros((self.n, 0), dtype=bool)

    def last_move(self, arena: int, party: int, reader: int) -> FloatArray:
        """No moves: there is no arena to read (a validated weight never calls this)."""
        raise IndexError(f"side weights read no moves, found arena {arena} ({party}, {reader})")
