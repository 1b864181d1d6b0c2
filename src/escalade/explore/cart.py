"""Scenario discovery with CART, a second view next to PRIM.

A classification tree (Breiman, Friedman, Olshen & Stone 1984,
*Classification and Regression Trees*) partitions the inputs into boxes;
each leaf is a box with a coverage and a density, as in Lempert, Bryant &
Bankes (2008), "Comparing algorithms for scenario discovery", RAND WR-557.
The tree is scikit-learn's ``DecisionTreeClassifier`` (the ``discovery``
extra); categorical inputs are one-hot encoded, and a split on an indicator
becomes a set of allowed categories.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalade._types import FloatArray
from escalade.errors import DependencyNotInstalled, UsageError
from escalade.explore._peeling import encode
from escalade.random import Stream, make_rng, validate_seed

__all__ = ["CartBox", "cart_boxes"]


@dataclass(frozen=True)
class CartBox:
    """One leaf of the tree as a box.

    Attributes
    ----------
    limits : dict
        ``{name: [low, high]}`` for restricted numeric inputs,
        ``{name: [categories]}`` for restricted categorical ones.
    coverage, density, mass : float
        Share of cases of interest inside, share of the leaf that is of
        interest, share of all points inside.
    n, k : int
        Points and cases of interest inside.
    """

    limits: dict[str, Any]
    coverage: float
    density: float
    mass: float
    n: int
    k: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, in the same shape as PRIM boxes."""
        return {
            "limits": self.limits,
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
        }


def _tree_class() -> Any:
    try:
        tree = importlib.import_module("sklearn.tree")  # optional extra, imported lazily
    except ImportError as exc:
        raise DependencyNotInstalled("scikit-learn", "discovery") from exc
    return tree.DecisionTreeClassifier


def _tree_seed(seed: int) -> int:
    """``random_state`` for the tree, derived through :mod:`escalade.random`."""
    return int(make_rng(validate_seed(seed), int(Stream.DESIGN), 100).integers(0, 2**31 - 1))


def _walk(tree: Any, node: int, bounds: dict[int, tuple[float, float]], out: list[Any]) -> None:
    left, right = int(tree.children_left[node]), int(tree.children_right[node])
    if left == right:  # a leaf
        out.append((node, dict(bounds)))
        return
    feature, threshold = int(tree.feature[node]), float(tree.threshold[node])
    low, high = bounds.get(feature, (-np.inf, np.inf))
    _walk(tree, left, {**bounds, feature: (low, min(high, threshold))}, out)
    _walk(tree, right, {**bounds, feature: (max(low, threshold), high)}, out)


def cart_boxes(
    x: pd.DataFrame,
    y: Sequence[float] | FloatArray,
    *,
    mass_min: float = 0.05,
    max_depth: int | None = None,
    seed: int = 0,
) -> list[CartBox]:
    """Fit a classification tree and return its leaves as boxes, densest first.

    Parameters
    ----------
    x : pandas.DataFrame
        The inputs (bookkeeping columns ``scenario``, ``policy``, ``model`` ignored).
    y : array of bool or {0, 1}
        Which experiments are cases of interest.
    mass_min : float
        Smallest leaf, as a share of all points.
    max_depth : int, optional
        Depth limit of the tree.
    seed : int
        ``random_state`` of the tree (ties between equally good splits).

    Raises
    ------
    DependencyNotInstalled
        If scikit-learn is missing.
    """
    values = np.asarray(y)
    if values.ndim != 1 or len(values) != len(x) or not np.isin(values, (0, 1)).all():
        raise UsageError(f"y: expected {len(x)} binary values (booleans or 0/1)")
    if not 0 < mass_min < 1:
        raise UsageError(f"mass_min: expected a number in (0, 1), found {mass_min!r}")
    tree_class = _tree_class()
    enc = encode(x)
    dummies = [
        (name, j, cat)
        for j, name in enumerate(enc.cat_names)
        for cat in range(len(enc.categories[j]))
    ]
    onehot = np.stack([enc.xc[:, j] == c for _, j, c in dummies], axis=1) if dummies else None
    features = enc.xn if onehot is None else np.hstack([enc.xn, onehot.astype(np.float64)])
    model = tree_class(min_samples_leaf=max(1, int(np.ceil(mass_min * len(values)))),
                       max_depth=max_depth, random_state=_tree_seed(seed))  # fmt: skip
    labels = values.astype(np.int64)
    model.fit(features, labels)
    leaves: list[Any] = []
    _walk(model.tree_, 0, {}, leaves)
    leaf_of = model.apply(features)
    total = int(labels.sum())
    boxes = []
    for node, bounds in leaves:
        inside = leaf_of == node
        k, n = int(labels[inside].sum()), int(inside.sum())
        boxes.append(CartBox(_limits(enc, dummies, bounds), k / total if total else 0.0,
                             k / n, n / len(labels), n, k))  # fmt: skip
    return sorted(boxes, key=lambda b: (-b.density, -b.coverage))


def _limits(enc: Any, dummies: list[Any], bounds: dict[int, tuple[float, float]]) -> dict[str, Any]:
    limits: dict[str, Any] = {}
    n_num = len(enc.numeric_names)
    for feature, (low, high) in sorted(bounds.items()):
        if feature < n_num:
            column = enc.xn[:, feature]
            limits[enc.numeric_names[feature]] = [
                float(max(low, column.min())),
                float(min(high, column.max())),
            ]
    allowed: dict[str, set[int]] = {}
    for feature, (low, high) in bounds.items():
        if feature >= n_num:
            name, j, cat = dummies[feature - n_num]
            current = allowed.setdefault(name, set(range(len(enc.categories[j]))))
            if high <= 0.5:  # indicator is 0: this category excluded
                current.discard(cat)
            elif low >= 0.5:  # indicator is 1: only this category
                current &= {cat}
    for j, name in enumerate(enc.cat_names):
        if name in allowed:
            limits[name] = [enc.categories[j][c] for c in sorted(allowed[name])]
    return limits
