"""What declaring a strategy gives away: commitment analysis on a scenario's game.

For each strategy of a side, the side's actors are fixed to it (declared, so
the other side knows it) and the other side's actors choose freely: the
subgame-perfect equilibrium of that game is the other side's best response to
the declared strategy. The side's *unconstrained* best play is the SPE with
both sides choosing. Values are sums of each side's actors' expected
utilities over the game's horizon (:func:`escalade.engine.game_builder.build_game`),
each weighted by the side's weight for the actor at the nominal uncertainties.

*What the other side gains from knowing* a declared strategy: its value when it
best-responds to the declared strategy, minus its value when it plays, against
the same declared strategy, its part of the unconstrained equilibrium (the
strategy it would play not knowing the declaration, expecting the side's best
play). The second profile is looked up by decision state (actor, round, rungs,
variables, history), as the ``equilibrium`` policy does; a state the
unconstrained game does not contain gets hold. A positive gain is what the
declaration concedes; zero means the declaration tells the other side nothing
it did not already expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from escalade.analysis.game_story import fixed_text
from escalade.engine.game_builder import build_game
from escalade.engine.game_moves import FixedMoveTracer
from escalade.engine.game_size import estimate_game_size
from escalade.errors import (
    GameTooLargeError,
    UsageError,
    closest_id_hint,
    named_id_hint,
    separate_ids_hint,
)
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.narrative import PathStep, likely_path
from escalade.game.profiles import BehaviorProfile
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec, StrategySpec
from escalade.solvers import backward_induction
from escalade.solvers.verify import expected_payoffs, reach_probabilities

__all__ = ["Commitment", "commitment_analysis"]


@dataclass(frozen=True)
class Commitment:
    """The commitment table and the unconstrained value (None when too large)."""

    side: str
    horizon: int
    table: pd.DataFrame
    unconstrained: dict[str, float] | None
    unconstrained_note: str
    unconstrained_error: GameTooLargeError | None = field(default=None, compare=False)
    """Why the unconstrained game was not solved, for a front end to word in its own terms."""


def _by_side(
    compiled: CompiledScenario, game: ExtensiveFormGame, pay: list[float]
) -> dict[str, float]:
    """Each side's value: its actors' payoffs weighted as the side weighs them (nominal draws)."""
    payoffs = dict(zip(game.players, pay, strict=True))
    weights = compiled.actor_weights(compiled.nominal_uncertainties()[None, :])[0]
    values = dict.fromkeys(compiled.sides, 0.0)
    for actor in compiled.actors:
        values[compiled.sides[actor.side]] += float(weights[actor.index]) * payoffs[actor.id]
    return values


def _plan(game: ExtensiveFormGame, probabilities: np.ndarray, actors: set[str]) -> dict[str, str]:
    """``decision-node label -> action label`` of ``actors`` in a pure profile (first node wins)."""
    plan: dict[str, str] = {}
    for node in np.flatnonzero(game.kind == NodeKind.DECISION):
        h = int(game.infoset[node])
        if game.players[int(game.infoset_player[h])] not in actors:
            continue
        start = int(game.infoset_offset[h])
        k = int(np.argmax(probabilities[start : start + int(game.n_actions[h])]))
        plan.setdefault(game.node_labels[node], game.infoset_actions[h][k])
    return plan


def _play(game: ExtensiveFormGame, plan: dict[str, str]) -> tuple[BehaviorProfile, float]:
    """The pure profile of ``game`` that follows ``plan`` (hold where the plan has no entry).

    Also returns the probability that play reaches a decision the plan has no entry for.
    """
    probabilities = np.zeros(game.n_slots)
    missing: list[int] = []
    for node in np.flatnonzero(game.kind == NodeKind.DECISION):
        h = int(game.infoset[node])
        actions = list(game.infoset_actions[h])
        wanted = plan.get(game.node_labels[node], "")
        if wanted not in actions:
            missing.append(int(node))
        k = actions.index(wanted) if wanted in actions else 0  # 0: hold
        probabilities[int(game.infoset_offset[h]) + k] = 1.0
    profile = BehaviorProfile(probabilities)
    # a play meets at most one unplanned decision first: sum the reach of the first ones
    reach = reach_probabilities(game, profile)
    marked = set(missing)
    first = [n for n in missing if not _below(game, n, marked)]
    return profile, float(reach[first].sum()) if first else 0.0


def _below(game: ExtensiveFormGame, node: int, marked: set[int]) -> bool:
    """Whether a proper ancestor of ``node`` is in ``marked``."""
    node = int(game.parent[node])
    while node >= 0:
        if node in marked:
            return True
        node = int(game.parent[node])
    return False


def _side_values(
    compiled: CompiledScenario, game: ExtensiveFormGame
) -> tuple[dict[str, float], list[PathStep], float]:
    """Values by side, and the most likely path of play of the SPE with its probability."""
    result = backward_induction.solve(game, verify=False)
    values = _by_side(compiled, game, result.payoffs[0].tolist())
    steps, probability = likely_path(game, result.equilibria[0])  # type: ignore[arg-type]
    return values, steps, probability


def _moves_text(steps: list[PathStep]) -> str:
    """The players' moves of a path, holds left out: ``r0 chn: extend_road; ...``."""
    return "; ".join(
        f"r{s.round} {s.who}: {s.what}" for s in steps if s.who != "chance" and s.what != "hold"
    )


def _path_rows(
    compiled: CompiledScenario,
    game: ExtensiveFormGame,
    steps: list[PathStep],
    others: list[str],
    *,
    policies: list[PolicySpec],
    horizon: int,
) -> list[dict[str, Any]]:
    """The path as rows, with the moves made by fixed policies (the declared side's) in place."""
    tracer = FixedMoveTracer(compiled, horizon=horizon, players=others, policies=policies)

    def fixed(node: int) -> list[dict[str, Any]]:
        return [
            {"round": str(m.round), "who": m.actor, "what": fixed_text(m), "probability": 1.0}
            | {"kind": "fixed"}
            for m in tracer.before(game, node)
        ]

    rows = fixed(0)
    for step in steps:
        kind = "chance" if step.who == "chance" else "choice"
        rows.append({k: v for k, v in asdict(step).items() if k != "node"} | {"kind": kind})
        rows += fixed(step.node)
    return rows


def _too_large(horizon: int, nodes: float, seconds: float, node_limit: int, what: str) -> str:
    """The message of a game estimated larger than ``node_limit``."""
    return (
        f"node_limit: the {what}game at horizon {horizon} has about {nodes:,.0f} nodes "
        f"(estimated; about {seconds:,.0f} s to build), more than the limit "
        f"{node_limit:,}; hint: a smaller `horizon`, fewer `side_players`, a larger "
        "`node_limit`, or the meta-game alone"
    )


def _check_size(
    compiled: CompiledScenario,
    *,
    horizon: int,
    players: list[str],
    node_limit: int,
    policies: list[PolicySpec] | None = None,
) -> None:
    """Refuse, in about a second, a game whose estimated size exceeds ``node_limit``."""
    size = estimate_game_size(
        compiled, horizon=horizon, players=players, policies=policies, budget=0.5
    )
    if size.nodes > node_limit:
        raise GameTooLargeError(
            _too_large(horizon, size.nodes, size.seconds, node_limit, ""), parameter="node_limit"
        )


def _check_declared(
    compiled: CompiledScenario,
    strategies: list[StrategySpec],
    others: list[str],
    *,
    horizon: int,
    node_limit: int,
) -> None:
    """Refuse, before any game is built, when a declared strategy's game is estimated too large.

    Every strategy's game is estimated first; the largest estimate is the one named.
    """
    sizes = [
        (
            strategy.id,
            estimate_game_size(
                compiled,
                horizon=horizon,
                players=others,
                policies=list(compiled.policies(strategy)),
                budget=0.5,
            ),
        )
        for strategy in strategies
    ]
    name, size = max(sizes, key=lambda item: item[1].nodes)
    if size.nodes > node_limit:
        what = f"declared strategy {name}'s "
        raise GameTooLargeError(
            _too_large(horizon, size.nodes, size.seconds, node_limit, what),
            parameter="node_limit",
        )


def _unconstrained(
    compiled: CompiledScenario,
    players: list[str],
    others: set[str],
    *,
    horizon: int,
    node_limit: int,
) -> tuple[dict[str, float] | None, dict[str, str], GameTooLargeError | None]:
    """Both sides choosing: values by side and the other side's equilibrium plan (or why not)."""
    try:
        _check_size(compiled, horizon=horizon, players=players, node_limit=node_limit)
        game = build_game(
            compiled,
            horizon=horizon,
            players=players,
            node_limit=node_limit,
            all_payoffs=True,
        )
    except GameTooLargeError as exc:
        return None, {}, exc
    result = backward_induction.solve(game, verify=False)
    values = _by_side(compiled, game, result.payoffs[0].tolist())
    probabilities = result.equilibria[0].probabilities  # type: ignore[union-attr]
    return values, _plan(game, probabilities, others), None


def side_hint(compiled: CompiledScenario, side: str) -> str:
    """A hint for an unknown side: the closest id, a side's name, or an actor's name or id.

    ``armenia`` for side ``arm_bloc`` named "Armenia and Artsakh"; ``arm`` (an actor)
    for its side.
    """
    sides = list(compiled.sides)
    named = {s.id: s.name for s in compiled.scenario.spec.sides if s.name}
    hint = named_id_hint([side], named) or closest_id_hint([side], sides)
    if hint:
        return hint
    for actor in compiled.scenario.spec.actors:
        if side.casefold() in (actor.id, actor.name.casefold()):
            return f"; hint: {side!r} is actor {actor.id!r}, of side {actor.side!r}"
    return ""


def _actors_of(
    compiled: CompiledScenario, side: str, side_players: Sequence[str] | None
) -> tuple[list[StrategySpec], list[str], list[str]]:
    """The side's strategies, the other sides' actors and the side's players (checked)."""
    if side not in compiled.sides:
        raise UsageError(
            f"side: expected one of {', '.join(compiled.sides)}, found {side!r}"
            + side_hint(compiled, side),
            parameter="side",
        )
    mine = [s for s in compiled.scenario.strategies if s.side == side]
    if not mine:
        having = sorted({s.side for s in compiled.scenario.strategies})
        hint = (
            f"; hint: the sides with strategies: {', '.join(having)} (the other side's "
            "alternatives are mindsets, which the meta-game of `escalade game` weighs)"
            if having
            else "; hint: declare strategies for it under 'strategies'"
        )
        raise UsageError(
            f"side {side}: the scenario declares no strategy for this side{hint}",
            parameter="side",
        )
    side_index = compiled.sides.index(side)
    others = [
        a.id
        for a in compiled.actors
        if a.side != side_index and compiled.sides[a.side] != "neutral"
    ]
    own = [a.id for a in compiled.actors if a.side == side_index]
    chosen = own if side_players is None else list(side_players)
    if not set(chosen) <= set(own):
        raise UsageError(
            f"side_players: expected actors of side {side} ({', '.join(own)}), "
            f"found {', '.join(sorted(set(chosen) - set(own)))}"
            f"{separate_ids_hint('side_players', chosen, own)}",
            parameter="side_players",
        )
    return mine, others, chosen


def _declared(
    compiled: CompiledScenario,
    strategy: StrategySpec,
    others: list[str],
    *,
    plan: dict[str, str] | None,
    horizon: int,
    node_limit: int,
) -> dict[str, Any]:
    """The row of one declared strategy: the other sides best-responding, or following ``plan``."""
    policies = list(compiled.policies(strategy))
    game = build_game(
        compiled,
        horizon=horizon,
        players=others,
        policies=policies,
        node_limit=node_limit,
        all_payoffs=True,
    )
    values, steps, probability = _side_values(compiled, game)
    blind = dict.fromkeys(values, float("nan"))
    unplanned = float("nan")
    if plan is not None:
        profile, unplanned = _play(game, plan)
        blind = _by_side(compiled, game, expected_payoffs(game, profile).tolist())
    other_sides = sorted({compiled.sides[a.side] for a in compiled.actors if a.id in others})
    return {
        "strategy": strategy.id,
        "declared": strategy.declared,
        **{f"value_{k}": v for k, v in values.items()},
        **{f"uninformed_{k}": v for k, v in blind.items()},
        "gain_from_knowing": sum(values[k] - blind[k] for k in other_sides),
        "unplanned": unplanned,
        "nodes": game.n_nodes,
        "equilibrium_moves": _moves_text(steps),
        "likely_path": _path_rows(
            compiled, game, steps, others, policies=policies, horizon=horizon
        ),
        "likely_path_probability": probability,
    }


def commitment_analysis(
    compiled: CompiledScenario,
    side: str,
    *,
    horizon: int = 1,
    node_limit: int = 200_000,
    side_players: Sequence[str] | None = None,
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
        Largest game built, for a declared strategy and for the unconstrained
        game (both sides choosing), applied as given; each game's size is
        estimated first (:func:`escalade.engine.game_size.estimate_game_size`)
        and refused within about a second when the estimate exceeds it. An
        unconstrained game too large is skipped with a note (the
        ``uninformed_*`` and ``gain_from_knowing`` columns are then NaN).
    side_players : sequence of str, optional
        The side's actors who choose in the unconstrained game (default: all
        of them); the side's other actors follow their default policies. A few
        key actors keep the unconstrained game small in large scenarios.

    Returns
    -------
    Commitment
        One row per strategy of the side: ``value_<side>`` for every side
        (the other side best-responding), ``uninformed_<side>`` (the other side
        playing its unconstrained-equilibrium plan instead) and
        ``gain_from_knowing`` (the other sides' value difference), the game's
        size and the most likely path of play of the equilibrium (at every
        chance node its likeliest outcome): ``likely_path`` (a list of
        ``{round, who, what, probability, kind}``, ``kind`` ``choice``,
        ``chance`` or ``fixed``: a move of an actor following its fixed policy,
        the declared strategy's), ``likely_path_probability`` (the probability of that whole
        path) and ``equilibrium_moves`` (the other side's moves on it, holds
        left out, as text). ``unplanned`` is the
        probability that play under the uninformed profile reaches a decision
        state the unconstrained game does not contain (there the other side
        holds; large values make ``gain_from_knowing`` unreliable — with
        ``side_players`` a subset, a strategy moving other actors of the side
        leads to such states).

    Raises
    ------
    UsageError
        For an unknown side or a side without strategies.
    GameTooLargeError
        When a declared strategy's game exceeds ``node_limit`` (or is estimated to):
        every declared strategy's game is estimated before any game is built,
        and the largest estimate is named.
    """
    mine, others, chosen = _actors_of(compiled, side, side_players)
    _check_declared(compiled, mine, others, horizon=horizon, node_limit=node_limit)
    unconstrained, plan, error = _unconstrained(
        compiled,
        [a.id for a in compiled.actors if a.id in others or a.id in chosen],
        set(others),
        horizon=horizon,
        node_limit=node_limit,
    )
    rows = [
        _declared(
            compiled,
            strategy,
            others,
            plan=plan if unconstrained is not None else None,
            horizon=horizon,
            node_limit=node_limit,
        )
        for strategy in mine
    ]
    # the note names the parameters plainly; the error keeps them for a front end's flags
    note = error.render_parameters(lambda parameter: parameter) if error else ""
    return Commitment(side, horizon, pd.DataFrame(rows), unconstrained, note, error)
