"""Per-trajectory steps of the compiled round that evaluate no program.

The scalar counterparts of small NumPy steps (:mod:`escalade.engine.state`,
:mod:`escalade.engine.moves`, ``RoundPlayer.walk_back``), with the same
floating-point operations in the same order. Arguments: ``I``/``F`` the
scenario's integer and float tables (:mod:`escalade.engine.kernel.tables`),
``S`` the state arrays, ``L`` the round log's arrays, ``j`` the trajectory.
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.numba_setup import njit

__all__ = [
    "BAD_PROBABILITY",
    "BAD_RUNG",
    "BAD_UTILITY",
    "BAD_VARIABLE",
    "bad_probability",
    "clip",
    "fail",
    "last_rung",
    "rung_delta",
    "sync",
    "walk_back",
]

BAD_PROBABILITY, BAD_VARIABLE, BAD_RUNG, BAD_UTILITY = 1, 2, 3, 4
"""Error codes: a probability outside [0, 1], a non-finite variable, rung effect or utility."""


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def fail(err, code, j):
    """Record error ``code`` at trajectory ``j`` in ``err`` and return the code."""
    err[0], err[1] = code, j
    return code


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


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _moved(current, target, down):
    if target < 0:
        return current
    return min(current, float(target)) if down else max(current, float(target))


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def rung_delta(I, S, j, o, actor):
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


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def last_rung(I, F, S, j, arena, first, count, side):
    """``moves.last_rung`` of the opposing slots ``pool[first:first+count]`` as ``side`` sees."""
    pool, perceived = I[16], F[6]
    moves_table = I[0]
    prev_option, prev_success = S[13], S[14]
    best = -np.inf
    for s in range(first, first + count):
        o = prev_option[j, pool[s]]
        if o < 0 or moves_table[o, 1] != arena:
            continue
        if prev_success[j, pool[s]] or moves_table[o, 4] != 0:
            best = max(best, perceived[o, side])
    return best


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def walk_back(S, L, j):
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
