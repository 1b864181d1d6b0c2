"""Outcome values of one trajectory in the reference interpreter (read with ``reference``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escalade.engine.reference import One, ReferenceInterpreter

__all__ = ["Outcomes"]


class Outcomes:
    """Outcome values of one trajectory (``end``, ``max``, ``min``, ``mean``, ``first``)."""

    def __init__(self, ref: ReferenceInterpreter, s: One) -> None:
        self.ref = ref
        self.values: list[float] = []
        self.count = 1
        for o in ref.c.outcomes:
            v = ref.value(o.expr, s)
            if o.at == "first":
                self.values.append(0.0 if v != 0 else float(ref.c.horizon + 1))
            else:
                self.values.append(v if o.at != "end" else 0.0)

    def update(self, s: One, t: int, peak: dict[str, int]) -> None:
        """Account for the state after round ``t`` (``at: max`` also reads the round's peak)."""
        self.count += 1
        for k, o in enumerate(self.ref.c.outcomes):
            if o.at == "end":
                continue
            v = self.ref.value(o.expr, s)
            if o.at == "max":
                at_peak = s.copy()
                at_peak.views = dict(peak)
                for a in self.ref.c.arenas:
                    views = [peak[self.ref.key(a.index, p)] for p in (0, 1)]
                    at_peak.rungs[a.id] = max(views)
                v = max(v, self.ref.value(o.expr, at_peak))
                self.values[k] = max(self.values[k], v)
            elif o.at == "min":
                self.values[k] = min(self.values[k], v)
            elif o.at == "mean":
                self.values[k] = self.values[k] + v
            elif self.values[k] == self.ref.c.horizon + 1 and v != 0:
                self.values[k] = float(t + 1)

    def finish(self, s: One) -> list[float]:
        """The outcome values on the final state."""
        for k, o in enumerate(self.ref.c.outcomes):
            if o.at == "end":
                self.values[k] = self.ref.value(o.expr, s)
            elif o.at == "mean":
                self.values[k] = self.values[k] / self.count
        return self.values
