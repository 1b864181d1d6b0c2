"""What a scenario's game does not show as choices: fixed-policy moves, roles, values.

:func:`~escalade.engine.game_builder.build_game` turns only the players'
choices and chance into nodes of the tree; the actors who are not players move
too, by their fixed (deterministic) policies, and so do players between
decisions (``decision_every``), but those moves leave no node. A
:class:`FixedMoveTracer` recovers them edge by edge: it runs the same game
builder lazily (like :mod:`escalade.engine.game_size`), following the labels of
a built game's edges from the root, and records every such move made between a
node and its parent. :func:`actor_roles` says who is a player and which
strategy, mindset or default policy each other actor follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from escalade.engine._game_private import PrivateDraw, drawn_start
from escalade.engine.game_builder import GameBuilder
from escalade.engine.game_setup import game_setup
from escalade.engine.reference import One
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.scenario.compiled import CompiledScenario

__all__ = ["ActorRole", "FixedMove", "FixedMoveTracer", "actor_roles"]

_RECURSIVE = (
    "round",
    "event",
    "branches",
    "decision",
    "resolve",
    "choices",
    "resolutions",
    "accidents",
    "close",
)


@dataclass(frozen=True)
class FixedMove:
    """A move without a node: ``note`` is ``""`` (a fixed policy's move), ``kept`` or ``refused``.

    ``kept``: a player repeating its previous move between decisions
    (``decision_every``); ``refused``: the move was refused by an actor whose
    consent it needs, and became hold.
    """

    round: int
    actor: str
    option: str
    note: str = ""


@dataclass(frozen=True)
class ActorRole:
    """An actor of a game: a player (chooses freely) or one following ``policy``.

    ``policy`` names where the policy comes from: ``strategy ID``, ``mindset
    ID`` or ``default``; ``kind`` is the policy's kind (``rules``, ``plan``, ...).
    """

    actor: str
    player: bool
    policy: str
    kind: str


def actor_roles(
    compiled: CompiledScenario,
    players: Sequence[str] | None,
    strategy: str | None,
    mindset: str | None,
) -> list[ActorRole]:
    """Every actor's role in the game of ``build_game(players=, strategy=, mindset=)``.

    Players first (in the order given, the game's player order), then the others
    in file order.
    """
    chosen = list(players if players is not None else [a.id for a in compiled.actors])
    bundles = [
        (f"strategy {strategy}", compiled.strategy(strategy) if strategy else None),
        (f"mindset {mindset}", compiled.mindset(mindset) if mindset else None),
    ]
    roles = []
    for actor in compiled.actors:
        source, spec = "default", actor.policy
        for name, bundle in bundles:
            if bundle is not None and actor.id in bundle.policies:
                source, spec = name, bundle.policies[actor.id]
        roles.append(ActorRole(actor.id, actor.id in chosen, source, str(spec.kind)))
    return sorted(roles, key=lambda r: chosen.index(r.actor) if r.player else len(chosen))


class _Lazy:
    """A subtree not expanded yet."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build


@dataclass
class _Fork:
    """A node of the tree: its children by edge label (none for a terminal)."""

    kind: NodeKind
    children: dict[str, Any]


def _force(node: Any) -> Any:
    while isinstance(node, _Lazy):
        node = node.build()
    return node


class _Recorder(GameBuilder):
    """The game builder recording the moves that are not choices (see module docstring)."""

    log: list[FixedMove]

    def count(self) -> None:
        """No node limit: only the nodes asked for are expanded."""

    def chance(self, outcomes: list[tuple[str, float, Any]], label: str) -> Any:  # noqa: ARG002
        kept = [(name, node) for name, p, node in outcomes if p > 0.0]
        if len(kept) == 1:
            return kept[0][1]
        return _Fork(NodeKind.CHANCE, dict(kept))

    def player_node(self, s: One, r: Any, i: int, actions: dict[str, Any]) -> Any:  # noqa: ARG002
        return _Fork(NodeKind.DECISION, dict(actions))

    def terminal(self, s: One) -> Any:  # noqa: ARG002
        return _Fork(NodeKind.TERMINAL, {})

    def note(self, s: One, r: Any, k: int) -> None:
        """Record decision slot ``k``'s move when it is not a choice in the tree."""
        choice = self.options(s, r, k)
        if not isinstance(choice, int) or choice < 0:
            return
        i = self.c.slots[k]
        note = "kept" if i in self.players else ""
        if self.consent(s, r, k, choice)[1] < 0:
            note = "refused"
        actor, option = self.c.actors[i].id, self.c.options[choice].id
        self.log.append(FixedMove(r.t, actor, option, note))

    def decision(self, s: One, r: Any, k: int) -> Any:
        if not self.simultaneous and k < len(self.c.slots):
            self.note(s, r, k)
        return GameBuilder.decision(self, s, r, k)

    def choices(self, s: One, r: Any, k: int, chosen: tuple[int, ...]) -> Any:
        if k < len(self.c.slots):
            self.note(s, r, k)
        return GameBuilder.choices(self, s, r, k, chosen)


class _Walker(_Recorder):
    """:class:`_Recorder` with every recursive step deferred until forced."""


def _lazy(name: str) -> Callable[..., _Lazy]:
    method = getattr(_Recorder, name)

    def wrapper(self: _Walker, *args: Any) -> _Lazy:
        return _Lazy(lambda: method(self, *args))

    return wrapper


for _name in _RECURSIVE:
    setattr(_Walker, _name, _lazy(_name))


class FixedMoveTracer:
    """The moves a built game does not show, edge by edge (see module docstring).

    Parameters are the keyword arguments of
    :func:`~escalade.engine.game_builder.build_game` the game was built with,
    those that shape the tree (:func:`~escalade.engine.game_setup.game_setup`
    takes them; one list of them, so the tracer cannot drift from the builder).

    Attributes
    ----------
    uncertainties : dict of str to float
        The uncertainty values fixed for the whole game (its root state's).
    drawn : list of str
        The uncertainties drawn by the chance move at the root instead
        (``private="chance"``).
    matched : bool
        False once a node of the game asked about was not found by the
        tracer (a game built otherwise): its moves are then unknown.
    """

    def __init__(self, compiled: CompiledScenario, **shape: Any) -> None:
        setup = game_setup(compiled, **shape)
        start, draws, first_round = setup.start, setup.draws, setup.first_round
        start_state: One | None = shape.get("start_state")
        drawn = {k for d in draws for k in d.values}
        self.drawn = [u.id for u in compiled.uncertainties if u.index in drawn]
        self.uncertainties = {k: v for k, v in start.uncertainties.items() if k not in self.drawn}
        self.walker = setup.builder(_Walker, node_limit=0)
        self.matched = True
        self.root = _Lazy(lambda: self.walker.round(start.copy(), first_round))
        if draws:  # the root draws the private values, as build_game(private="chance")
            self.walker.private = True
            outcomes = [(d.label, d.probability, self._drawn(start, d, start_state)) for d in draws]
            self.root = _Lazy(lambda: self.walker.chance(outcomes, "private values"))
        self.forks: dict[int, _Fork | None] = {}
        self.moves: dict[int, list[FixedMove]] = {}

    def _drawn(self, start: One, draw: PrivateDraw, given: One | None) -> _Lazy:
        state = drawn_start(self.walker.ref, start, draw, given)
        return _Lazy(lambda: self.walker.round(state, self.walker.first, (), draw.secret))

    def before(self, game: ExtensiveFormGame, node: int) -> list[FixedMove]:
        """The moves made after the edge into ``node`` is taken and before ``node`` is reached."""
        chain = [node]
        while chain[-1] > 0 and chain[-1] not in self.forks:
            chain.append(int(game.parent[chain[-1]]))
        for n in reversed(chain):
            if n not in self.forks:
                self.expand(game, n)
        return self.moves.get(node, [])

    def expand(self, game: ExtensiveFormGame, node: int) -> None:
        """Expand ``node`` (its parent expanded) and record its moves."""
        lazy: Any = self.root
        if node > 0:
            parent = self.forks.get(int(game.parent[node]))
            lazy = None if parent is None else parent.children.get(game.action_label(node))
        fork = None
        self.walker.log = []
        if lazy is not None:
            fork = _force(lazy)
            if fork.kind != game.kind[node]:
                fork = None
        self.matched = self.matched and fork is not None
        self.forks[node] = fork
        self.moves[node] = self.walker.log if fork is not None else []
