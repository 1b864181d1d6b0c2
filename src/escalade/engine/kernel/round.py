"""One round for every trajectory of a chunk, compiled (the kernel's entry point).

:func:`play_round` plays the round of
:meth:`escalade.engine.vectorised.RoundPlayer.play` step by step over the
chunk's live trajectories, in its order: walk-back, events, decisions and
resolution, de-escalations, accidents, payoffs, end. Within a step the
programs are evaluated for a whole set of trajectories at once
(:func:`~escalade.engine.kernel.interp.run`), and every trajectory sees the
same operations in the same order as on the NumPy path. It reads the round's
``(K, n)`` uniforms drawn by NumPy from the engine's streams, so both paths see
the same numbers. ``M`` is the ``last_move`` table and ``L`` the round log's
arrays ``(branch, fired, moves, succeeded, refused, accidents, reverted,
peak_views, ended)``.

The scratch arrays ``V`` (allocated once per player and chunk size ``n``):

====  =====================  ===============================================
 0    ``(depth + 1, n)``      the interpreter's stack
 1    ``(n, M)``              each trajectory's ``last_move`` values
 2    ``(G, n)``              effect values of one group of effects
 3    ``(n, A)``              highest common rungs before the round
 4    ``(n, 2A)``             highest views before the round
 5    ``(n, actors)``         costs paid this round
 6    ``(n, variables)``      variables after an option (consent gains)
 7    ``(8, n)``              float rows for program values (see each step)
 8    ``(2,)``                error code and trajectory
 9    ``(n, slots)``          each slot's pick
 10   ``(n, 2A)``             de-escalation floors of the round
 11   ``(slots, n)``          the trajectories that move at each slot
 12   ``(8, n)``              trajectory sets; row 0 the live trajectories
 13   ``(n,)``                integer marks (refusals, branches)
 14   ``(options + 2,)``      group offsets
 15   ``(slots,)``            how many move at each slot
====  =====================  ===============================================
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.decide import decide_and_resolve
from escalade.engine.kernel.interp import last_moves, run
from escalade.engine.kernel.numba_setup import njit
from escalade.engine.kernel.rows import (
    BAD_PROBABILITY,
    bad_probability,
    clip,
    fail,
    sync,
    walk_back,
)
from escalade.engine.kernel.steps import apply_effects, end, move_rungs, payoffs

__all__ = ["play_round"]


@njit(cache=True, error_model="numpy", _nrt=False)
def _fire(I, P, ev, S, V, t, day, u, e, idx, cnt, fire):
    """Which of ``idx[:cnt]`` fire event ``e`` (into ``fire``); the count, or minus an error."""
    events, rows = I[3], I[13]
    fired, fx, cond = S[9], V[7], V[7][0]
    run(events[e, 0], P, ev, idx, cnt, t, day, V[1], V[0], cond)
    once = events[e, 3] != 0
    m = 0
    if events[e, 1] < 0:
        for i in range(cnt):
            if cond[i] != 0.0 and t == events[e, 2] and not (once and fired[idx[i], e]):
                fire[m] = idx[i]
                m += 1
        return m
    maybe, p = V[12][2], fx[1]
    n_maybe = 0
    for i in range(cnt):
        if cond[i] != 0.0:
            maybe[n_maybe] = idx[i]
            n_maybe += 1
    run(events[e, 1], P, ev, maybe, n_maybe, t, day, V[1], V[0], p)
    for i in range(n_maybe):
        j = maybe[i]
        if bad_probability(p[i]):
            return -fail(V[8], BAD_PROBABILITY, j)
        if u[rows[e, 0], j] < p[i] and not (once and fired[j, e]):
            fire[m] = j
            m += 1
    return m


@njit(cache=True, error_model="numpy", _nrt=False)
def _branches(I, F, P, ev, S, V, L, t, day, u, e, idx, cnt):
    """Event ``e``'s branch for each of ``idx[:cnt]`` (it fired), and its effects."""
    events, branches, rows = I[3], I[4], I[13]
    count, first = events[e, 9], events[e, 8]
    cumulative, p, chosen = V[7][2], V[7][1], V[13]
    for i in range(cnt):
        cumulative[i], chosen[i] = 0.0, -1
    for b in range(first, first + count):
        run(branches[b, 0], P, ev, idx, cnt, t, day, V[1], V[0], p)
        for i in range(cnt):
            if bad_probability(p[i]):
                return fail(V[8], BAD_PROBABILITY, idx[i])
            cumulative[i] = cumulative[i] + p[i]
            if chosen[i] < 0 and u[rows[e, 1], idx[i]] < cumulative[i]:
                chosen[i] = b - first
    group = V[12][3]
    for b in range(count):
        m = 0
        for i in range(cnt):
            c = count - 1 if chosen[i] < 0 else chosen[i]
            if c == b:
                group[m] = idx[i]
                m += 1
                L[0][idx[i], e] = b
        if m == 0:
            continue
        br = first + b
        eff, n_eff, rfx, n_rfx = branches[br, 1], branches[br, 2], branches[br, 3], branches[br, 4]
        code = apply_effects(I, F, P, ev, V, group, m, t, day, eff, n_eff, S[0], True)
        code = code or move_rungs(I, P, ev, S, V, group, m, t, day, rfx, n_rfx)
        if code:
            return code
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def _events(I, F, P, ev, S, V, L, t, day, u, idx, cnt):
    """Step 1 for ``idx[:cnt]`` (alive); returns an error code."""
    events = I[3]
    fire = V[12][1]
    for e in range(events.shape[0]):
        m = _fire(I, P, ev, S, V, t, day, u, e, idx, cnt, fire)
        if m < 0:
            return -m
        if m == 0:
            continue
        for i in range(m):
            S[9][fire[i], e] = True
            L[1][fire[i], e] = True
        eff, n_eff = events[e, 4], events[e, 5]
        code = apply_effects(I, F, P, ev, V, fire, m, t, day, eff, n_eff, S[0], True)
        code = code or move_rungs(I, P, ev, S, V, fire, m, t, day, events[e, 6], events[e, 7])
        if code == 0 and events[e, 9] != 0:
            code = _branches(I, F, P, ev, S, V, L, t, day, u, e, fire, m)
        if code:
            return code
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def _step(I, F, S, u, a, idx, cnt, up, down, old0, old1, current):
    """Arena ``a``'s accidental step for ``idx[:cnt]`` on the views (``up`` becomes the step)."""
    arenas, rows, fpool = I[5], I[14], F[0]
    rungs, views = S[1], S[2]
    low, high, n_jump = float(arenas[a, 0]), float(arenas[a, 1]), arenas[a, 6]
    for i in range(cnt):
        j = idx[i]
        draw = u[rows[a, 0], j]
        step = 1.0 if draw < up[i] else (-1.0 if draw < up[i] + down[i] else 0.0)
        if n_jump > 0:
            first, x = arenas[a, 5], u[rows[a, 1], j]
            index = 0
            while index < n_jump and fpool[first + n_jump + index] <= x:
                index += 1
            step = step * fpool[first + min(index, n_jump - 1)]
        up[i], current[i] = step, rungs[j, a]
        old0[i], old1[i] = views[j, 2 * a], views[j, 2 * a + 1]
        views[j, 2 * a] = clip(old0[i] + step, low, high)
        views[j, 2 * a + 1] = clip(old1[i] + step, low, high)


@njit(cache=True, error_model="numpy", _nrt=False)
def _accidents(I, F, P, ev, S, V, L, t, day, u, idx, cnt):
    """Step 4 for ``idx[:cnt]`` (alive); returns an error code."""
    arenas, rows = I[5], I[14]
    rungs, views, revert, fx = S[1], S[2], S[15], V[7]
    up, down, old0, old1, current, p = fx[0], fx[1], fx[2], fx[3], fx[4], fx[5]
    for a in range(arenas.shape[0]):
        run(arenas[a, 2], P, ev, idx, cnt, t, day, V[1], V[0], up)
        run(arenas[a, 3], P, ev, idx, cnt, t, day, V[1], V[0], down)
        for i in range(cnt):
            if bad_probability(up[i]) or bad_probability(down[i]):
                return fail(V[8], BAD_PROBABILITY, idx[i])
            if bad_probability(up[i] + down[i]):
                return fail(V[8], BAD_PROBABILITY, idx[i])
        _step(I, F, S, u, a, idx, cnt, up, down, old0, old1, current)
        if arenas[a, 4] >= 0:
            run(arenas[a, 4], P, ev, idx, cnt, t, day, V[1], V[0], p)
            for i in range(cnt):
                j = idx[i]
                if bad_probability(p[i]):
                    return fail(V[8], BAD_PROBABILITY, j)
                back = u[rows[a, 2], j] < p[i] and up[i] != 0.0
                revert[j, 2 * a] = views[j, 2 * a] - old0[i] if back else 0.0
                revert[j, 2 * a + 1] = views[j, 2 * a + 1] - old1[i] if back else 0.0
        for i in range(cnt):
            j = idx[i]
            sync(S, j)
            L[5][j, a] = int(rungs[j, a] - current[i])
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _copy(source, j, target):
    """Row ``j`` of ``source`` into row ``j`` of ``target`` (no temporary)."""
    for c in range(source.shape[1]):
        target[j, c] = source[j, c]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _fill(log, lo, hi, value):
    """Rows ``lo .. hi`` of a column-major log set to ``value``, a column at a time."""
    for c in range(log.shape[1]):
        for j in range(lo, hi):
            log[j, c] = value


@njit(cache=True, error_model="numpy", _nrt=False)
def _start(I, M, S, L, V, jumps, lo, hi):
    """Reset the log of trajectories ``lo .. hi``; the live ones into ``V[12][0]`` (their count)."""
    views, alive, peak, live = S[2], S[5], L[7], V[12][0]
    _fill(L[0], lo, hi, -1)
    _fill(L[2], lo, hi, -1)
    _fill(L[1], lo, hi, False)
    _fill(L[3], lo, hi, False)
    _fill(L[4], lo, hi, False)
    _fill(L[5], lo, hi, 0)
    _fill(L[6], lo, hi, 0)
    cnt = 0
    for j in range(lo, hi):
        L[8][j] = False
        if alive[j]:
            live[cnt] = j
            cnt += 1
            continue
        if jumps:
            S[15][j, :] = 0.0
        _copy(views, j, peak)
    for i in range(cnt):
        j = live[i]
        _copy(S[11], j, V[3])
        _copy(S[12], j, V[4])
        if jumps:
            walk_back(S, L, j)
        last_moves(j, M, I[16], S[13], S[14], V[1][j])
    return cnt


@njit(cache=True, error_model="numpy", _nrt=False)
def _settle(S, V, L, idx, cnt):
    """The round's de-escalation floors (``RoundPlayer.play``), after the peaks are kept."""
    views, peak, down = S[2], L[7], V[10]
    for i in range(cnt):
        j = idx[i]
        settle = False
        for c in range(views.shape[1]):
            peak[j, c] = max(peak[j, c], views[j, c])
            settle = settle or np.isfinite(down[j, c])
        if settle:
            for c in range(views.shape[1]):
                views[j, c] = min(views[j, c], down[j, c])
            sync(S, j)


@njit(cache=True, error_model="numpy", _nrt=False)
def _finish(S, L, idx, cnt):
    """The round's moves become the previous round's."""
    for i in range(cnt):
        j = idx[i]
        S[6][j] += 1
        for k in range(L[2].shape[1]):
            S[13][j, k] = -1 if L[4][j, k] else L[2][j, k]
            S[14][j, k] = L[3][j, k]


@njit(cache=True, error_model="numpy", _nrt=False)
def play_round(I, F, P, M, S, L, V, R, t, day, u, sequential, jumps, block):
    """Round ``t`` for every trajectory of the state ``S``, in place; returns an error code.

    ``R`` is ``(events, forced actor or -1, forced move per trajectory, payers)``:
    a rollout's round may play no events, force its deciding actor's first
    move, and accrue only the flagged actors' utilities. The trajectories are
    played ``block`` at a time, so that the columns a step walks stay in the
    processor's cache. On an error, ``V[8]`` holds the code and a trajectory
    (the NumPy path then replays the chunk to raise it with its message).
    """
    n = S[0].shape[0]
    for lo in range(0, n, block):
        code = _block(I, F, P, M, S, L, V, R, t, day, u, sequential, jumps, lo, min(n, lo + block))
        if code:
            return code
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def _block(I, F, P, M, S, L, V, R, t, day, u, sequential, jumps, lo, hi):
    """Round ``t`` for trajectories ``lo .. hi`` (see :func:`play_round`)."""
    ev = (S[0], S[1], S[2], S[3], S[4])
    live = V[12][0]
    cnt = _start(I, M, S, L, V, jumps, lo, hi)
    code = _events(I, F, P, ev, S, V, L, t, day, u, live, cnt) if R[0] else 0
    if code == 0:
        for i in range(cnt):
            j = live[i]
            _copy(S[2], j, L[7])
            V[5][j, :] = 0.0
            V[10][j, :] = np.inf
        code = decide_and_resolve(I, F, P, ev, S, V, L, R, t, day, sequential, u, live, cnt)
    if code == 0:
        _settle(S, V, L, live, cnt)
        code = _accidents(I, F, P, ev, S, V, L, t, day, u, live, cnt)
    if code == 0:
        for i in range(cnt):
            j = live[i]
            for c in range(S[2].shape[1]):
                L[7][j, c] = max(L[7][j, c], S[2][j, c])
        code = payoffs(I, F, P, ev, S, V, live, cnt, t, day, R[3])
    if code == 0:
        _finish(S, L, live, cnt)
        code = end(I, F, P, ev, S, V, L, live, cnt, t, day, R[3])
    return code
