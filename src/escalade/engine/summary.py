"""Mergeable summaries of many trajectories, and the result of a simulation.

Nothing keeps every trajectory: a chunk returns integer counts (exact under
any grouping) and, per random block of trajectories, float sums and sums of
squares. The runner adds the block sums in block order, so the totals are
identical to the bit whatever the chunk size or executor.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalade._types import FloatArray, IntArray
from escalade.engine.counts import Counts
from escalade.engine.decompose import part_count, part_labels
from escalade.engine.trace import Trace
from escalade.reprs import html_with_repr, short_repr
from escalade.scenario.compiled import CompiledScenario

__all__ = ["Z95", "Counts", "SimulationResult", "mean_interval", "wilson_interval"]

Z95 = 1.959963984540054
"""The 97.5% quantile of the standard normal distribution."""


def wilson_interval(successes: FloatArray | IntArray, n: int) -> tuple[FloatArray, FloatArray]:
    """The 95% Wilson score interval of a binomial proportion."""
    p = np.asarray(successes, dtype=float) / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = np.where(p <= 0.0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(p >= 1.0, 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high


def mean_interval(
    total: FloatArray, squares: FloatArray, n: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Mean, standard deviation and 95% normal-approximation interval from sums.

    A spread below the rounding error of the sums (about ``n`` ulps of the sum of
    squares) is zero: a value that is the same in every trajectory gets sd 0 and
    a point interval, not one of width 1e-8 made of rounding.
    """
    mean = total / n
    if n < 2:
        sd = np.zeros_like(mean)
    else:
        spread = squares - n * mean * mean
        noise = 4.0 * n * np.finfo(float).eps * np.abs(squares)
        sd = np.sqrt(np.where(spread > noise, spread, 0.0) / (n - 1))
    half = Z95 * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def _quantile_rows(hist: IntArray, low: int, quantiles: tuple[float, ...]) -> list[list[int]]:
    """Per row of a histogram, the smallest level whose cumulative count reaches ``q · n``."""
    rows = []
    for counts in hist:
        cumulative = np.cumsum(counts)
        total = cumulative[-1]
        rows.append([low + int(np.searchsorted(cumulative, q * total)) for q in quantiles])
    return rows


_RUNG_COLUMNS = ("round", "q05", "q25", "q50", "q75", "q95", "mean", "peak_q50", "peak_q95")
"""The columns of :meth:`SimulationResult.rungs_by_round` after ``arena``."""


def _rung_rows(hist: IntArray, peaks: IntArray, low: int) -> list[dict[str, float]]:
    """Per round: the quantiles and mean of ``hist``, the median and 95% of ``peaks``."""
    levels = np.arange(low, low + hist.shape[1])
    ends = _quantile_rows(hist, low, (0.05, 0.25, 0.5, 0.75, 0.95))
    highs = _quantile_rows(peaks, low, (0.5, 0.95))
    rows = []
    for t, (qs, top) in enumerate(zip(ends, highs, strict=True)):
        mean = float(hist[t] @ levels) / max(int(hist[t].sum()), 1)
        rows.append(dict(zip(_RUNG_COLUMNS, (t, *qs, mean, *top), strict=True)))
    return rows


_OPTION_RATES = ("usage_rate", "success_rate", "mean_times", "refused_per_trajectory")
"""The per-option columns of :meth:`SimulationResult.options` in ``option_usage``."""


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What :func:`escalade.engine.simulate` returns: summaries and a sample of traces."""

    compiled: CompiledScenario
    counts: Counts
    traces: tuple[Trace, ...]
    seed: int
    strategy: str | None = None
    mindset: str | None = None

    def __repr__(self) -> str:
        return short_repr(
            "SimulationResult",
            scenario=self.compiled.scenario.id,
            strategy=self.strategy,
            mindset=self.mindset,
            n=self.n,
            seed=self.seed,
            traces=len(self.traces),
        )

    def _repr_html_(self) -> str:
        """In a notebook: the repr, then the outcome means."""
        return html_with_repr(self, self.outcomes(), "outcomes()")

    @property
    def n(self) -> int:
        """Number of trajectories."""
        return self.counts.n

    def _floats(self) -> list[FloatArray]:
        c = self.compiled
        sizes = [len(c.outcomes)] * 2 + [len(c.actors)] * 2 + [len(c.sides)] * 2
        sizes += [part_count(c)] * 4
        return list(np.split(self.counts.floats, np.cumsum(sizes)[:-1]))

    def outcomes(self) -> pd.DataFrame:
        """Outcome means with 95% intervals."""
        total, squares = self._floats()[:2]
        mean, sd, low, high = mean_interval(total, squares, self.n)
        rows = [
            {
                "outcome": o.id,
                "at": o.at,
                "direction": o.direction,
                "mean": mean[k],
                "sd": sd[k],
                "ci_low": low[k],
                "ci_high": high[k],
                "n": self.n,
            }
            for k, o in enumerate(self.compiled.outcomes)
        ]
        return pd.DataFrame(
            rows, columns=["outcome", "at", "direction", "mean", "sd", "ci_low", "ci_high", "n"]
        )

    def _utility_table(
        self, labels: list[dict[str, Any]], total: FloatArray, squares: FloatArray
    ) -> pd.DataFrame:
        mean, sd, low, high = mean_interval(total, squares, self.n)
        rows = [
            {
                **label,
                "mean": mean[k],
                "sd": sd[k],
                "ci_low": low[k],
                "ci_high": high[k],
                "n": self.n,
            }
            for k, label in enumerate(labels)
        ]
        return pd.DataFrame(rows)

    def utilities(self) -> pd.DataFrame:
        """Each actor's total discounted utility with a 95% interval."""
        parts = self._floats()
        labels = [
            {"actor": a.id, "side": self.compiled.sides[a.side]} for a in self.compiled.actors
        ]
        return self._utility_table(labels, parts[2], parts[3])

    def sides(self) -> pd.DataFrame:
        """Each side's utility (weighted sum over its actors) with a 95% interval."""
        parts = self._floats()
        labels = [{"side": s} for s in self.compiled.sides]
        return self._utility_table(labels, parts[4], parts[5])

    def utility_terms(self) -> pd.DataFrame:
        """Each actor's utility split by term (actor, side, kind, term, mean, interval).

        The terms of an actor sum to its :meth:`utilities` mean (to rounding);
        see :mod:`escalade.engine.decompose`. ``weighted_mean`` and
        ``weighted_sd`` are the term times the actor's weight in its side's
        utility (per trajectory): the weighted terms of a side's actors sum to
        the side's :meth:`sides` mean.
        """
        parts = self._floats()
        labels = part_labels(self.compiled)
        columns = ["actor", "side", "kind", "term", "mean", "sd", "ci_low", "ci_high", "n"]
        columns += ["weighted_mean", "weighted_sd"]
        if not labels:
            return pd.DataFrame(columns=columns)
        weighted = self._utility_table(labels, parts[8], parts[9])
        table = self._utility_table(labels, parts[6], parts[7])
        table["weighted_mean"] = weighted["mean"]
        table["weighted_sd"] = weighted["sd"]
        return table[columns]

    def thresholds(self) -> pd.DataFrame:
        """Probability of crossing each threshold during the run, with Wilson intervals."""
        crossed = self.counts.crossed_by_round[:, -1]
        low, high = wilson_interval(crossed, self.n)
        rows = [
            {
                "threshold": key,
                "arena": self.compiled.arenas[arena].id,
                "rung": rung,
                "probability": crossed[k] / self.n,
                "ci_low": low[k],
                "ci_high": high[k],
            }
            for k, (arena, key, rung) in enumerate(self.compiled.thresholds)
        ]
        return pd.DataFrame(
            rows, columns=["threshold", "arena", "rung", "probability", "ci_low", "ci_high"]
        )

    def thresholds_by_side(self) -> pd.DataFrame:
        """Probability that each party side of the arena sees each threshold crossed.

        The ``thresholds`` table counts a crossing when either side's view
        reaches the threshold (the common rung); here each view separately.
        """
        rows = []
        for k, (arena, key, rung) in enumerate(self.compiled.thresholds):
            parties = self.compiled.arenas[arena].parties
            crossed = self.counts.crossed_by_side[k]
            low, high = wilson_interval(crossed, self.n)
            for p in (0, 1):
                rows.append(
                    {
                        "threshold": key,
                        "arena": self.compiled.arenas[arena].id,
                        "side": self.compiled.sides[parties[p]],
                        "rung": rung,
                        "probability": crossed[p] / self.n,
                        "ci_low": low[p],
                        "ci_high": high[p],
                    }
                )
        columns = ["threshold", "arena", "side", "rung", "probability", "ci_low", "ci_high"]
        return pd.DataFrame(rows, columns=columns)

    def thresholds_by_round(self) -> pd.DataFrame:
        """Probability a threshold has been crossed by the end of each round (0: the start)."""
        rows = []
        for k, (_, key, _) in enumerate(self.compiled.thresholds):
            counts = self.counts.crossed_by_round[k]
            low, high = wilson_interval(counts, self.n)
            for t, count in enumerate(counts):
                rows.append(
                    {
                        "round": t,
                        "threshold": key,
                        "probability": count / self.n,
                        "ci_low": low[t],
                        "ci_high": high[t],
                    }
                )
        return pd.DataFrame(
            rows, columns=["round", "threshold", "probability", "ci_low", "ci_high"]
        )

    def options(self) -> pd.DataFrame:
        """Per option: share of trajectories choosing it, succeeding, refused; mean times chosen."""
        c, k = self.compiled, self.counts
        rows = [
            {
                "option": o.id,
                "actor": c.actors[o.actor].id,
                "arena": c.arenas[o.arena].id if o.arena >= 0 else "",
                "usage_rate": k.chosen_any[o.index] / self.n,
                "success_rate": k.succeeded_any[o.index] / self.n,
                "mean_times": k.times_chosen[o.index] / self.n,
                "refused_per_trajectory": k.refused[o.index] / self.n,
            }
            for o in c.options
        ]
        columns = [
            "option",
            "actor",
            "arena",
            "usage_rate",
            "success_rate",
            "mean_times",
            "refused_per_trajectory",
        ]
        return pd.DataFrame(rows, columns=columns)

    def rungs_by_round(self) -> pd.DataFrame:
        """Quantiles (5, 25, 50, 75, 95%) and mean of each arena's rung after each round.

        ``peak_q50`` and ``peak_q95`` are the median and 95th percentile of the
        highest rung reached during the round (a rung reached and walked back
        within the round shows there, not in the rung after the round).
        """
        rows = []
        for a in self.compiled.arenas:
            width = a.high - a.low + 1
            hists = (self.counts.rung_hist[a.index], self.counts.peak_hist[a.index])
            for row in _rung_rows(hists[0][:, :width], hists[1][:, :width], a.low):
                rows.append({"arena": a.id, **row})
        return pd.DataFrame(rows, columns=["arena", *_RUNG_COLUMNS])

    def rungs_by_side(self) -> pd.DataFrame:
        """Like :meth:`rungs_by_round`, for each party side's view of each arena."""
        rows = []
        for a in self.compiled.arenas:
            width = a.high - a.low + 1
            for p in (0, 1):
                col = 2 * a.index + p
                hists = (self.counts.view_hist[col], self.counts.peak_view_hist[col])
                side = self.compiled.sides[a.parties[p]]
                for row in _rung_rows(hists[0][:, :width], hists[1][:, :width], a.low):
                    rows.append({"arena": a.id, "side": side, **row})
        return pd.DataFrame(rows, columns=["arena", "side", *_RUNG_COLUMNS])

    def events(self) -> pd.DataFrame:
        """Per event: share of trajectories where it fired, mean firings."""
        k = self.counts
        rows = [
            {
                "event": e.id,
                "rate": k.event_any[e.index] / self.n,
                "mean_count": k.event_count[e.index] / self.n,
            }
            for e in self.compiled.events
        ]
        return pd.DataFrame(rows, columns=["event", "rate", "mean_count"])

    def accidents(self) -> pd.DataFrame:
        """Per arena: accidental steps up and down per trajectory."""
        k = self.counts
        rows = [
            {
                "arena": a.id,
                "up_per_trajectory": k.accidents_up[a.index] / self.n,
                "down_per_trajectory": k.accidents_down[a.index] / self.n,
            }
            for a in self.compiled.arenas
        ]
        return pd.DataFrame(rows, columns=["arena", "up_per_trajectory", "down_per_trajectory"])

    def trace_table(self) -> pd.DataFrame:
        """The retained traces, tidy: one row per event, move or accident."""
        rows = []
        for tr in self.traces:
            for r in tr.rounds:
                for e in r.events:
                    rows.append(
                        {
                            "trajectory": tr.index,
                            "round": r.round,
                            "kind": "event",
                            "actor": "",
                            "what": e,
                            "result": "",
                        }
                    )
                for m in r.moves:
                    rows.append(
                        {
                            "trajectory": tr.index,
                            "round": r.round,
                            "kind": "move",
                            "actor": m.actor,
                            "what": m.option,
                            "result": m.result,
                        }
                    )
                for arena, step in r.accidents:
                    rows.append(
                        {
                            "trajectory": tr.index,
                            "round": r.round,
                            "kind": "accident",
                            "actor": "",
                            "what": arena,
                            "result": f"{step:+d}",
                        }
                    )
        return pd.DataFrame(
            rows, columns=["trajectory", "round", "kind", "actor", "what", "result"]
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every summary as a tidy table (the input of ``escalade run``'s tables)."""
        return {
            "outcomes": self.outcomes(),
            "thresholds": self.thresholds(),
            "thresholds_by_round": self.thresholds_by_round(),
            "thresholds_by_side": self.thresholds_by_side(),
            "options": self.options(),
            "utilities": self.utilities(),
            "sides": self.sides(),
            "utility_terms": self.utility_terms(),
            "rungs_by_round": self.rungs_by_round(),
            "rungs_by_side": self.rungs_by_side(),
            "events": self.events(),
            "accidents": self.accidents(),
            "traces": self.trace_table(),
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``escalade simulate --json`` object.

        ``options`` maps each option to its usage rate; ``option_usage`` gives each option's
        actor, arena and every column of :meth:`options` (the terminal's table); ``events``
        each event's ``rate`` and ``mean_count`` and ``accidents`` each arena's accidental
        moves up and down per trajectory (:meth:`events`, :meth:`accidents`).
        """
        interval = ("mean", "ci_low", "ci_high")
        crossing = ("probability", "ci_low", "ci_high")
        return {
            "outcomes": {
                str(r["outcome"]): {k: float(r[k]) for k in interval}
                for r in self.outcomes().to_dict(orient="records")
            },
            "thresholds": {
                str(r["threshold"]): {k: float(r[k]) for k in crossing}
                for r in self.thresholds().to_dict(orient="records")
            },
            "options": {
                str(r["option"]): float(r["usage_rate"])
                for r in self.options().to_dict(orient="records")
            },
            "option_usage": {
                str(r["option"]): {
                    "actor": str(r["actor"]),
                    "arena": str(r["arena"]) or None,
                    **{k: float(r[k]) for k in _OPTION_RATES},
                }
                for r in self.options().to_dict(orient="records")
            },
            "utilities": {
                str(r["actor"]): float(r["mean"])
                for r in self.utilities().to_dict(orient="records")
            },
            "events": {
                str(r.pop("event")): {k: float(v) for k, v in r.items()}
                for r in self.events().to_dict(orient="records")
            },
            "accidents": {
                str(r.pop("arena")): {k: float(v) for k, v in r.items()}
                for r in self.accidents().to_dict(orient="records")
            },
            "n": self.n,
            "seed": self.seed,
            "strategy": self.strategy,
            "mindset": self.mindset,
            "scenario_hash": self.compiled.content_hash,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)
