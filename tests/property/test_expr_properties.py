"""Hypothesis properties of the expression language.

1. Random well-typed trees print to text that parses back to the same tree.
2. The compiled (vectorised) form equals the reference interpreter elementwise.
3. Parsing random text raises nothing but ExpressionError, and whatever
   parses also checks, compiles and runs without any other exception.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from escalade.errors import ExpressionError
from escalade.scenario.expr import (
    Env,
    Expr,
    ScalarValues,
    Type,
    check,
    compile_expr,
    interpret,
    parse,
    to_source,
)
from escalade.scenario.expr.ast import (
    Binary,
    Bool,
    Builtin,
    Call,
    Date,
    Not,
    Number,
    String,
    Unary,
    Uncertainty,
    Variable,
)

ENV = Env(
    variables=("x", "y", "z"),
    arenas=("ukraine", "korea"),
    options=("deploy", "strike"),
    uncertainties=("u", "v"),
    parties=(("west", "east"), ("west", "east")),
)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

numbers = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 10.0, 0.001, 1e20, 1e-300]),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
).map(lambda value: Number(abs(value)))
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(Date)


def leaves(type_: Type) -> st.SearchStrategy[Expr]:
    if type_ is Type.NUMBER:
        return st.one_of(
            numbers,
            st.sampled_from(ENV.variables).map(Variable),
            st.sampled_from(ENV.uncertainties).map(Uncertainty),
            st.just(Builtin("round")),
            st.sampled_from(ENV.arenas).map(lambda a: Call("rung", (String(a),))),
            st.builds(
                lambda a, side: Call("last_move", (String(a), String(side))),
                st.sampled_from(ENV.arenas),
                st.sampled_from(["west", "east"]),
            ),
        )
    if type_ is Type.BOOL:
        return st.one_of(
            st.booleans().map(Bool),
            st.sampled_from(ENV.options).map(lambda o: Call("taken", (String(o),))),
        )
    return st.one_of(dates, st.just(Builtin("date")))


@functools.cache
def typed(type_: Type, budget: int) -> st.SearchStrategy[Expr]:
    """Well-typed trees of type ``type_`` and depth at most ``budget``."""
    if budget <= 1:
        return leaves(type_)
    num, boolean, date = (
        typed(Type.NUMBER, budget - 1),
        typed(Type.BOOL, budget - 1),
        typed(Type.DATE, budget - 1),
    )

    def binary(ops: list[str], left: st.SearchStrategy[Expr], right: st.SearchStrategy[Expr]):
        return st.builds(Binary, st.sampled_from(ops), left, right)

    def call(name: str, *args: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.tuples(*args).map(lambda parts: Call(name, parts))

    if type_ is Type.NUMBER:
        composite = [
            st.builds(Unary, st.sampled_from(["-", "+"]), num),
            binary(["+", "-", "*", "/", "%", "**"], num, num),
            binary(["-"], date, date),
            st.builds(
                lambda f, a: Call(f, (a,)),
                st.sampled_from(["abs", "sqrt", "exp", "log", "sin", "cos", "floor", "ceil"]),
                num,
            ),
            st.builds(
                lambda f, a: Call(f, tuple(a)),
                st.sampled_from(["min", "max"]),
                st.lists(num, min_size=2, max_size=4),
            ),
            call("clip", num, num, num),
            call("where", boolean, num, num),
        ]
    elif type_ is Type.BOOL:
        composite = [
            st.builds(Not, boolean),
            binary(["and", "or"], boolean, boolean),
            binary(["<", "<=", ">", ">=", "==", "!="], num, num),
            binary(["<", ">=", "=="], date, date),
            binary(["==", "!="], boolean, boolean),
            call("where", boolean, boolean, boolean),
        ]
    else:
        composite = [
            binary(["+", "-"], date, num),
            binary(["+"], num, date),
            call("where", boolean, date, date),
            call("min", date, date),
        ]
    return st.one_of(leaves(type_), *composite)


any_typed = st.one_of(*(st.tuples(st.just(t), typed(t, 5)) for t in Type))


@SETTINGS
@given(any_typed)
def test_to_source_round_trips(case: tuple[Type, Expr]) -> None:
    type_, expr = case
    text = to_source(expr)
    again = parse(text)
    assert again == expr, text
    assert to_source(again) == text
    assert check(again, ENV) is type_


@dataclass(frozen=True)
class State:
    n: int
    round: int
    day: int
    variables: npt.NDArray[np.float64]
    rungs: npt.NDArray[np.float64]
    taken: npt.NDArray[np.bool_]
    uncertainties: npt.NDArray[np.float64]
    last_moves: npt.NDArray[np.float64]

    def last_move(self, arena: int, party: int, reader: int) -> npt.NDArray[np.float64]:
        return self.last_moves[:, 6 * arena + 3 * party + reader]


N = 6
values = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.0, math.inf, -math.inf, math.nan]),
    st.floats(min_value=-1e3, max_value=1e3),
)
states = st.builds(
    State,
    n=st.just(N),
    round=st.integers(0, 200),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 1, 1)).map(
        dt.date.toordinal
    ),
    variables=arrays(np.float64, (N, 3), elements=values),
    rungs=arrays(np.float64, (N, 2), elements=st.integers(0, 44).map(float)),
    taken=arrays(np.bool_, (N, 2)),
    uncertainties=arrays(np.float64, (N, 2), elements=values),
    last_moves=arrays(np.float64, (N, 12), elements=st.integers(-1, 44).map(float)),
)


def scalar_values(state: State, i: int) -> ScalarValues:
    def row(names: tuple[str, ...], table: npt.NDArray[np.generic], cast: Callable) -> dict:
        return {name: cast(table[i, j]) for j, name in enumerate(names)}

    return ScalarValues(
        round=state.round,
        day=state.day,
        variables=row(ENV.variables, state.variables, float),
        rungs=row(ENV.arenas, state.rungs, float),
        taken=row(ENV.options, state.taken, bool),
        uncertainties=row(ENV.uncertainties, state.uncertainties, float),
        last_moves={
            f"{arena}:{side}:{reader}": float(state.last_moves[i, 6 * a + 3 * q + r])
            for a, arena in enumerate(ENV.arenas)
            for q, side in enumerate(ENV.parties[a])
            for r, reader in enumerate((*ENV.parties[a], "*"))
        },
    )


def same(compiled: float | bool, reference: float | bool) -> bool:
    if isinstance(reference, bool):
        return compiled is reference
    if math.isnan(reference) or math.isnan(compiled):
        return math.isnan(reference) and math.isnan(compiled)
    if compiled == reference:
        return True
    return abs(compiled - reference) <= 1e-9 * max(abs(compiled), abs(reference))


@SETTINGS
@given(any_typed, states)
def test_compiled_equals_interpreted(case: tuple[Type, Expr], state: State) -> None:
    type_, expr = case
    compiled = compile_expr(expr, ENV)
    assert compiled.type is type_
    out = compiled(state)
    assert out.shape == (N,)
    assert out.dtype == (np.bool_ if type_ is Type.BOOL else np.float64)
    for i in range(N):
        reference = interpret(expr, ENV, scalar_values(state, i))
        assert same(out[i].item(), reference), (to_source(expr), i, out[i], reference)
    if compiled.constant is not None:
        assert all(same(item, compiled.constant) for item in out.tolist())


FRAGMENTS = [
    "(",
    ")",
    ",",
    "1",
    "0.5",
    ".5",
    "1e-3",
    "2024-11-05",
    "2024-13-01",
    "x",
    "y",
    "ukraine",
    "$u",
    "$",
    "and",
    "or",
    "not",
    "true",
    "false",
    "round",
    "date",
    "<",
    "<=",
    "==",
    "!=",
    "=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "**",
    "min",
    "max",
    "clip",
    "where",
    "taken",
    "rung",
    "last_move",
    "'west'",
    "foo",
    "'deploy'",
    '"korea"',
    "'",
    "\\",
    "Foo",
    "#",
    " ",
    "\n",
    "1x",
    "é",
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)
spaced_text = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join)


@SETTINGS
@given(st.one_of(st.text(max_size=40), fragment_text, spaced_text))
def test_random_text_raises_only_expression_errors(text: str) -> None:
    try:
        expr = parse(text)
    except ExpressionError as err:
        assert err.issues
        assert all(issue.col is not None and issue.col >= 1 for issue in err.issues)
        return
    assert parse(to_source(expr)) == expr
    try:
        compiled = compile_expr(expr, ENV)
    except ExpressionError as err:
        assert err.issues
        return
    state = State(
        n=3,
        round=1,
        day=dt.date(2024, 11, 5).toordinal(),
        variables=np.array([[0.0, 1.0, -1.0]] * 3),
        rungs=np.array([[12.0, 3.0]] * 3),
        taken=np.array([[True, False]] * 3),
        uncertainties=np.array([[0.5, 2.0]] * 3),
        last_moves=np.tile(np.arange(12.0), (3, 1)),
    )
    assert compiled(state).shape == (3,)
