"""Compiled (vectorised) evaluation, constant folding and the reference interpreter."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest

from escalade.errors import ExpressionError, UsageError
from escalade.scenario.expr import (
    Compiled,
    Env,
    ScalarValues,
    Type,
    compile_expr,
    evaluate_constant,
    interpret,
    parse,
)

ENV = Env(
    variables=("x", "y"),
    arenas=("ukraine", "korea"),
    options=("deploy", "strike"),
    uncertainties=("u",),
)
NOV5 = dt.date(2024, 11, 5).toordinal()


@dataclass(frozen=True)
class State:
    n: int
    round: int
    day: int
    variables: npt.NDArray[np.float64]
    rungs: npt.NDArray[np.float64]
    taken: npt.NDArray[np.bool_]
    uncertainties: npt.NDArray[np.float64]


def make_state(round_: int = 2, day: int = NOV5) -> State:
    return State(
        n=4,
        round=round_,
        day=day,
        variables=np.array([[-1.5, 0.0], [0.0, 2.0], [2.5, -3.0], [4.0, 0.5]]),
        rungs=np.array([[12.0, 1.0], [13.0, 0.0], [20.0, 5.0], [44.0, 2.0]]),
        taken=np.array([[True, False], [False, False], [True, True], [False, True]]),
        uncertainties=np.array([[0.1], [0.3], [0.5], [0.8]]),
    )


def run(text: str, state: State | None = None, env: Env = ENV) -> npt.NDArray[np.generic]:
    return compile_expr(parse(text), env)(state or make_state())


X = np.array([-1.5, 0.0, 2.5, 4.0])
Y = np.array([0.0, 2.0, -3.0, 0.5])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x + y * 2", X + Y * 2),
        ("x - y / 4", X - Y / 4),
        ("x % 2", np.mod(X, 2)),
        ("-7 % 3 + x * 0", np.full(4, 2.0)),
        ("7 % -3 + x * 0", np.full(4, -2.0)),
        ("x ** 2", X**2),
        ("-x ** 2", -(X**2)),
        ("+x", X),
        ("min(x, y)", np.minimum(X, Y)),
        ("max(x, y, 1)", np.maximum(np.maximum(X, Y), 1)),
        ("clip(x, 0, 3)", np.clip(X, 0, 3)),
        ("clip(x, y, 3)", np.minimum(np.maximum(X, Y), 3)),
        ("abs(x)", np.abs(X)),
        ("sqrt(abs(x))", np.sqrt(np.abs(X))),
        ("exp(x)", np.exp(X)),
        ("log(x + 2)", np.log(X + 2)),
        ("sin(x)", np.sin(X)),
        ("cos(x)", np.cos(X)),
        ("floor(x)", np.floor(X)),
        ("ceil(x)", np.ceil(X)),
        ("where(x > 0, x, y)", np.where(X > 0, X, Y)),
        ("where(taken('deploy'), 1, 0)", np.array([1.0, 0.0, 1.0, 0.0])),
        ("0.002 * rung('ukraine')", 0.002 * np.array([12.0, 13.0, 20.0, 44.0])),
        ("rung('korea') + $u", np.array([1.1, 0.3, 5.5, 2.8])),
        ("round * 10 + x * 0", np.full(4, 20.0)),
        ("date - 2024-11-01", np.full(4, 4.0)),
    ],
)
def test_numbers(text: str, expected: npt.NDArray[np.float64]) -> None:
    out = run(text)
    assert out.dtype == np.float64
    assert out.shape == (4,)
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("taken('deploy')", [True, False, True, False]),
        ("taken('deploy') and taken('strike')", [False, False, True, False]),
        ("taken('deploy') or taken('strike')", [True, False, True, True]),
        ("not taken('strike')", [True, True, False, False]),
        ("x > 0", [False, False, True, True]),
        ("x >= 0 and y != 0", [False, True, True, True]),
        ("x < y or x == 4", [True, True, False, True]),
        ("x <= 0", [True, True, False, False]),
        ("taken('deploy') == (x < 0)", [True, True, False, True]),
        ("where(x > 0, taken('deploy'), taken('strike'))", [False, False, True, False]),
        ("date >= 2024-11-05", [True] * 4),
        ("date > 2024-11-05", [False] * 4),
        ("round == 2", [True] * 4),
    ],
)
def test_conditions(text: str, expected: list[bool]) -> None:
    out = run(text)
    assert out.dtype == np.bool_
    assert out.tolist() == expected


def test_dates_are_day_ordinals() -> None:
    compiled = compile_expr(parse("date + 7"), ENV)
    assert compiled.type is Type.DATE
    assert run("date + 7").tolist() == [float(NOV5 + 7)] * 4
    assert run("min(date, 2024-11-01)").tolist() == [float(NOV5 - 4)] * 4
    later = make_state(day=dt.date(2025, 1, 1).toordinal())
    assert run("date - 2024-12-25", later).tolist() == [7.0] * 4
    assert run("date >= 2024-11-05 and date < 2025-01-01", later).tolist() == [False] * 4


def test_ieee_semantics_without_warnings() -> None:
    # pytest turns warnings into errors, so these also prove no warning escapes.
    out = run("x / y")
    assert out[0] == -math.inf
    assert out[1] == 0.0
    assert math.isnan(run("y / x * 0 / y")[1])
    assert run("1 / y")[0] == math.inf
    assert math.isnan(run("log(x)")[0])
    assert run("log(x)")[1] == -math.inf
    assert math.isnan(run("sqrt(x)")[0])
    assert math.isnan(run("x % 0")[2])
    assert math.isnan(run("(-8) ** (1 / 3) + x * 0")[0])
    assert evaluate_constant("1 / 0") == math.inf
    assert math.isnan(evaluate_constant("0 / 0"))


def test_nan_propagates_through_min_max_clip() -> None:
    assert np.isnan(run("min(x, sqrt(x))")[0])
    assert np.isnan(run("max(sqrt(x), x)")[0])
    assert np.isnan(run("clip(sqrt(x), 0, 1)")[0])


def test_constant_folding() -> None:
    compiled = compile_expr(parse("1 + 2 * 3 - min(4, 5) + 2024-11-05 - 2024-11-01"), ENV)
    assert compiled.constant == 7.0
    assert compiled.depends == frozenset()
    assert compile_expr(parse("not (1 < 2) or false"), ENV).constant is False
    assert compile_expr(parse("2024-11-05 + 1"), ENV).constant == float(NOV5 + 1)
    folded = compile_expr(parse("where(1 > 2, x, 3)"), ENV)
    assert folded.constant == 3.0
    assert folded.depends == {("variable", "x")}
    partly = compile_expr(parse("x + (2 * 3)"), ENV)
    assert partly.constant is None
    assert partly.depends == {("variable", "x")}
    assert compile_expr(parse("round + 1"), ENV).constant is None
    out = compile_expr(parse("3"), ENV)(make_state())
    assert out.tolist() == [3.0] * 4
    assert out.flags.writeable
    assert compile_expr(parse("true"), ENV)(make_state()).dtype == np.bool_


def test_results_never_alias_writable_state() -> None:
    state = make_state()
    for text in ("x", "+x", "rung('ukraine')", "taken('deploy')", "$u", "where(true, x, y)"):
        out = compile_expr(parse(text), ENV)(state)
        assert out.shape == (4,)
        if np.shares_memory(out, state.variables) or np.shares_memory(out, state.rungs):
            assert not out.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            out[0] = 99
    fresh = run("x + 1", state)
    fresh[0] = 99
    assert state.variables[0, 0] == -1.5


def test_state_columns_are_resolved_by_position() -> None:
    env = Env(variables=("y", "x"))
    state = make_state()
    assert run("x", state, env).tolist() == Y.tolist()
    assert run("y", state, env).tolist() == X.tolist()


def test_compiled_pickles_and_describes_itself() -> None:
    compiled = compile_expr(parse("0.002*rung('ukraine') + where(taken('deploy'), 1, 0)"), ENV)
    clone = pickle.loads(pickle.dumps(compiled))
    assert isinstance(clone, Compiled)
    np.testing.assert_array_equal(clone(make_state()), compiled(make_state()))
    assert clone.depends == compiled.depends
    assert repr(compiled) == (
        "Compiled(\"0.002 * rung('ukraine') + where(taken('deploy'), 1, 0)\", type=NUMBER)"
    )


def test_compile_checks_first() -> None:
    with pytest.raises(ExpressionError, match="unknown variable 'z'"):
        compile_expr(parse("z + 1"), ENV)


def test_interpret_matches_compiled_per_trajectory() -> None:
    state = make_state()
    for text in (
        "clip(x * 2 + $u, y, 3) - rung('korea') % 3",
        "where(taken('deploy') and not taken('strike'), x ** 2, -y)",
        "date - 2024-01-01 + round",
        "x > y or rung('ukraine') >= 20",
    ):
        expr = parse(text)
        compiled = compile_expr(expr, ENV)(state)
        for i in range(state.n):
            values = ScalarValues(
                round=state.round,
                day=state.day,
                variables={"x": X[i], "y": Y[i]},
                rungs={"ukraine": state.rungs[i, 0], "korea": state.rungs[i, 1]},
                taken={"deploy": bool(state.taken[i, 0]), "strike": bool(state.taken[i, 1])},
                uncertainties={"u": state.uncertainties[i, 0]},
            )
            assert interpret(expr, ENV, values) == compiled[i].item()


def test_interpret_types_and_missing_values() -> None:
    assert interpret(parse("1 < 2"), ENV, ScalarValues()) is True
    assert interpret(parse("2 ** 10"), ENV, ScalarValues()) == 1024.0
    assert interpret(parse("1 / 0"), ENV, ScalarValues()) == math.inf
    assert math.isnan(interpret(parse("min(0 / 0, 1)"), ENV, ScalarValues()))
    with pytest.raises(UsageError, match="needs a value for variable 'x'"):
        interpret(parse("x"), ENV, ScalarValues())
    with pytest.raises(UsageError, match="needs a value for option 'deploy'"):
        interpret(parse("taken('deploy')"), ENV, ScalarValues())
    with pytest.raises(ExpressionError, match="unknown variable"):
        interpret(parse("nope"), ENV, ScalarValues())


def test_evaluate_constant() -> None:
    assert evaluate_constant("-2**2") == -4.0
    assert evaluate_constant(".5 + 1e-3") == 0.501
    assert evaluate_constant("2024-11-05 - 2024-10-28") == 8.0
    assert evaluate_constant("clip(7, 0, 5)") == 5.0
    with pytest.raises(ExpressionError, match="unknown variable 'x'"):
        evaluate_constant("x + 1")
    with pytest.raises(ExpressionError, match="a constant cannot use 'round'"):
        evaluate_constant("round + 1")
    with pytest.raises(ExpressionError, match="expected a number, found true/false"):
        evaluate_constant("1 < 2")
    with pytest.raises(ExpressionError, match="expected a number, found a date"):
        evaluate_constant("2024-11-05")


def test_vectorised_speed_on_a_million_trajectories() -> None:
    n = 1_000_000
    rng = np.random.default_rng(7)
    state = State(
        n=n,
        round=3,
        day=NOV5,
        variables=rng.random((n, 2)),
        rungs=rng.integers(0, 44, (n, 2)).astype(np.float64),
        taken=rng.random((n, 2)) < 0.5,
        uncertainties=rng.random((n, 1)),
    )
    compiled = compile_expr(parse("0.002 * rung('ukraine') + where(taken('strike'), 1, 0)"), ENV)
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        out = compiled(state)
        best = min(best, time.perf_counter() - start)
    expected = 0.002 * state.rungs[:, 0] + state.taken[:, 1]
    np.testing.assert_allclose(out, expected, rtol=1e-15)
    assert best < 0.05, f"took {best * 1e3:.1f} ms for 10^6 trajectories"
