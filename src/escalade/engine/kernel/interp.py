"""The bytecode interpreter: one compiled function that evaluates any scenario expression.

:func:`run` evaluates program ``p`` (see :mod:`escalade.engine.kernel.bytecode`)
for a set of trajectories at once: the loop over instructions is outside, the
loop over the trajectories ``idx[:cnt]`` inside, on a stack of rows (one row
per stack slot, one column per trajectory of the set). The interpreter's
dispatch is so paid once per instruction and set, not per trajectory. Each
operation is the same IEEE operation as NumPy's ufunc (``%`` is NumPy's
``remainder``, ``min``/``max`` propagate NaN, division by zero gives
``inf``/``nan``), applied to each trajectory on its own, so the numbers do
not depend on which trajectories share a set. :func:`last_moves` fills, once
per trajectory and round, the ``last_move`` values the programs read.
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.numba_setup import njit

__all__ = ["evaluate", "fill_static", "interpret", "last_moves", "run"]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _remainder(a, b):
    """NumPy's float ``remainder``: the sign of the divisor (``npy_divmod``)."""
    mod = np.fmod(a, b)
    if b == 0.0:
        return mod
    if mod != 0.0:
        if (b < 0.0) != (mod < 0.0):
            mod += b
    else:
        mod = np.copysign(0.0, b)
    return mod


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _minimum(a, b):
    if np.isnan(a) or np.isnan(b):
        return a + b
    return a if a <= b else b


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _maximum(a, b):
    if np.isnan(a) or np.isnan(b):
        return a + b
    return a if a >= b else b


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _binary(op, a, b):
    """Binary opcodes 9..22 and min/max (33, 34); see ``bytecode.OP``."""
    if op == 9:
        return 1.0 if (a != 0.0 or b != 0.0) else 0.0
    if op == 10:
        return 1.0 if (a != 0.0 and b != 0.0) else 0.0
    if op == 11:
        return 1.0 if a < b else 0.0
    if op == 12:
        return 1.0 if a <= b else 0.0
    if op == 13:
        return 1.0 if a > b else 0.0
    if op == 14:
        return 1.0 if a >= b else 0.0
    if op == 15:
        return 1.0 if a == b else 0.0
    if op == 16:
        return 1.0 if a != b else 0.0
    if op == 17:
        return a + b
    if op == 18:
        return a - b
    if op == 19:
        return a * b
    if op == 20:
        return a / b
    if op == 21:
        return _remainder(a, b)
    if op == 22:
        return np.power(a, b)
    if op == 33:
        return _minimum(a, b)
    return _maximum(a, b)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _unary(op, a):
    """Unary opcodes 23..32; see ``bytecode.OP``."""
    if op == 23:
        return -a
    if op == 24:
        return 0.0 if a != 0.0 else 1.0
    if op == 25:
        return np.abs(a)
    if op == 26:
        return np.sqrt(a)
    if op == 27:
        return np.exp(a)
    if op == 28:
        return np.log(a)
    if op == 29:
        return np.sin(a)
    if op == 30:
        return np.cos(a)
    if op == 31:
        return np.floor(a)
    return np.ceil(a)


@njit(cache=True, error_model="numpy", _nrt=False)
def _load(op, arg, ev, idx, cnt, t, day, lm, consts, row):
    """Push instruction ``op`` (0..8) for every trajectory of the set into ``row``."""
    variables, rungs, views, taken, unc = ev
    if op == 0:
        c = consts[arg]
        for i in range(cnt):
            row[i] = c
    elif op == 1:
        for i in range(cnt):
            row[i] = variables[idx[i], arg]
    elif op == 2:
        for i in range(cnt):
            row[i] = unc[idx[i], arg]
    elif op == 3:
        for i in range(cnt):
            row[i] = 1.0 if taken[idx[i], arg] else 0.0
    elif op == 4:
        for i in range(cnt):
            row[i] = rungs[idx[i], arg]
    elif op == 5:
        for i in range(cnt):
            row[i] = views[idx[i], arg]
    elif op in (6, 7):
        c = float(t) if op == 6 else float(day)
        for i in range(cnt):
            row[i] = c
    else:
        for i in range(cnt):
            row[i] = lm[idx[i], arg]


@njit(cache=True, error_model="numpy", _nrt=False)
def _apply2(op, a, b, cnt):
    """``a = a op b`` element by element (binary opcodes 9..22, 33, 34)."""
    if op == 17:
        for i in range(cnt):
            a[i] = a[i] + b[i]
    elif op == 18:
        for i in range(cnt):
            a[i] = a[i] - b[i]
    elif op == 19:
        for i in range(cnt):
            a[i] = a[i] * b[i]
    elif op == 20:
        for i in range(cnt):
            a[i] = a[i] / b[i]
    elif op == 11:
        for i in range(cnt):
            a[i] = 1.0 if a[i] < b[i] else 0.0
    elif op == 12:
        for i in range(cnt):
            a[i] = 1.0 if a[i] <= b[i] else 0.0
    elif op == 13:
        for i in range(cnt):
            a[i] = 1.0 if a[i] > b[i] else 0.0
    elif op == 14:
        for i in range(cnt):
            a[i] = 1.0 if a[i] >= b[i] else 0.0
    elif op == 10:
        for i in range(cnt):
            a[i] = 1.0 if (a[i] != 0.0 and b[i] != 0.0) else 0.0
    else:
        for i in range(cnt):
            a[i] = _binary(op, a[i], b[i])


@njit(cache=True, error_model="numpy", _nrt=False)
def interpret(p, prog, ev, idx, cnt, t, day, lm, stack):
    """Program ``p`` run instruction by instruction; its values are ``stack[0, :cnt]``."""
    code, consts, start, stop = prog[0], prog[1], prog[2], prog[3]
    top = -1
    for pc in range(start[p], stop[p]):
        op, arg = code[pc, 0], code[pc, 1]
        if op <= 8:
            top += 1
            _load(op, arg, ev, idx, cnt, t, day, lm, consts, stack[top])
        elif op <= 22 or op in (33, 34):
            top -= 1
            _apply2(op, stack[top], stack[top + 1], cnt)
        elif op <= 32:
            a = stack[top]
            for i in range(cnt):
                a[i] = _unary(op, a[i])
        else:
            top -= 2
            a, b, c = stack[top], stack[top + 1], stack[top + 2]
            if op == 35:
                for i in range(cnt):
                    a[i] = b[i] if a[i] != 0.0 else c[i]
            else:
                for i in range(cnt):
                    a[i] = _minimum(_maximum(a[i], b[i]), c[i])


@njit(cache=True, error_model="numpy", _nrt=False)
def run(p, prog, ev, idx, cnt, t, day, lm, stack, out):
    """Values of program ``p`` for trajectories ``idx[:cnt]`` in round ``t`` into ``out[:cnt]``.

    ``prog`` is ``(code, consts, start, stop, kind, slot, static)`` (see
    ``Programs.kinds``; ``static`` ``(n, Q)`` holds the static programs' values);
    ``ev`` the state arrays ``(variables, rungs, views, taken, uncertainties)``;
    ``lm`` the ``(n, M)`` ``last_move`` values; ``stack`` a scratch array of
    at least ``(depth + 1, cnt)``. Booleans are 0.0 or 1.0.
    """
    code, consts, start, kind, slot, static = prog[0], prog[1], prog[2], prog[4], prog[5], prog[6]
    if kind[p] == 0:
        c = consts[code[start[p], 1]]
        for i in range(cnt):
            out[i] = c
        return
    if kind[p] == 1:
        s = slot[p]
        for i in range(cnt):
            out[i] = static[idx[i], s]
        return
    interpret(p, prog, ev, idx, cnt, t, day, lm, stack)
    top = stack[0]
    for i in range(cnt):
        out[i] = top[i]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def last_moves(j, moves, pool, prev_option, prev_success, lm):
    """Fill ``lm`` with trajectory ``j``'s ``last_move`` values (see :mod:`escalade.engine.moves`).

    ``moves`` is ``(reads, slot_start, slot_count, arena_of, on_attempt, seen, floor)``:
    ``reads`` ``(M, 3)`` ``(arena, party, reader)``; ``slot_start``/``slot_count``
    ``(A, 2)`` where each party's decision slots are in ``pool``.
    """
    reads, slot_start, slot_count, arena_of, on_attempt, seen, floor = moves
    for m in range(reads.shape[0]):
        arena, party, reader = reads[m, 0], reads[m, 1], reads[m, 2]
        best = -np.inf
        first = slot_start[arena, party]
        for s in range(first, first + slot_count[arena, party]):
            o = prev_option[j, pool[s]]
            if o >= 0 and arena_of[o] == arena and (prev_success[j, pool[s]] or on_attempt[o]):
                best = max(best, seen[o, reader])
        lm[m] = max(best, floor[arena])


@njit(cache=True, error_model="numpy")
def fill_static(prog, ev, stack):
    """Compute every static program of every trajectory into ``prog``'s ``static`` array.

    ``stack`` is ``(depth + 1, n)``; static programs read no ``last_move``.
    """
    kind, slot, static = prog[4], prog[5], prog[6]
    n = static.shape[0]
    idx = np.arange(n)
    lm = np.zeros((n, 1))
    for p in range(kind.shape[0]):
        if kind[p] == 1:
            interpret(p, prog, ev, idx, n, 0, 0, lm, stack)
            for j in range(n):
                static[j, slot[p]] = stack[0, j]


@njit(cache=True, error_model="numpy")
def evaluate(p, prog, ev, t, day, lm_all, stack, out):
    """Program ``p`` for every trajectory into ``out`` (for tests; ``lm_all`` is ``(n, M)``)."""
    n = out.shape[0]
    run(p, prog, ev, np.arange(n), n, t, day, lm_all, stack, out)
