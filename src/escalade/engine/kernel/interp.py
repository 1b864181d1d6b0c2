"""The bytecode interpreter: one compiled function that evaluates any scenario expression.

:func:`run` evaluates program ``p`` (see :mod:`escalade.engine.kernel.bytecode`)
for trajectory ``j`` of the state arrays, with the same IEEE operations as
NumPy's ufuncs (``%`` is NumPy's ``remainder``, ``min``/``max`` propagate
NaN, division by zero gives ``inf``/``nan``). :func:`last_moves` fills, once
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


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def run(p, prog, ev, j, t, day, lm, stack):
    """Value of program ``p`` for trajectory ``j`` in round ``t`` (booleans: 0.0 or 1.0).

    ``prog`` is ``(code, consts, start, stop, kind, slot, static)`` (see
    ``Programs.kinds``; ``static`` ``(n, Q)`` holds the static programs' values);
    ``ev`` the state arrays ``(variables, rungs, views, taken, uncertainties)``;
    ``lm`` the trajectory's ``last_move`` values; ``stack`` a scratch array at
    least as deep as the program.
    """
    code, consts, start, kind, slot, static = prog[0], prog[1], prog[2], prog[4], prog[5], prog[6]
    if kind[p] == 0:
        return consts[code[start[p], 1]]
    if kind[p] == 1:
        return static[j, slot[p]]
    return interpret(p, code, consts, start, prog[3], ev, j, t, day, lm, stack)


@njit(cache=True, error_model="numpy", _nrt=False)
def interpret(p, code, consts, start, stop, ev, j, t, day, lm, stack):
    """Program ``p`` run instruction by instruction (see :func:`run`)."""
    variables, rungs, views, taken, unc = ev
    top = -1
    first = start[p]
    for pc in range(first, stop[p]):
        op, arg = code[pc, 0], code[pc, 1]
        if op <= 8:
            top += 1
            if op == 0:
                stack[top] = consts[arg]
            elif op == 1:
                stack[top] = variables[j, arg]
            elif op == 2:
                stack[top] = unc[j, arg]
            elif op == 3:
                stack[top] = 1.0 if taken[j, arg] else 0.0
            elif op == 4:
                stack[top] = rungs[j, arg]
            elif op == 5:
                stack[top] = views[j, arg]
            elif op == 6:
                stack[top] = float(t)
            elif op == 7:
                stack[top] = float(day)
            else:
                stack[top] = lm[arg]
        elif op <= 22 or op in (33, 34):
            top -= 1
            stack[top] = _binary(op, stack[top], stack[top + 1])
        elif op <= 32:
            stack[top] = _unary(op, stack[top])
        elif op == 35:
            top -= 2
            stack[top] = stack[top + 1] if stack[top] != 0.0 else stack[top + 2]
        else:
            top -= 2
            stack[top] = _minimum(_maximum(stack[top], stack[top + 1]), stack[top + 2])
    return stack[0]


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


@njit(cache=True, error_model="numpy", _nrt=False)
def fill_static(prog, ev, stack):
    """Compute every static program of every trajectory into ``prog``'s ``static`` array."""
    kind, slot, static = prog[4], prog[5], prog[6]
    lm = stack[:0]
    for j in range(static.shape[0]):
        for p in range(kind.shape[0]):
            if kind[p] == 1:
                static[j, slot[p]] = interpret(
                    p, prog[0], prog[1], prog[2], prog[3], ev, j, 0, 0, lm, stack
                )


@njit(cache=True, error_model="numpy", _nrt=False)
def evaluate(p, prog, ev, t, day, lm_all, stack, out):
    """Program ``p`` for every trajectory into ``out`` (for tests; ``lm_all`` is ``(n, M)``)."""
    for j in range(out.shape[0]):
        out[j] = run(p, prog, ev, j, t, day, lm_all[j], stack)
