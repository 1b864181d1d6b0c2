"""Why one strategy beats another: the utility difference split by term and by actor.

Input: a run's ``utility_terms`` table (strategy, mindset, actor, side, kind,
term, mean, sd, n; see :meth:`escalade.engine.SimulationResult.utility_terms`).
:func:`explain_difference` returns, for strategies ``a`` and ``b`` of the
focal side, the mean utility of each under the chosen mindset (or the mean
over all mindsets, each weighted equally) and the difference ``a - b``:

``by_term``   term, kind, a, b, difference, ci_low, ci_high (summed over the side's actors)
``by_actor``  actor, a, b, difference, ci_low, ci_high
``total``     one row: a, b, difference, ci_low, ci_high

Each actor's terms count as its side weighs them (``weighted_mean`` of
``utility_terms``: the term times the actor's weight, per trajectory), so the
terms add up to the side's total, and so do the actors (to rounding); with
``actor``, one actor's own (unweighted) utility is split instead. Intervals
are 95% normal intervals that treat the two strategies' cells as
independent and, where parts are summed, add their standard errors
(the bound of the triangle inequality). Both choices make the intervals
wider than exact ones would be: the cells share their random numbers, which
correlates them positively. The total's interval comes from the utility
ranked by (``cells``) and each actor's from its own utility (``utilities``,
times a numeric weight), not from summed parts, so a one-actor split is the
total, interval included; only an actor weighted by an expression falls back
to the sum of its terms' errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from escalade.engine.summary import Z95
from escalade.errors import UsageError

__all__ = ["explain_difference", "same_strategy"]

_COLUMNS = ("strategy", "mindset", "actor", "side", "kind", "term", "mean", "sd", "n")


def same_strategy(b: str, known: Sequence[str]) -> UsageError:
    """The error for ``b`` naming the strategy ``a`` names: a difference of nothing."""
    return UsageError(
        f"b: expected a strategy other than `a`, found {b!r} twice; hint: the difference of "
        "a strategy with itself is 0, and its interval (which treats the two as independent) "
        f"is noise; compare {b!r} with another of {', '.join(k for k in known if k != b)}",
        parameter="b",
    )


def _check(terms: pd.DataFrame, a: str, b: str, mindset: str | None) -> None:
    missing = [c for c in _COLUMNS if c not in terms.columns]
    if missing:
        raise UsageError(
            f"utility_terms: expected the columns {missing}; hint: runs stored before the "
            "utility decomposition have no utility_terms table, run again"
        )
    known = list(dict.fromkeys(terms["strategy"]))
    if a == b:
        raise same_strategy(b, known)
    for label, value in (("a", a), ("b", b)):
        if value not in known:
            raise UsageError(
                f"{label}: expected a strategy among {', '.join(known)}, found {value!r}",
                parameter=label,
            )
    if mindset is not None:
        mindsets = list(dict.fromkeys(terms["mindset"]))
        if mindset not in mindsets:
            raise UsageError(
                f"mindset: expected one of {', '.join(mindsets)}, found {mindset!r}",
                parameter="mindset",
            )


def _per_strategy(part: pd.DataFrame, keys: Sequence[str], n_mindsets: int) -> pd.DataFrame:
    """Mean over mindsets of the sum over actors, with a (conservative) standard error."""
    frame = part.assign(se=part["sd"] / np.sqrt(part["n"].clip(lower=1)))
    summed = frame.groupby([*keys, "mindset"], sort=False).agg(
        mean=("mean", "sum"), se=("se", "sum")
    )
    grouped = summed.groupby(level=list(keys), sort=False)
    return pd.DataFrame(
        {
            "mean": grouped["mean"].sum() / n_mindsets,
            "se2": grouped["se"].apply(lambda s: float((s**2).sum())) / n_mindsets**2,
        }
    )


def _cells_as_terms(cells: pd.DataFrame, side: str, mindset: str | None) -> pd.DataFrame:
    """The run's ``cells`` table in the shape of ``utility_terms`` (one part: the total)."""
    chosen = cells if mindset is None else cells[cells["mindset"] == mindset]
    n = chosen["n"].clip(lower=1)
    sd = (chosen["utility_ci_high"] - chosen["utility"]) / Z95 * np.sqrt(n)
    return pd.DataFrame(
        {
            "strategy": chosen["strategy"],
            "mindset": chosen["mindset"],
            "actor": side,
            "mean": chosen["utility"],
            "sd": sd,
            "n": n,
        }
    )


def _difference(
    terms: pd.DataFrame, a: str, b: str, keys: Sequence[str], n_mindsets: int
) -> pd.DataFrame:
    left = _per_strategy(terms[terms["strategy"] == a], keys, n_mindsets)
    right = _per_strategy(terms[terms["strategy"] == b], keys, n_mindsets)
    both = left.add_suffix("_a").join(right.add_suffix("_b"), how="outer").fillna(0.0)
    half = Z95 * np.sqrt(both["se2_a"] + both["se2_b"])
    difference = both["mean_a"] - both["mean_b"]
    out = pd.DataFrame(
        {
            "a": both["mean_a"],
            "b": both["mean_b"],
            "difference": difference,
            "ci_low": difference - half,
            "ci_high": difference + half,
        }
    ).reset_index()
    order = out["difference"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def _weighted(terms: pd.DataFrame) -> pd.DataFrame:
    """The terms as their side's utility counts them (runs stored before weights: as they are)."""
    if "weighted_mean" not in terms.columns or terms["weighted_mean"].isna().any():
        return terms
    return terms.assign(mean=terms["weighted_mean"], sd=terms["weighted_sd"])


def explain_difference(
    terms: pd.DataFrame,
    a: str,
    b: str,
    *,
    side: str,
    mindset: str | None = None,
    cells: pd.DataFrame | None = None,
    actor: str | None = None,
    utilities: pd.DataFrame | None = None,
    weights: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Split the utility difference ``a - b`` of ``side`` by term and by actor (see module doc).

    (Longer than 50 lines: the docstring lists seven parameters.)

    Parameters
    ----------
    terms : DataFrame
        A run's ``utility_terms`` table.
    a, b : str
        The two strategies.
    side : str
        The side whose utility is compared (the focal side). Each actor's terms
        count as the side weighs them (``weighted_mean``), so the parts add up
        to the side's difference.
    mindset : str, optional
        One mindset; by default the mean over the run's mindsets.
    cells : DataFrame, optional
        The run's ``cells`` table: the total's interval then comes from the
        utility ranked by (narrower than the sum of the parts' errors).
    actor : str, optional
        Compare this actor's own utility instead of the side's (a run ranked by an actor).
    utilities : DataFrame, optional
        The run's ``utilities`` table: each actor's interval then comes from its
        own utility's standard error (times its weight) rather than its terms'.
    weights : DataFrame, optional
        The run's ``side_weights`` table (the weights ``utilities`` is scaled by).

    Raises
    ------
    UsageError
        If a strategy or the mindset is not in the table.
    """
    _check(terms, a, b, mindset)
    if actor is None:
        mine = _weighted(terms[terms["side"] == side])
    else:
        mine = terms[terms["actor"] == actor]
    if mindset is not None:
        mine = mine[mine["mindset"] == mindset]
    n_mindsets = max(1, mine["mindset"].nunique())
    use_cells = cells is not None and not cells.empty
    label = side if actor is None else actor
    whole = _cells_as_terms(cells, label, mindset) if cells is not None and use_cells else mine
    total = _difference(whole.assign(total="total"), a, b, ["total"], n_mindsets)
    total = total.drop(columns=["total"])
    actors = list(dict.fromkeys(mine["actor"]))
    if use_cells and len(actors) == 1:  # the one actor's share is the whole
        by_actor = total.assign(actor=actors[0])[["actor", *total.columns]]
    else:
        wholes = _actor_wholes(utilities, weights, actors, weighted=actor is None)
        if wholes is not None and mindset is not None:
            wholes = wholes[wholes["mindset"] == mindset]
        by_actor = _difference(mine if wholes is None else wholes, a, b, ["actor"], n_mindsets)
    return {
        "by_term": _difference(mine, a, b, ["term", "kind"], n_mindsets),
        "by_actor": by_actor,
        "total": total,
    }


def _numeric(weight: object) -> float | None:
    """A weight as :func:`~escalade.analysis.ranking.side_weight_table` shows it, as a number."""
    try:
        return float(str(weight).removesuffix(" (default)"))
    except ValueError:
        return None  # an expression: it varies by trajectory


def _actor_wholes(
    utilities: pd.DataFrame | None,
    weights: pd.DataFrame | None,
    actors: Sequence[str],
    *,
    weighted: bool,
) -> pd.DataFrame | None:
    """Each actor's utility (times its numeric weight) as one part, or ``None`` when unknown."""
    if utilities is None or utilities.empty:
        return None
    factor = dict.fromkeys(actors, 1.0)
    if weighted:
        if weights is None:
            return None
        given = dict(zip(weights["actor"], weights["weight"], strict=True))
        for name in actors:
            value = _numeric(given.get(name, "1"))
            if value is None:
                return None
            factor[name] = value
    rows = utilities[utilities["actor"].isin(actors)]
    scale = rows["actor"].map(factor).astype(float)
    return rows.assign(mean=rows["mean"] * scale, sd=rows["sd"] * scale.abs())
