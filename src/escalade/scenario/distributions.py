"""Parameter checks and supports of the uncertainty distributions."""

from __future__ import annotations

import math

from escalade.scenario.schema import UncertaintySpec

__all__ = ["support", "uncertainty_problems"]


def uncertainty_problems(u: UncertaintySpec) -> list[tuple[str, str]]:  # noqa: PLR0912
    """Return ``(message, field)`` for every invalid parameter of ``u``."""
    out: list[tuple[str, str]] = []

    def need(*names: str) -> bool:
        missing = [n for n in names if getattr(u, n) is None]
        for n in missing:
            out.append((f"expected '{n}' for a {u.dist} distribution, found nothing", n))
        return not missing

    if u.dist in {"uniform", "triangular"} and need("low", "high"):
        assert u.low is not None and u.high is not None
        if not u.low < u.high:
            out.append((f"expected low < high, found low {u.low} and high {u.high}", "low"))
        if (
            u.dist == "triangular"
            and need("mode")
            and u.mode is not None
            and not u.low <= u.mode <= u.high
        ):
            out.append(
                (
                    f"expected low <= mode <= high, found {u.mode} outside [{u.low}, {u.high}]",
                    "mode",
                )
            )
    elif u.dist == "normal" and need("mean", "sd"):
        assert u.sd is not None
        if not u.sd > 0:
            out.append((f"expected sd > 0, found {u.sd}", "sd"))
        if u.low is not None and u.high is not None and not u.low < u.high:
            out.append(
                (f"expected low < high for the truncation, found {u.low} and {u.high}", "low")
            )
    elif u.dist == "beta" and need("alpha", "beta"):
        assert u.alpha is not None and u.beta is not None
        for name, value in (("alpha", u.alpha), ("beta", u.beta)):
            if not value > 0:
                out.append((f"expected {name} > 0, found {value}", name))
        low = 0.0 if u.low is None else u.low
        high = 1.0 if u.high is None else u.high
        if not low < high:
            out.append((f"expected low < high, found {low} and {high}", "low"))
    elif u.dist == "choice" and need("values"):
        assert u.values is not None
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
    if u.nominal is not None and not out:
        low, high = support(u)
        if not low <= u.nominal <= high:
            out.append(
                (f"expected a nominal value within [{low}, {high}], found {u.nominal}", "nominal")
            )
    return out


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
