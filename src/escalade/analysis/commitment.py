"""What declaring a strategy gives away: commitment analysis on a scenario's game.

For each strategy of a side, the side's actors are fixed to it (declared, so
the other side knows it) and the other side's actors choose freely: the
subgame-perfect equilibrium of that game is the other side's best response to
the declared strategy. The side's *unconstrained* best play is the SPE with
both sides choosing. Values are sums of each side's actors' expected
utilities over the game's horizon (:func:`escalade.engine.game_builder.build_game`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from escalade.engine.game_builder import build_game
from escalade.errors import GameTooLargeError, UsageError
from escalade.game.extensive import ExtensiveFormGame
from escalade.scenario.compiled import CompiledScenario
from escalade.solvers import backward_induction

__all__ = ["Commitment", "commitment_analysis"]


@dataclass(frozen=True)
class Commitment:
    """The commitment table and the unconstrained value (None when too large)."""

    side: str
    horizon: int
    table: pd.DataFrame
    unconstrained: dict[str, float] | None
    unconstrained_note: str


def _side_values(
    compiled: CompiledScenario, game: ExtensiveFormGame
) -> tuple[dict[str, float], list[str]]:
    result = backward_induction.solve(game, verify=False)
    payoffs = dict(zip(game.players, result.payoffs[0].tolist(), strict=True))
    values = dict.fromkeys(compiled.sides, 0.0)
    for actor in compiled.actors:
        values[compiled.sides[actor.side]] += payoffs[actor.id]
    path = []
    if result.path is not None:
        for node in result.path.tolist()[1:]:
            parent = int(game.parent[node])
            if game.player[parent] >= 0:
                label = game.action_label(node)
                if not label.endswith(": hold") and label not in path:
                    path.append(label)
    return values, path


def commitment_analysis(
    compiled: CompiledScenario, side: str, *, horizon: int = 1, node_limit: int = 200_000
) -> Commitment:
    """Compare the side's strategies when declared against the other side's best response.

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario.
    side : str
        The side whose strategies are declared.
    horizon : int
        Rounds of the game.
    node_limit : int
        Largest game built for a declared strategy; the unconstrained game (both
        sides choosing) gets a tenth of it and is skipped with a note when larger.
    """
    if side not in compiled.sides:
        raise UsageError(f"--side: expected one of {', '.join(compiled.sides)}, found {side!r}")
    mine = [s for s in compiled.scenario.strategies if s.side == side]
    if not mine:
        raise UsageError(f"--side {side}: the scenario declares no strategy for this side")
    side_index = compiled.sides.index(side)
    others = [
        a.id
        for a in compiled.actors
        if a.side != side_index and compiled.sides[a.side] != "neutral"
    ]
    rows = []
    for strategy in mine:
        policies = list(compiled.policies(strategy))
        game = build_game(
            compiled,
            horizon=horizon,
            players=others,
            policies=policies,
            node_limit=node_limit,
            all_payoffs=True,
        )
        values, path = _side_values(compiled, game)
        rows.append(
            {
                "strategy": strategy.id,
                "declared": strategy.declared,
                **{f"value_{k}": v for k, v in values.items()},
                "nodes": game.n_nodes,
                "equilibrium_moves": "; ".join(path),
            }
        )
    unconstrained: dict[str, float] | None = None
    note = ""
    try:
        players = [a.id for a in compiled.actors if compiled.sides[a.side] != "neutral"]
        game = build_game(
            compiled,
            horizon=horizon,
            players=players,
            node_limit=max(node_limit // 10, 1),
            all_payoffs=True,
        )
        unconstrained, _ = _side_values(compiled, game)
    except GameTooLargeError as exc:
        note = str(exc)
    return Commitment(side, horizon, pd.DataFrame(rows), unconstrained, note)
