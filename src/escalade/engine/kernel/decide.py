"""Steps 2 and 3 of the round for one trajectory, compiled: decide, consent, resolve.

The scalar counterparts of :meth:`RoundPlayer.choose`, :meth:`~RoundPlayer.consent`,
:meth:`~RoundPlayer.resolve` and the built-in ``hold``, ``rules``, ``plan``,
``deescalate`` and ``reactive`` policies (arguments as in
:mod:`escalade.engine.kernel.steps`). Availability is evaluated only for the
options a policy looks at: it has no side effects, so the choice is the same.
"""

from __future__ import annotations

import numpy as np

from escalade.engine.kernel.interp import run
from escalade.engine.kernel.numba_setup import njit
from escalade.engine.kernel.steps import (
    BAD_PROBABILITY,
    apply_effects,
    bad_probability,
    option_gain,
    sync,
)

__all__ = ["decide_and_resolve"]

NEVER = -(10**6)


@njit(cache=True, error_model="numpy", _nrt=False)
def _available(options, slots, P, ev, last_chosen, picks, stack, lm, j, t, day, o, k):
    """``state.available`` for option ``o`` at slot ``k``, less the actor's earlier picks."""
    for e in range(k):
        if slots[e, 0] == slots[k, 0] and picks[e] == o:
            return False
    last = last_chosen[j, o]
    if options[o, 6] != 0 and last != NEVER:
        return False
    cooldown = options[o, 7]
    if cooldown > 0 and not (t - last > cooldown):
        return False
    return run(options[o, 10], P, ev, j, t, day, lm, stack) != 0.0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _last_rung(I, F, S, j, arena, first, count, side):
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
def _policy(I, F, P, ev, S, W, j, t, day, k):
    """What actor ``slots[k]``'s policy picks at slot ``k`` (-1: hold)."""
    actors, reactive, pool, slots = I[6], I[10], I[16], I[9]
    perceived = F[6]
    i = slots[k, 0]
    kind, first, count, other, side = (
        actors[i, 6], actors[i, 7], actors[i, 8], actors[i, 9], actors[i, 10]
    )  # fmt: skip
    if kind == 1:  # rules
        for r in range(count):
            cond, option = pool[first + 2 * r], pool[first + 2 * r + 1]
            if run(cond, P, ev, j, t, day, W[1], W[0]) != 0.0:
                if _available(I[0], I[9], P, ev, S[8], W[9], W[0], W[1], j, t, day, option, k):
                    return option
        if other >= 0 and _available(
            I[0], I[9], P, ev, S[8], W[9], W[0], W[1], j, t, day, other, k
        ):
            return other
    elif kind == 2:  # reactive
        for x in range(first, first + count):
            arena, offset = reactive[x, 0], reactive[x, 5]
            last = _last_rung(I, F, S, j, arena, reactive[x, 1], reactive[x, 2], side)
            target = last + offset
            for r in range(reactive[x, 3], reactive[x, 3] + reactive[x, 4]):
                option = pool[r]
                if perceived[option, side] <= target:
                    if _available(I[0], I[9], P, ev, S[8], W[9], W[0], W[1], j, t, day, option, k):
                        return option
    elif kind == 3:  # plan
        for r in range(count):
            if pool[first + 2 * r] == t:
                option = pool[first + 2 * r + 1]
                if _available(I[0], I[9], P, ev, S[8], W[9], W[0], W[1], j, t, day, option, k):
                    return option
    elif kind == 4:  # deescalate
        for r in range(first, first + count):
            if _available(I[0], I[9], P, ev, S[8], W[9], W[0], W[1], j, t, day, pool[r], k):
                return pool[r]
    return -1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _consent(I, F, P, ev, S, W, L, j, t, day, k, choice):
    """The choice after consent (``RoundPlayer.consent``); refusals go to the log."""
    options, pool = I[0], I[16]
    if choice < 0 or options[choice, 12] == 0:
        return choice
    accept = True
    first = options[choice, 11]
    for c in range(first, first + options[choice, 12]):
        gain = option_gain(I, F, P, ev, S, W, j, t, day, choice, pool[c])
        accept = accept and gain >= 0.0
    if accept:
        return choice
    L[4][j, k] = True
    L[2][j, k] = choice
    return -1


@njit(cache=True, error_model="numpy", _nrt=False)
def _resolve(I, F, P, ev, S, W, L, j, t, day, k, o, u):
    """Step 3 for slot ``k``'s option ``o`` (``RoundPlayer.resolve``); returns an error code."""
    options, slots = I[0], I[9]
    views, taken, times_chosen, last_chosen = S[2], S[3], S[7], S[8]
    paid, down = W[5], W[10]
    i = slots[k, 0]
    paid[i] += run(options[o, 8], P, ev, j, t, day, W[1], W[0])
    p = run(options[o, 9], P, ev, j, t, day, W[1], W[0])
    if bad_probability(p):
        return BAD_PROBABILITY
    ok = u[slots[k, 2], j] < p
    if ok:
        code = apply_effects(I, F, P, ev, W, j, t, day, options[o, 13], options[o, 14], S[0], j)
        if code:
            return code
    arena = options[o, 1]
    moved = ok or options[o, 4] != 0
    if arena >= 0 and moved:
        changed = False
        for side in range(2):
            target = options[o, 2 + side]
            if target < 0:
                continue
            col = 2 * arena + side
            if options[o, 5] != 0:
                down[col] = min(down[col], float(target))
            else:
                views[j, col] = max(views[j, col], float(target))
                changed = True
        if changed:
            sync(S, j)
    taken[j, o] = taken[j, o] or ok
    times_chosen[j, o] += 1
    last_chosen[j, o] = t
    L[2][j, k] = o
    L[3][j, k] = L[3][j, k] or ok
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def decide_and_resolve(I, F, P, ev, S, W, L, j, t, day, sequential, u):
    """Steps 2 and 3 for every slot of trajectory ``j`` (alive); returns an error code."""
    slots = I[9]
    picks, chosen, err = W[9], W[11], W[8]
    n_slot = slots.shape[0]
    for k in range(n_slot):
        held = False
        for e in range(k):
            if slots[e, 0] == slots[k, 0] and picks[e] < 0:
                held = True
        pick = -1 if held else _policy(I, F, P, ev, S, W, j, t, day, k)
        picks[k] = pick
        choice = _consent(I, F, P, ev, S, W, L, j, t, day, k, pick)
        if err[0]:
            return err[0]
        chosen[k] = choice
        if sequential and choice >= 0:
            code = _resolve(I, F, P, ev, S, W, L, j, t, day, k, choice, u)
            if code:
                return code
    if not sequential:
        for k in range(n_slot):
            if chosen[k] >= 0:
                code = _resolve(I, F, P, ev, S, W, L, j, t, day, k, chosen[k], u)
                if code:
                    return code
    return 0
