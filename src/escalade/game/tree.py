"""Nested constructors for writing small game trees in code.

Example
-------
The one-shot trust game (Kreps 1990; Gambit's catalogue):

>>> from escalade.game.tree import Decision, Terminal, tree_game
>>> game = tree_game(
...     Decision("Buyer", {
...         "Trust": Decision("Seller", {"Honor": Terminal((1, 1)), "Abuse": Terminal((-1, 2))}),
...         "Not trust": Terminal((0, 0)),
...     }),
...     players=("Buyer", "Seller"),
...     name="Trust game",
... )
>>> game.n_nodes, game.n_infosets
(5, 2)

A ``Decision`` with ``infoset=None`` has its own information set; decisions
of one player that share an ``infoset`` key form one information set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from escalade.errors import UsageError
from escalade.game.extensive import ExtensiveFormGame, NodeKind

__all__ = ["Chance", "Decision", "Node", "Terminal", "tree_game"]


@dataclass(frozen=True)
class Terminal:
    """A terminal node with one payoff per player."""

    payoffs: Sequence[float]
    label: str = ""


@dataclass(frozen=True)
class Decision:
    """A decision node of ``player`` (name or index) with labelled children."""

    player: str | int
    actions: Mapping[str, Node]
    infoset: str | None = None
    label: str = ""


@dataclass(frozen=True)
class Chance:
    """A chance node: ``outcomes`` maps an action label to ``(probability, child)``."""

    outcomes: Mapping[str, tuple[float, Node]]
    label: str = ""


Node = Terminal | Decision | Chance


@dataclass
class _Flat:
    parent: list[int]
    kind: list[int]
    infoset: list[int]
    prob: list[float]
    labels: list[str]
    chance_actions: list[tuple[str, ...]]
    payoffs: list[tuple[float, ...]]


@dataclass
class _Infosets:
    """Information sets met so far, keyed by (player, name); unnamed ones are per node."""

    keys: dict[tuple[int, str], int]
    player: list[int]
    actions: list[tuple[str, ...]]
    labels: list[str]

    def index(self, node: Decision, me: int, names: tuple[str, ...]) -> int:
        """The index of ``node``'s information set (added when new); its actions must agree."""
        pl = _player_index(node.player, names)
        acts = tuple(node.actions)
        key = (pl, node.infoset) if node.infoset is not None else (pl, f"#node{me}")
        if key not in self.keys:
            self.keys[key] = len(self.player)
            self.player.append(pl)
            self.actions.append(acts)
            self.labels.append(node.infoset or "")
        elif self.actions[self.keys[key]] != acts:
            raise UsageError(
                f"tree: information set {node.infoset!r} of player {names[pl]!r} has "
                f"actions {list(self.actions[self.keys[key]])} and {list(acts)}"
            )
        return self.keys[key]


def _player_index(player: str | int, players: tuple[str, ...]) -> int:
    if isinstance(player, int):
        if not 0 <= player < len(players):
            raise UsageError(f"tree: player index {player} out of range 0..{len(players) - 1}")
        return player
    if player not in players:
        raise UsageError(f"tree: unknown player {player!r}; expected one of {list(players)}")
    return players.index(player)


def tree_game(root: Node, *, players: Sequence[str], name: str = "") -> ExtensiveFormGame:
    """Flatten a nested tree into an :class:`ExtensiveFormGame`.

    Parameters
    ----------
    root : Terminal, Decision or Chance
        The root node.
    players : sequence of str
        Player names; ``Decision.player`` refers to one of them.
    name : str
        The game's title.

    Raises
    ------
    UsageError
        On unknown players, wrong payoff lengths, or information sets whose
        nodes disagree on their actions.
    """
    names = tuple(players)
    flat = _Flat([], [], [], [], [], [], [])
    sets = _Infosets({}, [], [], [])
    stack: list[tuple[Node, int, float]] = [(root, -1, 1.0)]
    while stack:
        node, par, p = stack.pop()
        me = len(flat.parent)
        flat.parent.append(par)
        flat.prob.append(p)
        flat.labels.append(node.label)
        if isinstance(node, Terminal):
            if len(node.payoffs) != len(names):
                raise UsageError(
                    f"tree: a terminal has {len(node.payoffs)} payoffs, expected {len(names)}"
                )
            flat.kind.append(NodeKind.TERMINAL)
            flat.infoset.append(-1)
            flat.payoffs.append(tuple(float(x) for x in node.payoffs))
            continue
        if isinstance(node, Chance):
            flat.kind.append(NodeKind.CHANCE)
            flat.infoset.append(-1)
            flat.chance_actions.append(tuple(node.outcomes))
            kids = [(child, me, float(q)) for q, child in node.outcomes.values()]
        else:
            flat.kind.append(NodeKind.DECISION)
            flat.infoset.append(sets.index(node, me, names))
            kids = [(child, me, 1.0) for child in node.actions.values()]
        if not kids:
            raise UsageError("tree: a decision or chance node needs at least one action")
        stack.extend(reversed(kids))
    return ExtensiveFormGame.from_parents(
        names,
        flat.parent,
        flat.kind,
        flat.infoset,
        flat.prob,
        infoset_player=sets.player,
        infoset_actions=sets.actions,
        chance_actions=flat.chance_actions,
        payoffs=flat.payoffs,
        name=name,
        infoset_labels=sets.labels,
        node_labels=flat.labels,
    )
