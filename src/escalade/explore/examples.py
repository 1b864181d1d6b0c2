"""Small batch models with known answers, for tests, benchmarks and tutorials.

All functions here are module-level so that they can be sent to worker
processes and Dask workers.

* :func:`ishigami` — the Ishigami & Homma (1990) function,
  ``sin x1 + a sin² x2 + b x3⁴ sin x1`` on ``[-π, π]³``, whose Sobol'
  indices are known in closed form (for ``a = 7``, ``b = 0.1``:
  S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437; Saltelli et al.
  2008, *Global Sensitivity Analysis: The Primer*, §4.1).
* :func:`planted_box` — ``y = 1`` inside ``x1 ∈ [0.2, 0.5] × x2 ∈ [0.6, 0.9]``,
  with label noise, for PRIM and CART.
* :func:`toy_crisis` — a two-lever escalation toy with noise, used by the
  benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from escalade.explore.model import FunctionModel, ScalarOutcome
from escalade.explore.parameters import CategoricalParameter, RealParameter

__all__ = [
    "ISHIGAMI_S1",
    "ISHIGAMI_ST",
    "ishigami",
    "ishigami_model",
    "planted_box",
    "planted_box_model",
    "toy_crisis",
    "toy_crisis_model",
]

Params = Mapping[str, npt.NDArray[np.generic]]
Outputs = dict[str, npt.NDArray[np.float64]]

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
"""First-order Sobol' indices of the Ishigami function (a = 7, b = 0.1)."""
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
"""Total-order Sobol' indices of the Ishigami function (a = 7, b = 0.1)."""


def ishigami(params: Params, rng: np.random.Generator, n: int) -> Outputs:  # noqa: ARG001
    """The Ishigami function with ``a = 7``, ``b = 0.1`` (deterministic)."""
    x1 = np.asarray(params["x1"], dtype=np.float64)
    x2 = np.asarray(params["x2"], dtype=np.float64)
    x3 = np.asarray(params["x3"], dtype=np.float64)
    return {"y": np.sin(x1) + 7.0 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def ishigami_model() -> FunctionModel:
    """The Ishigami function as a batch model over ``x1, x2, x3 ∈ [-π, π]``."""
    return FunctionModel(
        ishigami,
        [RealParameter(f"x{i}", -np.pi, np.pi) for i in (1, 2, 3)],
        [ScalarOutcome("y", "info")],
        name="ishigami",
    )


def planted_box(params: Params, rng: np.random.Generator, n: int) -> Outputs:
    """``y = 1`` inside the planted box, flipped with probability ``noise``."""
    x1 = np.asarray(params["x1"], dtype=np.float64)
    x2 = np.asarray(params["x2"], dtype=np.float64)
    inside = (x1 >= 0.2) & (x1 <= 0.5) & (x2 >= 0.6) & (x2 <= 0.9)
    flip = rng.random(n) < 0.05
    return {"y": (inside ^ flip).astype(np.float64)}


def planted_box_model() -> FunctionModel:
    """:func:`planted_box` over four uniform ``[0, 1]`` inputs (two irrelevant)."""
    return FunctionModel(
        planted_box,
        [RealParameter(f"x{i}", 0.0, 1.0) for i in (1, 2, 3, 4)],
        [ScalarOutcome("y", "info")],
        name="planted_box",
    )


def toy_crisis(params: Params, rng: np.random.Generator, n: int) -> Outputs:
    """A toy escalation: war risk and gains of a stance against a resolve level.

    Uncertainties ``resolve`` and ``p_accident`` in ``[0, 1]``; lever
    ``stance`` in ``{"hold", "graduated", "strike"}``.
    """
    resolve = np.asarray(params["resolve"], dtype=np.float64)
    p_acc = np.asarray(params["p_accident"], dtype=np.float64)
    stance = np.asarray(params["stance"])
    push = np.select([stance == "hold", stance == "graduated"], [0.1, 0.5], default=0.9)
    risk = np.clip(push * resolve + p_acc * rng.random(n), 0.0, 1.0)
    war = (rng.random(n) < risk).astype(np.float64)
    gain = push * (1.0 - resolve) - 2.0 * war + 0.1 * rng.standard_normal(n)
    return {"war": war, "gain": gain}


def toy_crisis_model() -> FunctionModel:
    """:func:`toy_crisis` as a batch model with one lever."""
    return FunctionModel(
        toy_crisis,
        [RealParameter("resolve", 0.0, 1.0), RealParameter("p_accident", 0.0, 0.3)],
        [ScalarOutcome("war", "minimize"), ScalarOutcome("gain", "maximize")],
        levers=[CategoricalParameter("stance", ("hold", "graduated", "strike"))],
        name="toy_crisis",
    )
