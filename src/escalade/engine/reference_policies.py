"""The built-in policies of the reference interpreter, with scalars (read with ``reference``).

:class:`ScalarPolicies` is a mixin of
:class:`~escalade.engine.reference.ReferenceInterpreter`: the same choices as the
vectorised policies of :mod:`escalade.engine.policies`, one trajectory at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from escalade._types import FloatArray
from escalade.engine.moves import COMMON, MoveTable, party_slots, seen_rung
from escalade.engine.policies import (
    PRESETS,
    DecisionContext,
    kind_info,
    logit_choice,
    make_policy,
    opponent_slots,
    plan_rounds,
    reactive_tables,
    set_scalar,
)
from escalade.engine.state import NEVER, State
from escalade.engine.stopping import (
    MIN_SAMPLES,
    in_order_sum,
    leaders,
    paired_values,
    separated,
)
from escalade.engine.streams import BELIEF
from escalade.scenario import expr as ex
from escalade.scenario.schema import PolicySpec

if TYPE_CHECKING:
    from escalade.engine.reference import One
    from escalade.engine.streams import ScalarStreams
    from escalade.engine.trace import RoundTrace
    from escalade.scenario.compiled import CompiledOption, CompiledScenario

__all__ = ["LastMoves", "ScalarPolicies"]


class ScalarPolicies:
    """Scalar versions of the built-in policies (a mixin; see the module docstring)."""

    c: CompiledScenario
    streams: ScalarStreams
    rollout_specs: list[list[PolicySpec]]
    trajectory: int
    horizon: int
    ranked: dict[int, list[float]]

    if TYPE_CHECKING:

        def holds(self, compiled_expr: ex.Compiled, s: One) -> bool: ...  # noqa: D102

        def gain(self, s: One, o: int, actor: int, *, pay: bool) -> float: ...  # noqa: D102

        def flow(self, s: One, i: int, terms: str = "per_round") -> float: ...  # noqa: D102

        def play(  # noqa: D102
            self,
            s: One,
            t: int,
            u: np.ndarray,
            specs: Sequence[PolicySpec],
            *,
            events: bool = True,
            forced: tuple[int, int] | None = None,
            rollouts: bool = True,
        ) -> RoundTrace: ...

    def decide(
        self,
        s: One,
        i: int,
        u: float,
        spec: PolicySpec,
        *,
        avail: dict[int, bool],
        rollouts: bool,
        slot: int = 0,
    ) -> int:
        """Actor ``i``'s choice under ``spec``: its kind's scalar decision, else ``foreign``.

        The scalar decisions are kept in the policy registry (set at the end of
        this module). ``avail`` already excludes what the actor's earlier moves
        of the round took; ``slot`` is the number of the move being chosen.
        """
        info = kind_info(spec.kind)
        if info is None or info.scalar is None:
            return self.foreign(s, i, u, spec, avail, slot=slot)
        return info.scalar(self, s, i, u, spec, avail, rollouts, slot)

    def rules(self, s: One, i: int, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """First rule whose condition holds and option is available; else ``otherwise``."""
        index = {o.id: o.index for o in self.c.options}
        for rule in spec.rules:
            condition = ex.compile_expr(ex.parse(rule.if_), self.c.env_for(i))
            if self.holds(condition, s) and avail[index[rule.then]]:
                return index[rule.then]
        if spec.otherwise and avail[index[spec.otherwise]]:
            return index[spec.otherwise]
        return -1

    def reactive(self, s: One, i: int, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """Answer the opposing side's last perceived rung plus the offset."""
        c = self.c
        offset = PRESETS.get(spec.kind, spec.offset if spec.offset is not None else 0)
        side = c.actors[i].side
        for arena, actors, ranked in reactive_tables(i, c, spec.arena):
            slots = opponent_slots(c, actors)
            last = self.last_rung(s, arena, slots, lambda o: float(o.perceived[side]))
            for o in ranked:
                if avail[o] and c.options[o].perceived[side] <= last + offset:
                    return o
        return -1

    def last_rung(
        self, s: One, arena: int, slots: list[int], seen: Callable[[CompiledOption], float]
    ) -> float:
        """The highest ``seen`` rung of the moves of ``slots`` last round that moved ``arena``.

        A move moved the ladder when it was taken (refused moves are not kept)
        and, for ``escalates: success``, succeeded; ``-inf`` when there was none
        (the scalar :func:`escalade.engine.moves.last_rung`).
        """
        last = -math.inf
        for j in slots:
            move, ok = s.prev_moves.get(j, (-1, False))
            if move < 0:
                continue
            option = self.c.options[move]
            if (ok or option.on_attempt) and option.arena == arena:
                last = max(last, seen(option))
        return last

    def quantal(self, s: One, i: int, u: float, spec: PolicySpec, avail: dict[int, bool]) -> int:
        """Logit over hold and the available options' one-step expected utility."""
        options = list(self.c.options_by_actor[i])
        values = np.zeros((1, len(options) + 1))
        allowed = np.ones((1, len(options) + 1), dtype=bool)
        for k, o in enumerate(options, start=1):
            allowed[0, k] = avail[o]
            if avail[o]:
                values[0, k] = self.gain(s, o, i, pay=True)
        rationality = 1.0 if spec.rationality is None else float(spec.rationality)
        column = int(logit_choice(values, allowed, rationality, np.array([u]))[0])
        return -1 if column == 0 else options[column - 1]

    def best_response(
        self, s: One, i: int, spec: PolicySpec, avail: dict[int, bool], slot: int = 0
    ) -> int:
        """Rollouts: the candidate with the highest mean discounted utility (hold first).

        Later moves of the round reuse the first move's ranking and take the
        best candidate left that beats holding.
        """
        candidates = [-1, *self.c.options_by_actor[i]]
        if slot == 0 or i not in self.ranked:
            self.ranked[i] = self.rollout_values(s, i, spec, candidates, avail)
        means = self.ranked[i]
        best, choice = -math.inf, -1
        for k, option in enumerate(candidates):
            allowed = option < 0 or (avail[option] and (slot == 0 or means[k] > means[0]))
            if allowed and means[k] > best:
                best, choice = means[k], option
        return choice

    def rollout_values(
        self, s: One, i: int, spec: PolicySpec, candidates: list[int], avail: dict[int, bool]
    ) -> list[float]:
        """Mean rollout value of each candidate (see the engine's ``rollout``).

        With ``stop: separated``, the candidates that can be chosen (hold and
        the available options) stop being sampled as
        :mod:`escalade.engine.stopping` says; the others are always sampled.
        """
        depth, samples = spec.depth or 2, spec.samples or 8
        contenders = [k for k, option in enumerate(candidates) if option < 0 or avail[option]]
        stop = spec.stop != "all" and samples > MIN_SAMPLES and len(contenders) > 1
        active = set(range(len(candidates)))
        gains = np.zeros((samples, len(candidates)))
        counts = np.zeros(len(candidates))
        ref, when = np.full(len(candidates), -1), np.full(len(candidates), -1)
        shortfall = np.zeros(len(candidates))
        for sample in range(samples):
            belief = self.belief(s, i, sample)
            for k in sorted(active):
                gains[sample, k] = self.rollout(s, i, candidates[k], belief, (sample, depth))
                counts[k] += 1
            if stop and MIN_SAMPLES <= sample + 1 < samples:
                active, lost = _still_open(gains[: sample + 1], active, contenders)
                for k, leader, short in lost:
                    ref[k], when[k], shortfall[k] = leader, sample + 1, short
        values = paired_values(in_order_sum(gains) / counts, ref, shortfall, when)
        return [float(v) for v in values]

    def belief(self, s: One, i: int, sample: int) -> dict[str, float]:
        """The uncertainties as actor ``i`` sees them in rollout sample ``sample``."""
        belief = dict(s.uncertainties)
        unknown = [u for u in self.c.uncertainties if i not in u.known_to]
        if unknown:
            key = (s.round, i, sample, BELIEF)
            draws = self.streams.beliefs(self.trajectory, key, len(unknown))
            for row, unc in enumerate(unknown):
                belief[unc.id] = float(unc.ppf(np.array([draws[row]]))[0])
        return belief

    def rollout(
        self, s: One, i: int, option: int, belief: dict[str, float], key: tuple[int, int]
    ) -> float:
        """Actor ``i``'s gain in one rollout (``key``: sample, depth) starting with ``option``."""
        c, (sample, depth) = self.c, key
        trial = s.copy()
        trial.uncertainties = dict(belief)
        start = trial.utility[i]
        for d in range(min(depth, c.horizon - s.round)):
            u = self.streams.rollout(self.trajectory, (s.round, i, sample, d))
            self.play(
                trial,
                s.round + d,
                u,
                self.rollout_specs[i],
                events=d > 0,
                forced=(i, option) if d == 0 else None,
                rollouts=False,
            )
            if not trial.alive:
                break
        final = c.actors[i].discount ** (c.horizon - 1) * self.flow(trial, i, "final")
        return trial.utility[i] - start + final

    def foreign(
        self, s: One, i: int, u: float, spec: PolicySpec, avail: dict[int, bool], *, slot: int = 0
    ) -> int:
        """A policy this interpreter does not know: its vectorised form with ``n = 1``."""
        c = self.c
        state = self.as_state(s)
        available = np.zeros((1, len(c.options)), dtype=bool)
        for o, ok in avail.items():
            available[0, o] = ok
        moves = np.full((1, len(c.slots)), -1, dtype=np.int64)
        ctx = DecisionContext(c, state, i, available, np.array([u]), moves, moves >= 0, slot=slot)
        return int(make_policy(spec, i, c).decide(ctx)[0])

    def as_state(self, s: One) -> State:
        """The one-row :class:`State` of a trajectory (for user policies)."""
        c = self.c
        prev = [s.prev_moves.get(k, (-1, False)) for k in range(len(c.slots))]
        keys = [f"{a.id}:{c.sides[a.parties[p]]}" for a in c.arenas for p in (0, 1)]
        return State(
            n=1,
            round=s.round,
            day=s.day,
            variables=np.array([[s.variables[v] for v in c.variable_ids]]),
            rungs=np.array([[float(s.rungs[a.id]) for a in c.arenas]]),
            views=np.array([[float(s.views[k]) for k in keys]]).reshape(1, len(keys)),
            taken=np.array([[s.taken[o.id] for o in c.options]], dtype=bool),
            uncertainties=np.array([[s.uncertainties[u.id] for u in c.uncertainties]]),
            alive=np.array([s.alive]),
            rounds_played=np.array([s.rounds_played]),
            times_chosen=np.array([[s.times_chosen.get(o.id, 0) for o in c.options]]),
            last_chosen=np.array([[s.last_chosen.get(o.id, NEVER) for o in c.options]]),
            fired=np.array([[e.id in s.fired for e in c.events]], dtype=bool),
            utility=np.array([s.utility]),
            rung_max=np.array([[float(s.rung_max[a.id]) for a in c.arenas]]),
            view_max=np.array([[float(s.view_max[k]) for k in keys]]).reshape(1, len(keys)),
            prev_option=np.array([[m for m, _ in prev]], dtype=np.int64).reshape(1, len(prev)),
            prev_success=np.array([[ok for _, ok in prev]], dtype=bool).reshape(1, len(prev)),
            revert=np.array([[float(s.revert.get(k, 0)) for k in keys]]).reshape(1, len(keys)),
            absorbed=np.array([s.absorbed]),
            moves=MoveTable.of(c),
        )


class LastMoves(Mapping[str, float]):
    """``last_move`` of one trajectory, keyed ``"arena:side:reader"``, computed when read.

    ``reader`` is a party side of the arena, or ``*`` for the higher of the
    two parties' views (what :class:`escalade.scenario.expr.ScalarValues` expects).
    """

    def __init__(self, interpreter: ScalarPolicies, s: One) -> None:
        self.it = interpreter
        self.s = s

    def __getitem__(self, key: str) -> float:
        c = self.it.c
        arena_id, side, reader = key.split(":")
        a = next((a for a in c.arenas if a.id == arena_id), None)
        if a is None:
            raise KeyError(key)
        parties = [c.sides[p] for p in a.parties]
        if side not in parties or (reader != "*" and reader not in parties):
            raise KeyError(key)
        r = COMMON if reader == "*" else parties.index(reader)
        slots = party_slots(c, a.index, parties.index(side))
        last = self.it.last_rung(self.s, a.index, slots, lambda o: seen_rung(o, r))
        return max(last, float(a.low - 1))

    def __iter__(self) -> Iterator[str]:
        c = self.it.c
        for a in c.arenas:
            parties = [c.sides[p] for p in a.parties]
            for side in parties:
                for reader in (*parties, "*"):
                    yield f"{a.id}:{side}:{reader}"

    def __len__(self) -> int:
        return 6 * len(self.it.c.arenas)


# The scalar decision of each built-in kind, kept in the policy registry:
# scalar(interpreter, state, actor, uniform, spec, avail, rollouts, slot) -> option or -1.
set_scalar("hold", lambda *_: -1)
set_scalar(
    "plan",
    lambda it, s, _i, _u, spec, avail, _r, _slot: next(
        (o for t, o in plan_rounds(spec, it.c) if t == s.round and avail[o]), -1
    ),
)
set_scalar("rules", lambda it, s, i, _u, spec, avail, _r, _slot: it.rules(s, i, spec, avail))
for _kind in ("reactive", *PRESETS):
    set_scalar(_kind, lambda it, s, i, _u, spec, avail, _r, _slot: it.reactive(s, i, spec, avail))
set_scalar(
    "deescalate",
    lambda it, _s, _i, _u, _spec, avail, _r, _slot: next(
        (o for o in avail if it.c.options[o].deescalate and avail[o]), -1
    ),
)
set_scalar("quantal", lambda it, s, i, u, spec, avail, _r, _slot: it.quantal(s, i, u, spec, avail))
set_scalar(
    "best_response",
    lambda it, s, i, u, spec, avail, rollouts, slot: (
        it.best_response(s, i, spec, avail, slot)
        if rollouts
        else it.foreign(s, i, u, spec, avail, slot=slot)
    ),
)


def _still_open(
    gains: FloatArray, active: set[int], contenders: list[int]
) -> tuple[set[int], list[tuple[int, int, float]]]:
    """As the engine's ``rollouts._still_open``, for one trajectory.

    Returns the candidates sampled next, and ``(candidate, its leader, mean
    shortfall)`` for each candidate that stops because it lost to the leader.
    """
    live = [k for k in contenders if k in active]
    values = gains[:, live]
    lead = leaders(in_order_sum(values), np.zeros(len(live), dtype=np.int64), 1)
    apart, short = separated(values, lead)
    keep = ~apart
    keep[lead] = True
    lost = [(live[j], live[int(lead[j])], float(short[j])) for j in np.flatnonzero(apart)]
    if keep.sum() <= 1:
        keep[:] = False
    kept = {k for k, still in zip(live, keep, strict=True) if still}
    return (active - set(live)) | kept, lost
