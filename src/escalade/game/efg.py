"""Read and write Gambit extensive-form files (``.efg``, format ``EFG 2 R``).

Reading accepts Gambit's optional forms: information-set names and action
lists omitted after their first appearance, outcomes at non-terminal nodes
(payoffs accumulate along the path), outcome payoffs given once and reused by
number, rationals (``1/3``), decimals and exponents, commas between payoffs,
and quoted strings with backslash-escaped quotes. Every problem is reported
as :class:`~escalade.errors.GameFormatError` with ``file:line``.

Writing produces a strict dialect that both Gambit and OpenSpiel read: every
decision and chance node lists its information-set name and actions, all
payoffs sit at terminal nodes (one outcome per terminal, numbered 1..n),
information sets are numbered 1..n per player, action labels are non-empty
and unique within an information set, and no label contains a double quote.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np

from escalade._types import FloatArray
from escalade.errors import GameFormatError, Issue, UsageError
from escalade.game._efg_fast import fast_parse
from escalade.game._efg_state import EfgState
from escalade.game._lexer import Reader, format_number, quote, read_game_text, tokenize
from escalade.game.extensive import ExtensiveFormGame, NodeKind

__all__ = ["EfgState", "format_efg", "parse_efg", "read_efg", "write_efg"]


def _labels(r: Reader, names: list[str], line: int, what: str) -> tuple[str, ...]:
    out = tuple(n if n else str(i + 1) for i, n in enumerate(names))
    if not out:
        r.fail(f"expected at least one action in the {what}, found none", line=line)
    seen: set[str] = set()
    for a in out:
        if a in seen:
            r.fail(
                f"duplicate action label {a!r} in the {what}",
                line=line,
                hint="action labels must be unique within an information set",
            )
        seen.add(a)
    return out


def _outcome(r: Reader, st: EfgState) -> int:
    line = r.line
    number = r.take_int("an outcome number")
    if r.at("str"):
        r.pos += 1
    if r.at("{"):
        values = tuple(r.floats_in_braces("payoffs"))
        if len(values) != st.n_players:
            r.fail(
                f"expected {st.n_players} payoffs (one per player), found {len(values)}", line=line
            )
        if number == 0:
            r.fail("outcome 0 means 'no outcome' and cannot have payoffs", line=line)
        old = st.outcomes.get(number)
        if old is not None and old != values:
            r.fail(f"outcome {number} is given two different payoff vectors", line=line)
        st.outcomes[number] = values
    elif number and number not in st.outcomes:
        r.fail(
            f"outcome {number} is used before its payoffs are given",
            line=line,
            hint="give the payoffs in braces the first time an outcome number appears",
        )
    return number


def _player_node(r: Reader, st: EfgState, line: int) -> int:
    pl = r.take_int("a player number", 1)
    if pl > st.n_players:
        r.fail(f"expected a player number in 1..{st.n_players}, found {pl}", line=line)
    num = r.take_int("an information set number", 1)
    name = r.take("str", "").text if r.at("str") else None
    acts = r.strings_in_braces("actions") if r.at("{") else None
    key = (pl - 1, num)
    if key not in st.player_sets:
        if acts is None:
            r.fail(
                f"information set {num} of player {pl} is used before its actions are listed",
                line=line,
            )
        st.player_sets[key] = len(st.h_player)
        st.h_player.append(pl - 1)
        st.h_actions.append(_labels(r, acts, line, f"information set {num} of player {pl}"))
        st.h_labels.append(name or "")
    elif acts is not None:
        known = st.h_actions[st.player_sets[key]]
        if _labels(r, acts, line, "information set") != known:
            r.fail(
                f"information set {num} of player {pl} lists actions {acts}, but earlier "
                f"{list(known)}",
                line=line,
            )
    h = st.player_sets[key]
    st.infoset.append(h)
    st.kind.append(NodeKind.DECISION)
    return len(st.h_actions[h])


def _chance_node(r: Reader, st: EfgState, line: int) -> int:
    num = r.take_int("a chance information set number", 1)
    if r.at("str"):
        r.pos += 1
    if r.at("{"):
        r.take("{", "'{'")
        names: list[str] = []
        probs: list[Fraction] = []
        while not r.at("}"):
            names.append(r.take("str", "a quoted chance action or '}'").text)
            tok = r.take("num", f"the probability of chance action {names[-1]!r}")
            assert tok.value is not None
            probs.append(tok.value)
        r.pos += 1
        acts = _labels(r, names, line, f"chance information set {num}")
        if any(p < 0 for p in probs):
            r.fail("expected chance probabilities >= 0, found a negative one", line=line)
        total = sum(probs, Fraction(0))
        if abs(total - 1) > Fraction(1, 10**9):
            r.fail(
                f"chance probabilities sum to {float(total)!r}, expected 1",
                line=line,
                hint="rationals like 1/3 keep sums exact",
            )
        st.chance_sets[num] = (acts, tuple(probs))
    elif num not in st.chance_sets:
        r.fail(f"chance information set {num} is used before its actions are listed", line=line)
    acts, probs_t = st.chance_sets[num]
    st.chance_actions.append(acts)
    st.pending_probs.append(probs_t)
    st.infoset.append(-1)
    st.kind.append(NodeKind.CHANCE)
    return len(acts)


def _parse_nodes(r: Reader, st: EfgState) -> None:
    stack: list[list[int]] = []  # [node, children still to read, child counter]
    while r.peek() is not None:
        if st.parent and not stack:
            r.fail("unexpected content after the end of the tree")
        line = r.line
        kind = r.take_word("p", "c", "t").text
        st.labels.append(r.take("str", "the node name (a quoted string, may be empty)").text)
        me = len(st.parent)
        par = stack[-1][0] if stack else -1
        st.parent.append(par)
        st.prob.append(1.0)
        if stack:
            top = stack[-1]
            if st.kind[top[0]] == NodeKind.CHANCE:
                probs = st.pending_probs[st.chance_index[top[0]]]
                st.prob[me] = float(probs[top[2]])
            top[1] -= 1
            top[2] += 1
        if kind == "t":
            st.kind.append(NodeKind.TERMINAL)
            st.infoset.append(-1)
            n_kids = 0
        elif kind == "p":
            n_kids = _player_node(r, st, line)
        else:
            st.chance_index[me] = len(st.chance_actions)
            n_kids = _chance_node(r, st, line)
        st.outcome.append(_outcome(r, st))
        while stack and stack[-1][1] == 0:
            stack.pop()
        if n_kids:
            stack.append([me, n_kids, 0])
    if stack or not st.parent:
        r.fail("the file ends before the tree is complete", hint="a subtree is missing nodes")


def _accumulate_outcomes(st: EfgState, n_players: int) -> FloatArray:
    """Payoff of each node: the sum of the outcomes on its path (nodes in pre-order)."""
    numbers = sorted(st.outcomes)
    table = np.zeros((len(numbers) + 1, n_players))
    for row, number in enumerate(numbers, start=1):
        table[row] = st.outcomes[number]
    index = {number: row for row, number in enumerate(numbers, start=1)}
    own = table[np.array([index.get(o, 0) for o in st.outcome], dtype=np.int64)]
    parent = np.asarray(st.parent, dtype=np.int64)
    depth = [0] * len(st.parent)
    for k in range(1, len(depth)):
        depth[k] = depth[st.parent[k]] + 1
    order = np.argsort(np.asarray(depth), kind="stable")
    bounds = np.cumsum(np.bincount(depth))
    acc = own.copy()
    for lo, hi in itertools.pairwise(bounds):
        idx = order[lo:hi]
        acc[idx] += acc[parent[idx]]
    return acc


def _slow_parse(text: str, file: str) -> tuple[str, list[str], EfgState]:
    """Tokenize and read ``text``, failing with ``file:line`` on malformed input."""
    r = Reader(tokenize(text, file), file)
    r.take_word("EFG")
    if r.take_int("the format version 2") != 2:
        r.fail("expected format version 2 ('EFG 2 R')")
    r.take_word("R", "D")
    title = r.take("str", "the game title (a quoted string)").text
    players = r.strings_in_braces("player names")
    if not players:
        r.fail("expected at least one player name")
    if r.at("str"):
        r.pos += 1
    st = EfgState(len(players))
    _parse_nodes(r, st)
    return title, players, st


def parse_efg(text: str, *, file: str = "<string>") -> ExtensiveFormGame:
    """Parse the text of an ``.efg`` file.

    Parameters
    ----------
    text : str
        The file's contents.
    file : str
        The name used in error messages.

    Raises
    ------
    GameFormatError
        With ``file:line`` for every malformed construct.
    """
    fast = fast_parse(text, EfgState)
    title, players, st = fast if fast is not None else _slow_parse(text, file)
    acc = _accumulate_outcomes(st, len(players))
    kinds = np.asarray(st.kind)
    try:
        return ExtensiveFormGame.from_parents(
            players,
            st.parent,
            kinds,
            st.infoset,
            st.prob,
            infoset_player=st.h_player,
            infoset_actions=st.h_actions,
            chance_actions=st.chance_actions,
            payoffs=acc[kinds == NodeKind.TERMINAL],
            name=title,
            infoset_labels=st.h_labels,
            node_labels=st.labels,
        )
    except UsageError as exc:
        raise GameFormatError([Issue(str(exc), file=file)]) from exc


def read_efg(path: str | Path) -> ExtensiveFormGame:
    """Read an ``.efg`` file (see :func:`parse_efg`)."""
    text, name = read_game_text(path)
    return parse_efg(text, file=name)


def _acts(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(a if a else str(i + 1) for i, a in enumerate(labels))


def format_efg(game: ExtensiveFormGame) -> str:
    """Return the strict ``.efg`` text of ``game`` (see module docstring)."""
    lines = [
        f"EFG 2 R {quote(game.name)} {{ {' '.join(quote(p) for p in game.players)} }}",
        '""',
        "",
    ]
    names = game.node_labels or ("",) * game.n_nodes
    fc, nc, kind = game.first_child, game.n_children, game.kind
    chance_rank = {int(c): k for k, c in enumerate(game.chance_nodes)}
    stack = [0]
    while stack:
        i = stack.pop()
        k = int(kind[i])
        if k == NodeKind.TERMINAL:
            t = int(game.terminal[i])
            pay = " ".join(format_number(float(v)) for v in game.payoffs[t])
            lines.append(f't {quote(names[i])} {t + 1} "" {{ {pay} }}')
            continue
        if k == NodeKind.DECISION:
            h = int(game.infoset[i])
            acts = " ".join(quote(a) for a in _acts(game.infoset_actions[h]))
            lines.append(
                f"p {quote(names[i])} {int(game.infoset_player[h]) + 1} "
                f"{int(game.infoset_local[h]) + 1} {quote(game.infoset_labels[h])} {{ {acts} }} 0"
            )
        else:
            r = chance_rank[i]
            kids = range(int(fc[i]), int(fc[i] + nc[i]))
            body = " ".join(
                f"{quote(a)} {format_number(float(game.prob[c]))}"
                for a, c in zip(_acts(game.chance_actions[r]), kids, strict=True)
            )
            lines.append(f'c {quote(names[i])} {r + 1} "" {{ {body} }} 0')
        stack.extend(range(int(fc[i] + nc[i]) - 1, int(fc[i]) - 1, -1))
    return "\n".join(lines) + "\n"


def write_efg(game: ExtensiveFormGame, path: str | Path) -> None:
    """Write ``game`` to ``path`` in the strict ``.efg`` dialect."""
    Path(path).write_text(format_efg(game), encoding="utf-8")
