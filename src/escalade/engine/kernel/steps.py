"""The round's transitions over a set of trajectories, compiled: effects, rungs, payoffs, end.

Each function is the counterpart of a NumPy step of
:mod:`escalade.engine.vectorised` / :mod:`escalade.engine.state` /
:mod:`escalade.engine.steps` for the trajectories ``idx[:cnt]``: programs are
evaluated for the whole set (:func:`~escalade.engine.kernel.interp.run`), then
each trajectory is updated with the same floating-point operations in the
same order as the NumPy path, so both give the same numbers. Arguments:
``I``/``F`` the scenario's integer and float tables
(:mod:`escalade.engine.kernel.tables`), ``P`` the programs, ``S`` the state
arrays, ``V`` the scratch arrays (see :mod:`escalade.engine.kernel.round`),
``ev`` what expressions read, ``t`` the round. A step that finds a value the
NumPy path would reject records it in ``V[8]`` and returns its code (> 0); the
engine then replays the chunk on the NumPy path, which raises the error with
its message.
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.interp import run
from escalade.engine.kernel.numba_setup import njit
from escalade.engine.kernel.rows import (
    BAD_RUNG,
    BAD_UTILITY,
    BAD_VARIABLE,
    clip,
    fail,
    rung_delta,
    sync,
)

__all__ = ["apply_effects", "bucket", "end", "move_rungs", "option_gain", "payoffs"]


@njit(cache=True, error_model="numpy", _nrt=False)
def bucket(src, cnt, keys, n_keys, dst, off):
    """Trajectories ``src[:cnt]`` grouped by ``keys[:cnt]`` (stable) into ``dst``.

    Group ``b`` is ``dst[off[b]:off[b + 1]]``; keys lie in ``0 .. n_keys - 1``.
    """
    for b in range(n_keys + 1):
        off[b] = 0
    for i in range(cnt):
        off[keys[i] + 1] += 1
    for b in range(n_keys):
        off[b + 1] += off[b]
    for i in range(cnt):
        b = keys[i]
        dst[off[b]] = src[i]
        off[b] += 1
    for b in range(n_keys, 0, -1):
        off[b] = off[b - 1]
    off[0] = 0


@njit(cache=True, error_model="numpy", _nrt=False)
def apply_effects(I, F, P, ev, V, idx, cnt, t, day, first, count, target, on_state):
    """Effects ``first .. first+count`` of trajectories ``idx[:cnt]`` on ``target``.

    Every value is evaluated before any is applied; touched variables are
    clipped to their bounds after all (``state.apply_effects``). The row of
    ``target`` is the trajectory (``on_state``) or its place in the set (a
    scratch copy for a consent gain). Returns an error code.
    """
    effects, var_low, var_high = I[1], F[1], F[2]
    vals = V[2]
    for k in range(count):
        run(effects[first + k, 2], P, ev, idx, cnt, t, day, V[1], V[0], vals[k])
    for k in range(count):
        var, op, value = effects[first + k, 0], effects[first + k, 1], vals[k]
        for i in range(cnt):
            r = idx[i] if on_state else i
            if op == 0:
                target[r, var] = target[r, var] + value[i]
            elif op == 1:
                target[r, var] = value[i]
            else:
                target[r, var] = target[r, var] * value[i]
    for k in range(count):
        var = effects[first + k, 0]
        low, high = var_low[var], var_high[var]
        for i in range(cnt):
            r = idx[i] if on_state else i
            target[r, var] = clip(target[r, var], low, high)
            if not np.isfinite(target[r, var]):
                return fail(V[8], BAD_VARIABLE, idx[i])
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def move_rungs(I, P, ev, S, V, idx, cnt, t, day, first, count):
    """Rung effects ``first .. first+count`` (``steps.move_rungs``): each read in turn."""
    rung_effects, arenas = I[2], I[5]
    views, value = S[2], V[7][7]
    for k in range(first, first + count):
        arena, party, to = rung_effects[k, 0], rung_effects[k, 1], rung_effects[k, 2]
        run(rung_effects[k, 3], P, ev, idx, cnt, t, day, V[1], V[0], value)
        low, high = float(arenas[arena, 0]), float(arenas[arena, 1])
        for i in range(cnt):
            j = idx[i]
            if not np.isfinite(value[i]):
                return fail(V[8], BAD_RUNG, j)
            for p in range(2):
                if party >= 0 and p != party:
                    continue
                col = 2 * arena + p
                new = value[i] if to else views[j, col] + np.rint(value[i])
                views[j, col] = clip(new, low, high)
    if count > 0:
        for i in range(cnt):
            sync(S, idx[i])
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def option_gain(I, F, P, ev, S, V, idx, cnt, t, day, o, actor, gain):
    """``state.option_gain(pay=False)`` of option ``o`` for ``actor`` into ``gain[:cnt]``.

    Returns an error code (a bad effect value).
    """
    options, actors, terms = I[0], I[6], I[7]
    variables, after, fx = S[0], V[6], V[7]
    rung_gain, delta, weight = fx[4], fx[5], fx[6]
    for i in range(cnt):
        for v in range(variables.shape[1]):
            after[i, v] = variables[idx[i], v]
    if options[o, 14] > 0:
        first, count = options[o, 13], options[o, 14]
        code = apply_effects(I, F, P, ev, V, idx, cnt, t, day, first, count, after, False)
        if code:
            return code
    for i in range(cnt):
        delta[i] = rung_delta(I, S, idx[i], o, actor)
        gain[i], rung_gain[i] = 0.0, 0.0
    first = actors[actor, 0]
    for k in range(first, first + actors[actor, 1]):
        kind, col, arena = terms[k, 0], terms[k, 1], terms[k, 2]
        if kind == 0:
            run(terms[k, 3], P, ev, idx, cnt, t, day, V[1], V[0], weight)
            for i in range(cnt):
                gain[i] = gain[i] + weight[i] * (after[i, col] - variables[idx[i], col])
        elif arena == options[o, 1]:
            run(terms[k, 3], P, ev, idx, cnt, t, day, V[1], V[0], weight)
            for i in range(cnt):
                rung_gain[i] = rung_gain[i] + weight[i] * delta[i]
    run(options[o, 9], P, ev, idx, cnt, t, day, V[1], V[0], weight)
    on_attempt = options[o, 4] != 0
    for i in range(cnt):
        g = weight[i] * (gain[i] if on_attempt else gain[i] + rung_gain[i])
        gain[i] = g + rung_gain[i] if on_attempt else g
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def _flows(I, P, ev, V, idx, cnt, t, day, actor, d, parts, total):
    """``total``: the actor's weighted sum of variables and rungs now (``d`` x each to parts).

    ``parts`` of no rows (the state keeps no decomposition) is left alone.
    """
    keep = parts.shape[0] > 0
    actors, terms = I[6], I[7]
    variables, rungs, views = ev[0], ev[1], ev[2]
    weight = V[7][6]
    first, offset = actors[actor, 0], actors[actor, 4]
    for i in range(cnt):
        total[i] = 0.0
    for k in range(actors[actor, 1]):
        kind, col, p = terms[first + k, 0], terms[first + k, 1], terms[first + k, 3]
        how, constant, slot = P[4][p], P[1][P[0][P[2][p], 1]], P[5][p]
        if how == 2:
            run(p, P, ev, idx, cnt, t, day, V[1], V[0], weight)
        for i in range(cnt):
            j = idx[i]
            if kind == 0:
                value = variables[j, col]
            elif kind == 1:
                value = views[j, col]
            else:
                value = rungs[j, col]
            # A constant or static weight is read where it is (no pass to copy it).
            w = constant if how == 0 else (P[6][j, slot] if how == 1 else weight[i])
            part = w * value
            total[i] = total[i] + part
            if keep:
                parts[j, offset + k] += d * part


@njit(cache=True, error_model="numpy", _nrt=False)
def _thresholds(I, P, ev, S, V, idx, cnt, t, day, actor, d, total):
    """Threshold payoffs of ``actor`` crossed this round, added to ``total`` and the parts."""
    actors, thresholds = I[6], I[8]
    rung_max, view_max, parts = S[11], S[12], S[17]
    before_rung, before_view, fx, crossed = V[3], V[4], V[7], V[12][5]
    value, got = fx[1], fx[2]
    column = actors[actor, 4] + actors[actor, 1] + 1
    first = actors[actor, 2]
    for k in range(actors[actor, 3]):
        row = thresholds[first + k]
        kind, col, rung = row[0], row[1], row[2]
        m = 0
        for i in range(cnt):
            j = idx[i]
            high = view_max[j, col] if kind == 1 else rung_max[j, col]
            was = before_view[j, col] if kind == 1 else before_rung[j, col]
            value[i] = 0.0
            if high >= rung and was < rung:
                crossed[m] = i
                m += 1
        if m:
            rows = V[12][6]
            for q in range(m):
                rows[q] = idx[crossed[q]]
            run(thresholds[first + k, 3], P, ev, rows, m, t, day, V[1], V[0], got)
            for q in range(m):
                value[crossed[q]] = got[q]
        for i in range(cnt):
            total[i] = total[i] + value[i]
            if parts.shape[0]:
                parts[idx[i], column + k] += d * value[i]


@njit(cache=True, error_model="numpy", _nrt=False)
def payoffs(I, F, P, ev, S, V, idx, cnt, t, day, payers):
    """Step 5 for trajectories ``idx[:cnt]`` (alive): flows, costs and thresholds, discounted.

    Only the actors flagged in ``payers`` accrue (a rollout needs its deciding actor's).
    """
    actors, power = I[6], F[3]
    utility, parts, paid = S[10], S[17], V[5]
    total = V[7][3]
    for a in range(actors.shape[0]):
        if not payers[a]:
            continue
        d = power[a, t]
        _flows(I, P, ev, V, idx, cnt, t, day, a, d, parts, total)
        column = actors[a, 4] + actors[a, 1]
        for i in range(cnt):
            j = idx[i]
            total[i] = total[i] - paid[j, a]
            if parts.shape[0]:
                parts[j, column] += d * -paid[j, a]
        _thresholds(I, P, ev, S, V, idx, cnt, t, day, a, d, total)
        for i in range(cnt):
            j = idx[i]
            utility[j, a] += d * total[i]
            if not np.isfinite(utility[j, a]):
                return fail(V[8], BAD_UTILITY, j)
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def _ended(I, F, P, ev, S, V, idx, cnt, t, day, which, payers):
    """Terminal condition ``which`` met by ``idx[:cnt]``: absorbed flows and terminal utility."""
    actors, terminals, terminal_utility = I[6], I[11], I[12]
    later, now_later = F[4], F[5]
    utility, parts, fx = S[10], S[17], V[7]
    total, extra, value = fx[3], fx[4], fx[1]
    absorbing = terminals[which, 1] != 0
    for a in range(actors.shape[0]):
        if not payers[a]:
            continue
        for i in range(cnt):
            extra[i] = 0.0
        if absorbing:
            _flows(I, P, ev, V, idx, cnt, t, day, a, later[a, t], parts, total)
            for i in range(cnt):
                extra[i] = extra[i] + later[a, t] * total[i]
        weight = terminal_utility[which, a]
        if weight >= 0:
            run(weight, P, ev, idx, cnt, t, day, V[1], V[0], value)
            for i in range(cnt):
                extra[i] = extra[i] + now_later[a, t] * value[i]
                if parts.shape[0]:
                    parts[idx[i], actors[a, 5]] += now_later[a, t] * value[i]
        for i in range(cnt):
            utility[idx[i], a] += extra[i]
    if absorbing:
        for i in range(cnt):
            S[16][idx[i]] = True


@njit(cache=True, error_model="numpy", _nrt=False)
def end(I, F, P, ev, S, V, L, idx, cnt, t, day, payers):
    """Step 6 for ``idx[:cnt]`` (alive): the first terminal condition that holds ends it."""
    terminals = I[11]
    ix, cond = V[12], V[7][0]
    left, hit, group = ix[1], ix[2], ix[3]
    n_left = cnt
    for i in range(cnt):
        left[i] = idx[i]
    for k in range(terminals.shape[0]):
        if n_left == 0:
            break
        run(terminals[k, 0], P, ev, left, n_left, t, day, V[1], V[0], cond)
        m, keep = 0, 0
        for i in range(n_left):
            if cond[i] != 0.0:
                hit[m] = left[i]
                m += 1
            else:
                left[keep] = left[i]
                keep += 1
        n_left = keep
        if m == 0:
            continue
        for q in range(m):
            group[q] = hit[q]
            S[5][hit[q]] = False
            L[8][hit[q]] = True
        _ended(I, F, P, ev, S, V, group, m, t, day, k, payers)
    return 0
