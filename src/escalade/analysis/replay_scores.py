"""Scoring forecasts against a record: Brier and log scores, baselines, reliability.

A yes/no fact with forecast probability ``p`` and outcome ``o`` (1: it held)
scores ``(p - o)^2`` (Brier, Brier 1950) and ``-log q`` (log loss, Good 1952),
where ``q = (1 - eps) * p + eps * (1 - p)`` if ``o = 1`` and ``1 - that``
otherwise: the probability the observation model of the filter gives the
record (so that a forecast of exactly 0 or 1 scores finitely). Both are
proper and lower is better; totals are means over the yes/no facts.

Baselines: ``half`` forecasts 0.5 for every fact; ``share`` the share of facts
of the file that held (a base rate fitted to the record itself, so generous);
``persistence`` ("nothing changes") the fact's value at the start of the
scenario: no option taken, no event fired, a threshold crossed only if the
initial rung already reaches it, an arena at its initial rung.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from escalade._types import FloatArray
from escalade.evidence.facts import Fact
from escalade.scenario.compiled import CompiledScenario

__all__ = [
    "brier",
    "log_loss",
    "persistence",
    "reliability",
    "score_table",
    "weighted_quantiles",
]


def brier(p: FloatArray, o: FloatArray) -> FloatArray:
    """Brier score of each forecast."""
    return np.asarray((p - o) ** 2, dtype=float)


def log_loss(p: FloatArray, o: FloatArray, eps: float) -> FloatArray:
    """Negative log probability of each outcome under the observation model (see module)."""
    q = (1 - eps) * p + eps * (1 - p)
    q = np.where(o > 0.5, q, 1 - q)
    with np.errstate(divide="ignore"):
        return np.asarray(-np.log(q), dtype=float)


def persistence(compiled: CompiledScenario, fact: Fact) -> float:
    """The "nothing changes" forecast of a yes/no fact (see the module docstring)."""
    if fact.kind == "threshold":
        return float(compiled.arenas[fact.target].initial >= fact.level)
    if fact.kind == "rung":
        return float(compiled.arenas[fact.target].initial == fact.level)
    return 0.0


@dataclass(frozen=True)
class Scores:
    """Mean Brier and log scores of the scenario and of the baselines."""

    brier: float
    log: float
    baselines: dict[str, dict[str, float]]
    n: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form; ``baseline_brier`` is the ``share`` base rate's."""
        return {
            "brier": self.brier,
            "log": self.log,
            "baseline_brier": self.baselines["share"]["brier"],
            "baselines": self.baselines,
            "n": self.n,
        }


def score_table(
    compiled: CompiledScenario, facts: Sequence[Fact], forecast: FloatArray, eps: float
) -> tuple[Scores, list[dict[str, float]]]:
    """Scores of ``forecast`` (one per fact; yes/no facts only are scored) and per fact."""
    binary = [k for k, f in enumerate(facts) if f.binary]
    if not binary:
        nan = math.nan
        empty = {"brier": nan, "log": nan}
        return Scores(nan, nan, {"half": empty, "share": empty, "persistence": empty}, 0), []
    o = np.array([float(facts[k].holds) for k in binary])
    p = np.clip(np.asarray(forecast, dtype=float)[binary], 0.0, 1.0)
    share = float(o.mean())
    keep = np.array([persistence(compiled, facts[k]) for k in binary])
    rows = []
    b, ll = brier(p, o), log_loss(p, o, eps)
    for j in range(len(binary)):
        rows.append({"brier": float(b[j]), "log": float(ll[j])})
    baselines = {}
    for name, q in (("half", np.full_like(o, 0.5)), ("share", np.full_like(o, share))):
        baselines[name] = {
            "brier": float(brier(q, o).mean()),
            "log": float(log_loss(q, o, eps).mean()),
        }
    baselines["persistence"] = {
        "brier": float(brier(keep, o).mean()),
        "log": float(log_loss(keep, o, eps).mean()),
    }
    return Scores(float(b.mean()), float(ll.mean()), baselines, len(binary)), rows


def reliability(
    forecast: FloatArray, observed: FloatArray, bins: int = 10
) -> list[dict[str, float]]:
    """Forecasts grouped in ``bins`` equal bins: count, mean forecast, observed frequency."""
    forecast, observed = np.asarray(forecast, dtype=float), np.asarray(observed, dtype=float)
    edges = np.round(np.linspace(0, 1, bins + 1), 10)
    which = np.clip(np.digitize(forecast, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        inside = which == b
        count = int(inside.sum())
        out.append(
            {
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "count": count,
                "forecast": float(forecast[inside].mean()) if count else math.nan,
                "observed": float(observed[inside].mean()) if count else math.nan,
            }
        )
    return out


def weighted_quantiles(values: FloatArray, weights: FloatArray, qs: Sequence[float]) -> FloatArray:
    """Quantiles of ``values`` under normalised ``weights`` (inverse of the weighted CDF).

    The quantile ``q`` is the smallest value whose cumulative weight reaches
    ``q`` (for equal weights: the usual lower empirical quantile).
    """
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cumulative = np.cumsum(w)
    total = cumulative[-1] if len(cumulative) else 0.0
    if total <= 0:
        return np.full(len(qs), math.nan)
    index = np.searchsorted(cumulative, np.asarray(qs) * total, side="left")
    return np.asarray(v[np.minimum(index, len(v) - 1)], dtype=float)
