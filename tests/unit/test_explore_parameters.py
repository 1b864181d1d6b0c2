"""Parameters: validation, mapping from the unit interval, ``vary`` parsing."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.errors import UsageError
from escalade.explore.parameters import (
    CategoricalParameter,
    IntegerParameter,
    RealParameter,
    parse_varies,
    parse_vary,
)


def test_real_maps_unit_interval_onto_bounds():
    p = RealParameter("x", -2, 6)
    assert p.low == -2.0 and isinstance(p.low, float)
    np.testing.assert_allclose(p.from_unit(np.array([0.0, 0.25, 1.0])), [-2.0, 0.0, 6.0])
    assert p.bounds == (-2.0, 6.0)


def test_integer_gives_equal_width_cells():
    p = IntegerParameter("k", 1, 4)
    u = np.linspace(0, 1, 4001)
    values = p.from_unit(u)
    assert set(values.tolist()) == {1, 2, 3, 4}
    counts = np.bincount(values)[1:]
    assert counts.max() - counts.min() <= 1
    assert p.from_unit(np.array([1.0]))[0] == 4


def test_categorical_maps_to_categories():
    p = CategoricalParameter("stance", ["hawk", "dove", "owl"])
    assert p.categories == ("hawk", "dove", "owl")
    assert p.from_unit(np.array([0.0, 0.5, 0.999, 1.0])).tolist() == ["hawk", "dove", "owl", "owl"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: RealParameter("x", 1, 1), "parameter 'x': expected low < high, found low=1"),
        (lambda: RealParameter("x", 0, float("inf")), "parameter 'x': high: expected a finite"),
        (lambda: RealParameter("x", "0", 1), "parameter 'x': low: expected a number"),
        (lambda: RealParameter("2x", 0, 1), "parameter name: expected an identifier"),
        (lambda: IntegerParameter("k", 0, 1.5), "parameter 'k': high: expected an integer"),
        (lambda: IntegerParameter("k", 3, 2), "parameter 'k': expected low < high"),
        (lambda: CategoricalParameter("c", []), "parameter 'c': categories: expected at least"),
        (lambda: CategoricalParameter("c", ["a", "a"]), "parameter 'c': categories: found dup"),
        (lambda: CategoricalParameter("c", "ab"), "parameter 'c': categories: expected a seq"),
        (lambda: CategoricalParameter("c", [None]), "expected text, numbers or booleans"),
    ],
)
def test_invalid_parameters_name_the_parameter(make, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        make()


def test_parameters_are_frozen_and_hashable():
    p = RealParameter("x", 0, 1)
    with pytest.raises(AttributeError):
        p.low = 3  # type: ignore[misc]
    assert {p, RealParameter("x", 0, 1)} == {p}


def test_parse_vary_forms():
    assert parse_vary("p=0.1:0.6") == RealParameter("p", 0.1, 0.6)
    assert parse_vary(" p = 0:1 ") == RealParameter("p", 0.0, 1.0)
    assert parse_vary("k=2:5:int") == IntegerParameter("k", 2, 5)
    assert parse_vary("s=hawk,dove,3") == CategoricalParameter("s", ("hawk", "dove", 3))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p", "expected NAME=LOW:HIGH"),
        ("p=", "expected NAME=LOW:HIGH"),
        ("p=a:b", "expected numbers for LOW and HIGH"),
        ("p=1:2:3", "expected LOW:HIGH, LOW:HIGH:int or A,B,C"),
        ("p=0.5:0.1", "parameter 'p': expected low < high"),
    ],
)
def test_parse_vary_errors_quote_the_argument(text, message):
    with pytest.raises(UsageError, match=f"^vary '{text}'.*{message}"):
        parse_vary(text)


def test_parse_varies_rejects_duplicates():
    assert len(parse_varies(["a=0:1", "b=0:1"])) == 2
    with pytest.raises(UsageError, match="'a' is used twice"):
        parse_varies(["a=0:1", "a=1:2"])
