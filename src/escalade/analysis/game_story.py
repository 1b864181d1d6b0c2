"""A scenario's game with what its story needs: every actor's payoff, fixed moves, the setup.

``escalade solve SCENARIO`` solves the game of its players
(:func:`escalade.engine.game_builder.build_game`), but the story of an
equilibrium should tell every move that happens, every actor's payoff and
under which assumptions: who chooses, which strategy, mindset or default policy
each other actor follows, and the uncertainty values the game fixes.
:func:`scenario_game` builds the game once with every actor's payoffs
(``all_payoffs``) and keeps the players' game (the same tree,
:func:`escalade.game.convert.select_players`) for the solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from escalade.engine.game_builder import build_game
from escalade.engine.game_moves import ActorRole, FixedMove, FixedMoveTracer, actor_roles
from escalade.game.convert import select_players, to_normal_form
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.narrative import Step, narrative
from escalade.game.profiles import BehaviorProfile, MixedProfile, Profile
from escalade.scenario.compiled import CompiledScenario
from escalade.solvers.verify import expected_payoffs

__all__ = ["ScenarioGame", "fixed_text", "scenario_game"]


def fixed_text(move: FixedMove) -> str:
    """What a fixed move says in a story: ``option``, with ``(kept ...)`` or ``(refused ...)``."""
    if move.note == "kept":
        return f"{move.option} (kept: the player decides only every few rounds)"
    if move.note == "refused":
        return f"{move.option} (refused by an actor whose consent it needs: hold)"
    return move.option


@dataclass
class ScenarioGame:
    """A scenario's game: ``game`` (the players', solved) and ``full`` (every actor, players first).

    ``roles`` says who chooses and what the others follow; ``tracer`` finds the
    moves made without a node (:class:`escalade.engine.game_moves.FixedMoveTracer`);
    ``notes`` how the game treats private values (``private_value_notes``).
    """

    game: ExtensiveFormGame
    full: ExtensiveFormGame
    roles: list[ActorRole]
    tracer: FixedMoveTracer
    strategy: str | None
    mindset: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def uncertainties(self) -> dict[str, float]:
        """The uncertainty values the game is played with (fixed for the whole game)."""
        return self.tracer.uncertainties

    def fixed(self, node: int) -> list[tuple[str, str, str]]:
        """``(round, actor, what)`` of the moves without a node on the way into ``node``."""
        moves = self.tracer.before(self.full, node)
        return [(str(m.round), m.actor, fixed_text(m)) for m in moves]

    def story(self, profile: BehaviorProfile, **options: Any) -> tuple[list[Step], int]:
        """:func:`~escalade.game.narrative.narrative` with fixed moves and every actor's payoff."""
        return narrative(self.full, profile, fixed=self.fixed, **options)

    def payoffs(self, profile: Profile) -> dict[str, float]:
        """Every actor's expected utility under ``profile``, players first.

        ``profile`` is one of the players' game (a behaviour profile) or of
        its normal form (a mixed profile).
        """
        if isinstance(profile, MixedProfile):  # the normal form of the players' game
            full = to_normal_form(self.full)
            extra = [[1.0]] * (full.n_players - len(profile.strategies))
            profile = MixedProfile.of(*profile.strategies, *extra)
            values = expected_payoffs(full, profile)
        else:
            values = expected_payoffs(self.full, profile)
        return {p: float(v) for p, v in zip(self.full.players, values, strict=True)}

    def _bundle(self, kind: str, name: str | None) -> str:
        """A strategy or mindset as the cell line names it, saying when it fixes no move."""
        if not name:
            return "(none: default policies)"
        if any(not r.player and r.policy == f"{kind} {name}" for r in self.roles):
            return name
        return f"{name} (fixes no move: every actor it sets a policy for is a player)"

    def setup(self) -> list[str]:
        """Who chooses, what the others follow, the uncertainty values: lines for people."""
        players = [r.actor for r in self.roles if r.player]
        lines = [f"players (choose freely): {', '.join(players) or 'none'}"]
        others = [
            f"{r.actor} ({'its default policy' if r.policy == 'default' else r.policy}, {r.kind})"
            for r in self.roles
            if not r.player
        ]
        if others:
            lines.append(f"fixed policies (moves marked 'fixed'): {', '.join(others)}")
        cell = ", ".join(
            f"{kind} {self._bundle(kind, name)}"
            for kind, name in (("strategy", self.strategy), ("mindset", self.mindset))
        )
        lines.append(f"cell: {cell}")
        if self.uncertainties:
            values = ", ".join(f"{k} = {v:.4g}" for k, v in self.uncertainties.items())
            lines.append(f"uncertainties fixed for the whole game: {values}")
        if self.tracer.drawn:
            lines.append(
                f"drawn at the start by chance (private values): {', '.join(self.tracer.drawn)}"
            )
        return lines + [f"note: {note}" for note in self.notes]


def scenario_game(
    compiled: CompiledScenario,
    *,
    players: Sequence[str] | None = None,
    strategy: str | None = None,
    mindset: str | None = None,
    **shape: Any,
) -> ScenarioGame:
    """Build a scenario's game for solving and telling (``shape``: ``build_game``'s arguments).

    Examples
    --------
    >>> from escalade.scenario import load_scenario
    >>> from escalade.scenario.compiled import compile_scenario
    >>> sg = scenario_game(compile_scenario(load_scenario("kursk-mini")), horizon=1)
    >>> sg.game.players, sg.full.players
    (('usa', 'rus'), ('usa', 'rus'))
    """
    cell: dict[str, Any] = {"players": players, "strategy": strategy, "mindset": mindset}
    full = build_game(compiled, all_payoffs=True, **cell, **shape)
    roles = actor_roles(compiled, players, strategy, mindset)
    chosen = [r.actor for r in roles if r.player]
    game = select_players(full, chosen) if chosen else full
    order = select_players(full, [r.actor for r in roles])
    tracer_shape = {k: v for k, v in shape.items() if k != "node_limit"}
    tracer = FixedMoveTracer(compiled, **cell, **tracer_shape)
    return ScenarioGame(game, order, roles, tracer, strategy, mindset)
