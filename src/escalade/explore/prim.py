"""Scenario discovery with PRIM, the Patient Rule Induction Method.

PRIM (Friedman & Fisher 1999, "Bump hunting in high-dimensional data",
*Statistics and Computing* 9:123–143, doi:10.1023/A:1008894516817) finds
boxes — conjunctions of intervals and category sets over the inputs — where
cases of interest are dense. As used for scenario discovery (Bryant &
Lempert 2010, "Thinking inside the box", *Technological Forecasting and
Social Change* 77(1):34–49, doi:10.1016/j.techfore.2009.08.002) and in EMA
Workbench (Kwakkel 2017), a box is grown in three stages:

1. **peeling** — repeatedly remove the slice of points (a fraction
   ``peel_alpha`` at one end of one dimension, or one category) whose
   removal improves the objective most, until the box mass would fall below
   ``mass_min``; every step is recorded on the *peeling trajectory* with its
   coverage (share of all cases of interest inside the box), density (share
   of the box's points that are of interest), mass (share of all points
   inside the box) and number of restricted dimensions;
2. **pasting** — widen the final box again where that raises density;
   optionally (``prune=True``) followed by **pruning**: drop each restriction
   whose removal does not lower the density (it restricts nothing, or only
   points as often of interest as the box's), so the box names only the
   restrictions that matter;
3. **covering** — remove the box's points and search for the next box.

The default objective ``"lenient1"`` is EMA's: gain in mean divided by the
number of points removed. Significance of each restriction is a one-sided
binomial *quasi-p-value* (Bryant & Lempert 2010): the probability of seeing
the box's density if that restriction were dropped.

This implementation is vectorised (all candidate peels of a step are scored
at once) and deterministic (ties go to the candidate that restricts fewer
dimensions, then to the first in column order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from escalade._types import FloatArray, IntArray
from escalade.errors import UsageError
from escalade.explore._peeling import (
    Encoded,
    Limits,
    Objective,
    best,
    encode,
    initial_limits,
    paste_candidates,
    peel_candidates,
)

__all__ = ["Prim", "PrimBox"]


@dataclass(frozen=True, eq=False)
class _Step:
    limits: Limits
    keep: IntArray


class PrimBox:
    """One box found by :meth:`Prim.find_box`, with its peeling trajectory.

    Attributes
    ----------
    trajectory : pandas.DataFrame
        One row per step: ``coverage, density, mean, mass, res_dim, n, k``.
    selected : int
        The step currently chosen (the last one unless :meth:`select` was called).
    """

    def __init__(self, prim: Prim, remaining: IntArray) -> None:
        self._prim = prim
        self._remaining = remaining
        self._steps: list[_Step] = []
        self._rows: list[dict[str, float]] = []
        self.selected = -1
        self._frozen = False

    def _add(self, limits: Limits, keep: IntArray) -> None:
        prim = self._prim
        k = int(prim.y[keep].sum())
        self._steps.append(_Step(limits, keep))
        self._rows.append(
            {
                "coverage": k / prim.total_of_interest if prim.total_of_interest else 0.0,
                "density": k / len(keep) if len(keep) else 0.0,
                "mean": float(prim.y[keep].mean()) if len(keep) else 0.0,
                "mass": len(keep) / prim.n,
                "res_dim": limits.n_restricted(prim.init),
                "n": len(keep),
                "k": k,
            }
        )
        self.selected = len(self._steps) - 1

    @property
    def trajectory(self) -> pd.DataFrame:
        """The peeling (and pasting) trajectory."""
        frame = pd.DataFrame(self._rows)
        frame.index.name = "step"
        return frame.astype({"res_dim": np.int64, "n": np.int64, "k": np.int64})

    def _stat(self, key: str) -> float:
        return float(self._rows[self.selected][key])

    @property
    def coverage(self) -> float:
        """Coverage of the selected step."""
        return self._stat("coverage")

    @property
    def density(self) -> float:
        """Density of the selected step."""
        return self._stat("density")

    @property
    def mass(self) -> float:
        """Mass of the selected step."""
        return self._stat("mass")

    @property
    def res_dim(self) -> int:
        """Number of restricted dimensions of the selected step."""
        return int(self._stat("res_dim"))

    @property
    def indices(self) -> IntArray:
        """Row positions (in ``x``) of the points inside the selected step."""
        return self._steps[self.selected].keep

    def _index(self, i: int | None) -> int:
        i = self.selected if i is None else i
        count = len(self._steps)
        if not -count <= i < count:
            raise UsageError(f"step: expected an index in [0, {count}), found {i}")
        return i % count

    def limits(self, i: int | None = None, *, restricted_only: bool = True) -> dict[str, Any]:
        """Limits of step ``i``: ``{name: [low, high]}`` or ``{name: [categories]}``."""
        i = self._index(i)
        lim, enc, init = self._steps[i].limits, self._prim.encoded, self._prim.init
        num_res, cat_res = lim.restricted(init)
        out: dict[str, Any] = {}
        for j, name in enumerate(enc.numeric_names):
            if num_res[j] or not restricted_only:
                out[name] = [float(lim.lo[j]), float(lim.hi[j])]
        for j, name in enumerate(enc.cat_names):
            if cat_res[j] or not restricted_only:
                out[name] = [c for c, ok in zip(enc.categories[j], lim.cats[j], strict=True) if ok]
        return out

    def _quasi_p(self, i: int) -> dict[str, tuple[float, float]]:
        """One-sided binomial quasi-p-values of each restriction (NaN: side not restricted)."""
        step, prim = self._steps[i], self._prim
        lim, init = step.limits, prim.init
        num_res, cat_res = lim.restricted(init)
        n_box, k_box = len(step.keep), int(prim.y[step.keep].sum())
        only = (num_res, cat_res)

        def qp(relaxed: Limits) -> float:
            inside = self._remaining[relaxed.contains(prim.encoded, self._remaining, only=only)]
            p = float(prim.y[inside].mean())
            return float(binomtest(k_box, n_box, p, alternative="greater").pvalue)

        out: dict[str, tuple[float, float]] = {}
        for j in np.flatnonzero(num_res).tolist():
            low = qp(lim.with_numeric(j, lo=init.lo[j])) if lim.lo[j] != init.lo[j] else np.nan
            high = qp(lim.with_numeric(j, hi=init.hi[j])) if lim.hi[j] != init.hi[j] else np.nan
            out[prim.encoded.numeric_names[j]] = (low, high)
        for j in np.flatnonzero(cat_res).tolist():
            relaxed = Limits(lim.lo, lim.hi, (*lim.cats[:j], init.cats[j], *lim.cats[j + 1 :]))
            out[prim.encoded.cat_names[j]] = (qp(relaxed), np.nan)
        return out

    def inspect(self, i: int | None = None) -> tuple[pd.Series, pd.DataFrame]:
        """Statistics and restricted dimensions of step ``i`` (default: selected).

        Returns
        -------
        stats : pandas.Series
            ``coverage, density, mean, mass, res_dim, n, k`` of the step.
        limits : pandas.DataFrame
            One row per restricted dimension, most significant first:
            ``lower, upper`` (numeric), ``categories`` (categorical),
            ``qp_lower, qp_upper`` (quasi-p-values; NaN where not restricted).
        """
        i = self._index(i)
        qps = self._quasi_p(i)
        limits = self.limits(i)
        rows = []
        for name, (qp_lo, qp_hi) in qps.items():
            value = limits[name]
            numeric = name in self._prim.encoded.numeric_names
            rows.append(
                {
                    "parameter": name,
                    "lower": value[0] if numeric else np.nan,
                    "upper": value[1] if numeric else np.nan,
                    "categories": None if numeric else tuple(value),
                    "qp_lower": qp_lo,
                    "qp_upper": qp_hi,
                }
            )
        columns = ["parameter", "lower", "upper", "categories", "qp_lower", "qp_upper"]
        table = pd.DataFrame(rows, columns=columns)
        key = np.fmin(
            table["qp_lower"].to_numpy(dtype=float), table["qp_upper"].to_numpy(dtype=float)
        )
        table = table.iloc[np.argsort(key, kind="stable")].set_index("parameter")
        return pd.Series(self._rows[i], name=f"step {i}"), table

    def select(self, i: int) -> None:
        """Choose step ``i`` of the trajectory as this box.

        Raises
        ------
        UsageError
            If a later box was already found from the points this box leaves.
        """
        if self._frozen:
            raise UsageError(
                "select: this box is frozen because PRIM has already found a later box "
                "(hint: select before calling find_box again)"
            )
        self.selected = self._index(i)

    def _without(self, limits: Limits, name: str) -> Limits:
        """``limits`` with the dimension ``name`` back to the whole data's range."""
        enc, init = self._prim.encoded, self._prim.init
        if name in enc.numeric_names:
            j = enc.numeric_names.index(name)
            return limits.with_numeric(j, lo=init.lo[j], hi=init.hi[j])
        if name in enc.cat_names:
            j = enc.cat_names.index(name)
            return Limits(
                limits.lo, limits.hi, (*limits.cats[:j], init.cats[j], *limits.cats[j + 1 :])
            )
        raise UsageError(
            f"drop_restriction: expected one of the inputs {[*enc.numeric_names, *enc.cat_names]}, "
            f"found {name!r}"
        )

    def drop_restriction(self, name: str, i: int | None = None) -> None:
        """Add a step: step ``i`` (default: selected) without its restriction on ``name``.

        As EMA Workbench's ``PrimBox.drop_restriction``: the new step holds every
        remaining point inside the other limits, is appended to the trajectory and
        selected.

        Raises
        ------
        UsageError
            If ``name`` is not an input, or the box is frozen (see :meth:`select`).
        """
        if self._frozen:
            raise UsageError(
                "drop_restriction: this box is frozen because PRIM has already found a later "
                "box (hint: drop restrictions before calling find_box again)"
            )
        limits = self._without(self._steps[self._index(i)].limits, name)
        keep = self._remaining[limits.contains(self._prim.encoded, self._remaining)]
        self._add(limits, keep)

    def prune(self) -> list[str]:
        """Drop the restrictions of the selected step that do not raise its density.

        The post-processing of Friedman & Fisher (1999) and EMA Workbench: while some
        restricted dimension can be dropped without lowering the density (its removal
        lets in no point, or only points as often of interest as the box's), drop the one
        whose removal leaves the densest box (then the largest; then the first in column
        order), each as a step of the trajectory (:meth:`drop_restriction`).

        Returns
        -------
        list of str
            The dimensions dropped, in order.
        """
        dropped: list[str] = []
        while (name := self._needless()) is not None:
            self.drop_restriction(name)
            dropped.append(name)
        return dropped

    def _needless(self) -> str | None:
        """The restriction of the selected step best dropped (see :meth:`prune`), if any."""
        prim, step = self._prim, self._steps[self.selected]
        k_box, n_box = int(prim.y[step.keep].sum()), len(step.keep)
        found: tuple[float, int, str] | None = None
        for name in self.limits():
            inside = self._without(step.limits, name).contains(prim.encoded, self._remaining)
            n_new = int(inside.sum())
            k_new = int(prim.y[self._remaining[inside]].sum())
            if k_new * n_box < k_box * n_new:  # exact: density k/n would fall
                continue
            if found is None or (k_new / n_new, n_new) > found[:2]:
                found = (k_new / n_new, n_new, name)
        return None if found is None else found[2]

    def to_dict(self, i: int | None = None) -> dict[str, Any]:
        """``{"limits": {...}, "coverage", "density", "mass", "res_dim"}`` of step ``i``."""
        i = self._index(i)
        row = self._rows[i]
        return {
            "limits": self.limits(i),
            "coverage": float(row["coverage"]),
            "density": float(row["density"]),
            "mass": float(row["mass"]),
            "res_dim": int(row["res_dim"]),
        }


class Prim:
    """PRIM over experiments ``x`` and a binary outcome ``y`` (see module docstring).

    Parameters
    ----------
    x : pandas.DataFrame
        The inputs; float, integer and categorical columns (the bookkeeping
        columns ``scenario``, ``policy``, ``model`` are ignored).
    y : array of bool or {0, 1}
        Which experiments are cases of interest.
    threshold : float
        Minimum density for a box to be accepted by :meth:`find_box`.
    peel_alpha, paste_alpha : float
        Fraction of points peeled or pasted per step, in (0, 0.5).
    mass_min : float
        Smallest box mass allowed, in (0, 1).
    objective : {"lenient1", "lenient2", "original"}
        Objective of a step (EMA Workbench's names).
    """

    def __init__(
        self,
        x: pd.DataFrame,
        y: Sequence[float] | FloatArray,
        *,
        threshold: float = 0.8,
        peel_alpha: float = 0.05,
        paste_alpha: float = 0.05,
        mass_min: float = 0.05,
        objective: Objective = "lenient1",
    ) -> None:
        values = np.asarray(y)
        if values.ndim != 1 or len(values) != len(x):
            raise UsageError(
                f"y: expected {len(x)} values (one per row of x), found shape {values.shape}"
            )
        if not np.isin(values, (0, 1)).all():
            raise UsageError("y: expected a binary outcome (booleans or 0/1)")
        bounded = (("peel_alpha", peel_alpha, 0.5), ("paste_alpha", paste_alpha, 0.5),
                   ("mass_min", mass_min, 1.0))  # fmt: skip
        for name, value, high in bounded:
            if not 0 < value < high:
                raise UsageError(f"{name}: expected a number in (0, {high:g}), found {value!r}")
        if not 0 < threshold <= 1:
            raise UsageError(f"threshold: expected a density in (0, 1], found {threshold!r}")
        if objective not in ("lenient1", "lenient2", "original"):
            raise UsageError(
                f"objective: expected lenient1, lenient2 or original, found {objective!r}"
            )
        self.encoded: Encoded = encode(x)
        self.y: FloatArray = values.astype(np.float64)
        self.n = len(values)
        self.total_of_interest = int(self.y.sum())
        self.init = initial_limits(self.encoded)
        self.threshold, self.peel_alpha, self.paste_alpha = threshold, peel_alpha, paste_alpha
        self.mass_min, self.objective = mass_min, objective
        self.boxes: list[PrimBox] = []

    def _remaining(self) -> IntArray:
        mask = np.ones(self.n, dtype=bool)
        for box in self.boxes:
            mask[box.indices] = False
        return np.flatnonzero(mask)

    def _peel(self, box: PrimBox) -> None:
        while True:
            step = box._steps[-1]
            found = best(peel_candidates(self.encoded, step.limits, step.keep, self.peel_alpha),
                         self.y, self.y[step.keep], self.init, self.objective)  # fmt: skip
            if found is None:
                return
            cand, score = found
            mass_new, mass_old = len(cand.keep) / self.n, len(step.keep) / self.n
            if not (mass_new >= self.mass_min and mass_new < mass_old and score > 0):
                return
            box._add(cand.limits, cand.keep)

    def _paste(self, box: PrimBox, remaining: IntArray) -> None:
        while True:
            step = box._steps[-1]
            cands = paste_candidates(
                self.encoded, step.limits, self.init, remaining, self.paste_alpha
            )
            found = best(cands, self.y, self.y[step.keep], self.init, self.objective)
            if found is None:
                return
            cand, score = found
            mass_new, mass_old = len(cand.keep) / self.n, len(step.keep) / self.n
            mean_new = float(self.y[cand.keep].mean()) if len(cand.keep) else 0.0
            mean_old = float(self.y[step.keep].mean())
            if not (
                mass_new >= self.mass_min
                and mass_new > mass_old
                and score > 0
                and mean_new > mean_old
            ):
                return
            box._add(cand.limits, cand.keep)

    def find_box(self, *, prune: bool = False) -> PrimBox | None:
        """Find the next box among the points earlier boxes left.

        Parameters
        ----------
        prune : bool
            Drop, after pasting, the restrictions whose removal does not lower the
            box's density (:meth:`PrimBox.prune`), so that it reports only the ones
            that matter. Off by default, as in EMA Workbench.

        Returns
        -------
        PrimBox or None
            The box (appended to :attr:`boxes`), or ``None`` when no points
            or no cases of interest remain, or the best box found is less
            dense than ``threshold``.
        """
        for earlier in self.boxes:
            earlier._frozen = True
        remaining = self._remaining()
        if len(remaining) == 0 or self.y[remaining].sum() == 0:
            return None
        box = PrimBox(self, remaining)
        box._add(self.init, remaining)
        self._peel(box)
        self._paste(box, remaining)
        if box.density < self.threshold:
            return None
        if prune:
            box.prune()
        self.boxes.append(box)
        return box

    def find_boxes(self, max_boxes: int = 10, *, prune: bool = False) -> list[PrimBox]:
        """Call :meth:`find_box` until it finds nothing or ``max_boxes`` are found (covering)."""
        while len(self.boxes) < max_boxes and self.find_box(prune=prune) is not None:
            pass
        return self.boxes

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """``{"boxes": [{"limits": {name: [low, high]}, "coverage", "density", ...}]}``."""
        return {"boxes": [box.to_dict() for box in self.boxes]}
