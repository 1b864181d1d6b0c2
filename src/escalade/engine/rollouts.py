"""Rollouts of ``best_response``: what each candidate is worth over the next rounds.

The deciding actor takes a candidate now and then follows its default policy;
the others follow their declared or default policies (see
:func:`~escalade.engine.vectorised.rollout_specs`). Uncertainties the actor does
not know are drawn afresh from their distributions, the same draws for every
candidate; the final weights apply where the rollout stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from escalade._types import FloatArray
from escalade.engine.streams import BELIEF, block_uniforms
from escalade.errors import SimulationError
from escalade.random import Stream

if TYPE_CHECKING:
    from escalade.engine.policies import DecisionContext
    from escalade.engine.vectorised import RoundPlayer

__all__ = ["rollout_values"]


def rollout_values(
    self: RoundPlayer, ctx: DecisionContext, candidates: list[int], depth: int, samples: int
) -> FloatArray:
    """Mean discounted utility of each candidate over ``samples`` rollouts of ``depth``.

    Uncertainties the deciding actor does not know are drawn afresh from
    their distributions for each sample (the same draws for every
    candidate); the final weights apply to the state where the rollout
    stops, discounted at the horizon's last round.
    """
    st, i, t = ctx.state, ctx.actor, ctx.state.round
    start, stop = self.span
    if st.n != stop - start:
        raise SimulationError("rollout: expected the state of the whole chunk")
    policies = self.rollout_policies(i)
    values = np.zeros((st.n, len(candidates)))
    rows = np.arange(st.n)
    c = self.compiled
    horizon = c.horizon
    unknown = [u.index for u in c.uncertainties if i not in u.known_to]
    for s in range(samples):
        belief = st.uncertainties
        if unknown:
            belief = st.uncertainties.copy()
            draws = block_uniforms(
                self.seed, Stream.ROLLOUT, start, stop, len(unknown), t, i, s, BELIEF
            )
            for row, index in enumerate(unknown):
                belief[:, index] = c.uncertainties[index].ppf(draws[row])
        for k, option in enumerate(candidates):
            copy = st.take(rows)
            copy.uncertainties = belief
            start_utility = copy.utility[:, i].copy()
            forced = (i, np.full(st.n, option, dtype=np.int64))
            for d in range(min(depth, horizon - t)):
                key = (t, i, s, d)
                u = block_uniforms(self.seed, Stream.ROLLOUT, start, stop, self.layout.k, *key)
                self.play(
                    copy,
                    t + d,
                    u,
                    policies,
                    events=d > 0,
                    forced=forced if d == 0 else None,
                    rollouts=False,
                )
            final = c.actors[i].discount ** (horizon - 1) * self.flow(copy, i, "final")
            values[:, k] += copy.utility[:, i] - start_utility + final
    return values / samples
