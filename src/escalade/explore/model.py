"""The batch-model interface that experiments run against.

A *batch model* evaluates many experiments in one vectorised call. It
declares its uncertainties (X), its levers (L) and its outcomes (M), and
implements the relation (R) as::

    run(params, rng, n) -> {outcome_name: array of shape (n,)}

where ``params`` maps every uncertainty and lever name to an array of ``n``
values (one per evaluation) and ``rng`` is the only source of randomness the
model may use. The scenario engine is one batch model; :class:`FunctionModel`
turns any plain function ``f(params, rng, n)`` into another.

A model is sent to worker processes by pickling, so ``f`` must be a
module-level function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from escalade.errors import SimulationError, UsageError
from escalade.explore.parameters import CategoricalParameter, Parameter, check_names

__all__ = [
    "BatchModel",
    "FunctionModel",
    "OutcomeKind",
    "ScalarOutcome",
    "check_outputs",
]

OutcomeKind = Literal["maximize", "minimize", "info"]
Params = Mapping[str, npt.NDArray[np.generic]]
Outputs = Mapping[str, npt.NDArray[np.generic]]


@dataclass(frozen=True, slots=True)
class ScalarOutcome:
    """One scalar outcome of a model (as EMA Workbench's ``ScalarOutcome``).

    Parameters
    ----------
    name : str
        Name of the outcome (a column of the outcomes table).
    kind : {"maximize", "minimize", "info"}
        Direction used by robustness analyses; ``"info"`` has none.
    """

    name: str
    kind: OutcomeKind = "info"

    def __post_init__(self) -> None:
        name: object = self.name
        if not isinstance(name, str) or not name:
            raise UsageError(f"outcome name: expected a non-empty string, found {self.name!r}")
        if self.kind not in ("maximize", "minimize", "info"):
            raise UsageError(
                f"outcome {self.name!r}: kind: expected 'maximize', 'minimize' or 'info', "
                f"found {self.kind!r}"
            )


@runtime_checkable
class BatchModel(Protocol):
    """What :func:`~escalade.explore.run_experiments` needs from a model."""

    @property
    def name(self) -> str:
        """Name of the model (recorded in the experiments table)."""
        ...

    @property
    def uncertainties(self) -> tuple[Parameter, ...]:
        """The uncertainties (X) the model accepts."""
        ...

    @property
    def levers(self) -> tuple[CategoricalParameter, ...]:
        """The levers (L): categorical policy choices; may be empty."""
        ...

    @property
    def outcomes(self) -> tuple[ScalarOutcome, ...]:
        """The outcomes (M) the model returns."""
        ...

    def run(self, params: Params, rng: np.random.Generator, n: int) -> Outputs:
        """Evaluate ``n`` experiments at once (see the module docstring)."""
        ...


def _as_outcome(o: ScalarOutcome | str) -> ScalarOutcome:
    return o if isinstance(o, ScalarOutcome) else ScalarOutcome(o)


@dataclass(frozen=True, init=False)
class FunctionModel:
    """Wrap a vectorised function ``f(params, rng, n)`` as a batch model.

    Parameters
    ----------
    f : callable
        A module-level function returning a mapping from outcome names to
        arrays of shape ``(n,)``.
    uncertainties : sequence of Parameter
        The uncertainties (X).
    outcomes : sequence of ScalarOutcome or str
        The outcomes (M); a bare name is an ``"info"`` outcome.
    levers : sequence of CategoricalParameter, optional
        The levers (L).
    name : str, optional
        Defaults to the function's name.

    Examples
    --------
    >>> import numpy as np
    >>> from escalade.explore.parameters import RealParameter
    >>> def double(params, rng, n):
    ...     return {"y": 2 * params["x"]}
    >>> m = FunctionModel(double, [RealParameter("x", 0, 1)], ["y"])
    >>> m.run({"x": np.array([0.5])}, np.random.default_rng(0), 1)["y"]
    array([1.])
    """

    f: Callable[[Params, np.random.Generator, int], Outputs]
    uncertainties: tuple[Parameter, ...]
    outcomes: tuple[ScalarOutcome, ...]
    levers: tuple[CategoricalParameter, ...] = ()
    name: str = field(default="")

    def __init__(
        self,
        f: Callable[[Params, np.random.Generator, int], Outputs],
        uncertainties: Sequence[Parameter],
        outcomes: Sequence[ScalarOutcome | str],
        *,
        levers: Sequence[CategoricalParameter] = (),
        name: str | None = None,
    ) -> None:
        if not callable(f):
            raise UsageError(f"FunctionModel: expected a function, found {f!r}")
        outs = tuple(_as_outcome(o) for o in outcomes)
        if not outs:
            raise UsageError("FunctionModel: expected at least one outcome")
        if len({o.name for o in outs}) != len(outs):
            raise UsageError("FunctionModel: outcome names must be distinct")
        for lever in levers:
            if not isinstance(lever, CategoricalParameter):
                raise UsageError(
                    f"lever {getattr(lever, 'name', lever)!r}: expected a CategoricalParameter"
                )
        check_names((*uncertainties, *levers), what="uncertainties and levers")
        object.__setattr__(self, "f", f)
        object.__setattr__(self, "uncertainties", tuple(uncertainties))
        object.__setattr__(self, "outcomes", outs)
        object.__setattr__(self, "levers", tuple(levers))
        object.__setattr__(self, "name", name or getattr(f, "__name__", "model"))

    def run(self, params: Params, rng: np.random.Generator, n: int) -> Outputs:
        """Call ``f(params, rng, n)``."""
        return self.f(params, rng, n)


def check_outputs(
    model: BatchModel, outputs: object, n: int, *, first_row: int = 0
) -> dict[str, npt.NDArray[np.float64]]:
    """Check a model's outputs and return them as float arrays.

    Raises
    ------
    SimulationError
        If an outcome is missing, has the wrong shape, or holds NaN or
        infinity (the message names the outcome and the first bad row).
    """
    if not isinstance(outputs, Mapping):
        raise SimulationError(
            f"model {model.name!r}: run() returned {type(outputs).__name__}, expected a mapping "
            "from outcome names to arrays"
        )
    checked: dict[str, npt.NDArray[np.float64]] = {}
    for outcome in model.outcomes:
        if outcome.name not in outputs:
            raise SimulationError(
                f"model {model.name!r}: outcome {outcome.name!r} missing from run() "
                f"(returned: {', '.join(map(str, outputs)) or 'nothing'})"
            )
        values = np.asarray(outputs[outcome.name], dtype=np.float64)
        if values.shape == ():
            values = np.full(n, float(values))
        if values.shape != (n,):
            raise SimulationError(
                f"model {model.name!r}: outcome {outcome.name!r}: expected shape ({n},), "
                f"found {values.shape}"
            )
        bad = ~np.isfinite(values)
        if bad.any():
            row = first_row + int(np.argmax(bad))
            raise SimulationError(
                f"model {model.name!r}: outcome {outcome.name!r} is {values[bad][0]} "
                f"at experiment row {row}"
            )
        checked[outcome.name] = values
    return checked
