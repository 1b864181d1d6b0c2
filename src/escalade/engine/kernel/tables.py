"""A compiled scenario and its policies as plain arrays for the round kernel.

Each element kind is an ``int64`` matrix with one row per element and named
columns (the constants below); lists of varying length (consent, rule
conditions, reactive tables, plan steps, slots of a party) live in one ``pool``
and are named by ``(first, count)`` columns. Expressions are program indices
(:class:`~escalade.engine.kernel.bytecode.Programs`), ``-1`` for none.
:func:`build` also says why a cell cannot run in the kernel
(:func:`kernel_supports`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.engine import policies
from escalade.engine.decompose import part_offsets, terminal_part
from escalade.engine.kernel.bytecode import Programs, unsupported
from escalade.engine.moves import MoveTable
from escalade.engine.policies import PRESETS, opponent_slots, plan_rounds, reactive_tables
from escalade.engine.steps import geometric, reader
from escalade.engine.streams import Layout
from escalade.scenario import expr as ex
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["Tables", "build", "kernel_supports"]

# Columns of the option matrix.
O_OWNER, O_ARENA, O_V0, O_V1, O_ATTEMPT, O_DOWN, O_ONCE, O_COOLDOWN = range(8)
O_COST, O_SUCCESS, O_WHEN, O_CONSENT, O_NCONSENT, O_EFF, O_NEFF = range(8, 15)
# Effects (variables) and rung effects.
F_VAR, F_OP, F_PROG = range(3)
R_ARENA, R_PARTY, R_TO, R_PROG = range(4)
# Events and branches.
E_WHEN, E_PROB, E_AT, E_ONCE, E_EFF, E_NEFF, E_RFX, E_NRFX, E_BR, E_NBR = range(10)
B_PROB, B_EFF, B_NEFF, B_RFX, B_NRFX = range(5)
# Arenas: bounds, accident programs, jump sizes (in ``fpool``) and uniform rows.
A_LOW, A_HIGH, A_UP, A_DOWN, A_REVERT, A_JUMP, A_NJUMP = range(7)
# Actors: utility terms, thresholds, part columns, policy.
C_TERM, C_NTERM, C_THR, C_NTHR, C_PART, C_TPART = range(6)
C_KIND, C_LIST, C_NLIST, C_OTHER, C_SIDE = range(6, 11)
# Utility terms (kind 0: variable, 1: view, 2: common rung) and thresholds.
T_KIND, T_COL, T_ARENA, T_PROG = range(4)
H_KIND, H_COL, H_RUNG, H_PROG = range(4)
# Decision slots and reactive tables.
S_ACTOR, S_DROW, S_SROW = range(3)
X_ARENA, X_OPP, X_NOPP, X_RANK, X_NRANK, X_OFFSET = range(6)
# Policy kinds.
HOLD, RULES, REACTIVE, PLAN, DEESCALATE = range(5)
KINDS = {"hold": HOLD, "rules": RULES, "plan": PLAN, "deescalate": DEESCALATE}


@dataclass(eq=False)
class Tables:
    """The arrays the kernel reads (see the module docstring); ``ints``/``floats`` in order."""

    ints: tuple[IntArray, ...]
    floats: tuple[FloatArray, ...]
    prog: tuple[Any, ...]
    moves: tuple[Any, ...]
    depth: int
    n_reads: int
    n_static: int


class _Pool:
    def __init__(self) -> None:
        self.items: list[int] = []

    def add(self, values: Sequence[int]) -> tuple[int, int]:
        first = len(self.items)
        self.items.extend(int(v) for v in values)
        return first, len(values)


def kernel_supports(compiled: CompiledScenario, specs: Sequence[PolicySpec]) -> str | None:
    """Why the kernel cannot play this cell (the engine then takes the NumPy path), or None."""
    for i, spec in enumerate(specs):
        if not _builtin(spec.kind):
            return f"actor {compiled.actors[i].id!r} follows a {spec.kind!r} policy"
    for where, expression in _expressions(compiled, specs):
        reason = None if expression is None else unsupported(expression)
        if reason is not None:
            return f"{where}: {reason}"
    return None


def _expressions(
    c: CompiledScenario, specs: Sequence[PolicySpec]
) -> list[tuple[str, ex.Compiled | None]]:
    """Every expression a round reads (None where an element has none), with where it is."""
    out: list[tuple[str, ex.Compiled | None]] = []
    for o in c.options:
        out += [(f"option {o.id!r}", e) for e in (o.cost, o.success, o.when)]
        out += [(f"option {o.id!r}", f.value) for f in o.effects]
    for e in c.events:
        out += [(f"event {e.id!r}", x) for x in (e.when, e.prob)]
        out += [(f"event {e.id!r}", f.value) for f in e.effects]
        out += [(f"event {e.id!r}", f.value) for f in e.rung_effects]
        for b in e.branches:
            out += [(f"event {e.id!r}", x.value) for x in b.effects]
            out += [(f"event {e.id!r}", x.value) for x in b.rung_effects]
            out.append((f"event {e.id!r}", b.prob))
    for a in c.arenas:
        out += [(f"accidents {a.id!r}", x) for x in (a.accident_up, a.accident_down, a.revert)]
    for actor in c.actors:
        out += [(f"actor {actor.id!r}", t.weight) for t in actor.per_round]
        out += [(f"actor {actor.id!r}", t.value) for t in actor.thresholds]
    for t in c.terminal:
        out += [(f"terminal {t.id!r}", x) for x in (t.when, *t.utility)]
    for i, spec in enumerate(specs):
        if spec.kind == "rules":
            env, who = c.env_for(i), f"actor {c.actors[i].id!r} rules"
            out += [(who, ex.compile_expr(ex.parse(r.if_), env)) for r in spec.rules]
    return out


def _builtin(kind: str) -> bool:
    """Whether ``kind`` still has escalade's own implementation (not a re-registered one)."""
    info = policies.kind_info(kind)
    builtin = {
        "hold": None,
        "rules": policies.RulesPolicy,
        "plan": policies.PlanPolicy,
        "deescalate": policies.DeescalatePolicy,
    }
    if info is None:
        return False
    if kind in builtin:
        return kind == "hold" or info.factory is builtin[kind]
    return info.factory is policies.ReactivePolicy


def build(compiled: CompiledScenario, specs: Sequence[PolicySpec]) -> Tables:
    """The kernel's arrays for ``compiled`` played under ``specs`` (see :func:`kernel_supports`)."""
    return _Builder(compiled, specs).tables()


class _Builder:
    """Fills the matrices element by element (one method per element kind)."""

    def __init__(self, compiled: CompiledScenario, specs: Sequence[PolicySpec]) -> None:
        self.c = compiled
        self.specs = specs
        self.programs = Programs()
        self.pool = _Pool()
        self.fpool: list[float] = []
        self.effects: list[list[int]] = []
        self.rung_effects: list[list[int]] = []

    def prog(self, x: ex.Compiled | None) -> int:
        return -1 if x is None else self.programs.add(x)

    def add_effects(self, effects: Sequence[Any]) -> tuple[int, int]:
        first = len(self.effects)
        self.effects += [[f.var, f.op, self.prog(f.value)] for f in effects]
        return first, len(effects)

    def add_rung_effects(self, effects: Sequence[Any]) -> tuple[int, int]:
        first = len(self.rung_effects)
        self.rung_effects += [[r.arena, r.party, int(r.to), self.prog(r.value)] for r in effects]
        return first, len(effects)

    def options(self) -> IntArray:
        rows = []
        for o in self.c.options:
            consent = self.pool.add(o.consent)
            rows.append(
                [o.actor, o.arena, o.views[0], o.views[1], int(o.on_attempt), int(o.deescalate)]
            )
            rows[-1] += [int(o.once), o.cooldown, self.prog(o.cost), self.prog(o.success)]
            rows[-1] += [self.prog(o.when), *consent, *self.add_effects(o.effects)]
        return _matrix(rows, 15)

    def events(self) -> tuple[IntArray, IntArray]:
        events: list[list[int]] = []
        branches: list[list[int]] = []
        for e in self.c.events:
            head = [self.prog(e.when), self.prog(e.prob), e.at_round, int(e.once)]
            head += [*self.add_effects(e.effects), *self.add_rung_effects(e.rung_effects)]
            events.append([*head, len(branches), len(e.branches)])
            for b in e.branches:
                effects = [*self.add_effects(b.effects), *self.add_rung_effects(b.rung_effects)]
                branches.append([self.prog(b.prob), *effects])
        return _matrix(events, 10), _matrix(branches, 5)

    def arenas(self) -> IntArray:
        rows = []
        for a in self.c.arenas:
            first = len(self.fpool)
            self.fpool += [*(float(s) for s in a.jump_sizes), *(float(p) for p in a.jump_cdf)]
            rows.append([a.low, a.high, self.prog(a.accident_up), self.prog(a.accident_down)])
            rows[-1] += [self.prog(a.revert), first, len(a.jump_sizes) if a.sized else 0]
        return _matrix(rows, 7)

    def actors(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        c, offsets = self.c, part_offsets(self.c)
        actors: list[list[int]] = []
        terms: list[list[int]] = []
        thresholds: list[list[int]] = []
        reactive: list[list[int]] = []
        for i, actor in enumerate(c.actors):
            row = [len(terms), len(actor.per_round), len(thresholds), len(actor.thresholds)]
            for term in actor.per_round:
                kind, col = (0, term.index) if term.kind == "var" else _read(c, term.index, i)
                arena = -1 if term.kind == "var" else term.index
                terms.append([kind, col, arena, self.prog(term.weight)])
            for th in actor.thresholds:
                kind, col = _read(c, th.arena, i)
                thresholds.append([kind, col, th.rung, self.prog(th.value)])
            row += [offsets[i], terminal_part(c, i)]
            actors.append(row + self.policy(i, reactive))
        return (
            _matrix(actors, 11),
            _matrix(terms, 4),
            _matrix(thresholds, 4),
            _matrix(reactive, 6),
        )

    def policy(self, i: int, reactive: list[list[int]]) -> list[int]:
        """``[kind, list first, list count, otherwise, side]`` of actor ``i``'s policy."""
        c, spec, side = self.c, self.specs[i], self.c.actors[i].side
        index = {o.id: o.index for o in c.options}
        if spec.kind == "rules":
            env = c.env_for(i)
            pairs = [
                (self.prog(ex.compile_expr(ex.parse(r.if_), env)), index[r.then])
                for r in spec.rules
            ]
            first, _ = self.pool.add([v for pair in pairs for v in pair])
            other = index[spec.otherwise] if spec.otherwise else -1
            return [RULES, first, len(pairs), other, side]
        if spec.kind == "plan":
            steps = plan_rounds(spec, c)
            first, _ = self.pool.add([v for step in steps for v in step])
            return [PLAN, first, len(steps), -1, side]
        if spec.kind == "deescalate":
            mine = [o.index for o in c.options if o.actor == i and o.deescalate]
            return [DEESCALATE, *self.pool.add(mine), -1, side]
        if spec.kind == "hold":
            return [HOLD, 0, 0, -1, side]
        offset = PRESETS.get(spec.kind, spec.offset if spec.offset is not None else 0)
        first = len(reactive)
        for arena, opponents, ranked in reactive_tables(i, c, spec.arena):
            slots = self.pool.add(opponent_slots(c, opponents))
            reactive.append([arena, *slots, *self.pool.add(ranked), offset])
        return [REACTIVE, first, len(reactive) - first, -1, side]

    def slots(self) -> IntArray:
        layout = Layout.of(self.c)
        rows = layout.slot_rows(self.c.slots)
        return _matrix([[a, *rows[k]] for k, a in enumerate(self.c.slots)], 3)

    def terminals(self) -> tuple[IntArray, IntArray]:
        when = [[self.prog(t.when), int(t.absorbing)] for t in self.c.terminal]
        utility = [[self.prog(u) for u in t.utility] for t in self.c.terminal]
        return _matrix(when, 2), _matrix(utility, len(self.c.actors))

    def move_table(self) -> tuple[Any, ...]:
        table = MoveTable.of(self.c)
        starts = np.zeros((len(self.c.arenas), 2), dtype=np.int64)
        counts = np.zeros_like(starts)
        for a, parties in enumerate(table.slots):
            for p, slots in enumerate(parties):
                starts[a, p], counts[a, p] = self.pool.add(slots)
        return (starts, counts, table.arena_of, table.on_attempt, table.seen, table.floor)

    def floats(self) -> tuple[FloatArray, ...]:
        c = self.c
        horizon, n_act = c.horizon, len(c.actors)
        power = np.zeros((n_act, horizon))
        now_later = np.zeros((n_act, horizon))
        later = np.zeros((n_act, horizon))
        for i, actor in enumerate(c.actors):
            for t in range(horizon):
                now, after = geometric(actor.discount, t, horizon)
                power[i, t], later[i, t], now_later[i, t] = actor.discount**t, after, now + after
        sides = len(c.sides)
        perceived = np.array(
            [[float(o.perceived[s]) for s in range(sides)] for o in c.options] + [[-1.0] * sides]
        ).reshape(len(c.options) + 1, sides)
        return (
            np.array([*self.fpool, 0.0]),
            np.ascontiguousarray(c.variable_low, dtype=float),
            np.ascontiguousarray(c.variable_high, dtype=float),
            power,
            later,
            now_later,
            perceived,
        )

    def tables(self) -> Tables:
        options = self.options()
        events, branches = self.events()
        arenas = self.arenas()
        actors, terms, thresholds, reactive = self.actors()
        slots = self.slots()
        terminals, terminal_utility = self.terminals()
        layout = Layout.of(self.c)
        rows = [[layout.fire(e), layout.branch(e)] for e in range(len(self.c.events))]
        arena_rows = [
            [layout.accident(a)] + ([layout.jump(a), layout.revert(a)] if layout.jumps else [0, 0])
            for a in range(len(self.c.arenas))
        ]
        moves = self.move_table()
        code, consts, start, stop, reads = self.programs.arrays()
        kind, slot, n_static = self.programs.kinds()
        parties = np.array(
            [[self.c.party(a.index, i) for i in range(len(self.c.actors))] for a in self.c.arenas],
            dtype=np.int64,
        ).reshape(len(self.c.arenas), len(self.c.actors))
        ints = (
            options, _matrix(self.effects, 3), _matrix(self.rung_effects, 4), events, branches,
            arenas, actors, terms, thresholds, slots, reactive, terminals, terminal_utility,
            _matrix(rows, 2), _matrix(arena_rows, 3), parties,
            np.array([*self.pool.items, 0], dtype=np.int64),
            np.asarray(self.c.days, dtype=np.int64),
        )  # fmt: skip
        return Tables(
            ints=ints,
            floats=self.floats(),
            prog=(code, consts, start, stop, kind, slot),
            moves=(reads, *moves),
            depth=self.programs.depth(),
            n_reads=len(reads),
            n_static=n_static,
        )


def _read(c: CompiledScenario, arena: int, actor: int) -> tuple[int, int]:
    """``(1, view column)`` or ``(2, common rung column)``: where ``actor`` reads ``arena``."""
    kind, col = reader(c, arena, actor)
    return (1 if kind == "views" else 2), col


def _matrix(rows: Sequence[Sequence[int]], width: int) -> IntArray:
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)
