"""The ``equilibrium`` policy: play the subgame-perfect strategy of the scenario's game.

The actor's game is built once per process (:func:`escalade.engine.game_builder.build_game`
over ``horizon`` rounds, default 2; the players are this actor and every actor whose
default policy is ``equilibrium``; the others follow their default policies) and
solved by backward induction. Each decision node of the actor is keyed by its
state (round, rungs, variables and history); in a simulation the actor looks up
the state it is in and plays the equilibrium action there. States the game does
not contain (beyond its horizon, or reached differently — e.g. in a
simultaneous-order scenario, where the game sequentialises the round) get hold.
The policy is exact for ``order: sequential`` scenarios within the horizon.
"""

from __future__ import annotations

import numpy as np

from escalade._types import IntArray
from escalade.engine.game_builder import build_game, signature
from escalade.engine.policies import DecisionContext, register
from escalade.engine.state import State
from escalade.game.extensive import NodeKind
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec
from escalade.solvers import backward_induction

__all__ = ["EquilibriumPolicy", "equilibrium_table"]

_TABLES: dict[tuple[str, int, int], dict[str, int]] = {}


def equilibrium_table(compiled: CompiledScenario, actor: int, horizon: int) -> dict[str, int]:
    """``state key -> option index (-1 hold)`` of the actor's SPE strategy (cached)."""
    key = (compiled.content_hash, actor, horizon)
    if key in _TABLES:
        return _TABLES[key]
    defaults = [a.policy for a in compiled.actors]
    players = [a.id for a in compiled.actors if a.index == actor or a.policy.kind == "equilibrium"]
    specs = [PolicySpec() if a.id in players else defaults[a.index] for a in compiled.actors]
    game = build_game(compiled, horizon=horizon, players=players, policies=specs)
    result = backward_induction.solve(game, verify=False)
    probabilities = result.equilibria[0].probabilities  # type: ignore[union-attr]
    me = game.players.index(compiled.actors[actor].id)
    options = {o.id: o.index for o in compiled.options}
    table: dict[str, int] = {}
    for node in np.flatnonzero(game.kind == NodeKind.DECISION):
        h = int(game.infoset[node])
        if int(game.infoset_player[h]) != me:
            continue
        start = int(game.infoset_offset[h])
        chosen = int(np.argmax(probabilities[start : start + int(game.n_actions[h])]))
        label = game.infoset_actions[h][chosen].split(": ", 1)[1]
        table[game.node_labels[node].rsplit("#", 1)[1]] = options.get(label, -1)
    _TABLES[key] = table
    return table


def state_signatures(compiled: CompiledScenario, st: State) -> list[str]:
    """:func:`~escalade.engine.game_builder.signature` of every trajectory of a state."""
    out = []
    for r in range(st.n):
        flags: list[int] = [int(x) for x in st.taken[r]]
        flags += [int(x) for x in st.last_chosen[r]]
        flags += [int(x) for x in st.fired[r]]
        for i in range(len(compiled.actors)):
            flags += [int(st.prev_option[r, i]), int(st.prev_success[r, i])]
        flags += [int(x) for x in st.rung_max[r]]
        out.append(signature(st.round, st.rungs[r], st.variables[r], flags))
    return out


class EquilibriumPolicy:
    """Play the actor's subgame-perfect action in the current state (see module docstring)."""

    deterministic = True

    def __init__(self, spec: PolicySpec, actor: int, compiled: CompiledScenario) -> None:
        self.actor = actor
        self.compiled = compiled
        self.horizon = min(spec.horizon or 2, compiled.horizon)
        self.table = equilibrium_table(compiled, actor, self.horizon)

    def decide(self, ctx: DecisionContext) -> IntArray:
        """Look up each trajectory's state; hold where the game has no such state."""
        choice = np.full(ctx.state.n, -1, dtype=np.int64)
        if ctx.state.round >= self.horizon:
            return choice
        for r, key in enumerate(state_signatures(self.compiled, ctx.state)):
            option = self.table.get(key, -1)
            if option >= 0 and ctx.available[r, option]:
                choice[r] = option
        return choice


register("equilibrium", EquilibriumPolicy, lookahead=True)
