"""One round for every trajectory of a chunk, compiled (the kernel's entry point).

:func:`play_round` walks the trajectories one by one and plays the round of
:meth:`escalade.engine.vectorised.RoundPlayer.play` on each, in its order:
walk-back, events, decisions and resolution, de-escalations, accidents,
payoffs, end. It reads the round's ``(K, n)`` uniforms drawn by NumPy from
the engine's streams, so both paths see the same numbers. Arguments as in
:mod:`escalade.engine.kernel.steps`; ``M`` is the ``last_move`` table and
``L`` the round log's arrays ``(branch, fired, moves, succeeded, refused,
accidents, reverted, peak_views, ended)``.
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.decide import decide_and_resolve
from escalade.engine.kernel.interp import last_moves, run
from escalade.engine.kernel.numba_setup import njit
from escalade.engine.kernel.steps import (
    BAD_PROBABILITY,
    apply_effects,
    bad_probability,
    clip,
    end,
    move_rungs,
    payoffs,
    sync,
)

__all__ = ["play_round"]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _events(I, P, F, ev, S, W, L, j, t, day, u):
    """Step 1 for trajectory ``j`` (alive); returns an error code."""
    events, branches, rows = I[3], I[4], I[13]
    fired = S[9]
    for e in range(events.shape[0]):
        fire = run(events[e, 0], P, ev, j, t, day, W[1], W[0]) != 0.0
        if events[e, 1] < 0:
            fire = fire and t == events[e, 2]
        elif fire:
            p = run(events[e, 1], P, ev, j, t, day, W[1], W[0])
            if bad_probability(p):
                return BAD_PROBABILITY
            fire = u[rows[e, 0], j] < p
        if events[e, 3] != 0 and fired[j, e]:
            fire = False
        if not fire:
            continue
        fired[j, e] = True
        L[1][j, e] = True
        code = apply_effects(I, F, P, ev, W, j, t, day, events[e, 4], events[e, 5], S[0], j)
        code = code or move_rungs(I, P, ev, S, W, j, t, day, events[e, 6], events[e, 7])
        if code:
            return code
        count = events[e, 9]
        if count == 0:
            continue
        draw, cumulative, chosen = u[rows[e, 1], j], 0.0, -1
        for b in range(events[e, 8], events[e, 8] + count):
            p = run(branches[b, 0], P, ev, j, t, day, W[1], W[0])
            if bad_probability(p):
                return BAD_PROBABILITY
            cumulative = cumulative + p
            if chosen < 0 and draw < cumulative:
                chosen = b - events[e, 8]
        if chosen < 0:
            chosen = count - 1
        L[0][j, e] = chosen
        b = events[e, 8] + chosen
        code = apply_effects(I, F, P, ev, W, j, t, day, branches[b, 1], branches[b, 2], S[0], j)
        code = code or move_rungs(I, P, ev, S, W, j, t, day, branches[b, 3], branches[b, 4])
        if code:
            return code
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _accidents(I, F, P, ev, S, W, L, j, t, day, u):
    """Step 4 for trajectory ``j`` (alive); returns an error code."""
    arenas, rows = I[5], I[14]
    fpool = F[0]
    rungs, views, revert = S[1], S[2], S[15]
    for a in range(arenas.shape[0]):
        up = run(arenas[a, 2], P, ev, j, t, day, W[1], W[0])
        down = run(arenas[a, 3], P, ev, j, t, day, W[1], W[0])
        if bad_probability(up) or bad_probability(down) or bad_probability(up + down):
            return BAD_PROBABILITY
        draw = u[rows[a, 0], j]
        step = 1.0 if draw < up else (-1.0 if draw < up + down else 0.0)
        n_jump = arenas[a, 6]
        if n_jump > 1:
            first, x = arenas[a, 5], u[rows[a, 1], j]
            index = 0
            while index < n_jump and fpool[first + n_jump + index] <= x:
                index += 1
            step = step * fpool[first + min(index, n_jump - 1)]
        current = rungs[j, a]
        low, high = float(arenas[a, 0]), float(arenas[a, 1])
        old0, old1 = views[j, 2 * a], views[j, 2 * a + 1]
        views[j, 2 * a] = clip(old0 + step, low, high)
        views[j, 2 * a + 1] = clip(old1 + step, low, high)
        if arenas[a, 4] >= 0:
            p = run(arenas[a, 4], P, ev, j, t, day, W[1], W[0])
            if bad_probability(p):
                return BAD_PROBABILITY
            back = u[rows[a, 2], j] < p and step != 0.0
            revert[j, 2 * a] = views[j, 2 * a] - old0 if back else 0.0
            revert[j, 2 * a + 1] = views[j, 2 * a + 1] - old1 if back else 0.0
        sync(S, j)
        L[5][j, a] = int(rungs[j, a] - current)
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _reset(L, j):
    """Trajectory ``j``'s row of the round log, as nothing happened yet."""
    L[0][j, :] = -1
    L[1][j, :] = False
    L[2][j, :] = -1
    L[3][j, :] = False
    L[4][j, :] = False
    L[5][j, :] = 0
    L[6][j, :] = 0
    L[8][j] = False


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _copy(source, j, target):
    """Row ``j`` of ``source`` into row ``j`` of ``target`` (no temporary)."""
    for c in range(source.shape[1]):
        target[j, c] = source[j, c]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _walk_back(S, L, j):
    """Undo last round's accidental steps that are walked back (``RoundPlayer.walk_back``)."""
    rungs, views, revert = S[1], S[2], S[15]
    n_arena = rungs.shape[1]
    for a in range(n_arena):
        L[6][j, a] = int(rungs[j, a])
    for c in range(views.shape[1]):
        views[j, c] -= revert[j, c]
        revert[j, c] = 0.0
    sync(S, j)
    for a in range(n_arena):
        L[6][j, a] = int(rungs[j, a]) - L[6][j, a]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _trajectory(I, F, P, M, ev, S, W, L, j, t, day, u, sequential, jumps):
    """The round for trajectory ``j``; returns an error code."""
    views, peak, alive = S[2], L[7], S[5]
    _reset(L, j)
    if not alive[j]:
        if jumps:
            S[15][j, :] = 0.0
        _copy(views, j, peak)
        return 0
    for a in range(W[3].shape[0]):
        W[3][a] = S[11][j, a]
    for c in range(W[4].shape[0]):
        W[4][c] = S[12][j, c]
    if jumps:
        _walk_back(S, L, j)
    last_moves(j, M, I[16], S[13], S[14], W[1])
    code = _events(I, P, F, ev, S, W, L, j, t, day, u)
    if code:
        return code
    _copy(views, j, peak)
    W[5][:] = 0.0
    W[10][:] = np.inf
    code = decide_and_resolve(I, F, P, ev, S, W, L, j, t, day, sequential, u)
    if code:
        return code
    settle = False
    for c in range(views.shape[1]):
        peak[j, c] = max(peak[j, c], views[j, c])
        settle = settle or np.isfinite(W[10][c])
    if settle:
        for c in range(views.shape[1]):
            views[j, c] = min(views[j, c], W[10][c])
        sync(S, j)
    code = _accidents(I, F, P, ev, S, W, L, j, t, day, u)
    for c in range(views.shape[1]):
        peak[j, c] = max(peak[j, c], views[j, c])
    code = code or payoffs(I, F, P, ev, S, W, j, t, day)
    if code:
        return code
    _finish(I, F, P, ev, S, W, L, j, t, day)
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _finish(I, F, P, ev, S, W, L, j, t, day):
    """The round's moves become the previous round's; then step 6 (end)."""
    S[6][j] += 1
    for k in range(L[2].shape[1]):
        S[13][j, k] = -1 if L[4][j, k] else L[2][j, k]
        S[14][j, k] = L[3][j, k]
    L[8][j] = end(I, F, P, ev, S, W, j, t, day) >= 0


@njit(cache=True, error_model="numpy", _nrt=False)
def play_round(I, F, P, M, S, L, W, t, day, u, sequential, jumps):
    """Round ``t`` for every trajectory of the state ``S``, in place; returns an error code.

    On an error, ``W[8]`` holds the code and the trajectory (the NumPy path
    then replays the chunk to raise it with its message).
    """
    ev = (S[0], S[1], S[2], S[3], S[4])
    for j in range(S[0].shape[0]):
        code = _trajectory(I, F, P, M, ev, S, W, L, j, t, day, u, sequential, jumps)
        if code:
            W[8][0], W[8][1] = code, j
            return code
    return 0
