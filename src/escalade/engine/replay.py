"""The state a simulated trajectory reaches, to solve the game from there.

Trajectory ``k`` of a (strategy, mindset) cell with seed ``s`` is the same in
the vectorised engine and the reference interpreter (they read the same random
numbers), so it can be replayed alone: :func:`state_at` runs the reference
interpreter on it up to the start of a round and returns that state, which
:func:`escalade.engine.game_builder.build_game` takes as its root
(``start_state``, ``first_round``). With the seed of a stored run, trace
``k`` of the run is replayed exactly.
"""

from __future__ import annotations

from escalade.engine.reference import One, ReferenceInterpreter
from escalade.errors import UsageError
from escalade.random import validate_seed
from escalade.scenario.compiled import CompiledScenario

__all__ = ["state_at"]


def state_at(
    compiled: CompiledScenario,
    *,
    seed: int,
    trajectory: int,
    first_round: int,
    strategy: str | None = None,
    mindset: str | None = None,
) -> One:
    """The state of ``trajectory`` at the start of round ``first_round`` (see module docstring).

    Raises
    ------
    UsageError
        For a round outside the horizon, a negative trajectory, or a trajectory
        that ended before the round.
    """
    seed = validate_seed(seed)
    if not 0 <= first_round < compiled.horizon:
        raise UsageError(
            f"first_round: expected a round from 0 to {compiled.horizon - 1}, found {first_round}",
            parameter="first_round",
        )
    if trajectory < 0:
        raise UsageError(
            f"trajectory: expected a trajectory index >= 0, found {trajectory}",
            parameter="trajectory",
        )
    specs, declared = compiled.cell(strategy or None, mindset or None)
    ref = ReferenceInterpreter(compiled, specs, seed=seed, declared=declared)
    ref.trajectory = trajectory
    s = ref.start(trajectory)
    for t in range(first_round):
        if not s.alive:
            raise UsageError(
                f"first_round {first_round}: trajectory {trajectory} ended in round {t - 1}; "
                "hint: an earlier `first_round` or another `trajectory`",
                parameter="first_round",
            )
        ref.play(s, t, ref.streams.round(trajectory, t), ref.specs)
    if not s.alive:
        raise UsageError(
            f"first_round {first_round}: trajectory {trajectory} ended before that round; "
            "hint: an earlier `first_round` or another `trajectory`",
            parameter="first_round",
        )
    return s
