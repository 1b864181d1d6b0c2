"""What a game can be built of: the arguments, the features and policies the builder expands.

Private to :mod:`escalade.engine.game_builder` (which re-exports the names others import) and
shared with :mod:`escalade.engine.game_size`, so that an estimate refuses what
:func:`~escalade.engine.game_builder.build_game` refuses, with the same words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from escalade.engine.policies import kinds
from escalade.engine.reference import One
from escalade.engine.state import NEVER
from escalade.errors import (
    UsageError,
    closest_id_hint,
    named_id_hint,
    separate_ids_hint,
)
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = [
    "check_game_arguments",
    "deterministic_kinds",
    "one_signature",
    "players_and_policies",
    "private_value_notes",
    "signature",
]


def deterministic_kinds() -> frozenset[str]:
    """Kinds a non-player may follow in a game: deterministic, without lookahead (registry)."""
    return frozenset(k for k, info in kinds().items() if info.deterministic and not info.lookahead)


def check_game_arguments(
    compiled: CompiledScenario,
    *,
    horizon: int,
    first_round: int,
    start_state: One | None,
    decision_every: int,
    information: str,
) -> None:
    """Check :func:`~escalade.engine.game_builder.build_game`'s round and mode arguments.

    Raises
    ------
    UsageError
        Naming the parameter, for a ``first_round`` off the scenario's rounds (or
        not 0 without a start state), a ``horizon`` past the scenario's end, a
        ``decision_every`` below 1 and an unknown ``information``.
    """
    if not 0 <= first_round < compiled.horizon or (start_state is None and first_round):
        raise UsageError(
            f"first_round: expected 0, or a round below {compiled.horizon} with a start state, "
            f"found {first_round!r}",
            parameter="first_round",
        )
    if isinstance(horizon, bool) or not 1 <= int(horizon) <= compiled.horizon - first_round:
        raise UsageError(
            f"horizon: expected 1 to {compiled.horizon - first_round}, found {horizon!r}",
            parameter="horizon",
        )
    if isinstance(decision_every, bool) or int(decision_every) < 1:
        raise UsageError(
            f"decision_every: expected 1 or more rounds, found {decision_every!r}",
            parameter="decision_every",
        )
    if information not in ("perfect", "scenario"):
        raise UsageError(
            f"information: expected 'perfect' or 'scenario', found {information!r}",
            parameter="information",
        )


def _side_hint(compiled: CompiledScenario, unknown: Sequence[str]) -> str:
    """A hint naming the actors of a side given where actor ids were expected (else "")."""
    for value in unknown:
        members = [a.id for a in compiled.actors if compiled.sides[a.side] == value]
        if members:
            return f"; hint: {value!r} is a side; give its actors: {' '.join(members)}"
    return ""


def players_and_policies(
    compiled: CompiledScenario,
    players: Sequence[str] | None,
    strategy: str | None,
    mindset: str | None,
    policies: Sequence[PolicySpec] | None,
) -> tuple[list[str], list[str], list[PolicySpec]]:
    """Actor ids, the chosen players (checked) and every actor's policy for a game.

    Players default to every actor; policies to the actors' defaults overridden by
    ``strategy`` and ``mindset``.
    """
    ids = [a.id for a in compiled.actors]
    chosen = list(players) if players is not None else ids
    unknown = [p for p in chosen if p not in ids]
    if unknown:
        names = {a.id: a.name for a in compiled.scenario.spec.actors if a.name}
        hint = (
            separate_ids_hint("players", chosen, ids)
            or _side_hint(compiled, unknown)
            or named_id_hint(unknown, names)  # before the closest id: 'Russia' is not 'usa'
            or closest_id_hint(unknown, ids)
        )
        raise UsageError(
            f"players: expected actor ids among {', '.join(ids)}, found {', '.join(unknown)}{hint}",
            parameter="players",
        )
    cell = compiled.cell(strategy or None, mindset or None)[0]
    specs = list(policies) if policies is not None else list(cell)
    return ids, chosen, specs


def private_value_notes(
    compiled: CompiledScenario,
    players: Sequence[str] | None,
    *,
    mode: str = "nominal",
    values: Mapping[str, float] | None = None,
) -> list[str]:
    """How a game treats the values the scenario keeps from some of its players.

    An uncertainty with ``known_to`` that leaves out a player is private. With
    ``mode="nominal"`` the game fixes it at its nominal value and every player
    decides knowing it; with ``"chance"`` it is drawn at the root and hidden
    from those players. One note per such uncertainty. ``values`` (id ->
    value) are the values the game is played with, e.g. from a trace's state
    (default: nominal).
    """
    ids = [a.id for a in compiled.actors]
    chosen = [ids.index(p) for p in (players if players is not None else ids) if p in ids]
    nominal = compiled.nominal_uncertainties()
    notes = []
    for u in compiled.uncertainties:
        told = [ids[i] for i in chosen if i not in u.known_to]
        if told and mode == "chance":
            notes.append(
                f"{u.id} is drawn at the start (a chance move) and hidden from {', '.join(told)}"
            )
        elif told:
            knowers = ", ".join(ids[i] for i in sorted(u.known_to)) or "no actor"
            verb = "decides" if len(told) == 1 else "decide"
            value = float((values or {}).get(u.id, nominal[u.index]))
            notes.append(
                f"{', '.join(told)} {verb} knowing {u.id} = {value:g} "
                "(every uncertainty is fixed for the whole game); in the "
                f"scenario only {knowers} {'knows' if len(u.known_to) == 1 else 'know'} it"
            )
    return notes


def signature(
    t: int,
    rungs: Sequence[float],
    variables: Sequence[float],
    flags: Sequence[int],
) -> str:
    """A short key of a decision state (round, rungs, variables, history flags)."""
    text = repr((t, tuple(int(r) for r in rungs), tuple(float(v) for v in variables), tuple(flags)))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def one_signature(c: CompiledScenario, s: One) -> str:
    """:func:`signature` of a reference-interpreter state."""
    flags: list[int] = [int(s.taken[o.id]) for o in c.options]
    flags += [s.last_chosen.get(o.id, NEVER) for o in c.options]
    flags += [int(e.id in s.fired) for e in c.events]
    for i in range(len(c.actors)):
        move, ok = s.prev_moves.get(i, (-1, False))
        flags += [move, int(ok)]
    flags += [s.rung_max[a.id] for a in c.arenas]
    return signature(
        s.round,
        [s.rungs[a.id] for a in c.arenas],
        [s.variables[v] for v in c.variable_ids],
        flags,
    )
