"""Private values as chance moves: the Bayesian form of a scenario's game.

With ``build_game(..., private="chance")``, every uncertainty that some player
of the game does not know (``known_to``) is drawn by a chance move at the root
instead of being fixed at its nominal value. A ``choice`` uncertainty takes
its values with their weights; any other distribution takes three points, its
5 %, 50 % and 95 % quantiles with probabilities 0.185, 0.63 and 0.185 (the
extended Pearson–Tukey approximation: Keefer & Bodily 1983, "Three-point
approximations for continuous random variables", Management Science 29(5)),
which keeps the mean and variance of most distributions close. Several private
uncertainties draw their points jointly (the product, independent).

A player's decision nodes then form one information set per history it has
seen: every move and chance outcome so far, the drawn values it knows, and
which of its options are available. It does not see the values it does not
know, nor quantities computed from them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from escalade.engine.reference import One, ReferenceInterpreter
from escalade.errors import GameTooLargeError
from escalade.scenario.compiled import CompiledScenario

__all__ = ["MAX_DRAWS", "PEARSON_TUKEY", "PrivateDraw", "drawn_start", "private_draws"]

PEARSON_TUKEY = ((0.05, 0.185), (0.5, 0.63), (0.95, 0.185))
"""Quantiles and probabilities of the extended Pearson–Tukey three-point approximation."""

MAX_DRAWS = 81
"""Most joint draws of the private values at the root (four three-point uncertainties)."""


@dataclass(frozen=True)
class PrivateDraw:
    """One joint draw of the private values: the chance move's branch at the root."""

    label: str
    probability: float
    values: dict[int, float]
    """Uncertainty index -> value."""
    secret: tuple[tuple[int, str], ...]
    """``(uncertainty index, 'id = value')`` for each private value, to key information sets."""


def _points(compiled: CompiledScenario, index: int) -> list[tuple[float, float]]:
    """``(value, probability)`` of one uncertainty's discrete stand-in."""
    u = compiled.uncertainties[index]
    spec = u.spec
    if spec.dist == "choice":
        assert spec.values is not None
        weights = np.ones(len(spec.values)) if spec.weights is None else np.asarray(spec.weights)
        return [
            (float(v), float(w / weights.sum()))
            for v, w in zip(spec.values, weights, strict=True)
            if w > 0
        ]
    quantiles = np.array([q for q, _ in PEARSON_TUKEY])
    values = u.ppf(quantiles)
    return [(float(v), p) for v, (_, p) in zip(values, PEARSON_TUKEY, strict=True)]


def private_draws(compiled: CompiledScenario, players: tuple[int, ...]) -> list[PrivateDraw]:
    """The root's joint draws of the uncertainties some of ``players`` do not know.

    Empty when every player knows every value (the game is then unchanged).
    """
    private = [u.index for u in compiled.uncertainties if any(p not in u.known_to for p in players)]
    if not private:
        return []
    grids = [_points(compiled, k) for k in private]
    count = math.prod(len(g) for g in grids)
    if count > MAX_DRAWS:
        raise GameTooLargeError(
            f"private: expected at most {MAX_DRAWS} joint draws of the private values "
            f"({', '.join(compiled.uncertainties[k].id for k in private)}), found {count}; "
            "hint: make the players fewer (`players`), or private='nominal'",
            parameter="private",
        )
    draws = []
    for combo in itertools.product(*grids):
        names = [
            f"{compiled.uncertainties[k].id} = {v:g}"
            for k, (v, _) in zip(private, combo, strict=True)
        ]
        draws.append(
            PrivateDraw(
                label=", ".join(names),
                probability=float(np.prod([p for _, p in combo])),
                values={k: v for k, (v, _) in zip(private, combo, strict=True)},
                secret=tuple(zip(private, names, strict=True)),
            )
        )
    return draws


def drawn_start(ref: ReferenceInterpreter, start: One, draw: PrivateDraw, given: One | None) -> One:
    """The root state with ``draw``'s private values (the scenario's start, or ``given``'s)."""
    values = {ref.c.uncertainties[k].id: v for k, v in draw.values.items()}
    if given is None:
        fixed = [values.get(u.id, start.uncertainties[u.id]) for u in ref.c.uncertainties]
        return ref.start(0, fixed=fixed)
    out = given.copy()
    out.uncertainties = {**out.uncertainties, **values}
    return out
