"""The ladder steps of the reference interpreter, with scalars (read with ``reference``).

:class:`ScalarRungs` is a mixin of
:class:`~escalade.engine.reference.ReferenceInterpreter`: each arena's views
(``"arena:side"`` keys), the common rung, rung effects, escalations,
de-escalations settled after them, accidents with jumps and walk-backs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from escalade.errors import SimulationError

if TYPE_CHECKING:
    from escalade.engine.reference import One
    from escalade.engine.streams import Layout
    from escalade.scenario import expr as ex
    from escalade.scenario.compiled import CompiledScenario, RungEffect

__all__ = ["ScalarRungs"]


class ScalarRungs:
    """Scalar ladder steps (a mixin; see the module docstring)."""

    c: CompiledScenario
    layout: Layout

    if TYPE_CHECKING:

        def value(  # noqa: D102
            self, compiled_expr: ex.Compiled, s: One, values: ex.ScalarValues | None = None
        ) -> float: ...

        def probability(self, compiled_expr: ex.Compiled, s: One, element: str) -> float: ...  # noqa: D102

    def key(self, arena: int, party: int) -> str:
        """The ``views`` key of arena ``arena`` as its party ``party`` sees it."""
        a = self.c.arenas[arena]
        return f"{a.id}:{self.c.sides[a.parties[party]]}"

    def sync(self, s: One) -> None:
        """Common rungs from the views, and the maxima."""
        for a in self.c.arenas:
            s.rungs[a.id] = max(s.views[self.key(a.index, 0)], s.views[self.key(a.index, 1)])
            s.rung_max[a.id] = max(s.rung_max[a.id], s.rungs[a.id])
        for k, v in s.views.items():
            s.view_max[k] = max(s.view_max[k], v)

    def read(self, s: One, actor: int, arena: int, table: str = "views") -> float:
        """Arena ``arena``'s rung as ``actor`` reads it (its side's view, else the common rung).

        ``table="max"`` reads the highest value so far instead.
        """
        party = self.c.party(arena, actor)
        if party < 0:
            source = s.rung_max if table == "max" else s.rungs
            return float(source[self.c.arenas[arena].id])
        source = s.view_max if table == "max" else s.views
        return float(source[self.key(arena, party)])

    def move_rungs(self, s: One, effects: tuple[RungEffect, ...], element: str) -> None:
        """Rung effects of an event or branch (``add`` rounded to whole rungs, then clipped)."""
        if not effects:
            return
        for e in effects:
            arena = self.c.arenas[e.arena]
            value = self.value(e.value, s)
            if not math.isfinite(value):
                raise SimulationError(
                    f"{element}, rung effect on {arena.id!r}, round {s.round}: expected a finite "
                    f"number, found {value}"
                )
            for p in (0, 1) if e.party < 0 else (e.party,):
                key = self.key(e.arena, p)
                new = value if e.to else s.views[key] + float(np.rint(value))
                s.views[key] = int(min(max(new, arena.low), arena.high))
        self.sync(s)

    def escalate(self, s: One, o: int, down: dict[str, int]) -> None:
        """Raise the arena's views to the option's rungs (de-escalations go to ``down``)."""
        opt = self.c.options[o]
        changed = False
        for p in (0, 1):
            target = opt.views[p]
            if target < 0:
                continue
            key = self.key(opt.arena, p)
            if opt.deescalate:
                down[key] = min(down.get(key, target), target)
            else:
                s.views[key] = max(s.views[key], target)
                changed = True
        if changed:
            self.sync(s)

    def settle(self, s: One, down: dict[str, int]) -> None:
        """The round's de-escalations, after every escalation of the round."""
        if not down:
            return
        for key, target in down.items():
            s.views[key] = min(s.views[key], target)
        self.sync(s)

    def walk_back(self, s: One) -> list[tuple[str, int]]:
        """Undo last round's accidental steps that are walked back (``revert``)."""
        if not any(s.revert.values()):
            return []
        before = dict(s.rungs)
        for key, step in s.revert.items():
            s.views[key] -= step
        s.revert = dict.fromkeys(s.revert, 0)
        self.sync(s)
        return [
            (a.id, s.rungs[a.id] - before[a.id])
            for a in self.c.arenas
            if s.rungs[a.id] != before[a.id]
        ]

    def accidents(self, s: One, u: np.ndarray) -> list[tuple[str, int]]:
        """Step 4: one uniform per arena moves both views by a jump (one rung by default)."""
        out = []
        for a in self.c.arenas:
            up = self.probability(a.accident_up, s, f"accidents {a.id!r} up")
            down = self.probability(a.accident_down, s, f"accidents {a.id!r} down")
            if not 0.0 <= up + down <= 1.0:
                raise SimulationError(
                    f"accidents {a.id!r} up + down, round {s.round}: expected a probability "
                    f"in [0, 1], found {up + down}"
                )
            draw = u[self.layout.accident(a.index)]
            step = 1 if draw < up else (-1 if draw < up + down else 0)
            if a.sized:
                index = int(np.searchsorted(a.jump_cdf, u[self.layout.jump(a.index)], "right"))
                step *= a.jump_sizes[min(index, len(a.jump_sizes) - 1)]
            current = s.rungs[a.id]
            back = False
            if a.revert is not None:
                p = self.probability(a.revert, s, f"accidents {a.id!r} revert")
                back = bool(u[self.layout.revert(a.index)] < p) and step != 0
            for p in (0, 1):
                key = self.key(a.index, p)
                new = min(max(s.views[key] + step, a.low), a.high)
                if a.revert is not None:
                    s.revert[key] = new - s.views[key] if back else 0
                s.views[key] = new
            self.sync(s)
            if s.rungs[a.id] != current:
                out.append((a.id, s.rungs[a.id] - current))
        return out
