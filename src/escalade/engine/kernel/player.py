"""The round player that plays through the compiled kernel, and the choice of path.

:class:`KernelPlayer` is a :class:`~escalade.engine.vectorised.RoundPlayer`
whose rounds run in :func:`escalade.engine.kernel.round.play_round` where the
kernel supports the policies played: the cell's own rounds, and the rollout
rounds of a ``best_response`` actor (a forced first move, no events, only the
deciding actor's utility); anything else is the NumPy round.
:func:`make_player` picks the player: a :class:`KernelPlayer` when
``ESCALADE_KERNEL=numba``, Numba is importable and
:func:`~escalade.engine.kernel.tables.kernel_supports` finds nothing against
the cell or the rollouts of one of its actors; else the NumPy path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.engine.kernel.numba_setup import AVAILABLE
from escalade.engine.kernel.tables import Tables, build, kernel_supports
from escalade.engine.policies import Policy
from escalade.engine.state import State
from escalade.engine.vectorised import RoundLog, RoundPlayer, rollout_specs
from escalade.errors import SimulationError, UsageError
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["ENV", "KernelPlayer", "KernelRejected", "kernel_reason", "make_player", "on_kernel"]

T = TypeVar("T")

ENV = "ESCALADE_KERNEL"
"""Environment variable: ``numpy`` (default) or ``numba`` (the kernel for the cells it supports)."""

_STATE = (
    "variables", "rungs", "views", "taken", "uncertainties", "alive", "rounds_played",
    "times_chosen", "last_chosen", "fired", "utility", "rung_max", "view_max", "prev_option",
    "prev_success", "revert", "absorbed", "utility_parts",
)  # fmt: skip
"""The state arrays the kernel reads and writes, in the order it expects them."""


BLOCK = 2048
"""Trajectories the kernel plays a round for at a time (their columns stay in cache)."""


class KernelRejected(SimulationError):
    """The kernel met a value the NumPy path rejects; the chunk is replayed on that path."""


def kernel_reason(compiled: CompiledScenario, specs: Sequence[PolicySpec]) -> str | None:
    """Why this cell's own rounds take the NumPy path (``None``: the compiled kernel plays them).

    The kernel is opt-in (``ESCALADE_KERNEL=numba``): its first use on a
    machine compiles for about 90 s (``docs/engine.md``).
    """
    return _mode_reason() or kernel_supports(compiled, specs)


def _mode_reason() -> str | None:
    """Why no cell plays in the kernel in this process (``ESCALADE_KERNEL``, Numba), or None."""
    mode = os.environ.get(ENV, "numpy").strip().lower() or "numpy"
    if mode not in ("numpy", "numba"):
        raise UsageError(
            f"{ENV}: expected 'numpy' or 'numba', found {mode!r}; hint: unset it for the NumPy path"
        )
    if mode == "numpy":
        return f"{ENV} is not 'numba'"
    return None if AVAILABLE else "numba is not installed"


def _rollouts_reason(
    compiled: CompiledScenario, specs: Sequence[PolicySpec], declared: frozenset[int]
) -> str | None:
    """None when the kernel plays the rollouts of some ``best_response`` actor of the cell."""
    per_actor = rollout_specs(compiled, specs, declared)
    reasons = [
        kernel_supports(compiled, per_actor[i])
        for i, spec in enumerate(specs)
        if spec.kind == "best_response"
    ]
    if any(reason is None for reason in reasons):
        return None
    return reasons[0] if reasons else "no actor plays rollouts"


def make_player(
    compiled: CompiledScenario,
    specs: Sequence[PolicySpec],
    *,
    seed: int,
    declared: frozenset[int] = frozenset(),
    kernel: bool = True,
) -> RoundPlayer:
    """A :class:`KernelPlayer` when the kernel supports the cell (see :func:`kernel_reason`).

    With ``kernel`` False, always the NumPy path's :class:`RoundPlayer`.
    """
    if kernel and _mode_reason() is None:
        own = kernel_supports(compiled, specs) is None
        if own or _rollouts_reason(compiled, specs, declared) is None:
            return KernelPlayer(compiled, specs, seed=seed, declared=declared, own=own)
    return RoundPlayer(compiled, specs, seed=seed, declared=declared)


def on_kernel(run: Callable[[bool], T]) -> T:
    """``run(True)`` (rounds in the kernel where it plays them), or ``run(False)`` if rejected.

    ``run(kernel)`` plays from the start with ``make_player(..., kernel=kernel)``;
    when the kernel meets a value the engine rejects, the work is replayed on
    the NumPy path, which raises the error with its full message.
    """
    try:
        return run(True)
    except KernelRejected:
        return run(False)


class KernelPlayer(RoundPlayer):
    """A round player whose rounds run in the compiled kernel where it can (same results).

    The cell's own rounds, when the kernel supports its policies, and the
    rollout rounds of a ``best_response`` actor, when it supports the policies
    everyone follows inside them; anything else is the NumPy round.
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        specs: Sequence[PolicySpec],
        *,
        seed: int,
        declared: frozenset[int] = frozenset(),
        own: bool | None = None,
    ) -> None:
        """``own``: whether the kernel supports the cell's own rounds (None: find out)."""
        super().__init__(compiled, specs, seed=seed, declared=declared)
        supported = kernel_supports(compiled, specs) is None if own is None else own
        self.tables: Tables | None = build(compiled, specs) if supported else None
        """The cell's tables (None: its own rounds take the NumPy path)."""
        self._cell_specs = list(specs)
        self._rollout_tables: dict[int, Tables | None] = {}
        self._scratch: dict[int, tuple[Any, ...]] = {}
        """The kernel's scratch arrays per tables, sized for the largest state so far."""
        self._entries: dict[Any, Any] = {}
        self._static: dict[int, tuple[FloatArray, FloatArray]] = {}
        """Per tables: the uncertainties the static programs were computed for, and their values."""

    def _tables_for(self, policies: Sequence[Policy]) -> Tables | None:
        """The tables of the cell, or of an actor's rollouts, that ``policies`` are (or None)."""
        if policies is self.policies:
            return self.tables
        for i, spec in enumerate(self._cell_specs):
            if spec.kind != "best_response" or policies is not self.rollout_policies(i):
                continue
            if i not in self._rollout_tables:
                specs = self.specs_in_rollouts(i)
                fits = kernel_supports(self.compiled, specs) is None
                self._rollout_tables[i] = build(self.compiled, specs) if fits else None
            return self._rollout_tables[i]
        return None

    def play(
        self,
        st: State,
        t: int,
        u: FloatArray,
        policies: Sequence[Policy],
        *,
        events: bool = True,
        forced: tuple[int, IntArray] | None = None,
        rollouts: bool = True,
        payers: Sequence[int] | None = None,
    ) -> RoundLog:
        """Round ``t`` as :meth:`RoundPlayer.play`; in the kernel when it is a plain round.

        Raises
        ------
        KernelRejected
            Where the NumPy path would raise a :class:`SimulationError` (the
            state is then partly played: replay the chunk on the NumPy path).
        """
        tables = self._tables_for(policies)
        if tables is None:
            return super().play(
                st, t, u, policies, events=events, forced=forced, rollouts=rollouts, payers=payers
            )
        c = self.compiled
        st.round, st.day = t, int(c.days[t])
        _contiguous(st)
        log = _log(c, st)
        flags = np.zeros(len(c.actors), dtype=bool)
        flags[list(range(len(c.actors))) if payers is None else list(payers)] = True
        who, want = (-1, _NO_MOVES) if forced is None else forced
        rollout = (events, int(who), np.ascontiguousarray(want, dtype=np.int64), flags)
        uniforms = np.ascontiguousarray(u, dtype=np.float64)
        code = self._kernel(tables, st, t=t, uniforms=uniforms, log=log, rollout=rollout)
        if code:
            raise KernelRejected(
                f"round {t}: the compiled kernel found a value the engine rejects (code {code}, "
                f"trajectory {int(self._scratch[id(tables)][8][1])}); hint: replay on the NumPy "
                "path for the full message"
            )
        return log

    def _kernel(
        self,
        tb: Tables,
        st: State,
        *,
        t: int,
        uniforms: FloatArray,
        log: RoundLog,
        rollout: tuple[Any, ...],
    ) -> int:
        """Call the compiled round on ``st`` (static programs computed once per state)."""
        from escalade.engine.kernel.interp import fill_static  # noqa: PLC0415 - compiled on use
        from escalade.engine.kernel.round import play_round  # noqa: PLC0415 - compiled on use

        c = self.compiled
        logs = (
            *(log.branch, log.fired, log.moves, log.succeeded, log.refused, log.accidents),
            *(log.reverted, log.peak_views, log.ended),
        )
        states = tuple(getattr(st, name) for name in _STATE[:-1])
        states += (_NO_PARTS if st.utility_parts is None else st.utility_parts,)
        key = id(tb)
        scratch = self._scratch.get(key)
        if scratch is None or scratch[0].shape[1] < st.n:
            scratch = self._scratch[key] = _scratch(c, tb, st.n)
        cached = self._static.get(key)
        if cached is None or cached[0] is not st.uncertainties:
            static = np.zeros((st.n, tb.n_static), order="F")
            fill = ((*tb.prog, static), states[:5], scratch[0])
            self._entry(fill_static, fill, (_Open({6}), _Open(), False))(*fill)
            cached = self._static[key] = (st.uncertainties, static)
        args = (
            tb.ints, tb.floats, (*tb.prog, cached[1]), tb.moves, states, logs, scratch, rollout,
            t, st.day, uniforms, bool(c.sequential), bool(c.has_jumps), BLOCK,
        )  # fmt: skip
        opened = (False, False, _Open({6}), False, _Open(), _Open(), _Open(_TRAJECTORY_MAJOR))
        code: int = self._entry(play_round, args, opened)(*args)
        # the kernel rewrote prev_option and prev_success in place: the memo of last_move
        # values, keyed by those arrays' identity and the round, would be read stale
        st.last_moves = None
        return code

    def _entry(self, dispatcher: Any, args: tuple[Any, ...], opened: tuple[Any, ...]) -> Any:
        """:func:`entry`, typed once per player (the types never change between rounds)."""
        if dispatcher not in self._entries:
            self._entries[dispatcher] = entry(dispatcher, args, opened)
        return self._entries[dispatcher]


_ANNOUNCED: list[bool] = []


def announce_compiling(dispatcher: Any, stream: TextIO | None = None) -> bool:
    """Say on stderr, once per process, that the kernel is being compiled (a cold cache).

    A first use on a machine compiles for about 90 s of one core; without a
    word the command would look stuck. Returns whether it said so. The check
    reads where Numba keeps the function's cache index (best effort: no word
    if Numba lays its cache out otherwise).
    """
    if _ANNOUNCED or dispatcher.overloads:
        return False
    try:
        index = Path(dispatcher._cache._cache_file._index_path)  # Numba's cache layout
    except AttributeError:
        return False
    if index.exists():
        return False
    _ANNOUNCED.append(True)
    print(
        "escalade: compiling the round kernel (ESCALADE_KERNEL=numba) for this machine; "
        "once, about 90 s of one core",
        file=stream or sys.stderr,
        flush=True,
    )
    return True


_NO_MOVES = np.zeros(0, dtype=np.int64)
"""The forced moves of a round that forces none."""

_NO_PARTS = np.zeros((0, 1), order="F")
"""What the kernel reads for the utility decomposition of a state that keeps none."""

_TRAJECTORY_MAJOR = frozenset({1, 3, 4, 5, 6, 9, 10})
"""The kernel's scratch arrays with one row per trajectory (column-major)."""


class _Open(frozenset[int]):
    """Which items of a tuple argument are typed with an open layout (empty: every item)."""

    def __contains__(self, item: object) -> bool:
        return not self or super().__contains__(item)


def entry(dispatcher: Any, args: tuple[Any, ...], opened: tuple[Any, ...]) -> Any:
    """The compiled ``dispatcher`` for ``args``, the 2-D arrays ``opened`` typed column-major.

    ``opened`` says, argument by argument (the rest: False), which tuple
    items have one row per trajectory.

    Numba types an array by its memory order, and a column-major array of one
    column (or none) is also row-major, so Numba would call it row-major: left
    alone, each scenario's shapes would compile the kernel anew (about a
    minute each). Typing the arrays with one row per trajectory as
    column-major (which they are) gives every scenario one signature, compiled
    once per machine and cached; the entry point is then called directly.
    """
    from numba import typeof  # noqa: PLC0415 - numba is imported with the kernel
    from numba.core import types  # noqa: PLC0415

    def typed(value: Any, open_: bool) -> Any:
        ty = typeof(value)  # type: ignore[no-untyped-call]
        if open_ and isinstance(ty, types.Array) and ty.ndim == 2:
            return ty.copy(layout="F" if value.flags.f_contiguous else "A")
        return ty

    announce_compiling(dispatcher)
    sig = []
    for i, value in enumerate(args):
        how = opened[i] if i < len(opened) else False
        if isinstance(how, _Open):
            items = [typed(x, k in how) for k, x in enumerate(value)]
            sig.append(types.BaseTuple.from_types(items))  # type: ignore[no-untyped-call]
        else:
            sig.append(typed(value, False))
    return dispatcher.compile(tuple(sig))  # loads the cached machine code, or compiles


def _log(c: CompiledScenario, st: State) -> RoundLog:
    """A round log the kernel fills (every row is reset by the kernel)."""
    n, n_slot, n_arena, n_event = st.n, len(c.slots), len(c.arenas), len(c.events)
    return RoundLog(
        branch=np.empty((n, n_event), dtype=np.int64, order="F"),
        fired=np.empty((n, n_event), dtype=bool, order="F"),
        moves=np.empty((n, n_slot), dtype=np.int64, order="F"),
        succeeded=np.empty((n, n_slot), dtype=bool, order="F"),
        refused=np.empty((n, n_slot), dtype=bool, order="F"),
        accidents=np.empty((n, n_arena), dtype=np.int64, order="F"),
        reverted=np.empty((n, n_arena), dtype=np.int64, order="F"),
        peak_views=np.empty((n, 2 * n_arena), order="F"),
        ended=np.empty(n, dtype=bool),
    )


def _contiguous(st: State) -> None:
    """Make every array the kernel reads column-major, as the engine allocates them.

    The kernel walks a column at a time (one variable, one option over the
    trajectories of a set); one layout for all gives one compiled signature.
    """
    for name in _STATE:
        value = getattr(st, name)
        if value is not None and not value.flags.f_contiguous:
            setattr(st, name, np.asfortranarray(value))


def _scratch(c: CompiledScenario, tables: Tables, n: int) -> tuple[Any, ...]:
    """The kernel's scratch arrays for chunks of up to ``n`` trajectories (``round`` lists them)."""
    n_arena, n_actor, n_slot = len(c.arenas), len(c.actors), len(c.slots)
    groups = [len(o.effects) for o in c.options] + [len(e.effects) for e in c.events]
    groups += [len(b.effects) for e in c.events for b in e.branches]
    return (
        np.zeros((tables.depth + 1, n)),
        np.zeros((n, max(tables.n_reads, 1)), order="F"),
        np.zeros((max([1, *groups]), n)),
        np.zeros((n, n_arena), order="F"),
        np.zeros((n, 2 * n_arena), order="F"),
        np.zeros((n, n_actor), order="F"),
        np.zeros((n, len(c.variable_ids)), order="F"),
        np.zeros((8, n)),
        np.zeros(2, dtype=np.int64),
        np.zeros((n, n_slot), dtype=np.int64, order="F"),
        np.zeros((n, 2 * n_arena), order="F"),
        np.zeros((n_slot, n), dtype=np.int64),
        np.zeros((8, n), dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(len(c.options) + 2, dtype=np.int64),
        np.zeros(n_slot, dtype=np.int64),
    )
