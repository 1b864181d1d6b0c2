"""Steps 2 and 3 of the round over a set of trajectories, compiled: decide, consent, resolve.

The counterparts of :meth:`RoundPlayer.choose`, :meth:`~RoundPlayer.consent`,
:meth:`~RoundPlayer.resolve` and the built-in ``hold``, ``rules``, ``plan``,
``deescalate`` and ``reactive`` policies (arguments as in
:mod:`escalade.engine.kernel.steps`). A policy works on the set of
trajectories still undecided: each rule's condition is evaluated for that
set, the trajectories whose option is available take it and leave the set.
Availability is evaluated only for the trajectories a policy looks at: it has
no side effects, so the choice is the same as the NumPy path's.
"""

from __future__ import annotations

from escalade.engine.kernel.interp import run
from escalade.engine.kernel.numba_setup import njit
from escalade.engine.kernel.rows import BAD_PROBABILITY, bad_probability, fail, last_rung, sync
from escalade.engine.kernel.steps import apply_effects, bucket, option_gain

__all__ = ["decide_and_resolve"]

NEVER = -(10**6)


@njit(cache=True, error_model="numpy", _nrt=False)
def _available(I, P, ev, S, V, t, day, o, k, src, cnt, dst):
    """Trajectories of ``src[:cnt]`` for which option ``o`` is available at slot ``k``.

    ``state.available``, less the actor's earlier picks this round; they go to
    ``dst``, their count is returned.
    """
    options, slots = I[0], I[9]
    last_chosen, picks, maybe = S[8], V[9], V[12][6]
    once, cooldown = options[o, 6] != 0, options[o, 7]
    m = 0
    for i in range(cnt):
        j = src[i]
        last = last_chosen[j, o]
        if (once and last != NEVER) or (cooldown > 0 and not (t - last > cooldown)):
            continue
        maybe[m] = j
        m += 1
    for e in range(k):  # the actor's earlier slots this round: no option twice
        if slots[e, 0] == slots[k, 0]:
            kept = 0
            for i in range(m):
                if picks[maybe[i], e] != o:
                    maybe[kept] = maybe[i]
                    kept += 1
            m = kept
    if m == 0:
        return 0
    when = V[7][1]
    run(options[o, 10], P, ev, maybe, m, t, day, V[1], V[0], when)
    count = 0
    for i in range(m):
        if when[i] != 0.0:
            dst[count] = maybe[i]
            count += 1
    return count


@njit(cache=True, error_model="numpy", _nrt=False)
def _take(I, P, ev, S, V, t, day, o, k, src, cnt):
    """Trajectories of ``src[:cnt]`` for which ``o`` is available pick it; the rest stay.

    Returns how many stay (compacted at the front of ``src``).
    """
    picks, got = V[9], V[12][3]
    m = _available(I, P, ev, S, V, t, day, o, k, src, cnt, got)
    if m == 0:
        return cnt
    for q in range(m):
        picks[got[q], k] = o
    return _undecided(picks, k, src, cnt)


@njit(cache=True, error_model="numpy", _nrt=False)
def _rules(I, P, ev, S, V, t, day, k, left, n_left):
    """The rules policy at slot ``k``: the first rule that holds and whose option is available."""
    actors, pool = I[6], I[16]
    i = I[9][k, 0]
    first, count, other = actors[i, 7], actors[i, 8], actors[i, 9]
    cond, holds = V[7][0], V[12][2]
    for r in range(count):
        if n_left == 0:
            return
        run(pool[first + 2 * r], P, ev, left, n_left, t, day, V[1], V[0], cond)
        m = 0
        for q in range(n_left):
            if cond[q] != 0.0:
                holds[m] = left[q]
                m += 1
        if m:
            _take(I, P, ev, S, V, t, day, pool[first + 2 * r + 1], k, holds, m)
            n_left = _undecided(V[9], k, left, n_left)
    if other >= 0 and n_left:
        _take(I, P, ev, S, V, t, day, other, k, left, n_left)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _undecided(picks, k, left, n_left):
    """Drop the trajectories that picked at slot ``k`` from ``left``; the count left."""
    keep = 0
    for q in range(n_left):
        if picks[left[q], k] < 0:
            left[keep] = left[q]
            keep += 1
    return keep


@njit(cache=True, error_model="numpy", _nrt=False)
def _reactive(I, F, P, ev, S, V, t, day, k, left, n_left):
    """The reactive policy: the highest available option at most ``offset`` above the last move."""
    actors, reactive, pool, perceived = I[6], I[10], I[16], F[6]
    i = I[9][k, 0]
    first, count, side = actors[i, 7], actors[i, 8], actors[i, 10]
    target, below = V[7][2], V[12][2]
    for x in range(first, first + count):
        if n_left == 0:
            return
        arena, offset = reactive[x, 0], reactive[x, 5]
        for q in range(n_left):
            last = last_rung(I, F, S, left[q], arena, reactive[x, 1], reactive[x, 2], side)
            target[q] = last + offset
        for r in range(reactive[x, 3], reactive[x, 3] + reactive[x, 4]):
            option = pool[r]
            m = 0
            for q in range(n_left):
                if V[9][left[q], k] < 0 and perceived[option, side] <= target[q]:
                    below[m] = left[q]
                    m += 1
            if m:
                _take(I, P, ev, S, V, t, day, option, k, below, m)
        n_left = _undecided(V[9], k, left, n_left)


@njit(cache=True, error_model="numpy", _nrt=False)
def _policy(I, F, P, ev, S, V, t, day, k, left, n_left):
    """What actor ``slots[k]``'s policy picks at slot ``k`` for ``left[:n_left]`` (into picks)."""
    actors, pool = I[6], I[16]
    i = I[9][k, 0]
    kind, first, count = actors[i, 6], actors[i, 7], actors[i, 8]
    if kind == 1:
        _rules(I, P, ev, S, V, t, day, k, left, n_left)
    elif kind == 2:
        _reactive(I, F, P, ev, S, V, t, day, k, left, n_left)
    elif kind == 3:  # plan
        for r in range(count):
            if pool[first + 2 * r] == t and n_left:
                n_left = _take(I, P, ev, S, V, t, day, pool[first + 2 * r + 1], k, left, n_left)
    elif kind == 4:  # deescalate
        for r in range(first, first + count):
            if n_left:
                n_left = _take(I, P, ev, S, V, t, day, pool[r], k, left, n_left)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _asks(I, k):
    """Whether an option of slot ``k``'s actor needs another actor's consent."""
    options = I[0]
    for o in range(options.shape[0]):  # noqa: SIM110 - a plain loop for Numba
        if options[o, 0] == I[9][k, 0] and options[o, 12] != 0:
            return True
    return False


@njit(cache=True, error_model="numpy", _nrt=False)
def _consent(I, F, P, ev, S, V, L, t, day, k, movers, cnt):
    """Drop the picks at slot ``k`` that a consenting actor loses by (``RoundPlayer.consent``).

    ``movers[:cnt]`` are the trajectories that picked; the refused leave it
    and go to the log. Returns how many are left, or minus an error code.
    """
    options, pool = I[0], I[16]
    picks, ix, gain, refused = V[9], V[12], V[7][3], V[13]
    asks, keys, group = ix[4], ix[7], ix[5]
    m = 0
    for i in range(cnt):
        o = picks[movers[i], k]
        if options[o, 12] != 0:
            asks[m] = movers[i]
            keys[m] = o
            m += 1
    if m == 0:
        return cnt
    off = V[14]
    bucket(asks, m, keys, options.shape[0], group, off)
    for o in range(options.shape[0]):
        size, sub = off[o + 1] - off[o], group[off[o] :]
        if size == 0:
            continue
        for q in range(size):
            refused[q] = 0
        first = options[o, 11]
        for c in range(first, first + options[o, 12]):
            code = option_gain(I, F, P, ev, S, V, sub, size, t, day, o, pool[c], gain)
            if code:
                return -code
            for q in range(size):
                if not (gain[q] >= 0.0):
                    refused[q] = 1
        for q in range(size):
            if refused[q]:
                L[4][sub[q], k] = True
                L[2][sub[q], k] = o
    kept = 0
    for i in range(cnt):
        if not L[4][movers[i], k]:
            movers[kept] = movers[i]
            kept += 1
    return kept


@njit(cache=True, error_model="numpy", _nrt=False)
def _resolve_option(I, F, P, ev, S, V, L, t, day, k, o, idx, cnt, u):
    """Step 3 for option ``o`` chosen at slot ``k`` by ``idx[:cnt]``; returns an error code."""
    options, slots = I[0], I[9]
    views, paid, down, fx = S[2], V[5], V[10], V[7]
    cost, p, ok = fx[0], fx[1], V[12][6]
    i_actor, row = slots[k, 0], slots[k, 2]
    run(options[o, 8], P, ev, idx, cnt, t, day, V[1], V[0], cost)
    for q in range(cnt):
        paid[idx[q], i_actor] += cost[q]
    run(options[o, 9], P, ev, idx, cnt, t, day, V[1], V[0], p)
    n_ok = 0
    for q in range(cnt):
        if bad_probability(p[q]):
            return fail(V[8], BAD_PROBABILITY, idx[q])
        if u[row, idx[q]] < p[q]:
            ok[n_ok] = idx[q]
            n_ok += 1
    if n_ok:
        first, count = options[o, 13], options[o, 14]
        code = apply_effects(I, F, P, ev, V, ok, n_ok, t, day, first, count, S[0], True)
        if code:
            return code
    for q in range(n_ok):
        S[3][ok[q], o] = True
        L[3][ok[q], k] = True
    arena, attempt = options[o, 1], options[o, 4] != 0
    for q in range(cnt):
        j = idx[q]
        moved = attempt or L[3][j, k]
        if arena >= 0 and moved:
            changed = False
            for side in range(2):
                target = options[o, 2 + side]
                if target < 0:
                    continue
                col = 2 * arena + side
                if options[o, 5] != 0:
                    down[j, col] = min(down[j, col], float(target))
                else:
                    views[j, col] = max(views[j, col], float(target))
                    changed = True
            if changed:
                sync(S, j)
        S[7][j, o] += 1
        S[8][j, o] = t
        L[2][j, k] = o
    return 0


@njit(cache=True, error_model="numpy", _nrt=False)
def _resolve(I, F, P, ev, S, V, L, t, day, k, movers, cnt, u):
    """Step 3 for slot ``k`` of ``movers[:cnt]`` (those with a choice), option by option."""
    options, picks, ix = I[0], V[9], V[12]
    keys, group = ix[7], ix[4]
    if cnt == 0:
        return 0
    for i in range(cnt):
        keys[i] = picks[movers[i], k]
    off = V[14]
    bucket(movers, cnt, keys, options.shape[0], group, off)
    for o in range(options.shape[0]):
        size = off[o + 1] - off[o]
        if size:
            code = _resolve_option(I, F, P, ev, S, V, L, t, day, k, o, group[off[o] :], size, u)
            if code:
                return code
    return 0


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _first_slot(I, k):
    """Whether slot ``k`` is its actor's first of the round."""
    slots = I[9]
    for e in range(k):  # noqa: SIM110 - a plain loop for Numba
        if slots[e, 0] == slots[k, 0]:
            return False
    return True


@njit(cache=True, error_model="numpy", _nrt=False)
def _forced(I, P, ev, S, V, t, day, k, left, n_left, want):
    """Slot ``k`` takes each trajectory's forced move ``want[j]`` where it is available."""
    options, ix, off = I[0], V[12], V[14]
    asks, keys, group = ix[2], ix[7], ix[4]
    m = 0
    for i in range(n_left):
        if want[left[i]] >= 0:
            asks[m] = left[i]
            keys[m] = want[left[i]]
            m += 1
    if m == 0:
        return
    bucket(asks, m, keys, options.shape[0], group, off)
    for o in range(options.shape[0]):
        size = off[o + 1] - off[o]
        if size:
            _take(I, P, ev, S, V, t, day, o, k, group[off[o] :], size)


@njit(cache=True, error_model="numpy", _nrt=False)
def _pick(I, F, P, ev, S, V, R, t, day, k, idx, cnt, movers):
    """Step 2 at slot ``k``: the picks of ``idx[:cnt]``; those that picked into ``movers``.

    The forced actor of a rollout's first round (``R[1]``) takes ``R[2]``'s
    move at its first slot, where available, and holds at the others.
    """
    slots, actors = I[9], I[6]
    picks, left = V[9], V[12][1]
    for i in range(cnt):
        picks[idx[i], k] = -1
    forced = slots[k, 0] == R[1]
    if actors[slots[k, 0], 6] == 0 and not forced:  # hold
        return 0
    for i in range(cnt):
        left[i] = idx[i]
    n_left = cnt
    for e in range(k):  # an actor that held at an earlier slot holds at its later ones
        if slots[e, 0] == slots[k, 0]:
            kept = 0
            for i in range(n_left):
                if picks[left[i], e] >= 0:
                    left[kept] = left[i]
                    kept += 1
            n_left = kept
    if forced:
        if n_left and _first_slot(I, k):
            _forced(I, P, ev, S, V, t, day, k, left, n_left, R[2])
    elif n_left:
        _policy(I, F, P, ev, S, V, t, day, k, left, n_left)
    m = 0
    for i in range(cnt):
        if picks[idx[i], k] >= 0:
            movers[m] = idx[i]
            m += 1
    return m


@njit(cache=True, error_model="numpy", _nrt=False)
def decide_and_resolve(I, F, P, ev, S, V, L, R, t, day, sequential, u, idx, cnt):
    """Steps 2 and 3 for every slot of trajectories ``idx[:cnt]`` (alive); returns an error code.

    ``V[11][k, :V[15][k]]`` lists the trajectories that move at slot ``k``. In
    a sequential round with a forced actor (``R[1]``), the slots of the actors
    before it are not played: they moved before the rollout began.
    """
    movers, counts = V[11], V[15]
    for k in range(I[9].shape[0]):
        if sequential and R[1] >= 0 and I[9][k, 0] < R[1]:
            counts[k] = 0
            for i in range(cnt):
                V[9][idx[i], k] = -1
            continue
        m = _pick(I, F, P, ev, S, V, R, t, day, k, idx, cnt, movers[k])
        if m and _asks(I, k):
            m = _consent(I, F, P, ev, S, V, L, t, day, k, movers[k], m)
            if m < 0:
                return -m
        counts[k] = m
        if sequential:
            code = _resolve(I, F, P, ev, S, V, L, t, day, k, movers[k], m, u)
            if code:
                return code
    if not sequential:
        for k in range(I[9].shape[0]):
            code = _resolve(I, F, P, ev, S, V, L, t, day, k, movers[k], counts[k], u)
            if code:
                return code
    return 0
