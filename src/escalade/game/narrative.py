"""An equilibrium of an extensive game told as a short story: what happens, in order.

:func:`narrative` walks the tree from the root along a behaviour profile and
returns one row per move that happens with positive probability: the round,
who moves, what they do and with what probability. A chance node (or a mixed
choice) splits the story into *branches*, numbered ``1``, ``2``, ... below
the trunk and ``1.1``, ``1.2``, ... below them, each told to its end before
the next; rows reached with probability below ``min_reach`` are left out, and
the story stops after ``max_rows`` rows (the number left out is returned).
Action labels of scenario games (``r2 usa: strike``) give the round and the
actor; other games' labels are shown as they are. Moves without a node of
their own (a scenario's actors following fixed policies) are told when the
caller gives them (``fixed``). :func:`likely_path` follows one course only: the
likeliest outcome at every node.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.profiles import BehaviorProfile

__all__ = ["PathStep", "Step", "likely_path", "narrative"]

_LABEL = re.compile(r"^r(\d+) (.+)$")


@dataclass(frozen=True)
class Step:
    """One row of the story.

    ``branch`` is ``""`` on the trunk; ``probability`` is the move's probability
    at its node and ``reach`` the probability that the row happens at all.
    ``kind`` is ``choice`` (a player's move), ``chance``, ``fixed`` (a move
    without a node of its own, given by :func:`narrative`'s ``fixed``: e.g. an
    actor following a fixed policy) or ``end`` (the payoffs).
    """

    branch: str
    round: str
    who: str
    what: str
    probability: float
    reach: float
    kind: str = "choice"


def _label(game: ExtensiveFormGame, child: int) -> str:
    """The label of the edge into ``child``; an event's firing is ``event: fires``.

    A scenario's random event is a chance node between ``r1 incident: no`` and ``r1 incident``:
    told as it is, "incident: no 0.93, incident 0.07" reads as two names, not yes and no.
    """
    label = game.action_label(child)
    parent = int(game.parent[child])
    if game.kind[parent] != NodeKind.CHANCE or ": " in label.split(" ", 1)[-1]:
        return label
    first = int(game.first_child[parent])
    siblings = range(first, first + int(game.n_children[parent]))
    if any(game.action_label(k) == f"{label}: no" for k in siblings):
        return f"{label}: fires"
    return label


def _split(label: str, who: str) -> tuple[str, str]:
    """``(round, what)`` of an action label, dropping a leading ``who:``.

    An actor's later move of a round (``r1 usa move 2: defcon2``) is told as
    ``defcon2 (move 2)``.
    """
    match = _LABEL.match(label)
    if not match:
        return "", label
    rest = match.group(2)
    if rest.startswith(f"{who}: "):
        rest = rest[len(who) + 2 :]
    elif rest.startswith(f"{who} move ") and ": " in rest:
        move, what = rest[len(who) + 1 :].split(": ", 1)
        rest = f"{what} ({move})"
    return match.group(1), rest


@dataclass(frozen=True)
class PathStep:
    """One move of :func:`likely_path`: its round, who moves (or ``chance``), what, how likely.

    ``node`` is the node the move leads to.
    """

    round: str
    who: str
    what: str
    probability: float
    node: int = 0


def likely_path(game: ExtensiveFormGame, profile: BehaviorProfile) -> tuple[list[PathStep], float]:
    """The most likely play of ``profile``: at every node its likeliest move.

    At a chance node (or a mixed choice) the likeliest outcome is taken (ties:
    the first); the path is one coherent course of play, unlike the union of
    every node reached.

    Returns
    -------
    steps : list of PathStep
        The moves from the root to a terminal node, in order.
    probability : float
        The probability of this whole path.

    Examples
    --------
    >>> import numpy as np
    >>> from escalade.game.tree import Chance, Decision, Terminal, tree_game
    >>> g = tree_game(
    ...     Chance({
    ...         "rain": (0.6, Decision("a", {"stay": Terminal((1.0,)), "go": Terminal((0.0,))})),
    ...         "sun": (0.4, Terminal((2.0,))),
    ...     }), players=["a"])
    >>> steps, p = likely_path(g, BehaviorProfile(np.array([1.0, 0.0])))
    >>> [(s.who, s.what) for s in steps], p
    ([('chance', 'rain'), ('a', 'stay')], 0.6)
    """
    teller = _Teller(game, profile)
    steps: list[PathStep] = []
    node, total = 0, 1.0
    while game.kind[node] != NodeKind.TERMINAL:
        who, moves = teller.moves(node)
        child, p = max(moves, key=lambda kp: kp[1])  # the first of the likeliest
        t, what = _split(_label(game, child), who)
        steps.append(PathStep(t, who, what, p, child))
        node, total = child, total * p
    return steps, total


@dataclass(frozen=True)
class _Move:
    round: str
    who: str
    what: str
    probability: float
    course: str = ""  # what matters for merging (no probabilities); ``what`` if empty
    kind: str = "choice"


@dataclass(frozen=True)
class _End:
    value: tuple[float, ...]


@dataclass(frozen=True)
class _Split:
    round: str
    who: str
    listing: str
    branches: tuple[tuple[str, float, tuple[object, ...]], ...]


def _key(story: tuple[object, ...]) -> tuple[object, ...]:
    """The course of a story: its moves and splits, without probabilities or payoffs."""
    out: list[object] = []
    for item in story:
        if isinstance(item, _Move):
            out.append((item.round, item.who, item.course or item.what))
        elif isinstance(item, _Split):
            out.append((item.who, tuple((n, _key(b)) for n, _, b in item.branches)))
        else:
            out.append("end")
    return tuple(out)


def _ends(story: tuple[object, ...]) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for item in story:
        if isinstance(item, _End):
            out.append(np.asarray(item.value))
        elif isinstance(item, _Split):
            for _, _, b in item.branches:
                out.extend(_ends(b))
    return out


def _with_ends(story: tuple[object, ...], values: list[np.ndarray]) -> tuple[object, ...]:
    out: list[object] = []
    for item in story:
        if isinstance(item, _End):
            out.append(_End(tuple(float(v) for v in values.pop(0))))
        elif isinstance(item, _Split):
            branches = tuple((n, p, _with_ends(b, values)) for n, p, b in item.branches)
            out.append(_Split(item.round, item.who, item.listing, branches))
        else:
            out.append(item)
    return tuple(out)


def _listing(g: ExtensiveFormGame, moves: list[tuple[int, float]], who: str) -> str:
    """``event: a 0.6, b 0.4`` (a shared ``prefix:`` said once).

    An outcome that is a value (a private draw, ``x = 0.725``) takes its probability
    in parentheses, ``x = 0.725 (p 0.63), 0.5225 (p 0.185)``: two bare numbers in a
    row read as one list of numbers.
    """
    names = [_split(_label(g, k), who)[1] for k, _ in moves]
    head = ""
    for sep in (": ", " = "):
        if sep in names[0]:
            head = names[0].rsplit(sep, 1)[0] + sep
            break
    if head and all(n.startswith(head) for n in names):
        names = [n[len(head) :] for n in names]
    else:
        head = ""
    valued = any(n[-1:].isdigit() for n in names)
    joiner = "; " if any(", " in n for n in names) else ", "
    return head + joiner.join(
        f"{n} (p {p:.3g})" if valued else f"{n} {p:.3g}"
        for n, (_, p) in zip(names, moves, strict=True)
    )


Fixed = Callable[[int], Sequence[tuple[str, str, str]]]
"""``node -> [(round, who, what), ...]``: moves made on the way into ``node`` that have no node."""


class _Teller:
    def __init__(
        self, game: ExtensiveFormGame, profile: BehaviorProfile, fixed: Fixed | None = None
    ) -> None:
        self.game, self.p = game, profile.probabilities
        self.first = game.first_child
        self.fixed = fixed

    def moves(self, node: int) -> tuple[str, list[tuple[int, float]]]:
        g = self.game
        kids = range(int(self.first[node]), int(self.first[node]) + int(g.n_children[node]))
        if g.kind[node] == NodeKind.CHANCE:
            return "chance", [(k, float(g.prob[k])) for k in kids if g.prob[k] > 0]
        who = g.players[int(g.player[node])]
        slots = g.edge_slot
        return who, [(k, float(self.p[slots[k]])) for k in kids if self.p[slots[k]] > 0]

    def story(self, node: int) -> tuple[object, ...]:
        """The story from ``node`` (courses that do not depend on a split are merged)."""
        g = self.game
        out: list[object] = []
        while True:
            if self.fixed is not None:
                out.extend(_Move(t, w, x, 1.0, kind="fixed") for t, w, x in self.fixed(node))
            if g.kind[node] == NodeKind.TERMINAL:
                break
            who, moves = self.moves(node)
            kind = "chance" if who == "chance" else "choice"
            if len(moves) == 1:
                child, p = moves[0]
                t, what = _split(_label(g, child), who)
                out.append(_Move(t, who, what, p, kind=kind))
                node = child
                continue
            moves.sort(key=lambda kp: -kp[1])  # the likeliest branch first
            t, _ = _split(_label(g, moves[0][0]), who)
            listing = _listing(g, moves, who)
            subs = [self.story(child) for child, _ in moves]
            if who == "chance" and len({_key(b) for b in subs}) == 1:
                # the same course whatever chance does: one story, expected payoffs
                weights = [p for _, p in moves]
                ends = [_ends(b) for b in subs]
                mean = [
                    np.sum([w * e[k] for w, e in zip(weights, ends, strict=True)], axis=0)
                    / sum(weights)
                    for k in range(len(ends[0]))
                ]
                names = ",".join(_split(_label(g, child), who)[1] for child, _ in moves)
                text = f"{listing} (the same course in every case)"
                out.append(_Move(t, who, text, 1.0, course=names, kind="chance"))
                out.extend(_with_ends(subs[0], mean))
                return tuple(out)
            branches = tuple(
                (_split(_label(g, child), who)[1], p, sub)
                for (child, p), sub in zip(moves, subs, strict=True)
            )
            out.append(_Split(t, who, listing, branches))
            return tuple(out)
        pay = g.payoffs[int(g.terminal[node])]
        out.append(_End(tuple(float(v) for v in pay)))
        return tuple(out)


class _Flat:
    def __init__(self, players: tuple[str, ...], max_rows: int, min_reach: float) -> None:
        self.players, self.max_rows, self.min_reach = players, max_rows, min_reach
        self.rows: list[Step] = []
        self.dropped = 0

    def add(self, step: Step) -> None:
        if len(self.rows) < self.max_rows:
            self.rows.append(step)
        else:
            self.dropped += 1

    def flatten(self, story: tuple[object, ...], branch: str, reach: float) -> None:
        for item in story:
            if isinstance(item, _Move):
                step = Step(branch, item.round, item.who, item.what, item.probability, reach)
                self.add(replace(step, kind=item.kind))
            elif isinstance(item, _End):
                text = ", ".join(
                    f"{name} {v:.4g}" for name, v in zip(self.players, item.value, strict=True)
                )
                self.add(Step(branch, "", "end", f"payoffs: {text}", 1.0, reach, "end"))
            elif isinstance(item, _Split):
                kind = "chance" if item.who == "chance" else "choice"
                self.add(Step(branch, item.round, item.who, item.listing, 1.0, reach, kind))
                for k, (name, p, sub) in enumerate(item.branches, 1):
                    if reach * p < self.min_reach:
                        self.dropped += 1
                        continue
                    label = f"{branch}.{k}" if branch else str(k)
                    self.add(Step(label, item.round, item.who, name, p, reach * p, kind))
                    self.flatten(sub, label, reach * p)


def narrative(
    game: ExtensiveFormGame,
    profile: BehaviorProfile,
    *,
    max_rows: int = 60,
    min_reach: float = 1e-6,
    fixed: Fixed | None = None,
) -> tuple[list[Step], int]:
    """The story of ``profile`` on ``game`` (see the module docstring).

    Parameters
    ----------
    game : ExtensiveFormGame
        The game.
    profile : BehaviorProfile
        The behaviour profile told.
    max_rows : int
        Rows at most; the others are counted as left out.
    min_reach : float
        Branches reached less often are left out (and counted).
    fixed : callable, optional
        ``fixed(node)`` gives the moves ``(round, who, what)`` that are made
        on the way into ``node`` but have no node in the tree (e.g. the moves
        of actors following fixed policies in a scenario's game); they are
        told as rows of kind ``fixed`` before the node's own move, and they
        count for telling courses apart.

    Returns
    -------
    rows : list of Step
        At most ``max_rows`` rows, in story order.
    dropped : int
        Rows left out (beyond ``max_rows``, or branches below ``min_reach``).

    Examples
    --------
    >>> import numpy as np
    >>> from escalade.game.tree import Chance, Decision, Terminal, tree_game
    >>> g = tree_game(
    ...     Chance({
    ...         "rain": (0.6, Decision("a", {"stay": Terminal((1.0,)), "go": Terminal((0.0,))})),
    ...         "sun": (0.4, Terminal((2.0,))),
    ...     }), players=["a"])
    >>> rows, dropped = narrative(g, BehaviorProfile(np.array([1.0, 0.0])))
    >>> [(r.branch, r.who, r.what) for r in rows][:3]
    [('', 'chance', 'rain 0.6, sun 0.4'), ('1', 'chance', 'rain'), ('1', 'a', 'stay')]
    """
    flat = _Flat(game.players, max_rows, min_reach)
    flat.flatten(_Teller(game, profile, fixed).story(0), "", 1.0)
    return flat.rows, flat.dropped
