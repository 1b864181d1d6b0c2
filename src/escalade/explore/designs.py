"""Experiment designs over uncertainties: LHS, Sobol', Morris and full factorial.

Every design is drawn on SALib's *problem space*: a real parameter on
``[low, high]``, an integer parameter on ``[low, high + 1)`` floored, a
categorical parameter on ``[0, k)`` floored to a category index. The raw
numeric matrix is kept in :attr:`Design.samples` so that the sensitivity
analyses of :mod:`escalade.explore.sensitivity` receive exactly what SALib
expects, while :attr:`Design.experiments` holds the parameter values a model
sees.

Designs
-------
``"lhs"``
    Latin hypercube (McKay, Beckman & Conover 1979) through
    :class:`scipy.stats.qmc.LatinHypercube`; ``n`` points.
``"sobol"``
    Scrambled Sobol' low-discrepancy points through
    :class:`scipy.stats.qmc.Sobol`; ``n`` points (a power of two keeps the
    balance properties). With ``sensitivity=True``, the Saltelli (2010)
    design for Sobol' indices through :func:`SALib.sample.sobol.sample`:
    ``n (2d + 2)`` points (``n (d + 2)`` with ``second_order=False``).
``"morris"``
    Morris (1991) elementary-effects trajectories through
    :func:`SALib.sample.morris.sample`; ``n`` trajectories of ``d + 1``
    points each; options ``num_levels`` (default 4) and
    ``optimal_trajectories`` (Campolongo, Cariboni & Saltelli 2007).
``"factorial"``
    Full factorial: ``levels`` evenly spaced values per real parameter
    (default 3), every integer (or ``levels`` evenly spaced integers when
    there are more), every category. ``n`` is ignored.

Seeds come only from :mod:`escalade.random` (stream ``DESIGN``).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy.stats import qmc

from escalade._types import FloatArray
from escalade.errors import UsageError
from escalade.explore.parameters import (
    CategoricalParameter,
    IntegerParameter,
    Parameter,
    RealParameter,
    check_names,
)
from escalade.random import Stream, make_rng, validate_seed

__all__ = ["Design", "DesignKind", "design_from_frame", "sample"]

DesignKind = Literal["lhs", "sobol", "morris", "factorial"]
_KINDS: tuple[str, ...] = get_args(DesignKind)
_MAX_FACTORIAL = 10_000_000


@dataclass(frozen=True, eq=False)
class Design:
    """A drawn experiment design.

    Attributes
    ----------
    kind : {"lhs", "sobol", "morris", "factorial", "given"}
        How the design was drawn (``"given"`` for a user-supplied table).
    parameters : tuple of Parameter
        The uncertainties, in column order.
    experiments : pandas.DataFrame
        One row per experiment, one column per parameter, index ``0..n-1``.
    samples : numpy.ndarray
        The same rows in SALib's problem space (shape ``(n, d)``).
    problem : dict
        The SALib problem (``num_vars``, ``names``, ``bounds``).
    seed : int
        The root seed the design was drawn from.
    options : dict
        Design options (for example ``sensitivity``, ``second_order``,
        ``num_levels``, ``levels``), recorded for analysis and provenance.
    """

    kind: str
    parameters: tuple[Parameter, ...]
    experiments: pd.DataFrame
    samples: FloatArray
    problem: Mapping[str, Any]
    seed: int
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of experiments (rows)."""
        return len(self.experiments)

    @property
    def analysable_by(self) -> frozenset[str]:
        """Sensitivity methods this design supports (``"sobol"``, ``"morris"``)."""
        if self.kind == "sobol" and self.options.get("sensitivity"):
            return frozenset({"sobol"})
        if self.kind == "morris":
            return frozenset({"morris"})
        return frozenset()

    def metadata(self) -> dict[str, Any]:
        """Return a JSON-ready description of the design (no data)."""
        return {
            "kind": self.kind,
            "n": self.n,
            "seed": self.seed,
            "options": dict(self.options),
            "parameters": [_describe(p) for p in self.parameters],
        }


def _describe(p: Parameter) -> dict[str, Any]:
    if isinstance(p, CategoricalParameter):
        return {"name": p.name, "kind": p.kind, "categories": list(p.categories)}
    return {"name": p.name, "kind": p.kind, "low": p.low, "high": p.high}


def salib_problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    """Return the SALib problem dictionary of ``parameters``."""
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [list(p.bounds) for p in parameters],
    }


def to_frame(parameters: Sequence[Parameter], samples: FloatArray) -> pd.DataFrame:
    """Map rows of SALib's problem space onto parameter values."""
    columns: dict[str, Any] = {}
    for j, p in enumerate(parameters):
        low, high = p.bounds
        unit = (samples[:, j] - low) / (high - low)
        values = p.from_unit(unit)
        if isinstance(p, CategoricalParameter):
            columns[p.name] = pd.Categorical(values, categories=list(p.categories))
        else:
            columns[p.name] = values
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(samples)))
    frame.index.name = "scenario"
    return frame


def _seed_int(seed: int, salt: int) -> int:
    """A positive int seed for scipy/SALib, derived from the root seed."""
    return int(make_rng(seed, int(Stream.DESIGN), salt).integers(1, 2**31 - 1))


def _check_n(n: object, design: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise UsageError(f"n: expected a positive integer for design {design!r}, found {n!r}")
    return int(n)


def _unit_to_problem(parameters: Sequence[Parameter], unit: FloatArray) -> FloatArray:
    bounds = np.array([p.bounds for p in parameters], dtype=np.float64).reshape(-1, 2)
    return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])


def _qmc(
    parameters: Sequence[Parameter], *, kind: str, n: int, seed: int, opts: dict[str, Any]
) -> FloatArray:
    d = len(parameters)
    rng = make_rng(seed, int(Stream.DESIGN), 1)
    if kind == "lhs":
        engine: qmc.QMCEngine = qmc.LatinHypercube(d, rng=rng)
    else:
        engine = qmc.Sobol(d, rng=rng)
    with warnings.catch_warnings():
        # scipy warns when a Sobol' n is not a power of two; the design is still valid
        warnings.simplefilter("ignore", UserWarning)
        unit = np.asarray(engine.random(n), dtype=np.float64)
    opts.setdefault("sensitivity", False)
    return _unit_to_problem(parameters, unit)


def _saltelli(
    parameters: Sequence[Parameter], *, n: int, seed: int, opts: dict[str, Any]
) -> FloatArray:
    from SALib.sample import sobol as salib_sobol  # noqa: PLC0415 (heavy import)

    second = bool(opts.setdefault("second_order", True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # n not a power of two
        samples = salib_sobol.sample(
            salib_problem(parameters), n, calc_second_order=second, seed=_seed_int(seed, 2)
        )
    return np.asarray(samples, dtype=np.float64)


def _morris(
    parameters: Sequence[Parameter], *, n: int, seed: int, opts: dict[str, Any]
) -> FloatArray:
    from SALib.sample import morris as salib_morris  # noqa: PLC0415 (heavy import)

    levels = int(opts.setdefault("num_levels", 4))
    optimal = opts.setdefault("optimal_trajectories", None)
    if levels < 2 or levels % 2:
        raise UsageError(f"num_levels: expected an even integer >= 2, found {levels}")
    if optimal is not None and not 2 <= int(optimal) < n:
        raise UsageError(
            f"optimal_trajectories: expected an integer in [2, n) = [2, {n}), found {optimal!r}"
        )
    samples = salib_morris.sample(
        salib_problem(parameters),
        n,
        num_levels=levels,
        optimal_trajectories=optimal,
        local_optimization=True,
        seed=_seed_int(seed, 3),
    )
    return np.asarray(samples, dtype=np.float64)


def _factorial_axis(p: Parameter, levels: int) -> FloatArray:
    """Values of one factorial axis, in SALib's problem space."""
    if isinstance(p, CategoricalParameter):
        return np.arange(len(p.categories), dtype=np.float64) + 0.5
    if isinstance(p, IntegerParameter):
        count = p.high - p.low + 1
        ints = np.unique(np.round(np.linspace(p.low, p.high, min(levels, count))))
        return ints.astype(np.float64) + 0.5
    return np.linspace(p.low, p.high, levels)


def _factorial(parameters: Sequence[Parameter], *, opts: dict[str, Any]) -> FloatArray:
    levels = opts.setdefault("levels", 3)
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise UsageError(f"levels: expected an integer >= 2, found {levels!r}")
    axes = [_factorial_axis(p, levels) for p in parameters]
    size = int(np.prod([len(a) for a in axes], dtype=np.float64))
    if size > _MAX_FACTORIAL:
        raise UsageError(
            f"factorial design: {size} experiments exceed the limit of {_MAX_FACTORIAL} "
            "(hint: lower levels or use design='lhs')"
        )
    return np.array(list(itertools.product(*axes)), dtype=np.float64).reshape(size, len(axes))


def sample(
    parameters: Sequence[Parameter],
    *,
    design: DesignKind,
    n: int | None = None,
    seed: int,
    **opts: Any,
) -> Design:
    """Draw an experiment design over ``parameters``.

    Parameters
    ----------
    parameters : sequence of Parameter
        The uncertainties to vary (at least one; names distinct).
    design : {"lhs", "sobol", "morris", "factorial"}
        The design (see the module docstring).
    n : int
        Points (``lhs``, ``sobol``), base samples (``sobol`` with
        ``sensitivity=True``) or trajectories (``morris``); ignored by
        ``factorial``.
    seed : int
        Root seed; the same seed gives the same design.
    **opts
        ``sensitivity`` and ``second_order`` (sobol), ``num_levels`` and
        ``optimal_trajectories`` (morris), ``levels`` (factorial).

    Returns
    -------
    Design

    Raises
    ------
    UsageError
        For an unknown design, an invalid ``n``, unknown options or no
        parameters.

    Examples
    --------
    >>> from escalade.explore.parameters import RealParameter
    >>> d = sample([RealParameter("x", 0, 1)], design="lhs", n=8, seed=1)
    >>> d.experiments.shape
    (8, 1)
    """
    params = tuple(parameters)
    if not params:
        raise UsageError("parameters: expected at least one uncertainty to vary")
    check_names(params)
    seed = validate_seed(seed)
    if design not in _KINDS:
        raise UsageError(f"design: expected one of {', '.join(_KINDS)}, found {design!r}")
    allowed = {
        "lhs": set(),
        "sobol": {"sensitivity", "second_order"},
        "morris": {"num_levels", "optimal_trajectories"},
        "factorial": {"levels"},
    }[design]
    unknown = sorted(set(opts) - allowed)
    if unknown:
        raise UsageError(
            f"design {design!r}: unknown option(s) {', '.join(unknown)} "
            f"(expected: {', '.join(sorted(allowed)) or 'none'})"
        )
    options = dict(opts)
    if design == "factorial":
        samples = _factorial(params, opts=options)
    elif design == "morris":
        samples = _morris(params, n=_check_n(n, design), seed=seed, opts=options)
    elif design == "sobol" and options.get("sensitivity"):
        samples = _saltelli(params, n=_check_n(n, design), seed=seed, opts=options)
    else:
        samples = _qmc(params, kind=design, n=_check_n(n, design), seed=seed, opts=options)
    return Design(
        kind=design,
        parameters=params,
        experiments=to_frame(params, samples),
        samples=samples,
        problem=salib_problem(params),
        seed=seed,
        options=options,
    )


def design_from_frame(parameters: Sequence[Parameter], experiments: pd.DataFrame) -> Design:
    """Wrap a user-supplied table of experiments as a :class:`Design`.

    Columns must be named after ``parameters``; values are not resampled.
    """
    params = tuple(parameters)
    check_names(params)
    missing = [p.name for p in params if p.name not in experiments.columns]
    if missing:
        raise UsageError(f"experiments: missing column(s) {', '.join(missing)}")
    frame = experiments[[p.name for p in params]].reset_index(drop=True)
    frame.index.name = "scenario"
    samples = np.zeros((len(frame), len(params)), dtype=np.float64)
    for j, p in enumerate(params):
        if isinstance(p, CategoricalParameter):
            lookup = {c: i for i, c in enumerate(p.categories)}
            unknown = sorted({str(v) for v in frame[p.name] if v not in lookup})
            if unknown:
                raise UsageError(
                    f"experiments: column {p.name!r} holds unknown categories "
                    f"{', '.join(unknown)} (expected: {list(p.categories)})"
                )
            codes = np.array([lookup[v] for v in frame[p.name]], dtype=np.float64)
            samples[:, j] = codes + 0.5
            frame[p.name] = pd.Categorical(frame[p.name], categories=list(p.categories))
        elif isinstance(p, RealParameter | IntegerParameter):
            samples[:, j] = frame[p.name].to_numpy(dtype=np.float64)
    return Design("given", params, frame, samples, salib_problem(params), 0, {})
