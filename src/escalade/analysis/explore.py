"""The analysis of an exploration: pure functions from a finished sweep to tables.

``escalade explore`` (:mod:`escalade.workflows.explore`) runs the sweep and calls
these, as ``escalade run`` calls :mod:`escalade.analysis.run`. Every function
takes the :class:`~escalade.explore.experiments.ExploreResult` and plain
arguments; strategy and mindset come from the experiments' lever columns.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from escalade._types import FloatArray
from escalade.errors import UsageError
from escalade.explore.designs import Design
from escalade.explore.experiments import ExploreResult
from escalade.explore.prim import Prim
from escalade.explore.robustness import robustness_table
from escalade.explore.sensitivity import morris_indices, sobol_indices
from escalade.scenario.validate import did_you_mean

__all__ = [
    "MIN_LIFT",
    "check_requests",
    "discover",
    "discover_sentence",
    "experiment_cells",
    "parse_condition",
    "ranked_strategies",
    "regret_by_mindset",
    "robustness",
    "sensitivity",
    "when_beats",
    "when_beats_sentence",
]

MIN_LIFT = 0.5
"""A PRIM box counts only if its density closes this share of the gap between the share of
cases overall and 1 (with 59 % of cases overall, at least 79.5 % inside the box)."""

_CONDITION = re.compile(r"^\s*([a-z][a-z0-9_.]*)\s*(<=|>=|<|>)\s*(-?[0-9.eE+-]+)\s*$")
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def parse_condition(text: str, outcomes: Sequence[str] = ()) -> tuple[str, str, float]:
    """``OUTCOME<VALUE`` (or ``>``, ``<=``, ``>=``) as ``(outcome, operator, value)``.

    A malformed condition's hint is written with the outcome it names, if it names one
    of ``outcomes``, else the first of them (the scenario's own, not another's).
    """
    match = _CONDITION.match(text)
    if match is None:
        named = [o for o in outcomes if o == text.strip()]
        example = (named or list(outcomes) or ["OUTCOME"])[0]
        raise UsageError(
            f"discover {text!r}: expected OUTCOME<VALUE or OUTCOME>VALUE "
            f"(hint: e.g. '{example}<0')",
            parameter="discover",
        )
    return match.group(1), match.group(2), float(match.group(3))


def check_requests(
    outcomes: Sequence[str],
    strategies: Sequence[str],
    condition: str | None,
    pair: tuple[str, str] | None,
) -> None:
    """Check a ``discover`` condition and a ``when_beats`` pair before the sweep runs.

    Raises
    ------
    UsageError
        For a malformed condition, an outcome or strategy the sweep lacks (with a
        did-you-mean hint).
    """
    if condition is not None:
        _known(parse_condition(condition, outcomes)[0], outcomes, "an outcome", "discover")
    for name in pair or ():
        _known(name, strategies, "a strategy", "when_beats")


def _known(name: str, known: Sequence[str], what: str, parameter: str) -> None:
    if name in known:
        return
    hint = did_you_mean(name, known)
    close = f" (hint: {hint})" if hint and hint.startswith("did you mean") else ""
    raise UsageError(
        f"{parameter}: expected {what} among {', '.join(known)}, found {name!r}{close}",
        parameter=parameter,
    )


def _levers(result: ExploreResult) -> pd.DataFrame:
    """The strategy and mindset of each experiment (the lever columns; "" where absent)."""
    exp = result.experiments
    return pd.DataFrame(
        {k: exp[k].astype(str) if k in exp else "" for k in ("strategy", "mindset")},
        index=exp.index,
    )


def experiment_cells(result: ExploreResult, outcome: str) -> pd.DataFrame:
    """One row per experiment: design row, mindset, strategy and the outcome's value."""
    parts = _levers(result)
    return pd.DataFrame(
        {
            "scenario": result.experiments["scenario"].to_numpy(),
            "mindset": parts["mindset"].to_numpy(),
            "strategy": parts["strategy"].to_numpy(),
            "value": result.outcomes[outcome].to_numpy(dtype=float),
        }
    )


def robustness(result: ExploreResult, outcome: str, direction: str) -> pd.DataFrame:
    """Each strategy's regret against the best strategy per design row and mindset.

    Parameters
    ----------
    result : ExploreResult
        The finished sweep.
    outcome : str
        The outcome column compared.
    direction : {"maximize", "minimize"}
        Which way the outcome is better.

    Returns
    -------
    pandas.DataFrame
        :func:`escalade.explore.robustness.robustness_table`, with an ``outcome`` column.
    """
    frame = experiment_cells(result, outcome)
    table = frame.pivot_table(
        index=["scenario", "mindset"], columns="strategy", values="value", aggfunc="mean"
    )
    table = table[list(pd.unique(frame["strategy"]))]
    out = robustness_table(table, direction=direction)  # type: ignore[arg-type]
    out.insert(1, "outcome", outcome)
    return out


def ranked_strategies(robust: pd.DataFrame) -> list[str]:
    """The strategies of a :func:`robustness` table, best first.

    Smallest largest regret first, file order on ties: the first is the
    table's ``minimax_regret`` strategy.
    """
    if robust.empty:
        return []
    order = robust.sort_values("max_regret", kind="stable")
    return [str(s) for s in order["strategy"]]


def regret_by_mindset(result: ExploreResult, outcome: str, direction: str) -> pd.DataFrame:
    """Mean regret of each strategy under each mindset (for the heatmap)."""
    frame = experiment_cells(result, outcome)
    means = frame.groupby(["scenario", "mindset", "strategy"], as_index=False).agg(
        value=("value", "mean")
    )
    best = means.groupby(["scenario", "mindset"])["value"].transform(
        "max" if direction == "maximize" else "min"
    )
    means["regret"] = (best - means["value"]).abs()
    out: pd.DataFrame = means.groupby(["strategy", "mindset"], as_index=False, sort=False).agg(
        mean_regret=("regret", "mean")
    )
    return out


def sensitivity(
    result: ExploreResult, design: Design, kind: str | None, outcome: str, seed: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Indices of ``outcome`` for each strategy, averaged over the mindsets swept.

    Returns the table (a ``strategy`` column first) and the JSON summary:
    ``{outcome: {parameter: {...}}}`` of the first strategy (file order), plus
    ``by_strategy: {strategy: {outcome: ...}}`` for every strategy.
    """
    if kind is None:
        return pd.DataFrame(), {}
    policies = result.experiments["policy"].astype(str)
    strategies = _levers(result)["strategy"].to_numpy()
    tables, by_strategy = [], {}
    for strategy in pd.unique(strategies):
        chosen = list(pd.unique(policies[strategies == strategy]))
        if kind == "sobol":
            indices = sobol_indices(result, design, outcomes=[outcome], policy=chosen, seed=seed)
            table, json_out = indices.indices.copy(), indices.to_json()
        else:
            table = morris_indices(result, design, outcomes=[outcome], policy=chosen, seed=seed)
            json_out = _by_outcome(table)
        table.insert(0, "strategy", str(strategy))
        tables.append(table)
        by_strategy[str(strategy)] = json_out
    first = next(iter(by_strategy.values()))
    return pd.concat(tables, ignore_index=True), {**first, "by_strategy": by_strategy}


def _by_outcome(table: pd.DataFrame) -> dict[str, Any]:
    json_out: dict[str, Any] = {}
    for row in table.to_dict(orient="records"):
        json_out.setdefault(str(row["outcome"]), {})[str(row["parameter"])] = {
            k: float(v) for k, v in row.items() if k not in ("outcome", "parameter")
        }
    return json_out


def discover(
    result: ExploreResult, condition: str | None, parameters: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """PRIM boxes (at most three) where ``condition`` (``OUTCOME<VALUE``) holds.

    A box is kept only when its density closes :data:`MIN_LIFT` of the gap between the
    condition's share over all experiments and 1 (and is at least 0.5), so that it marks
    a region where the condition concentrates.

    Strategy and mindset are candidate dimensions besides ``parameters``, so a
    box says for which of them it holds. Returns the boxes' limits (one row per
    restricted dimension), their peeling trajectories and a JSON summary (the
    condition, the ``cases`` where it holds of the ``experiments``, their
    ``share_of_interest``, the boxes); three empty results without a condition.
    """
    if condition is None:
        return pd.DataFrame(), pd.DataFrame(), {}
    outcome, op, value = parse_condition(condition)
    _known(outcome, [str(c) for c in result.outcomes.columns], "an outcome", "discover")
    y = _OPS[op](result.outcomes[outcome].to_numpy(dtype=float), value)
    counts = {
        "condition": condition,
        "cases": int(y.sum()),
        "experiments": len(y),
        "share_of_interest": float(np.mean(y)),
    }
    if not y.any() or y.all():
        return pd.DataFrame(), pd.DataFrame(), {"boxes": [], **counts}
    # Strategy and mindset are candidate dimensions: a box says for which of them it holds.
    levers = [c for c in ("strategy", "mindset") if c in result.experiments.columns]
    x = result.experiments[[*parameters, *levers]]
    # A box must be denser than the whole design by a margin (MIN_LIFT), or it says nothing
    # of where the condition concentrates; PRIM's covering then stops.
    share = float(np.mean(y))
    prim = Prim(x, y.astype(float), threshold=max(0.5, share + MIN_LIFT * (1.0 - share)))
    boxes = prim.find_boxes(max_boxes=3, prune=True)  # report the restrictions that matter
    rows, trajectories = [], []
    for k, box in enumerate(boxes):
        rows += _box_rows(k, box.to_dict(), x)
        traj = box.trajectory.copy()
        traj.insert(0, "box", k)
        trajectories.append(traj)
    summary: dict[str, Any] = {**prim.to_json(), **counts}
    frame = pd.concat(trajectories, ignore_index=True) if trajectories else pd.DataFrame()
    return pd.DataFrame(rows), frame, summary


def discover_sentence(condition: str, cases: int, experiments: int) -> str:
    """How often the ``--discover`` condition holds, in words (the PRIM boxes say where).

    Examples
    --------
    >>> discover_sentence("peak_rung>6", 96, 384)
    'The condition peak_rung>6 holds in 96 of the 384 experiments (25.0%).'
    >>> discover_sentence("peak_rung>9", 0, 384)
    'The condition peak_rung>9 holds in none of the 384 experiments: no box to find.'
    """
    head = f"The condition {condition} holds in"
    if cases == 0:
        return f"{head} none of the {experiments} experiments: no box to find."
    if cases == experiments:
        return f"{head} all {experiments} experiments: no box to find."
    return f"{head} {cases} of the {experiments} experiments ({cases / experiments:.1%})."


def _box_rows(k: int, info: dict[str, Any], x: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per restricted dimension of box ``k``.

    ``low``/``high`` for a numeric dimension; NaN for a categorical one, whose
    ``limits`` are the values allowed (even when they are numbers).
    """
    rows = []
    for name, limits in info["limits"].items():
        numeric = pd.api.types.is_numeric_dtype(x[name]) and not pd.api.types.is_bool_dtype(x[name])
        rows.append(
            {
                "box": k,
                "parameter": name,
                "low": float(limits[0]) if numeric else None,
                "high": float(limits[1]) if numeric else None,
                "limits": json.dumps(limits, default=str),
                "coverage": info["coverage"],
                "density": info["density"],
                "mass": info["mass"],
            }
        )
    return rows


def when_beats(
    result: ExploreResult,
    pair: tuple[str, str] | None,
    outcome: str,
    *,
    direction: str,
    parameters: Sequence[str],
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """CART boxes of the uncertainties (and mindsets) where strategy B beats strategy A.

    ``pair`` is ``(a, b)``; each design row and mindset is a case of interest
    when B's outcome is better than A's (``direction``). The boxes are the
    tree's leaves that are mostly cases, densest first: "B beats A when ...".
    Returns the boxes (one row per restricted dimension) and a JSON summary.
    """
    if pair is None:
        return pd.DataFrame(), {}
    from escalade.explore.cart import cart_boxes  # noqa: PLC0415 (scikit-learn, optional)

    a, b = pair
    frame = experiment_cells(result, outcome)
    known = list(pd.unique(frame["strategy"]))
    for name in (a, b):
        _known(name, known, "a strategy", "when_beats")
    wide = frame.pivot_table(
        index=["scenario", "mindset"], columns="strategy", values="value", aggfunc="mean"
    )
    better = wide[b] > wide[a] if direction == "maximize" else wide[b] < wide[a]
    design = result.experiments.drop_duplicates("scenario").set_index("scenario")[list(parameters)]
    x = design.loc[wide.index.get_level_values("scenario")].reset_index(drop=True)
    x["mindset"] = wide.index.get_level_values("mindset").to_numpy()
    y: FloatArray = np.asarray(better, dtype=np.float64)
    summary: dict[str, Any] = {
        "a": a,
        "b": b,
        "share": float(np.mean(y)),
        "cases": len(y),
        "boxes": [],
    }
    if not y.any() or y.all():
        return pd.DataFrame(), summary
    boxes = [box for box in cart_boxes(x, y, seed=seed) if box.density > 0.5]
    rows = [row for k, box in enumerate(boxes[:3]) for row in _box_rows(k, box.to_dict(), x)]
    summary["boxes"] = [box.to_dict() for box in boxes[:3]]
    return pd.DataFrame(rows), summary


def when_beats_sentence(a: str, b: str, share: float, cases: int) -> str:
    """How often strategy ``b`` beats ``a``, in words (the boxes say where).

    Examples
    --------
    >>> when_beats_sentence("two_carriers", "one_carrier", 0.0, 60)
    'one_carrier never beats two_carriers (60 cases: design points × mindsets).'
    >>> when_beats_sentence("hold", "act", 0.25, 40)
    'act beats hold in 25.0% of the 40 cases (design points × mindsets).'
    """
    if share == 0:
        return f"{b} never beats {a} ({cases} cases: design points × mindsets)."
    if share == 1:
        return f"{b} beats {a} in every case ({cases} cases: design points × mindsets)."
    return f"{b} beats {a} in {share:.1%} of the {cases} cases (design points × mindsets)."
