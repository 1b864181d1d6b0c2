"""Small tables behind the brief: escalation risk per strategy, provenance counts.

``threshold_risk``  strategy, threshold, arena, rung, probability, ci_low, ci_high:
                    the probability of crossing each *informative* threshold
                    (crossed in some cell and not in every cell), mean over the
                    mindsets (each weighted equally); the 95% interval is a
                    normal interval from the cells' Wilson intervals.
``folded``          threshold, arena, rung, state ("never" or "always"): the
                    thresholds left out of ``threshold_risk``.
``peaks``           threshold, probability, strategy, mindset, lowest,
                    lowest_probability: per informative threshold, the highest
                    crossing probability of any cell and that cell; the
                    strategies whose mean over the mindsets is lowest, and it.
``provenance``      kind, count: the kinds of
                    :data:`escalade.evidence.provenance.KINDS` (quoted, sourced,
                    uncertainty, judgement, structural, unsourced).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalade.engine.summary import Z95
from escalade.evidence.provenance import count_kinds

__all__ = [
    "fold_thresholds",
    "folded_notes",
    "provenance_counts",
    "threshold_peaks",
    "threshold_risk",
]


def fold_thresholds(thresholds: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a run's ``thresholds`` table into informative rows and folded thresholds."""
    if thresholds.empty:
        return thresholds, pd.DataFrame(columns=["threshold", "arena", "rung", "state"])
    stats = thresholds.groupby("threshold", sort=False)["probability"].agg(["min", "max"])
    never = stats.index[stats["max"] <= 0.0]
    always = stats.index[stats["min"] >= 1.0]
    keep = thresholds[~thresholds["threshold"].isin([*never, *always])].reset_index(drop=True)
    first = thresholds.drop_duplicates("threshold").set_index("threshold")
    folded = pd.DataFrame(
        [
            {
                "threshold": t,
                "arena": first.loc[t, "arena"] if "arena" in first.columns else "",
                "rung": first.loc[t, "rung"] if "rung" in first.columns else np.nan,
                "state": state,
            }
            for state, names in (("never", never), ("always", always))
            for t in names
        ],
        columns=["threshold", "arena", "rung", "state"],
    )
    return keep, folded


def folded_notes(folded: pd.DataFrame) -> list[str]:
    """The one-line notes on the thresholds left out, as the report and the terminal print them.

    Examples
    --------
    >>> folded = pd.DataFrame({"threshold": ["war", "nuclear", "protest"],
    ...                        "state": ["never", "never", "always"]})
    >>> for note in folded_notes(folded):
    ...     print(note)
    2 thresholds never crossed in any cell: war, nuclear.
    1 threshold always crossed: protest.
    """
    notes = []
    for state, words in (("never", "never crossed in any cell"), ("always", "always crossed")):
        names = folded[folded["state"] == state]["threshold"].astype(str).tolist()
        if names:
            noun = "threshold" if len(names) == 1 else "thresholds"
            notes.append(f"{len(names)} {noun} {words}: {', '.join(names)}.")
    return notes


def threshold_risk(thresholds: pd.DataFrame) -> pd.DataFrame:
    """The informative thresholds' crossing probability per strategy (see module docstring)."""
    columns = ["strategy", "threshold", "arena", "rung", "probability", "ci_low", "ci_high"]
    keep, _ = fold_thresholds(thresholds)
    if keep.empty:
        return pd.DataFrame(columns=columns)
    se = (keep["ci_high"] - keep["ci_low"]) / (2 * Z95)
    frame = keep.assign(se2=se**2)
    keys = ["strategy", "threshold", "arena", "rung"]
    grouped = frame.groupby(keys, sort=False)
    out = grouped.agg(probability=("probability", "mean"), se2=("se2", "sum"), k=("se2", "size"))
    half = Z95 * np.sqrt(out["se2"]) / out["k"]
    out["ci_low"] = (out["probability"] - half).clip(lower=0.0)
    out["ci_high"] = (out["probability"] + half).clip(upper=1.0)
    return out.reset_index()[columns]


def threshold_peaks(thresholds: pd.DataFrame) -> pd.DataFrame:
    """The informative thresholds' highest cell and lowest strategy (see module docstring).

    Parameters
    ----------
    thresholds : DataFrame
        A run's ``thresholds`` table: strategy, mindset, threshold, probability (one row per
        cell and threshold).

    Returns
    -------
    DataFrame
        One row per threshold crossed in some cell but not in every trajectory of every cell,
        in the table's order; ``lowest`` names the strategies, comma-separated (ties all named).
    """
    columns = ["threshold", "probability", "strategy", "mindset", "lowest", "lowest_probability"]
    keep, _ = fold_thresholds(thresholds)
    rows = []
    for name, part in keep.groupby("threshold", sort=False):
        top = part.iloc[int(np.argmax(part["probability"].to_numpy()))]
        means = part.groupby("strategy", sort=False)["probability"].mean()
        least = float(means.min())
        lowest = ", ".join(str(k) for k, v in means.items() if v <= least + 1e-12)
        rows.append(
            [name, float(top["probability"]), top["strategy"], top["mindset"], lowest, least]
        )
    return pd.DataFrame(rows, columns=columns)


def provenance_counts(assumptions: pd.DataFrame) -> pd.DataFrame:
    """Count the scenario's assumptions by what they rest on (see module docstring)."""
    kinds: list[str] = (
        assumptions["kind"].astype(str).tolist() if "kind" in assumptions.columns else []
    )
    counts = count_kinds(kinds)
    return pd.DataFrame({"kind": list(counts), "count": list(counts.values())})
