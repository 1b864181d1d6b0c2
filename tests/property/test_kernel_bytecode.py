"""The expression bytecode, interpreted by the compiled kernel, equals the NumPy closures.

Random well-typed trees (the strategies of ``test_expr_properties``) on random
states: every value is the same float (NaN where NumPy gives NaN). Trees that
use an operation NumPy evaluates with SIMD routines (``**``, ``exp``, ``log``,
``sin``, ``cos``) may differ in the last bit: they are compared to a relative
1e-15, and :func:`unsupported` names them (the kernel leaves such scenarios
to the NumPy path).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from test_expr_properties import ENV, SETTINGS, State, any_typed, states

from escalade.engine.kernel.bytecode import Programs, unsupported
from escalade.engine.kernel.interp import evaluate, fill_static
from escalade.scenario.expr import Expr, Type, compile_expr, parse

pytest.importorskip("numba", reason="the compiled kernel needs the kernel extra (numba)")


def kernel_values(compiled, state: State) -> np.ndarray:
    programs = Programs()
    p = programs.add(compiled)
    code, consts, start, stop, reads = programs.arrays()
    kind, slot, count = programs.kinds()
    columns = [6 * a + 3 * party + r for a, party, r in reads]
    lm = np.ascontiguousarray(state.last_moves[:, columns])
    views = np.repeat(state.rungs, 2, axis=1)  # ENV has no reader: rung() reads the common rung
    ev = (state.variables, state.rungs, views, state.taken, state.uncertainties)
    prog = (code, consts, start, stop, kind, slot, np.zeros((state.n, count)))
    stack = np.zeros((programs.depth() + 1, state.n))
    fill_static(prog, ev, stack)
    out = np.zeros(state.n)
    evaluate(p, prog, ev, state.round, state.day, lm, stack, out)
    return out


def same(expected: np.ndarray, got: np.ndarray, exact: bool) -> bool:
    expected = np.asarray(expected, dtype=float)
    if exact:
        return bool(np.array_equal(expected, got, equal_nan=True))
    return bool(np.allclose(expected, got, rtol=1e-15, atol=0.0, equal_nan=True))


@SETTINGS
@given(any_typed, states)
def test_bytecode_equals_numpy(case: tuple[Type, Expr], state: State) -> None:
    _, expr = case
    compiled = compile_expr(expr, ENV)
    expected = compiled(state)
    got = kernel_values(compiled, state)
    assert same(expected, got, unsupported(compiled) is None), (expr, expected, got)


def test_folded_and_mixed_examples() -> None:
    rng = np.random.default_rng(0)
    n = 7
    state = State(
        n=n,
        round=3,
        day=738_000,
        variables=rng.normal(size=(n, 3)) * 5,
        rungs=rng.integers(0, 20, size=(n, 2)).astype(float),
        taken=rng.random((n, 2)) < 0.5,
        uncertainties=rng.normal(size=(n, 2)),
        last_moves=rng.integers(-1, 20, size=(n, 12)).astype(float),
    )
    for text in [
        "x % -3",
        "-x % 2.5",
        "x / (y - y)",
        "min(x, 2, y, -1)",
        "clip(x, -1, 1) + max($u, $v)",
        "where(taken('deploy') and x > 0, rung('ukraine'), last_move('korea', 'east'))",
        "date - 2024-01-01 + round * 7",
        "not (x < y) or taken('strike')",
        "floor(x) + ceil(y) - abs(z) + sqrt(abs($u))",
        "1 + 2 * 3 - (4 % 3)",
    ]:
        compiled = compile_expr(parse(text), ENV)
        assert np.array_equal(
            np.asarray(compiled(state), dtype=float), kernel_values(compiled, state), equal_nan=True
        ), text
