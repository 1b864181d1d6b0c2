"""Steps 5 and 6 of a round (payoffs, the end), and an actor's flow utility.

:class:`Accounts` is the part of :class:`~escalade.engine.vectorised.RoundPlayer`
that keeps the utilities: each actor's discounted flow and threshold one-offs
(with the decomposition by term), the finiteness check, and the terminal
conditions that end trajectories. Kept apart so that the round player stays
short; it reads the player's ``compiled`` scenario and ``reads`` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from escalade._types import BoolArray, FloatArray
from escalade.engine.decompose import add_parts, part_offsets, terminal_part
from escalade.engine.state import State
from escalade.engine.steps import geometric
from escalade.errors import SimulationError
from escalade.scenario.compiled import CompiledScenario

if TYPE_CHECKING:
    from escalade.engine.vectorised import RoundLog

__all__ = ["Accounts"]


class Accounts:
    """Payoffs and ends of a round (a base of the round player)."""

    compiled: CompiledScenario
    reads: list[list[tuple[str, int]]]
    """``reads[i][a]``: the table and column actor ``i`` reads for arena ``a``."""

    def payoffs(
        self,
        st: State,
        t: int,
        paid: FloatArray,
        before: tuple[FloatArray, FloatArray],
        alive: BoolArray,
        *,
        payers: Sequence[int] | None = None,
    ) -> None:
        """Step 5: each actor's discounted flow and one-off threshold utilities.

        Rung weights and thresholds read the rung as the actor's side sees it
        (the common rung for an actor whose side is not a party of the arena).
        ``payers`` limits the actors accrued (a rollout needs only its deciding
        actor's); None: every actor.
        """
        offsets = part_offsets(self.compiled)  # decomposition (issue 17)
        for i, actor in enumerate(self.compiled.actors):
            if payers is not None and i not in payers:
                continue
            flow, parts = self.flow_parts(st, i)
            flow = flow - paid[:, i]
            parts.append(-paid[:, i])
            for th in actor.thresholds:
                kind, col = self.reads[i][th.arena]
                high = st.view_max if kind == "views" else st.rung_max
                was = before[1] if kind == "views" else before[0]
                newly = (high[:, col] >= th.rung) & (was[:, col] < th.rung)
                parts.append(np.where(newly, th.value(st), 0.0))
                flow = flow + parts[-1]
            st.utility[:, i] += np.where(alive, actor.discount**t * flow, 0.0)
            add_parts(st.utility_parts, offsets[i], parts, actor.discount**t, alive)
        self.check_utilities(st, t, alive)

    def check_utilities(self, st: State, t: int, alive: BoolArray) -> None:
        """A :class:`SimulationError` naming the first actor whose utility is not finite."""
        bad = alive[:, None] & ~np.isfinite(st.utility)
        if not bad.any():
            return
        i = int(np.argmax(bad.any(axis=0)))
        raise SimulationError(
            f"utility of actor {self.compiled.actors[i].id!r}, round {t}: expected a finite "
            f"number, found {st.utility[np.argmax(bad[:, i]), i]}; hint: check its weights and "
            "the costs of its options"
        )

    def flow(self, st: State, i: int, terms: str = "per_round") -> FloatArray:
        """Actor ``i``'s weighted sum of variables and rungs (its side's view) now."""
        return self.flow_parts(st, i, terms)[0]

    def flow_parts(
        self, st: State, i: int, terms: str = "per_round"
    ) -> tuple[FloatArray, list[FloatArray]]:
        """:meth:`flow` and its terms (``per_round`` or ``final``), in file order."""
        actor = self.compiled.actors[i]
        flow = np.zeros(st.n)
        parts: list[FloatArray] = []
        for term in actor.per_round if terms == "per_round" else actor.final:
            if term.kind == "var":
                value = st.variables[:, term.index]
            else:
                kind, col = self.reads[i][term.index]
                value = (st.views if kind == "views" else st.rungs)[:, col]
            parts.append(term.weight(st) * value)
            flow = flow + parts[-1]
        return flow, parts

    def end(
        self, st: State, t: int, alive: BoolArray, log: RoundLog, payers: Sequence[int] | None
    ) -> None:
        """Step 6: the first terminal condition that holds ends the trajectory.

        Its ``utility`` accrues per round from this round to the horizon; an
        absorbing end also keeps each actor accruing the per-round utility of
        the frozen state in every later round (discounted as usual).
        """
        c = self.compiled
        which = np.full(st.n, -1, dtype=np.int64)
        for k, term in enumerate(c.terminal):
            hit = alive & (which < 0) & np.asarray(term.when(st), dtype=bool)
            which[hit] = k
        ended = which >= 0
        log.ended = ended
        st.alive = alive & ~ended
        if not ended.any():
            return
        offsets = part_offsets(c)
        for k, term in enumerate(c.terminal):
            mask = which == k
            if not mask.any():
                continue
            for i, actor in enumerate(c.actors):
                if payers is not None and i not in payers:
                    continue
                now, later = geometric(actor.discount, t, c.horizon)
                extra = np.zeros(st.n)
                if term.absorbing:
                    flow, parts = self.flow_parts(st, i)
                    extra = extra + later * flow
                    add_parts(st.utility_parts, offsets[i], parts, later, mask)
                weight = term.utility[i]
                if weight is not None:
                    value = weight(st)
                    extra = extra + (now + later) * value
                    column = terminal_part(c, i)
                    add_parts(st.utility_parts, column, [value], now + later, mask)
                st.utility[:, i] += np.where(mask, extra, 0.0)
            if term.absorbing:
                st.absorbed |= mask
