"""What every expansion of a scenario's game starts from: players, policies, root state, draws.

:func:`~escalade.engine.game_builder.build_game` and the fixed-move tracer
(:mod:`escalade.engine.game_moves`) expand the same tree; :func:`game_setup`
is the one place that turns the game's arguments into what the expansion
needs, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from escalade.engine._game_private import PrivateDraw, private_draws
from escalade.engine._game_support import players_and_policies
from escalade.engine.reference import One, ReferenceInterpreter
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["GameSetup", "game_setup"]

_Builder = TypeVar("_Builder")


@dataclass(frozen=True)
class GameSetup:
    """The actors, the players (indices), the interpreter, the root state and the draws."""

    ids: list[str]
    players: tuple[int, ...]
    ref: ReferenceInterpreter
    start: One
    draws: list[PrivateDraw]
    horizon: int
    """The round after the last one expanded (``first_round + horizon``)."""
    first_round: int
    simultaneous: bool
    decision_every: int

    def builder(self, cls: type[_Builder], **extra: Any) -> _Builder:
        """A :class:`~escalade.engine.game_builder.GameBuilder` (or subclass) for this game."""
        return cls(  # type: ignore[call-arg]
            self.ref.c,
            self.ref,
            players=self.players,
            horizon=self.horizon,
            simultaneous=self.simultaneous,
            decision_every=self.decision_every,
            first_round=self.first_round,
            **extra,
        )


def game_setup(
    compiled: CompiledScenario,
    *,
    horizon: int,
    strategy: str | None = None,
    mindset: str | None = None,
    players: Sequence[str] | None = None,
    uncertainties: Sequence[float] | None = None,
    policies: Sequence[PolicySpec] | None = None,
    information: Literal["perfect", "scenario"] = "perfect",
    decision_every: int = 1,
    start_state: One | None = None,
    first_round: int = 0,
    private: Literal["nominal", "chance"] = "nominal",
) -> GameSetup:
    """The setup of ``build_game``'s game for these arguments (see its parameters)."""
    ids, chosen, specs = players_and_policies(compiled, players, strategy, mindset, policies)
    ref = ReferenceInterpreter(compiled, specs, seed=0)
    ref.horizon = horizon
    values = compiled.nominal_uncertainties() if uncertainties is None else uncertainties
    start = (
        ref.start(0, fixed=[float(v) for v in values])
        if start_state is None
        else start_state.copy()
    )
    index = tuple(ids.index(p) for p in chosen)
    return GameSetup(
        ids=ids,
        players=index,
        ref=ref,
        start=start,
        draws=private_draws(compiled, index) if private == "chance" else [],
        horizon=first_round + int(horizon),
        first_round=first_round,
        simultaneous=information == "scenario" and not compiled.sequential,
        decision_every=int(decision_every),
    )
