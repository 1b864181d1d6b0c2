"""Parameter checks and supports of the uncertainty distributions."""

from __future__ import annotations

import math
from collections.abc import Callable

from escalade.scenario.schema import UncertaintySpec

__all__ = ["allowed_values", "support", "uncertainty_problems", "value_problem"]


def uncertainty_problems(u: UncertaintySpec) -> list[tuple[str, str]]:
    """Return ``(message, field)`` for every invalid parameter of ``u``."""
    out: list[tuple[str, str]] = []
    needed = _NEEDS.get(u.dist)
    if needed is not None:
        out += _missing(u, needed)
        if not out:
            out += _CHECKS[u.dist](u)
    if u.nominal is not None and not out:
        low, high = support(u)
        if not low <= u.nominal <= high:
            out.append(
                (f"expected a nominal value within [{low}, {high}], found {u.nominal}", "nominal")
            )
    return out


def _missing(u: UncertaintySpec, names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (f"expected '{n}' for a {u.dist} distribution, found nothing", n)
        for n in names
        if getattr(u, n) is None
    ]


def _order_hint(low: float, high: float) -> str:
    """The hint of a range whose ends are swapped or equal."""
    if low > high:
        return " (the two ends are swapped: write the smaller as low)"
    return " (a range needs two different ends; for a fixed value write the number itself)"


def _interval(u: UncertaintySpec) -> list[tuple[str, str]]:
    """Uniform and triangular: low < high, and low <= mode <= high."""
    assert u.low is not None and u.high is not None
    out: list[tuple[str, str]] = []
    if not u.low < u.high:
        found = f"found low {u.low} and high {u.high}"
        out.append((f"expected low < high, {found}{_order_hint(u.low, u.high)}", "low"))
    if u.dist == "triangular":
        missing = _missing(u, ("mode",))
        out += missing
        if not missing and u.mode is not None and not u.low <= u.mode <= u.high:
            out.append(
                (
                    f"expected low <= mode <= high, found {u.mode} outside [{u.low}, {u.high}]",
                    "mode",
                )
            )
    return out


def _normal(u: UncertaintySpec) -> list[tuple[str, str]]:
    assert u.sd is not None
    out: list[tuple[str, str]] = []
    if not u.sd > 0:
        out.append((f"expected sd > 0, found {u.sd}", "sd"))
    if u.low is not None and u.high is not None and not u.low < u.high:
        hint = _order_hint(u.low, u.high)
        out.append(
            (f"expected low < high for the truncation, found {u.low} and {u.high}{hint}", "low")
        )
    return out


def _beta(u: UncertaintySpec) -> list[tuple[str, str]]:
    assert u.alpha is not None and u.beta is not None
    out = [
        (f"expected {name} > 0, found {value}", name)
        for name, value in (("alpha", u.alpha), ("beta", u.beta))
        if not value > 0
    ]
    low = 0.0 if u.low is None else u.low
    high = 1.0 if u.high is None else u.high
    if not low < high:
        out.append((f"expected low < high, found {low} and {high}{_order_hint(low, high)}", "low"))
    return out


def _choice(u: UncertaintySpec) -> list[tuple[str, str]]:
    assert u.values is not None
    out: list[tuple[str, str]] = []
    if not u.values:
        out.append(("expected at least one value, found none", "values"))
    if u.weights is not None:
        if len(u.weights) != len(u.values):
            out.append(
                (
                    f"expected {len(u.values)} weights (one per value), found {len(u.weights)}",
                    "weights",
                )
            )
        elif any(w < 0 for w in u.weights) or sum(u.weights) <= 0:
            out.append(("expected non-negative weights with a positive sum", "weights"))
    return out


_NEEDS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "triangular": ("low", "high"),
    "normal": ("mean", "sd"),
    "beta": ("alpha", "beta"),
    "choice": ("values",),
}
_CHECKS: dict[str, Callable[[UncertaintySpec], list[tuple[str, str]]]] = {
    "uniform": _interval,
    "triangular": _interval,
    "normal": _normal,
    "beta": _beta,
    "choice": _choice,
}


def support(u: UncertaintySpec) -> tuple[float, float]:
    """Return the support ``(low, high)`` of a valid uncertainty."""
    if u.dist == "choice":
        assert u.values
        return min(u.values), max(u.values)
    if u.dist == "beta":
        return (0.0 if u.low is None else u.low), (1.0 if u.high is None else u.high)
    low = -math.inf if u.low is None else u.low
    high = math.inf if u.high is None else u.high
    return low, high


def allowed_values(u: UncertaintySpec) -> str:
    """The values a user may fix ``u`` to, in words (a valid uncertainty).

    ``uniform, 0.3 to 0.8`` (the support of a continuous distribution, ``any value``
    or one bound when it is unbounded) or ``choice: 4 or 5`` (the listed values): what
    :func:`value_problem` accepts, shown before a user types a value.
    """
    if u.dist == "choice":
        assert u.values
        shown = [f"{v:g}" for v in u.values]
        return f"choice: {', '.join(shown[:-1])} or {shown[-1]}" if len(shown) > 1 else shown[0]
    low, high = support(u)
    if math.isinf(low) and math.isinf(high):
        return f"{u.dist}, any value"
    if math.isinf(high):
        return f"{u.dist}, {low:g} or more"
    if math.isinf(low):
        return f"{u.dist}, {high:g} or less"
    return f"{u.dist}, {low:g} to {high:g}"


def value_problem(u: UncertaintySpec, value: float) -> str | None:
    """Why ``value`` cannot be a draw of ``u`` (``None`` when it can).

    The value must lie in the support of a continuous distribution (its range),
    or be one of the listed ``values`` of a ``choice``. Used wherever a user
    fixes an uncertainty to one value (the dashboard's run overrides).

    Parameters
    ----------
    u : UncertaintySpec
        A valid uncertainty.
    value : float
        The value a user gives it.

    Returns
    -------
    str or None
        ``"<id>: expected ..., found ..."`` with a hint, or ``None``.
    """
    if u.dist == "choice":
        assert u.values
        if any(math.isclose(value, v, rel_tol=1e-12, abs_tol=1e-12) for v in u.values):
            return None
        shown = ", ".join(f"{v:g}" for v in u.values)
        return (
            f"{u.id}: expected one of the choice values [{shown}], found {value:g}; "
            "hint: pick a listed value, or add it to the uncertainty's values"
        )
    low, high = support(u)
    if math.isfinite(value) and low <= value <= high:
        return None
    return (
        f"{u.id}: expected a value in the {u.dist} range [{low:g}, {high:g}], found {value:g}; "
        "hint: pick a value inside the range, or widen the uncertainty's range"
    )
