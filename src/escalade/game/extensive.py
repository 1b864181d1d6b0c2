r"""Extensive-form games stored as flat NumPy arrays.

Formal model
------------
A finite extensive-form game with players :math:`N = \{0, \dots, n-1\}` is a
rooted tree whose nodes are of three kinds:

* a *decision* node belongs to one player :math:`i` and to one of that
  player's *information sets* :math:`h`; every node of :math:`h` has the same
  actions :math:`A(h)`, and the player cannot tell the nodes of :math:`h`
  apart;
* a *chance* node picks its child with fixed probabilities
  :math:`\pi(c) \ge 0`, :math:`\sum_c \pi(c) = 1`;
* a *terminal* node :math:`z` carries the payoff vector :math:`u(z) \in
  \mathbb{R}^n`.

A *behaviour profile* :math:`\beta` gives each information set a
distribution over its actions. The probability of reaching a node is the
product of chance probabilities and behaviour probabilities along its path,
and player :math:`i`'s expected payoff is
:math:`U_i(\beta) = \sum_z \rho_\beta(z)\, u_i(z)`.

Storage
-------
Nodes are numbered in breadth-first order, root first, with the children of
a node consecutive and in action order. The whole tree is then described by
``parent`` (non-decreasing after the root); ``n_children``, ``first_child``
and the level boundaries ``level_start`` are derived from it. Information
sets have global ids ``0..n_infosets-1``; their actions occupy consecutive
*slots* ``infoset_offset[h] .. infoset_offset[h] + n_actions[h] - 1``, the
index space of :class:`~escalade.game.profiles.BehaviorProfile`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

import numpy as np

from escalade._types import FloatArray, IntArray
from escalade.errors import UsageError
from escalade.game.types import GameType, players_flag
from escalade.reprs import short_repr

__all__ = ["ExtensiveFormGame", "NodeKind"]

_TOL = 1e-9


class NodeKind(IntEnum):
    """The kind of a node."""

    TERMINAL = 0
    DECISION = 1
    CHANCE = 2


def _frozen(a: np.ndarray, dtype: type) -> np.ndarray:
    out: np.ndarray = np.array(a, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class ExtensiveFormGame:
    """An extensive-form game in breadth-first flat arrays (see module docstring).

    Parameters
    ----------
    players : tuple of str
        Player names, in player-index order.
    parent : ndarray of int64, shape (n_nodes,)
        Parent of each node; ``-1`` for the root (node 0); non-decreasing.
    kind : ndarray of int8, shape (n_nodes,)
        :class:`NodeKind` of each node.
    infoset : ndarray of int64, shape (n_nodes,)
        Global information-set id of each decision node, ``-1`` elsewhere.
    infoset_player : ndarray of int64, shape (n_infosets,)
        The player who moves at each information set.
    infoset_actions : tuple of tuple of str
        Action labels of each information set.
    prob : ndarray of float64, shape (n_nodes,)
        Probability of the edge into a node from a chance parent; 1 elsewhere.
    chance_actions : tuple of tuple of str
        Action labels of each chance node, in node order.
    terminal : ndarray of int64, shape (n_nodes,)
        Row of ``payoffs`` for each terminal node, ``-1`` elsewhere.
    payoffs : ndarray of float64, shape (n_terminal, n_players)
        Payoffs at the terminal nodes.
    name : str
        A title.
    infoset_labels : tuple of str, optional
        Names of the information sets (empty strings by default).
    node_labels : tuple of str, optional
        Names of the nodes (empty strings by default).
    """

    players: tuple[str, ...]
    parent: IntArray
    kind: np.ndarray
    infoset: IntArray
    infoset_player: IntArray
    infoset_actions: tuple[tuple[str, ...], ...]
    prob: FloatArray
    chance_actions: tuple[tuple[str, ...], ...]
    terminal: IntArray
    payoffs: FloatArray
    name: str = ""
    infoset_labels: tuple[str, ...] = ()
    node_labels: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "players", tuple(str(p) for p in self.players))
        set_(self, "parent", _frozen(self.parent, np.int64))
        set_(self, "kind", _frozen(self.kind, np.int8))
        set_(self, "infoset", _frozen(self.infoset, np.int64))
        set_(self, "infoset_player", _frozen(self.infoset_player, np.int64))
        set_(self, "prob", _frozen(self.prob, np.float64))
        set_(self, "terminal", _frozen(self.terminal, np.int64))
        set_(
            self, "payoffs", _frozen(np.reshape(self.payoffs, (-1, len(self.players))), np.float64)
        )
        set_(self, "infoset_actions", tuple(tuple(a) for a in self.infoset_actions))
        set_(self, "chance_actions", tuple(tuple(a) for a in self.chance_actions))
        if not self.infoset_labels:
            set_(self, "infoset_labels", ("",) * len(self.infoset_actions))
        self._validate()

    # ------------------------------------------------------------------ checks
    def _validate(self) -> None:
        n = self.parent.size
        bad = UsageError
        if n == 0 or self.parent[0] != -1:
            raise bad("extensive game: node 0 must be the root (parent -1)")
        if not self.players:
            raise bad("extensive game: expected at least one player, found none")
        for name, arr in (("kind", self.kind), ("infoset", self.infoset), ("prob", self.prob)):
            if arr.shape != (n,):
                raise bad(f"extensive game: {name} has shape {arr.shape}, expected ({n},)")
        if self.terminal.shape != (n,):
            raise bad(f"extensive game: terminal has shape {self.terminal.shape}, expected ({n},)")
        if n > 1 and (np.any(np.diff(self.parent[1:]) < 0) or np.any(self.parent[1:] < 0)):
            raise bad("extensive game: nodes must be in breadth-first order (use from_parents)")
        if np.any(self.parent[1:] >= np.arange(1, n)):
            raise bad("extensive game: every parent must come before its children")
        kinds = self.kind
        leaf = self.n_children == 0
        if np.any(leaf != (kinds == NodeKind.TERMINAL)):
            i = int(np.flatnonzero(leaf != (kinds == NodeKind.TERMINAL))[0])
            raise bad(f"extensive game: node {i} is a leaf if and only if it is terminal")
        self._validate_infosets()
        self._validate_chance()
        t = self.terminal[kinds == NodeKind.TERMINAL]
        if t.size != self.payoffs.shape[0] or not np.array_equal(np.sort(t), np.arange(t.size)):
            raise bad(
                "extensive game: terminal indices must number the payoff rows 0..n_terminal-1"
            )
        if not np.all(np.isfinite(self.payoffs)):
            raise bad("extensive game: payoffs must be finite numbers")

    def _validate_infosets(self) -> None:
        dec = np.flatnonzero(self.kind == NodeKind.DECISION)
        h = self.infoset[dec]
        n_h = len(self.infoset_actions)
        if self.infoset_player.shape != (n_h,) or len(self.infoset_labels) != n_h:
            raise UsageError("extensive game: infoset tables have inconsistent lengths")
        if h.size and (h.min() < 0 or h.max() >= n_h):
            raise UsageError("extensive game: a decision node has no valid information set")
        if np.any((self.infoset_player < 0) | (self.infoset_player >= len(self.players))):
            raise UsageError("extensive game: an information set has an unknown player")
        n_act = self.n_actions
        if np.any(self.n_children[dec] != n_act[h]):
            i = int(dec[np.flatnonzero(self.n_children[dec] != n_act[h])[0]])
            raise UsageError(
                f"extensive game: node {i} has {self.n_children[i]} children but its "
                f"information set has {n_act[self.infoset[i]]} actions"
            )
        for j, acts in enumerate(self.infoset_actions):
            if len(set(acts)) != len(acts):
                raise UsageError(f"extensive game: information set {j} repeats an action label")

    def _validate_chance(self) -> None:
        ch = self.chance_nodes
        if len(self.chance_actions) != ch.size:
            raise UsageError("extensive game: one tuple of chance actions per chance node expected")
        for k, node in enumerate(ch.tolist()):
            if len(self.chance_actions[k]) != self.n_children[node]:
                raise UsageError(f"extensive game: chance node {node} has mismatched action labels")
        if ch.size:
            kids = self.parent_kind == NodeKind.CHANCE
            p = self.prob[kids]
            if np.any(~np.isfinite(p)) or np.any(p < 0):
                raise UsageError("extensive game: chance probabilities must be non-negative")
            sums = np.bincount(self.parent[kids], weights=p, minlength=self.n_nodes)[ch]
            if np.any(np.abs(sums - 1.0) > _TOL):
                node = int(ch[np.argmax(np.abs(sums - 1.0))])
                raise UsageError(
                    f"extensive game: chance probabilities at node {node} sum to "
                    f"{sums[np.argmax(np.abs(sums - 1.0))]!r}, expected 1"
                )

    def __repr__(self) -> str:
        return short_repr(
            "ExtensiveFormGame",
            name=self.name or None,
            players=self.players,
            nodes=self.n_nodes,
            infosets=self.n_infosets,
            terminals=len(self.payoffs),
        )

    # --------------------------------------------------------------- structure
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.parent.size)

    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def n_infosets(self) -> int:
        """Number of information sets (all players)."""
        return len(self.infoset_actions)

    @cached_property
    def n_children(self) -> IntArray:
        """Number of children of each node."""
        return np.bincount(self.parent[1:], minlength=self.n_nodes).astype(np.int64)

    @cached_property
    def first_child(self) -> IntArray:
        """Index of the first child of each node (meaningless for leaves)."""
        return (1 + np.concatenate(([0], np.cumsum(self.n_children)[:-1]))).astype(np.int64)

    @cached_property
    def level_start(self) -> IntArray:
        """Boundaries of the breadth-first levels: level d is ``[s[d], s[d+1])``."""
        starts = [0, 1]
        nc = self.n_children
        while starts[-1] < self.n_nodes:
            lo, hi = starts[-2], starts[-1]
            starts.append(hi + int(nc[lo:hi].sum()))
        return np.asarray(starts, dtype=np.int64)

    @cached_property
    def parent_kind(self) -> np.ndarray:
        """Kind of each node's parent (``TERMINAL`` for the root, by convention)."""
        out = np.zeros(self.n_nodes, dtype=np.int8)
        out[1:] = self.kind[self.parent[1:]]
        return out

    @cached_property
    def player(self) -> IntArray:
        """The player moving at each node, ``-1`` at chance and terminal nodes."""
        out = np.full(self.n_nodes, -1, dtype=np.int64)
        dec = self.kind == NodeKind.DECISION
        out[dec] = self.infoset_player[self.infoset[dec]]
        return out

    @cached_property
    def chance_nodes(self) -> IntArray:
        """Indices of the chance nodes, ascending."""
        return np.flatnonzero(self.kind == NodeKind.CHANCE).astype(np.int64)

    @cached_property
    def n_actions(self) -> IntArray:
        """Number of actions of each information set."""
        return np.asarray([len(a) for a in self.infoset_actions], dtype=np.int64)

    @cached_property
    def infoset_offset(self) -> IntArray:
        """First slot of each information set; the last entry is the slot count."""
        return np.concatenate(([0], np.cumsum(self.n_actions))).astype(np.int64)

    @property
    def n_slots(self) -> int:
        """Total number of (information set, action) pairs."""
        return int(self.infoset_offset[-1])

    @cached_property
    def slot_infoset(self) -> IntArray:
        """Information set of each slot."""
        return np.repeat(np.arange(self.n_infosets), self.n_actions).astype(np.int64)

    @cached_property
    def action_index(self) -> IntArray:
        """Index of each node among its siblings (0 for the root)."""
        out = np.zeros(self.n_nodes, dtype=np.int64)
        out[1:] = np.arange(1, self.n_nodes) - self.first_child[self.parent[1:]]
        return out

    @cached_property
    def edge_slot(self) -> IntArray:
        """Slot of the action leading into each node from a decision parent, else ``-1``."""
        out = np.full(self.n_nodes, -1, dtype=np.int64)
        m = self.parent_kind == NodeKind.DECISION
        out[m] = self.infoset_offset[self.infoset[self.parent[m]]] + self.action_index[m]
        return out

    @cached_property
    def infoset_local(self) -> IntArray:
        """Index of each information set among its player's (0-based)."""
        out = np.zeros(self.n_infosets, dtype=np.int64)
        for p in range(self.n_players):
            m = self.infoset_player == p
            out[m] = np.arange(int(m.sum()))
        return out

    @cached_property
    def infoset_size(self) -> IntArray:
        """Number of nodes in each information set."""
        dec = self.kind == NodeKind.DECISION
        return np.bincount(self.infoset[dec], minlength=self.n_infosets).astype(np.int64)

    def action_label(self, node: int) -> str:
        """Return the label of the action leading into ``node``."""
        if node == 0:
            return ""
        par = int(self.parent[node])
        a = int(self.action_index[node])
        if self.kind[par] == NodeKind.CHANCE:
            k = int(np.searchsorted(self.chance_nodes, par))
            return self.chance_actions[k][a]
        return self.infoset_actions[int(self.infoset[par])][a]

    def slot_label(self, slot: int, *, qualified: bool) -> str:
        """Return the action label of ``slot``, as ``infoset/action`` when ``qualified``."""
        h = int(self.slot_infoset[slot])
        act = self.infoset_actions[h][slot - int(self.infoset_offset[h])]
        if not qualified:
            return act
        return f"{self.infoset_name(h)}/{act}"

    def infoset_name(self, h: int) -> str:
        """Return the label of information set ``h``, or ``"<n>"`` (1-based per player)."""
        return self.infoset_labels[h] or str(int(self.infoset_local[h]) + 1)

    # -------------------------------------------------------------- properties
    @cached_property
    def game_type(self) -> frozenset[GameType]:
        """The declared properties of this game (see :mod:`escalade.game.types`)."""
        flags = {GameType.SEQUENTIAL, players_flag(self.n_players)}
        perfect = bool(np.all(self.infoset_size <= 1))
        flags.add(GameType.PERFECT_INFORMATION if perfect else GameType.IMPERFECT_INFORMATION)
        flags.add(GameType.CHANCE if self.chance_nodes.size else GameType.DETERMINISTIC)
        sums = self.payoffs.sum(axis=1)
        const = self.n_players > 1 and bool(np.ptp(sums) <= _TOL * max(1.0, np.abs(sums).max()))
        flags.add(GameType.ZERO_SUM if const else GameType.GENERAL_SUM)
        return frozenset(flags)

    @cached_property
    def last_sequence(self) -> IntArray:
        """Per player and node, ``1 +`` the slot of the player's last own move above it (0: none).

        Shape ``(n_players, n_nodes)``.
        """
        out = np.zeros((self.n_players, self.n_nodes), dtype=np.int64)
        ls = self.level_start
        parent_player = np.full(self.n_nodes, -1, dtype=np.int64)
        parent_player[1:] = self.player[self.parent[1:]]
        for d in range(1, ls.size - 1):
            sl = slice(int(ls[d]), int(ls[d + 1]))
            out[:, sl] = out[:, self.parent[sl]]
            pp = parent_player[sl]
            m = np.flatnonzero(pp >= 0)
            out[pp[m], m + ls[d]] = self.edge_slot[sl][m] + 1
        out.setflags(write=False)
        return out

    @cached_property
    def has_perfect_recall(self) -> bool:
        """Whether every player always remembers their own earlier moves."""
        dec = np.flatnonzero(self.kind == NodeKind.DECISION)
        if dec.size == 0:
            return True
        h = self.infoset[dec]
        seq = self.last_sequence[self.player[dec], dec]
        lo = np.full(self.n_infosets, np.iinfo(np.int64).max)
        hi = np.full(self.n_infosets, -1)
        np.minimum.at(lo, h, seq)
        np.maximum.at(hi, h, seq)
        used = self.infoset_size > 0
        return bool(np.all(lo[used] == hi[used]))

    @cached_property
    def game_id(self) -> str:
        """A content hash (16 hex digits) of the game's structure, labels and payoffs."""
        digest = hashlib.sha256()
        for arr in (
            self.parent,
            self.kind,
            self.infoset,
            self.infoset_player,
            self.prob,
            self.terminal,
            self.payoffs,
        ):
            digest.update(np.ascontiguousarray(arr).tobytes())
        digest.update(repr((self.players, self.infoset_actions, self.chance_actions)).encode())
        return digest.hexdigest()[:16]

    # ------------------------------------------------------------ construction
    @classmethod
    def from_parents(
        cls,
        players: Sequence[str],
        parent: Sequence[int] | IntArray,
        kind: Sequence[int] | np.ndarray,
        infoset: Sequence[int] | IntArray,
        prob: Sequence[float] | FloatArray,
        *,
        infoset_player: Sequence[int] | IntArray,
        infoset_actions: Sequence[Sequence[str]],
        chance_actions: Sequence[Sequence[str]],
        payoffs: Sequence[Sequence[float]] | FloatArray,
        name: str = "",
        infoset_labels: Sequence[str] = (),
        node_labels: Sequence[str] = (),
    ) -> ExtensiveFormGame:
        """Build a game from nodes in any parent-before-child order.

        Siblings keep their relative order (their order of appearance is the
        action order). ``chance_actions`` follow the chance nodes and
        ``payoffs`` the terminal nodes, both in input order.
        """
        par = np.asarray(parent, dtype=np.int64)
        order = _bfs_order(par)
        inv = np.empty_like(order)
        inv[order] = np.arange(order.size)
        kind_in = np.asarray(kind, dtype=np.int8)
        new_parent = np.where(par[order] >= 0, inv[np.maximum(par[order], 0)], -1)
        term_in = np.flatnonzero(kind_in == NodeKind.TERMINAL)
        terminal = np.full(par.size, -1, dtype=np.int64)
        terminal[term_in] = np.arange(term_in.size)
        chance_in = np.flatnonzero(kind_in == NodeKind.CHANCE)
        chance_rank = np.full(par.size, -1, dtype=np.int64)
        chance_rank[chance_in] = np.arange(chance_in.size)
        new_chance = [
            tuple(chance_actions[int(chance_rank[i])])
            for i in order[kind_in[order] == NodeKind.CHANCE]
        ]
        return cls(
            players=tuple(players),
            parent=new_parent,
            kind=kind_in[order],
            infoset=np.asarray(infoset, dtype=np.int64)[order],
            infoset_player=np.asarray(infoset_player, dtype=np.int64),
            infoset_actions=tuple(tuple(a) for a in infoset_actions),
            prob=np.asarray(prob, dtype=np.float64)[order],
            chance_actions=tuple(new_chance),
            terminal=terminal[order],
            payoffs=np.asarray(payoffs, dtype=np.float64),
            name=name,
            infoset_labels=tuple(infoset_labels),
            node_labels=tuple(node_labels[int(i)] for i in order) if node_labels else (),
        )


def _bfs_order(parent: IntArray) -> IntArray:
    """Return the breadth-first order (new -> old index) of a tree given by ``parent``."""
    n = parent.size
    roots = np.flatnonzero(parent < 0)
    if roots.size != 1:
        raise UsageError(f"extensive game: expected exactly one root, found {roots.size}")
    if np.any(parent >= n):
        raise UsageError("extensive game: a parent index is out of range")
    kids = np.flatnonzero(parent >= 0)
    by_parent = kids[np.argsort(parent[kids], kind="stable")]
    counts = np.bincount(parent[kids], minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    levels = [roots]
    frontier = roots
    seen = 1
    while True:
        c = counts[frontier]
        total = int(c.sum())
        if total == 0:
            break
        excl = np.concatenate(([0], np.cumsum(c)[:-1]))
        offs = np.repeat(starts[frontier] - excl, c) + np.arange(total)
        frontier = by_parent[offs]
        levels.append(frontier)
        seen += total
        if seen > n:
            break
    if seen != n:
        raise UsageError("extensive game: the parent links do not form a single tree")
    return np.concatenate(levels).astype(np.int64)
