"""The state of ``n`` trajectories, and the small transitions both engines share.

:class:`State` is what compiled expressions read (it satisfies
:class:`escalade.scenario.expr.EvalState`) plus the bookkeeping the semantics
need: which options were chosen when, which events fired, accrued utility,
the highest rung reached, the moves of the previous round.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from escalade._types import BoolArray, FloatArray, IntArray
from escalade.engine.decompose import part_count
from escalade.engine.moves import MoveTable
from escalade.errors import SimulationError
from escalade.scenario.compiled import ADD, MUL, SET, CompiledScenario, Effect

__all__ = [
    "NEVER",
    "State",
    "apply_effects",
    "available",
    "initial_state",
    "option_gain",
    "rung_delta",
    "sync_rungs",
]

NEVER = -(10**6)
"""``last_chosen`` of an option never chosen."""


_LastMoves = tuple[IntArray, BoolArray, int, dict[tuple[int, int, int], FloatArray]]


@dataclass(eq=False, slots=True)
class State:
    """``n`` trajectories at the start of round ``round`` (arrays have ``n`` rows).

    ``views[:, 2a + p]`` is arena ``a``'s rung as its party ``p`` sees it;
    ``rungs[:, a]`` is the arena's common rung, the higher of the two views
    (kept in step by :func:`sync_rungs`). ``rung_max``/``view_max`` are the
    highest values so far; ``prev_option``/``prev_success`` hold the last
    round's move of each decision slot; ``revert`` the accidental steps of
    each view to walk back next round; ``absorbed`` the trajectories that
    ended in an absorbing terminal state; ``moves`` what :meth:`last_move`
    needs to know about the options (None: the state cannot answer it).
    """

    n: int
    round: int
    day: int
    variables: FloatArray
    rungs: FloatArray
    views: FloatArray
    taken: BoolArray
    uncertainties: FloatArray
    alive: BoolArray
    rounds_played: IntArray
    times_chosen: IntArray
    last_chosen: IntArray
    fired: BoolArray
    utility: FloatArray
    rung_max: FloatArray
    view_max: FloatArray
    prev_option: IntArray
    prev_success: BoolArray
    revert: FloatArray
    absorbed: BoolArray
    utility_parts: FloatArray | None = None
    """``utility`` split by term (:mod:`escalade.engine.decompose`); None: not tracked."""
    moves: MoveTable | None = None
    last_moves: _LastMoves | None = None
    """The ``last_move`` values read this round (for this ``prev_option``/``prev_success``)."""

    def last_move(self, arena: int, party: int, reader: int) -> FloatArray:
        """``last_move``: the highest rung of party ``party``'s moves in ``arena`` last round.

        As party ``reader`` sees it (2: the higher of both views); one below the
        ladder's lowest rung where the party made no such move (see
        :mod:`escalade.engine.moves`). Computed from ``prev_option`` and
        ``prev_success`` when read, so it costs nothing in a run that never reads it.
        """
        if self.moves is None:
            raise SimulationError(
                "last_move: expected a state built by the engine (initial_state), found one "
                "without its move table; hint: build states with "
                "escalade.engine.state.initial_state"
            )
        memo = self.last_moves
        if (
            memo is None
            or memo[0] is not self.prev_option
            or memo[1] is not self.prev_success
            or memo[2] != self.round
        ):
            memo = self.last_moves = (self.prev_option, self.prev_success, self.round, {})
        key = (arena, party, reader)
        if key not in memo[3]:  # several expressions of a round read the same value
            memo[3][key] = self.moves.last_move(
                self.prev_option, self.prev_success, arena, party, reader
            )
        return memo[3][key]

    def take(self, index: IntArray) -> State:
        """The trajectories at ``index`` (rows may repeat), as a new state."""
        kw: dict[str, Any] = {
            f.name: _rows(getattr(self, f.name), index)
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        return replace(self, n=len(index), last_moves=None, **kw)


def _rows(array: npt.NDArray[Any], index: IntArray) -> npt.NDArray[Any]:
    """``array[index]`` in the array's own layout (a table stays column-major)."""
    if array.ndim == 2 and array.flags.f_contiguous and not array.flags.c_contiguous:
        out = np.empty((len(index), array.shape[1]), dtype=array.dtype, order="F")
        for k in range(array.shape[1]):
            np.take(array[:, k], index, out=out[:, k])
        return out
    return array[index]


def initial_state(compiled: CompiledScenario, uncertainties: FloatArray) -> State:
    """The state at the start of round 0, for the given uncertainty draws ``(n, U)``."""
    n = uncertainties.shape[0]
    n_opt, n_act = len(compiled.options), len(compiled.actors)
    n_slot = len(compiled.slots)
    rungs = np.asfortranarray(
        np.tile(np.array([a.initial for a in compiled.arenas], dtype=float), (n, 1))
    )
    views = np.asfortranarray(np.repeat(rungs, 2, axis=1))
    f: Literal["F"] = "F"
    state = State(
        n=n,
        round=0,
        day=int(compiled.days[0]),
        variables=np.zeros((n, len(compiled.variable_ids)), order=f),
        rungs=rungs,
        views=views,
        taken=np.zeros((n, n_opt), dtype=bool, order=f),
        uncertainties=uncertainties,
        alive=np.ones(n, dtype=bool),
        rounds_played=np.zeros(n, dtype=np.int64),
        times_chosen=np.zeros((n, n_opt), dtype=np.int64, order=f),
        last_chosen=np.full((n, n_opt), NEVER, dtype=np.int64, order=f),
        fired=np.zeros((n, len(compiled.events)), dtype=bool, order=f),
        utility=np.zeros((n, n_act), order=f),
        rung_max=rungs.copy(order=f),
        view_max=views.copy(order=f),
        prev_option=np.full((n, n_slot), -1, dtype=np.int64, order=f),
        prev_success=np.zeros((n, n_slot), dtype=bool, order=f),
        revert=np.zeros((n, views.shape[1]), order=f),
        absorbed=np.zeros(n, dtype=bool),
        # Column-major: each round adds to whole columns (one per utility term), which are then
        # contiguous; the chunk's sums read a row-major copy (the same order of additions).
        utility_parts=np.zeros((n, part_count(compiled)), order="F"),
        moves=MoveTable.of(compiled),
    )
    for i, init in enumerate(compiled.variable_initial):
        state.variables[:, i] = init(state)
    state.variables[:] = np.clip(state.variables, compiled.variable_low, compiled.variable_high)
    check_finite(state.variables, compiled, "initial value", 0)
    return state


def sync_rungs(st: State) -> None:
    """Set every common rung to the higher of its two views, and update the maxima."""
    n_arena = st.rungs.shape[1]
    pairs = st.views.reshape(st.n, n_arena, 2)
    np.maximum(pairs[:, :, 0], pairs[:, :, 1], out=st.rungs)
    np.maximum(st.view_max, st.views, out=st.view_max)
    np.maximum(st.rung_max, st.rungs, out=st.rung_max)


def check_finite(
    values: FloatArray,
    compiled: CompiledScenario,
    element: str,
    t: int,
    *,
    columns: list[int] | None = None,
) -> None:
    """Raise :class:`SimulationError` when ``values`` is not finite.

    ``values`` is ``(n, V)`` (every variable) or ``(n, len(columns))`` (the
    variables ``columns``, which the message then names).
    """
    bad = ~np.isfinite(values)
    if bad.any():
        column = int(np.nonzero(bad.any(axis=0))[0][0]) if values.ndim == 2 else 0
        if columns is not None:
            column = columns[column]
        name = compiled.variable_ids[column] if values.ndim == 2 else "value"
        raise SimulationError(
            f"{element}, round {t}: expected finite numbers, found {values[bad][0]} in "
            f"variable {name!r}; hint: check divisions, log/sqrt of negatives and overflowing "
            "powers in the expressions feeding it"
        )


def apply_effects(
    state: State,
    effects: tuple[Effect, ...],
    mask: BoolArray,
    compiled: CompiledScenario,
    element: str,
) -> None:
    """Apply ``effects`` where ``mask`` holds, then clip to the variables' bounds.

    Every value is evaluated on the state before the element's effects; they
    are then applied in file order.
    """
    if not effects or not mask.any():
        return
    values = [e.value(state) for e in effects]
    for effect, value in zip(effects, values, strict=True):
        column = state.variables[:, effect.var]
        if effect.op == ADD:
            new = column + value
        elif effect.op == SET:
            new = value
        else:
            assert effect.op == MUL
            new = column * value
        state.variables[:, effect.var] = np.where(mask, new, column)
    touched = sorted({e.var for e in effects})
    low, high = compiled.variable_low[touched], compiled.variable_high[touched]
    clipped = np.clip(state.variables[:, touched], low, high)
    state.variables[:, touched] = clipped
    check_finite(clipped[mask], compiled, element, state.round, columns=touched)


def available(state: State, compiled: CompiledScenario, option: int) -> BoolArray:
    """Whether ``option`` may be chosen now: ``when`` holds, ``once`` and ``cooldown`` respected."""
    o = compiled.options[option]
    ok = np.asarray(o.when(state), dtype=bool)
    last = state.last_chosen[:, option]
    if o.once:
        ok = ok & (last == NEVER)
    if o.cooldown > 0:
        ok = ok & (state.round - last > o.cooldown)
    return ok


def option_gain(
    state: State, compiled: CompiledScenario, option: int, actor: int, *, pay: bool
) -> FloatArray:
    """One-step expected utility change of ``option`` for ``actor``.

    ``success × Σ weights × (change of the effects) + Σ weights × (change of
    the rung as the actor's side sees it) − cost``; the rung part is also
    multiplied by ``success`` for options that escalate only on success; the
    cost only when ``pay`` (the actor choosing it).
    """
    o = compiled.options[option]
    gain = np.zeros(state.n)
    if o.effects:
        before = state.variables.copy()
        after = replace(state, variables=state.variables.copy())
        apply_effects(after, o.effects, np.ones(state.n, dtype=bool), compiled, f"option {o.id!r}")
        delta_var = after.variables - before
    else:
        delta_var = np.zeros_like(state.variables)
    delta_rung = rung_delta(state, compiled, option, actor)
    rung_gain = np.zeros(state.n)
    for term in compiled.actors[actor].per_round:
        if term.kind == "var":
            gain = gain + term.weight(state) * delta_var[:, term.index]
        elif term.index == o.arena:
            rung_gain = rung_gain + term.weight(state) * delta_rung
    gain = o.success(state) * (gain if o.on_attempt else gain + rung_gain)
    if o.on_attempt:
        gain = gain + rung_gain
    if pay:
        gain = gain - o.cost(state)
    return np.asarray(gain, dtype=float)


def rung_delta(state: State, compiled: CompiledScenario, option: int, actor: int) -> FloatArray:
    """The change ``option`` would make now to its arena's rung as ``actor`` reads it."""
    o = compiled.options[option]
    if o.arena < 0:
        return np.zeros(state.n)
    party = compiled.party(o.arena, actor)
    if party < 0:
        before = state.rungs[:, o.arena]
        pair = state.views[:, 2 * o.arena : 2 * o.arena + 2]
        moved = np.stack([_move(pair[:, p], o.views[p], o.deescalate) for p in (0, 1)], axis=1)
        return np.asarray(moved.max(axis=1) - before, dtype=float)
    current = state.views[:, 2 * o.arena + party]
    return np.asarray(_move(current, o.views[party], o.deescalate) - current, dtype=float)


def _move(current: FloatArray, target: int, down: bool) -> FloatArray:
    if target < 0:
        return current
    return np.minimum(current, target) if down else np.maximum(current, target)
