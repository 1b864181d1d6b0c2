r"""Conversion of small extensive-form games to normal form.

A pure strategy of player :math:`i` picks one action at each of the player's
information sets. The *plain* normal form lists all
:math:`\prod_h |A(h)|` of them; the *reduced* normal form merges strategies
that differ only at information sets their own earlier choices make
unreachable (they reach the same terminal nodes), labelling the irrelevant
information sets ``*``. Payoffs are expected payoffs over chance:
:math:`u_i(s) = \sum_z \pi_c(z) u_i(z) \prod_j [s_j \text{ reaches } z]`.
"""

from __future__ import annotations

import itertools
import math
import string
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from escalade._types import FloatArray
from escalade.errors import GameTooLargeError, UsageError
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.normal_form import NormalFormGame
from escalade.game.tree import Decision, Node, Terminal, tree_game

__all__ = ["normal_to_extensive", "pure_strategies", "select_players", "to_normal_form"]


def _reach_by_strategy(game: ExtensiveFormGame, p: int, choices: np.ndarray) -> FloatArray:
    """Own-reach indicator of every node (rows: strategies) when ``p`` plays ``choices``."""
    mine = np.flatnonzero(game.infoset_player == p)
    chosen = np.zeros((choices.shape[0], game.n_slots))
    if mine.size:
        slots = game.infoset_offset[mine][None, :] + choices
        np.put_along_axis(chosen, slots, 1.0, axis=1)
    edge = np.ones((choices.shape[0], game.n_nodes))
    dec = np.flatnonzero(game.parent_kind == NodeKind.DECISION)
    own = dec[game.player[game.parent[dec]] == p]
    edge[:, own] = chosen[:, game.edge_slot[own]]
    reach = np.ones_like(edge)
    ls = game.level_start
    for d in range(1, ls.size - 1):
        lo, hi = int(ls[d]), int(ls[d + 1])
        reach[:, lo:hi] = reach[:, game.parent[lo:hi]] * edge[:, lo:hi]
    return reach


def _how_many(count: int) -> str:
    """``12,345``, or ``about 8.0e18`` for a count too long to read digit by digit."""
    if count < 10**12:
        return f"{count:,}"
    mantissa, exponent = f"{count:.1e}".split("e")
    return f"about {mantissa}e{int(exponent)}"


def pure_strategies(
    game: ExtensiveFormGame, p: int, *, reduced: bool = True, limit: int = 100_000
) -> tuple[list[str], FloatArray]:
    """Return player ``p``'s pure-strategy labels and their own-reach of every node.

    Raises
    ------
    GameTooLargeError
        If the player has more than ``limit`` pure strategies.
    """
    mine = np.flatnonzero(game.infoset_player == p)
    sizes = [int(game.n_actions[h]) for h in mine]
    count = math.prod(int(s) for s in sizes)  # Python ints: no overflow at 36 information sets
    if count > limit:
        raise GameTooLargeError(
            f"normal form: player {game.players[p]!r} has {_how_many(count)} pure strategies "
            f"(one per combination of its actions at its {len(sizes):,} information sets), "
            f"more than the limit {limit:,}; hint: solve the extensive form instead (spe for "
            "perfect information, zerosum-lp or mccfr for a zero-sum game) or a smaller game"
        )
    choices = np.array(list(itertools.product(*[range(s) for s in sizes])), dtype=np.int64)
    choices = choices.reshape(count, len(sizes))
    reach = _reach_by_strategy(game, p, choices)
    if reduced:
        term = np.flatnonzero(game.kind == NodeKind.TERMINAL)
        _, first = np.unique(reach[:, term], axis=0, return_index=True)
        keep = np.sort(first)
        choices, reach = choices[keep], reach[keep]
    dec = np.flatnonzero(game.kind == NodeKind.DECISION)
    labels = []
    for row, r in zip(choices, reach, strict=True):
        parts = []
        for k, h in enumerate(mine):
            nodes = dec[game.infoset[dec] == h]
            live = not reduced or bool(np.any(r[nodes] > 0))
            parts.append(game.infoset_actions[h][row[k]] if live else "*")
        labels.append(",".join(parts) if parts else "-")
    return labels, reach


def to_normal_form(
    game: ExtensiveFormGame, *, reduced: bool = True, limit: int = 10_000_000
) -> NormalFormGame:
    """Return the (reduced or plain) normal form of a small extensive game.

    Raises
    ------
    GameTooLargeError
        If the payoff table times the number of terminal nodes exceeds ``limit``.
    """
    term = np.flatnonzero(game.kind == NodeKind.TERMINAL)
    edge = np.where(game.parent_kind == NodeKind.CHANCE, game.prob, 1.0)
    chance = np.ones(game.n_nodes)
    ls = game.level_start
    for d in range(1, ls.size - 1):
        lo, hi = int(ls[d]), int(ls[d + 1])
        chance[lo:hi] = chance[game.parent[lo:hi]] * edge[lo:hi]
    labels, reaches = [], []
    for p in range(game.n_players):
        lab, reach = pure_strategies(game, p, reduced=reduced)
        labels.append(lab)
        reaches.append(reach[:, term])
    cells = math.prod(len(x) for x in labels)
    if cells * term.size > limit or game.n_players > 20:
        raise GameTooLargeError(
            f"normal form: {cells} strategy profiles x {term.size} terminal nodes exceeds the "
            f"limit {limit}"
        )
    letters = string.ascii_letters[: game.n_players]
    spec = ",".join(["z", *[f"{c}z" for c in letters]]) + "->" + letters
    u = game.payoffs[game.terminal[term]] * chance[term, None]
    payoffs = np.stack([np.einsum(spec, u[:, i], *reaches) for i in range(game.n_players)])
    return NormalFormGame(payoffs, game.players, labels, name=game.name)


def normal_to_extensive(game: NormalFormGame) -> ExtensiveFormGame:
    """Return the extensive form of a normal-form game: players move in turn, unseen.

    Player ``i`` moves at depth ``i`` in a single information set, so no
    player observes any other's choice; the payoff at each leaf is the
    table entry of the strategy profile on its path.
    """

    def grow(prefix: tuple[int, ...]) -> Node:
        i = len(prefix)
        if i == game.n_players:
            cell: Any = (slice(None), *prefix)
            return Terminal(tuple(float(v) for v in game.payoffs[cell]))
        acts = {a: grow((*prefix, k)) for k, a in enumerate(game.actions[i])}
        return Decision(i, acts, infoset="play")

    profiles = math.prod(int(s) for s in game.shape)
    if profiles > 1_000_000:
        raise GameTooLargeError(
            f"extensive form: {profiles} strategy profiles exceed the limit 1000000"
        )
    return tree_game(grow(()), players=game.players, name=game.name)


def select_players(game: ExtensiveFormGame, players: Sequence[str]) -> ExtensiveFormGame:
    """The same tree with only ``players``, in that order (their payoff columns).

    Every player who moves must be kept; the others are payees only (their
    payoffs dropped). With the players reordered, a behaviour profile of one
    game is one of the other (same information sets and slots).

    Raises
    ------
    UsageError
        When a player is unknown, repeated, or left out though it moves.
    """
    index = [game.players.index(p) for p in players if p in game.players]
    moving = {int(i) for i in np.unique(game.infoset_player)}
    if len(index) != len(players) or len(set(index)) != len(index) or not moving <= set(index):
        raise UsageError(
            f"players: expected distinct players of the game ({', '.join(game.players)}) "
            f"including every one who moves, found {', '.join(players)}",
            parameter="players",
        )
    remap = np.full(game.n_players, -1, dtype=np.int64)
    remap[index] = np.arange(len(index))
    return replace(
        game,
        players=tuple(players),
        infoset_player=remap[game.infoset_player],
        payoffs=game.payoffs[:, index],
    )
