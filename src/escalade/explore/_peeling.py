"""Vectorised peeling and pasting steps of PRIM (internal to :mod:`.prim`).

Data are encoded once: numeric columns (real first, then integer, as EMA
Workbench orders them) in one float matrix, categorical columns as integer
codes. A box is a pair of numeric limit vectors plus one boolean mask of
allowed categories per categorical column. Candidates of one step are
generated in a fixed order (per column: upper then lower peel; lower then
upper paste; categories in their declared order) and the first best one
wins, which makes runs reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.errors import UsageError

Objective = Literal["lenient1", "lenient2", "original"]


@dataclass(frozen=True, eq=False)
class Encoded:
    """Columns of ``x`` split by kind, in PRIM's column order."""

    numeric_names: tuple[str, ...]
    is_integer: BoolArray
    xn: FloatArray
    cat_names: tuple[str, ...]
    categories: tuple[tuple[object, ...], ...]
    xc: IntArray

    @property
    def n_cols(self) -> int:
        """Number of usable columns."""
        return len(self.numeric_names) + len(self.cat_names)


def encode(x: pd.DataFrame) -> Encoded:
    """Split ``x`` into numeric and categorical matrices (single-valued categoricals dropped)."""
    x = x.drop(columns=[c for c in ("scenario", "policy", "model") if c in x.columns])
    real = [c for c in x.columns if pd.api.types.is_float_dtype(x[c])]
    ints = [
        c
        for c in x.columns
        if pd.api.types.is_integer_dtype(x[c]) and not pd.api.types.is_bool_dtype(x[c])
    ]
    cats = [c for c in x.columns if c not in real and c not in ints and x[c].nunique() > 1]
    names = [str(c) for c in real + ints]
    xn = x[real + ints].to_numpy(dtype=np.float64) if names else np.zeros((len(x), 0))
    if not np.isfinite(xn).all():
        raise UsageError("x: expected finite numeric values (found NaN or infinity)")
    codes, categories = [], []
    for c in cats:
        column = x[c].astype("category")
        present = [v for v in column.cat.categories if (column == v).any()]
        column = column.cat.set_categories(present)
        codes.append(np.asarray(column.cat.codes, dtype=np.int64))
        categories.append(tuple(present))
    xc = np.stack(codes, axis=1) if codes else np.zeros((len(x), 0), dtype=np.int64)
    return Encoded(
        numeric_names=tuple(names),
        is_integer=np.array([False] * len(real) + [True] * len(ints), dtype=bool),
        xn=xn,
        cat_names=tuple(str(c) for c in cats),
        categories=tuple(categories),
        xc=xc,
    )


@dataclass(frozen=True, eq=False)
class Limits:
    """Limits of one box: numeric ``lo``/``hi`` and allowed categories."""

    lo: FloatArray
    hi: FloatArray
    cats: tuple[BoolArray, ...] = field(default=())

    def with_numeric(self, j: int, *, lo: float | None = None, hi: float | None = None) -> Limits:
        """A copy with one numeric limit changed."""
        new_lo, new_hi = self.lo.copy(), self.hi.copy()
        if lo is not None:
            new_lo[j] = lo
        if hi is not None:
            new_hi[j] = hi
        return Limits(new_lo, new_hi, self.cats)

    def with_category(self, j: int, code: int, allowed: bool) -> Limits:
        """A copy with one category allowed or removed."""
        mask = self.cats[j].copy()
        mask[code] = allowed
        return Limits(self.lo, self.hi, (*self.cats[:j], mask, *self.cats[j + 1 :]))

    def restricted(self, init: Limits) -> tuple[BoolArray, BoolArray]:
        """Which numeric and categorical dimensions differ from ``init``."""
        num = (self.lo != init.lo) | (self.hi != init.hi)
        cat = np.array(
            [not np.array_equal(a, b) for a, b in zip(self.cats, init.cats, strict=True)],
            dtype=bool,
        )
        return num, cat

    def n_restricted(self, init: Limits) -> int:
        """Number of restricted dimensions."""
        num, cat = self.restricted(init)
        return int(num.sum() + cat.sum())

    def contains(
        self, enc: Encoded, idx: IntArray, *, only: tuple[BoolArray, BoolArray] | None = None
    ) -> BoolArray:
        """Which of the points ``idx`` lie in the box (optionally on some dimensions only)."""
        num = np.ones(len(self.lo), dtype=bool) if only is None else only[0]
        cat = np.ones(len(self.cats), dtype=bool) if only is None else only[1]
        x = enc.xn[np.ix_(idx, np.flatnonzero(num))]
        inside = ((x >= self.lo[num]) & (x <= self.hi[num])).all(axis=1)
        for j in np.flatnonzero(cat).tolist():
            inside &= self.cats[j][enc.xc[idx, j]]
        return np.asarray(inside, dtype=bool)


def initial_limits(enc: Encoded) -> Limits:
    """The box that holds all the data."""
    if enc.xn.shape[0] == 0:
        raise UsageError("x: expected at least one experiment")
    lo = enc.xn.min(axis=0) if enc.xn.shape[1] else np.zeros(0)
    hi = enc.xn.max(axis=0) if enc.xn.shape[1] else np.zeros(0)
    return Limits(lo, hi, tuple(np.ones(len(c), dtype=bool) for c in enc.categories))


def quantile(data: FloatArray, q: float) -> float:
    """Quantile as in sdtoolkit and EMA Workbench: the midpoint between distinct neighbours."""
    s = np.sort(data)
    pos = (len(s) - 1) * q
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    if q > 0.5:
        if s[lo] == s[hi]:
            lo = max(int(np.searchsorted(s, s[hi], side="left")) - 1, 0)
    elif s[lo] == s[hi]:
        hi = min(int(np.searchsorted(s, s[lo], side="right")), len(s) - 1)
    return float((s[lo] + s[hi]) / 2)


def objective(
    kind: Objective, y_old: FloatArray, n_new: IntArray, sum_new: FloatArray
) -> FloatArray:
    """Score candidate boxes from their sizes and sums of ``y`` (EMA's objectives)."""
    n_old = len(y_old)
    mean_old = float(y_old.mean())
    mean_new = np.divide(sum_new, n_new, out=np.zeros(len(n_new)), where=n_new > 0)
    if kind == "original":
        return np.where(n_new > 0, mean_new, -1.0)
    change = np.abs(n_old - n_new).astype(np.float64)
    gain = np.divide(mean_new - mean_old, change, out=np.zeros(len(n_new)), where=change > 0)
    gain[mean_new == mean_old] = 0.0
    if kind == "lenient2":
        gain = gain * n_new
    return gain


@dataclass(frozen=True, eq=False)
class Candidate:
    """One candidate box: its limits and the points it keeps."""

    limits: Limits
    keep: IntArray


def peel_candidates(enc: Encoded, box: Limits, idx: IntArray, alpha: float) -> list[Candidate]:
    """Every one-step peel of ``box`` (holding points ``idx``)."""
    out: list[Candidate] = []
    x = enc.xn[idx]
    for j in range(x.shape[1]):
        xj = x[:, j]
        q_hi, q_lo = quantile(xj, 1 - alpha), quantile(xj, alpha)
        if enc.is_integer[j]:
            out.extend(_discrete_peels(box, idx, xj, j, (q_hi, q_lo)))
            continue
        out.append(Candidate(box.with_numeric(j, hi=q_hi), idx[xj <= q_hi]))
        out.append(Candidate(box.with_numeric(j, lo=q_lo), idx[xj >= q_lo]))
    for j, mask in enumerate(box.cats):
        allowed = np.flatnonzero(mask)
        if len(allowed) < 2:
            continue
        codes = enc.xc[idx, j]
        for code in allowed:
            out.append(Candidate(box.with_category(j, int(code), False), idx[codes != code]))
    return out


def _discrete_peels(
    box: Limits, idx: IntArray, xj: FloatArray, j: int, quantiles: tuple[float, float]
) -> list[Candidate]:
    """EMA's integer peels: drop at least one whole value from the chosen end."""
    out = []
    for upper, q in zip((True, False), quantiles, strict=True):
        peel = float(int(q))
        if upper:
            limit = box.hi[j]
            keep = (
                (xj < limit) & (xj >= box.lo[j])
                if peel == limit
                else (xj <= peel) & (xj >= box.lo[j])
            )
        else:
            limit = box.lo[j]
            keep = (
                (xj > limit) & (xj <= box.hi[j])
                if peel == limit
                else (xj >= peel) & (xj <= box.hi[j])
            )
        chosen = xj[keep] if keep.any() else xj
        new = float(chosen.max() if upper else chosen.min())
        limits = box.with_numeric(j, hi=new) if upper else box.with_numeric(j, lo=new)
        out.append(Candidate(limits, idx[keep]))
    return out


def paste_candidates(
    enc: Encoded, box: Limits, init: Limits, remaining: IntArray, alpha: float
) -> list[Candidate]:
    """Every one-step paste of ``box`` over the ``remaining`` points."""
    out: list[Candidate] = []
    num_res, cat_res = box.restricted(init)
    only = (num_res, cat_res)
    for j in np.flatnonzero(num_res).tolist():
        for lower in (True, False):
            region = (
                box.with_numeric(j, lo=init.lo[j], hi=box.lo[j])
                if lower
                else box.with_numeric(j, lo=box.hi[j], hi=init.hi[j])
            )
            data = enc.xn[remaining[region.contains(enc, remaining, only=only)], j]
            if lower:
                value = quantile(data, 1 - alpha) if data.size else init.lo[j]
                limits = box.with_numeric(j, lo=value)
            else:
                value = quantile(data, alpha) if data.size else init.hi[j]
                limits = box.with_numeric(j, hi=value)
            out.append(Candidate(limits, remaining[limits.contains(enc, remaining, only=only)]))
    for j in np.flatnonzero(cat_res).tolist():
        for code in np.flatnonzero(~box.cats[j]).tolist():
            limits = box.with_category(j, int(code), True)
            out.append(Candidate(limits, remaining[limits.contains(enc, remaining, only=only)]))
    return out


def best(
    candidates: list[Candidate], y: FloatArray, y_old: FloatArray, init: Limits, kind: Objective
) -> tuple[Candidate, float] | None:
    """The best candidate by objective, then by fewest restricted dimensions."""
    if not candidates:
        return None
    n_new = np.array([len(c.keep) for c in candidates], dtype=np.int64)
    sum_new = np.array([y[c.keep].sum() for c in candidates], dtype=np.float64)
    scores = objective(kind, y_old, n_new, sum_new)
    free = -np.array([c.limits.n_restricted(init) for c in candidates], dtype=np.float64)
    order = np.lexsort((np.arange(len(candidates)), -free, -scores))
    top = int(order[0])
    return candidates[top], float(scores[top])
