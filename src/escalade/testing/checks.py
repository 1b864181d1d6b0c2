"""Conformance checks for user policies and scenarios, shipped for users' own tests.

>>> from escalade.scenario import load_scenario
>>> from escalade.scenario.compiled import compile_scenario
>>> from escalade.engine.policies import make_policy
>>> compiled = compile_scenario(load_scenario("kursk-mini"))
>>> policy = make_policy(compiled.actors[0].policy, 0, compiled)
>>> check_policy(policy, compiled, actor=0, seed=1)
"""

from __future__ import annotations

import numpy as np

from escalade.engine.policies import DecisionContext, Policy, make_policy
from escalade.engine.runner import simulate
from escalade.engine.state import State, available, initial_state
from escalade.engine.streams import Layout, block_uniforms
from escalade.engine.vectorised import RoundPlayer
from escalade.errors import EscaladeError
from escalade.random import Stream
from escalade.scenario.compiled import CompiledScenario

__all__ = ["PolicyCheckError", "check_policy", "check_scenario"]


class PolicyCheckError(EscaladeError, AssertionError):
    """A policy or scenario failed a conformance check."""


def _states(compiled: CompiledScenario, seed: int, n: int, rounds: int) -> list[State]:
    """States reached by the scenario's default policies, one per round."""
    player = RoundPlayer(compiled, [a.policy for a in compiled.actors], seed=seed)
    player.span = (0, n)
    uniforms = block_uniforms(seed, Stream.UNCERTAINTY, 0, n, len(compiled.uncertainties)).T
    st = initial_state(compiled, compiled.draw_uncertainties(uniforms))
    out = []
    for t in range(min(rounds, compiled.horizon)):
        st.round, st.day = t, int(compiled.days[t])
        out.append(st.take(np.arange(n)))
        u = block_uniforms(seed, Stream.ROUND, 0, n, player.layout.k, t)
        player.play(st, t, u, player.policies)
    return out


def _context(compiled: CompiledScenario, st: State, actor: int, seed: int) -> DecisionContext:
    avail = np.zeros((st.n, len(compiled.options)), dtype=bool)
    for o in compiled.options_by_actor[actor]:
        avail[:, o] = available(st, compiled, o)
    layout = Layout(len(compiled.events), len(compiled.actors), len(compiled.arenas))
    u = block_uniforms(seed, Stream.POLICY, 0, st.n, layout.k, st.round)[layout.decision(actor)]
    moves = np.full((st.n, len(compiled.actors)), -1, dtype=np.int64)
    return DecisionContext(compiled, st, actor, avail, u, moves, moves >= 0)


def check_policy(
    policy: Policy,
    compiled: CompiledScenario,
    *,
    actor: int,
    seed: int = 0,
    n: int = 256,
    rounds: int = 4,
) -> None:
    """Check a policy object against the protocol on states of a scenario.

    Checks, on ``n`` trajectories at each of the first ``rounds`` rounds: the
    result is an integer array of shape ``(n,)``; every choice is -1 (hold) or
    an available option of ``actor``; the same context gives the same choices
    (determinism under a seed); a ``deterministic`` policy ignores the uniforms.

    Raises
    ------
    PolicyCheckError
        Naming the check, the round and what was found.
    """
    owner = np.array([o.actor for o in compiled.options], dtype=np.int64)
    for st in _states(compiled, seed, n, rounds):
        ctx = _context(compiled, st, actor, seed)
        first = np.asarray(policy.decide(ctx))
        where = f"policy {type(policy).__name__}, round {st.round}"
        if first.shape != (n,) or not np.issubdtype(first.dtype, np.integer):
            raise PolicyCheckError(
                f"{where}: expected an integer array of shape ({n},), found "
                f"{first.dtype} of shape {first.shape}"
            )
        chosen = first >= 0
        if (first < -1).any() or (first >= len(compiled.options)).any():
            raise PolicyCheckError(f"{where}: expected -1 or an option index, found {first.min()}")
        bad = chosen & (
            (owner[first.clip(0)] != actor) | ~ctx.available[np.arange(n), first.clip(0)]
        )
        if bad.any():
            k = int(first[np.argmax(bad)])
            raise PolicyCheckError(
                f"{where}: expected an available option of actor {compiled.actors[actor].id!r} "
                f"or hold, found {compiled.options[k].id!r}"
            )
        again = np.asarray(policy.decide(_context(compiled, st, actor, seed)))
        if not np.array_equal(first, again):
            raise PolicyCheckError(f"{where}: expected the same choices for the same seed")
        if getattr(policy, "deterministic", False):
            other = _context(compiled, st, actor, seed + 1)
            if not np.array_equal(first, np.asarray(policy.decide(other))):
                raise PolicyCheckError(
                    f"{where}: a policy marked deterministic changed its choices with the uniforms"
                )


def check_scenario(compiled: CompiledScenario, *, seed: int = 0, n: int = 256) -> None:
    """Check that a scenario runs under every cell and gives sane numbers.

    Every actor's default policy passes :func:`check_policy`; every
    (strategy, mindset) cell simulates without error; probabilities are in
    [0, 1] and means finite.

    Raises
    ------
    PolicyCheckError
        When a check fails (simulation errors propagate as they are).
    """
    for actor in compiled.actors:
        check_policy(
            make_policy(actor.policy, actor.index, compiled),
            compiled,
            actor=actor.index,
            seed=seed,
            n=n,
        )
    strategies: list[str | None] = [s.id for s in compiled.scenario.strategies] or [None]
    mindsets: list[str | None] = [m.id for m in compiled.scenario.mindsets] or [None]
    for strategy in strategies:
        for mindset in mindsets:
            result = simulate(compiled, strategy=strategy, mindset=mindset, n=n, seed=seed)
            probabilities = result.thresholds()["probability"].to_numpy()
            if ((probabilities < 0) | (probabilities > 1)).any():
                raise PolicyCheckError(f"cell ({strategy}, {mindset}): probability outside [0, 1]")
            means = result.outcomes()["mean"].to_numpy()
            if not np.isfinite(means).all():
                raise PolicyCheckError(
                    f"cell ({strategy}, {mindset}): an outcome mean is not finite"
                )
