"""Uncertainties and levers: real, integer and categorical parameters.

The names follow EMA Workbench (Kwakkel 2017): a parameter is either an
*uncertainty* (X, a condition nobody controls) or a *lever* (L, a choice of
policy). Every parameter maps the unit interval onto its values with
:meth:`from_unit`, so all designs are drawn on the unit hypercube first.

Parameters are also built from command-line strings with :func:`parse_vary`:

* ``NAME=LOW:HIGH`` — a real parameter on ``[LOW, HIGH]``;
* ``NAME=LOW:HIGH:int`` — an integer parameter on ``{LOW, ..., HIGH}``;
* ``NAME=A,B,C`` — a categorical parameter with the listed values
  (numbers are read as numbers, anything else as text).

Examples
--------
>>> parse_vary("p_retaliate=0.1:0.6")
RealParameter(name='p_retaliate', low=0.1, high=0.6)
>>> parse_vary("stance=hawk,dove")
CategoricalParameter(name='stance', categories=('hawk', 'dove'))
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from escalade._types import FloatArray
from escalade.errors import UsageError

__all__ = [
    "CategoricalParameter",
    "Category",
    "IntegerParameter",
    "Parameter",
    "RealParameter",
    "check_names",
    "parse_varies",
    "parse_vary",
]

Category = str | int | float | bool
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise UsageError(
            f"parameter name: expected an identifier (letters, digits, '_', '.'), found {name!r}"
        )
    return name


def _check_number(name: str, field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise UsageError(f"parameter {name!r}: {field}: expected a number, found {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise UsageError(f"parameter {name!r}: {field}: expected a finite number, found {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class RealParameter:
    """A real parameter, uniform on ``[low, high]``.

    Parameters
    ----------
    name : str
        Identifier of the parameter.
    low, high : float
        Bounds, with ``low < high``.
    """

    name: str
    low: float
    high: float
    kind: Literal["real"] = field(default="real", init=False, repr=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        low = _check_number(self.name, "low", self.low)
        high = _check_number(self.name, "high", self.high)
        if not low < high:
            raise UsageError(
                f"parameter {self.name!r}: expected low < high, found low={low:g}, high={high:g}"
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    @property
    def bounds(self) -> tuple[float, float]:
        """The interval SALib samples on (``[low, high]``)."""
        return (self.low, self.high)

    def from_unit(self, u: FloatArray) -> npt.NDArray[np.float64]:
        """Map points of ``[0, 1]`` onto ``[low, high]``."""
        return self.low + np.asarray(u, dtype=np.float64) * (self.high - self.low)

    def __repr__(self) -> str:
        return f"RealParameter(name={self.name!r}, low={self.low!r}, high={self.high!r})"


@dataclass(frozen=True, slots=True)
class IntegerParameter:
    """An integer parameter, uniform on ``{low, low + 1, ..., high}``.

    Parameters
    ----------
    name : str
        Identifier of the parameter.
    low, high : int
        Inclusive bounds, with ``low < high``.
    """

    name: str
    low: int
    high: int
    kind: Literal["integer"] = field(default="integer", init=False, repr=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        for bound in ("low", "high"):
            value = getattr(self, bound)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise UsageError(
                    f"parameter {self.name!r}: {bound}: expected an integer, found {value!r}"
                )
            object.__setattr__(self, bound, int(value))
        if not self.low < self.high:
            raise UsageError(
                f"parameter {self.name!r}: expected low < high, "
                f"found low={self.low}, high={self.high}"
            )

    @property
    def bounds(self) -> tuple[float, float]:
        """The interval SALib samples on (``[low, high + 1]``, floored)."""
        return (float(self.low), float(self.high + 1))

    def from_unit(self, u: FloatArray) -> npt.NDArray[np.int64]:
        """Map points of ``[0, 1]`` onto the integers ``low..high`` (equal widths)."""
        count = self.high - self.low + 1
        index = np.floor(np.asarray(u, dtype=np.float64) * count).astype(np.int64)
        return self.low + np.clip(index, 0, count - 1)

    def __repr__(self) -> str:
        return f"IntegerParameter(name={self.name!r}, low={self.low!r}, high={self.high!r})"


@dataclass(frozen=True, slots=True)
class CategoricalParameter:
    """A categorical parameter, uniform over its ``categories``.

    Parameters
    ----------
    name : str
        Identifier of the parameter.
    categories : sequence of str, int, float or bool
        The distinct values, in a fixed order (at least one).
    """

    name: str
    categories: tuple[Category, ...]
    kind: Literal["categorical"] = field(default="categorical", init=False, repr=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        cats: object = self.categories
        if isinstance(cats, str) or not isinstance(cats, Iterable):
            raise UsageError(
                f"parameter {self.name!r}: categories: expected a sequence of values, "
                f"found {cats!r}"
            )
        cats = tuple(cats)
        if not cats:
            raise UsageError(f"parameter {self.name!r}: categories: expected at least one value")
        for value in cats:
            if not isinstance(value, str | int | float | bool):
                raise UsageError(
                    f"parameter {self.name!r}: categories: expected text, numbers or booleans, "
                    f"found {value!r}"
                )
        if len(set(cats)) != len(cats):
            raise UsageError(f"parameter {self.name!r}: categories: found duplicates in {cats!r}")
        object.__setattr__(self, "categories", cats)

    @property
    def bounds(self) -> tuple[float, float]:
        """The interval SALib samples on (``[0, k]``, floored to a category index)."""
        return (0.0, float(len(self.categories)))

    def index_from_unit(self, u: FloatArray) -> npt.NDArray[np.int64]:
        """Map points of ``[0, 1]`` onto category indices ``0..k-1``."""
        count = len(self.categories)
        index = np.floor(np.asarray(u, dtype=np.float64) * count).astype(np.int64)
        return np.clip(index, 0, count - 1)

    def values(self) -> npt.NDArray[np.generic]:
        """The categories as a NumPy array (text, numbers or booleans)."""
        return np.asarray(self.categories)

    def from_unit(self, u: FloatArray) -> npt.NDArray[np.generic]:
        """Map points of ``[0, 1]`` onto the categories (equal widths)."""
        return self.values()[self.index_from_unit(u)]

    def __repr__(self) -> str:
        return f"CategoricalParameter(name={self.name!r}, categories={self.categories!r})"


Parameter = RealParameter | IntegerParameter | CategoricalParameter


def check_names(parameters: Sequence[Parameter], *, what: str = "parameters") -> None:
    """Raise :class:`UsageError` if two parameters share a name."""
    seen: set[str] = set()
    for p in parameters:
        if p.name in seen:
            raise UsageError(f"{what}: the name {p.name!r} is used twice", parameter=what)
        seen.add(p.name)


def _category(text: str) -> Category:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def parse_vary(text: str) -> Parameter:
    """Build a parameter from a ``vary`` string such as ``"p=0.1:0.6"`` (see the module docstring).

    Raises
    ------
    UsageError
        If the text is not ``NAME=LOW:HIGH``, ``NAME=LOW:HIGH:int`` or
        ``NAME=A,B,...``, or if the bounds are invalid.
    """
    where = f"vary {text!r}"
    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name or not spec:
        raise UsageError(
            f"{where}: expected NAME=LOW:HIGH, NAME=LOW:HIGH:int or NAME=A,B,C "
            "(hint: e.g. p_retaliate=0.1:0.6)",
            parameter="vary",
        )
    try:
        if "," in spec:
            cats = tuple(_category(c.strip()) for c in spec.split(","))
            return CategoricalParameter(name, cats)
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) == 3 and parts[2] == "int":
            return IntegerParameter(name, int(parts[0]), int(parts[1]))
        if len(parts) == 2:
            return RealParameter(name, float(parts[0]), float(parts[1]))
    except ValueError as exc:
        if isinstance(exc, UsageError):
            raise UsageError(f"{where}: {exc}", parameter="vary") from exc
        raise UsageError(
            f"{where}: expected numbers for LOW and HIGH, found {spec!r}", parameter="vary"
        ) from exc
    raise UsageError(
        f"{where}: expected LOW:HIGH, LOW:HIGH:int or A,B,C after '=', found {spec!r}",
        parameter="vary",
    )


def parse_varies(texts: Iterable[str]) -> tuple[Parameter, ...]:
    """Build parameters from several ``vary`` strings; names must be distinct."""
    params = tuple(parse_vary(t) for t in texts)
    check_names(params, what="vary")
    return params
