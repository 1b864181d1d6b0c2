"""The round's transitions for one trajectory, compiled: effects, rungs, gains, payoffs.

Each function is the scalar counterpart of a NumPy step of
:mod:`escalade.engine.vectorised` / :mod:`escalade.engine.state` /
:mod:`escalade.engine.steps`, with the same floating-point operations in the
same order, so both give the same numbers. Arguments: ``I``/``F`` the
scenario's integer and float tables (:mod:`escalade.engine.kernel.tables`),
``P`` the programs, ``S`` the state arrays, ``W`` the scratch arrays, ``ev``
what expressions read, ``j`` the trajectory, ``t`` the round. A step that
finds a value the NumPy path would reject returns an error code (> 0); the
engine then replays the chunk on the NumPy path, which raises the error with
its message.
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.interp import run
from escalade.engine.kernel.numba_setup import njit

__all__ = [
    "BAD_PROBABILITY",
    "BAD_RUNG",
    "BAD_UTILITY",
    "BAD_VARIABLE",
    "apply_effects",
    "bad_probability",
    "clip",
    "end",
    "flow",
    "move_rungs",
    "option_gain",
    "payoffs",
    "sync",
]

BAD_PROBABILITY, BAD_VARIABLE, BAD_RUNG, BAD_UTILITY = 1, 2, 3, 4
"""Error codes: a probability outside [0, 1], a non-finite variable, rung effect or utility."""


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def clip(x, low, high):
    """``np.clip`` of a scalar (NaN stays NaN)."""
    x = max(x, low)
    x = min(x, high)
    return x


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def bad_probability(p):
    """Whether ``p`` is not a probability (NaN included)."""
    return not (p >= 0.0 and p <= 1.0)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def sync(S, j):
    """Common rungs from the views, and the maxima (``state.sync_rungs``) of trajectory ``j``."""
    rungs, views, rung_max, view_max = S[1], S[2], S[11], S[12]
    for a in range(rungs.shape[1]):
        rungs[j, a] = max(views[j, 2 * a], views[j, 2 * a + 1])
    for c in range(views.shape[1]):
        view_max[j, c] = max(view_max[j, c], views[j, c])
    for a in range(rungs.shape[1]):
        rung_max[j, a] = max(rung_max[j, a], rungs[j, a])


@njit(cache=True, error_model="numpy", _nrt=False)
def apply_effects(I, F, P, ev, W, j, t, day, first, count, target, row):
    """Effects ``first .. first+count``, read at row ``j``, on the variables ``target[row]``.

    Every value is evaluated before any is applied; touched variables are
    clipped to their bounds after all (``state.apply_effects``; ``row`` is ``j``,
    or 0 of a one-row copy for a consent gain). Returns an error code.
    """
    effects, var_low, var_high = I[1], F[1], F[2]
    stack, lm, values = W[0], W[1], W[2]
    for k in range(count):
        values[k] = run(effects[first + k, 2], P, ev, j, t, day, lm, stack)
    for k in range(count):
        var, op = effects[first + k, 0], effects[first + k, 1]
        if op == 0:
            target[row, var] = target[row, var] + values[k]
        elif op == 1:
            target[row, var] = values[k]
        else:
            target[row, var] = target[row, var] * values[k]
    for k in range(count):
        var = effects[first + k, 0]
        target[row, var] = clip(target[row, var], var_low[var], var_high[var])
        if not np.isfinite(target[row, var]):
            return BAD_VARIABLE
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def move_rungs(I, P, ev, S, W, j, t, day, first, count):
    """Rung effects ``first .. first+count`` (``steps.move_rungs``): each read in turn."""
    rung_effects, arenas = I[2], I[5]
    views = S[2]
    for k in range(first, first + count):
        arena, party, to = rung_effects[k, 0], rung_effects[k, 1], rung_effects[k, 2]
        value = run(rung_effects[k, 3], P, ev, j, t, day, W[1], W[0])
        if not np.isfinite(value):
            return BAD_RUNG
        low, high = float(arenas[arena, 0]), float(arenas[arena, 1])
        for p in range(2):
            if party >= 0 and p != party:
                continue
            col = 2 * arena + p
            new = value if to else views[j, col] + np.rint(value)
            views[j, col] = clip(new, low, high)
    if count > 0:
        sync(S, j)
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _moved(current, target, down):
    if target < 0:
        return current
    return min(current, float(target)) if down else max(current, float(target))


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _rung_delta(I, S, j, o, actor):
    """``state.rung_delta``: the change option ``o`` makes to its arena as ``actor`` reads it."""
    options, parties = I[0], I[15]
    rungs, views = S[1], S[2]
    arena = options[o, 1]
    if arena < 0:
        return 0.0
    down = options[o, 5] != 0
    party = parties[arena, actor]
    if party < 0:
        a = _moved(views[j, 2 * arena], options[o, 2], down)
        b = _moved(views[j, 2 * arena + 1], options[o, 3], down)
        return max(a, b) - rungs[j, arena]
    current = views[j, 2 * arena + party]
    return _moved(current, options[o, 2 + party], down) - current


@njit(cache=True, error_model="numpy", _nrt=False)
def option_gain(I, F, P, ev, S, W, j, t, day, o, actor):
    """``state.option_gain(pay=False)`` of option ``o`` for ``actor``; NaN on a bad effect."""
    options, actors, terms = I[0], I[6], I[7]
    variables, after = S[0], W[6]
    n_var = variables.shape[1]
    for v in range(n_var):
        after[0, v] = variables[j, v]
    if options[o, 14] > 0:
        # The effects are evaluated on trajectory j and applied to the scratch row 0.
        code = apply_effects(I, F, P, ev, W, j, t, day, options[o, 13], options[o, 14], after, 0)
        if code:
            W[8][0] = code
            return np.nan
    delta_rung = _rung_delta(I, S, j, o, actor)
    gain, rung_gain = 0.0, 0.0
    first = actors[actor, 0]
    for k in range(first, first + actors[actor, 1]):
        kind, col, arena = terms[k, 0], terms[k, 1], terms[k, 2]
        if kind == 0:
            weight = run(terms[k, 3], P, ev, j, t, day, W[1], W[0])
            gain = gain + weight * (after[0, col] - variables[j, col])
        elif arena == options[o, 1]:
            weight = run(terms[k, 3], P, ev, j, t, day, W[1], W[0])
            rung_gain = rung_gain + weight * delta_rung
    success = run(options[o, 9], P, ev, j, t, day, W[1], W[0])
    on_attempt = options[o, 4] != 0
    gain = success * (gain if on_attempt else gain + rung_gain)
    if on_attempt:
        gain = gain + rung_gain
    return gain


@njit(cache=True, error_model="numpy", _nrt=False)
def flow(actors, terms, P, ev, stack, lm, j, t, day, actor, parts):
    """Actor's weighted sum of variables and rungs now; each term's value in ``parts``."""
    variables, rungs, views = ev[0], ev[1], ev[2]
    total = 0.0
    first = actors[actor, 0]
    for k in range(actors[actor, 1]):
        kind, col = terms[first + k, 0], terms[first + k, 1]
        if kind == 0:
            value = variables[j, col]
        elif kind == 1:
            value = views[j, col]
        else:
            value = rungs[j, col]
        parts[k] = run(terms[first + k, 3], P, ev, j, t, day, lm, stack) * value
        total = total + parts[k]
    return total


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def payoffs(I, F, P, ev, S, W, j, t, day):
    """Step 5 for trajectory ``j`` (alive): flows, costs and thresholds, discounted."""
    actors, thresholds = I[6], I[8]
    power = F[3]
    utility, rung_max, view_max, parts = S[10], S[11], S[12], S[17]
    before_rung, before_view, paid, buf = W[3], W[4], W[5], W[7]
    for i in range(actors.shape[0]):
        total = flow(I[6], I[7], P, ev, W[0], W[1], j, t, day, i, buf)
        n_terms = actors[i, 1]
        total = total - paid[i]
        buf[n_terms] = -paid[i]
        first = actors[i, 2]
        for k in range(actors[i, 3]):
            kind, col, rung = (
                thresholds[first + k, 0],
                thresholds[first + k, 1],
                thresholds[first + k, 2],
            )
            high = view_max[j, col] if kind == 1 else rung_max[j, col]
            was = before_view[col] if kind == 1 else before_rung[col]
            value = 0.0
            if high >= rung and was < rung:
                value = run(thresholds[first + k, 3], P, ev, j, t, day, W[1], W[0])
            buf[n_terms + 1 + k] = value
            total = total + value
        d = power[i, t]
        utility[j, i] += d * total
        offset = actors[i, 4]
        for k in range(n_terms + 1 + actors[i, 3]):
            parts[j, offset + k] += d * buf[k]
        if not np.isfinite(utility[j, i]):
            return BAD_UTILITY
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def end(I, F, P, ev, S, W, j, t, day):
    """Step 6 for trajectory ``j`` (alive): the first terminal condition that holds; its index."""
    actors, terminals, terminal_utility = I[6], I[11], I[12]
    later, now_later = F[4], F[5]
    utility, alive, absorbed, parts = S[10], S[5], S[16], S[17]
    buf = W[7]
    which = -1
    for k in range(terminals.shape[0]):
        if run(terminals[k, 0], P, ev, j, t, day, W[1], W[0]) != 0.0:
            which = k
            break
    if which < 0:
        return -1
    alive[j] = False
    absorbing = terminals[which, 1] != 0
    for i in range(actors.shape[0]):
        extra = 0.0
        if absorbing:
            total = flow(I[6], I[7], P, ev, W[0], W[1], j, t, day, i, buf)
            extra = extra + later[i, t] * total
            for k in range(actors[i, 1]):
                parts[j, actors[i, 4] + k] += later[i, t] * buf[k]
        weight = terminal_utility[which, i]
        if weight >= 0:
            value = run(weight, P, ev, j, t, day, W[1], W[0])
            extra = extra + now_later[i, t] * value
            parts[j, actors[i, 5]] += now_later[i, t] * value
        utility[j, i] += extra
    if absorbing:
        absorbed[j] = True
    return which
