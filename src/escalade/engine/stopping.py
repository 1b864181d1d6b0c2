"""The adaptive stop of ``best_response`` rollouts (``stop: separated``).

A ``best_response`` decision estimates each candidate's value by the mean of
``samples`` rollouts. Because every candidate of a trajectory reads the same
random numbers in a given sample (common random numbers), the samples pair up:
``d_s = v_leader,s - v_k,s`` is the candidate's shortfall against the current
leader in sample ``s``. After each sample from the :data:`MIN_SAMPLES`-th on,
a candidate stops being sampled once the one-sided :data:`LEVEL` Student-t
interval of the mean shortfall lies above zero (or the candidate matched the
leader in every sample)::

    mean(d) - t(LEVEL, m - 1) * sd(d) / sqrt(m) >= 0

and a trajectory stops once only its leader is left. The leader is the
candidate with the highest sum so far among those still sampled (ties: the
earlier candidate, hold first).

A stopped candidate's value stays paired with the leader it lost to: it is
that leader's final value less the mean shortfall at the stop
(:func:`paired_values`). Its own mean over its few samples would not do: the
samples shared by every candidate can be better or worse than the later ones,
and a candidate that lost in every sample could then beat the leader's
longer mean.

Both engines call :func:`separated` and :func:`leader_order`, and every sum
is taken sample by sample, so they stop on the same samples, to the bit.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from escalade._types import BoolArray, FloatArray, IntArray

__all__ = [
    "LEVEL",
    "MIN_SAMPLES",
    "in_order_sum",
    "leaders",
    "paired_values",
    "separated",
    "t_quantile",
]

MIN_SAMPLES = 3
"""Samples every candidate gets before any may stop."""

LEVEL = 0.975
"""One-sided confidence of the interval that separates a candidate from the leader."""


@cache
def t_quantile(df: int) -> float:
    """Student-t quantile at :data:`LEVEL` with ``df`` degrees of freedom."""
    from scipy.special import stdtrit  # noqa: PLC0415 (0.1 s: only when a stop can act)

    return float(stdtrit(df, LEVEL))


def in_order_sum(values: FloatArray) -> FloatArray:
    """Column sums of ``(m, P)`` values, added in row (sample) order."""
    total: FloatArray = values[0].copy()
    for s in range(1, values.shape[0]):
        total += values[s]
    return total


def leaders(sums: FloatArray, rows: IntArray, n: int) -> IntArray:
    """For each pair, the position of its trajectory's leader among ``sums``.

    ``rows[p]`` is pair ``p``'s trajectory (pairs of a trajectory in candidate
    order); the leader has the highest sum, ties to the earlier pair.
    """
    position = np.arange(len(sums))
    order = np.lexsort((position, -sums, rows))
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = rows[order][1:] != rows[order][:-1]
    lead = np.full(n, -1, dtype=np.int64)
    lead[rows[order][starts]] = order[starts]
    result: IntArray = lead[rows]
    return result


def separated(values: FloatArray, lead: IntArray) -> tuple[BoolArray, FloatArray]:
    """``(P,)`` twice: whether each pair's shortfall interval lies above zero; the mean shortfall.

    A pair that matched its leader exactly in every sample counts as separated
    too (common random numbers cannot tell the two apart).

    ``values`` is ``(m, P)``: the per-sample rollout values of ``P`` pairs that
    all have ``m >= 2`` samples; ``lead[p]`` is the position of pair ``p``'s
    leader (a leader is never separated from itself).
    """
    m = values.shape[0]
    d = values[:, lead] - values
    mean = in_order_sum(d) / m
    squares = (d[0] - mean) ** 2
    for s in range(1, m):
        squares += (d[s] - mean) ** 2
    lower = mean - t_quantile(m - 1) * np.sqrt(squares / (m - 1) / m)
    result: BoolArray = (lower >= 0.0) & (lead != np.arange(len(lead)))
    return result, mean


def paired_values(
    means: FloatArray, ref: IntArray, shortfall: FloatArray, when: IntArray
) -> FloatArray:
    """The values of candidates, stopped ones paired with the leader they lost to.

    ``means`` is each candidate's mean over its own samples; a candidate that
    stopped after ``when[p] >= 0`` samples, ``shortfall[p]`` below candidate
    ``ref[p]`` (its leader then), is valued ``value[ref[p]] - shortfall[p]``,
    the latest stops first (a leader may itself stop later against another).
    """
    out = means.copy()
    for step in np.unique(when[when >= 0])[::-1]:
        p = np.flatnonzero(when == step)
        out[p] = out[ref[p]] - shortfall[p]
    return out
