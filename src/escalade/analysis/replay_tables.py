"""The tables of a replay (stored as a ``replay`` result set and read by its report).

Tables: ``cells`` (prior, log evidence with its standard error and posterior
of every strategy x mindset cell), ``posterior`` (marginals of strategies and
mindsets, prior beside posterior), ``observations`` (forecast from the prior,
what was observed, Brier and log scores, the re-forecast of facts after the
as-of date), ``scores`` (the scenario and the baselines), ``reliability``,
``uncertainties`` and ``outcomes`` (prior vs posterior quantiles and the
shift), ``thresholds`` (probability of each threshold by the horizon, prior vs
conditioned), ``ess`` (effective sample size per cell and round, as a
share of the particles) and ``sources`` (the observed file's sources, in the
columns of a run's ``sources`` table; each observation names its ``source``,
``quote`` and ``note``: its source's note and its own, joined by "; ").
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from escalade.analysis.replay import ReplayResult
from escalade.analysis.scenario_tables import SOURCE_COLUMNS
from escalade.results import tablenames as tn

__all__ = ["clean_json", "replay_tables"]


def clean_json(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (strict JSON)."""
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return clean_json(value.item())
    return value


def _compare(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = []
    for r in rows:
        flat = {"id": r["id"]}
        for side in ("prior", "posterior"):
            for key, value in r[side].items():
                flat[f"{side}_{key}"] = float(value)
        flat["shift"] = float(r["shift"])
        flat["shift_sd"] = math.nan if r["shift_sd"] is None else float(r["shift_sd"])
        out.append(flat)
    return pd.DataFrame(out)


def replay_tables(result: ReplayResult) -> dict[str, pd.DataFrame]:
    """The tables of ``result`` (see the module docstring)."""
    d = result.to_dict()
    tables = {
        tn.CELLS: _cells(d),
        tn.POSTERIOR: pd.DataFrame(
            [
                {"of": part, "id": key, "prior": d["prior"][part][key], "posterior": p}
                for part in ("strategies", "mindsets")
                for key, p in d["posterior"][part].items()
            ]
        ),
        tn.OBSERVATIONS: _observations(d),
        tn.SCORES: pd.DataFrame(
            [{"forecast": "scenario", "brier": d["scores"]["brier"], "log": d["scores"]["log"]}]
            + [
                {"forecast": f"baseline: {name}", "brier": s["brier"], "log": s["log"]}
                for name, s in d["scores"]["baselines"].items()
            ]
        ),
        tn.RELIABILITY: pd.DataFrame(d["reliability"]),
        tn.UNCERTAINTIES: _compare(result.uncertainties),
        tn.OUTCOMES: _compare(result.outcomes),
        tn.THRESHOLDS: pd.DataFrame(result.thresholds, columns=["threshold", "prior", "as_of"]),
        tn.ESS: _ess(d),
        tn.SOURCES: pd.DataFrame(list(result.sources), columns=list(SOURCE_COLUMNS)),
    }
    return {name: t for name, t in tables.items() if len(t.columns)}  # the store needs columns


def _cells(d: dict[str, Any]) -> pd.DataFrame:
    """Prior, log evidence (with its standard error) and posterior of each cell."""
    return pd.DataFrame(
        [
            {
                "strategy": c["strategy"] or "",
                "mindset": c["mindset"] or "",
                "prior": c["prior"],
                "log_evidence": _float(c["log_evidence"]["value"]),
                "se": _float(c["log_evidence"]["se"]),
                "posterior": c["posterior"],
            }
            for c in d["log_evidence"]["cells"]
        ]
    )


def _observations(d: dict[str, Any]) -> pd.DataFrame:
    """Forecast, observation and scores of each fact."""
    return pd.DataFrame(
        [
            {
                "id": o["id"],
                "kind": o["kind"],
                "fact": o["label"],
                "forecast": _float(o["forecast"]),
                "observed": float(o["observed"]),
                "brier": _float(o.get("brier")),
                "log": _float(o.get("log")),
                "conditioned": bool(o["conditioned"]),
                "forecast_as_of": _float(o.get("forecast_as_of")),
                "source": o["source"]["ref"] or "",
                "quote": o["source"]["quote"] or "",
                "note": _notes(o["source"]),
            }
            for o in d["observations"]
        ]
    )


def _notes(source: dict[str, Any]) -> str:
    """The note of an observation's source and the observation's own note, in that order."""
    notes = (source.get("note"), source.get("observation_note"))
    return "; ".join(str(n) for n in notes if n)


def _ess(d: dict[str, Any]) -> pd.DataFrame:
    """Effective sample size per cell and round."""
    return pd.DataFrame(
        [
            {
                "strategy": e["strategy"] or "",
                "mindset": e["mindset"] or "",
                "round": t,
                "ess": _float(x),
            }
            for e in d["ess"]
            for t, x in enumerate(e["by_round"])
        ]
    )


def _float(x: Any) -> float:
    return math.nan if x is None else float(x)
