"""A fast path for well-formed ``.efg`` files written one node per line.

:func:`fast_parse` reads the common layout (ours, Gambit's and OpenSpiel's
writers all produce it) with one regular expression per line instead of one
per token. It never reports errors: on anything unusual (a node split over
lines, escapes in strings, empty or duplicate labels, reused information sets
or outcomes with different contents, probabilities that are not exact or do
not sum to 1) it returns ``None`` and the caller runs the full tokenizing
parser, which gives the ``file:line`` message. Both paths fill the same
:class:`~escalade.game._efg_state.EfgState`, so they build identical games (tested).
"""

from __future__ import annotations

import re
from fractions import Fraction

from escalade.game._efg_state import EfgState
from escalade.game._lexer import NUMBER, Token
from escalade.game.extensive import NodeKind

__all__ = ["fast_parse"]

_S = r'"([^"\\\n]*)"'  # a quoted string without escapes
_LABELS = r'((?:"[^"\\\n]*"[ \t]*)*)'
_NUMS = r"([-+0-9./eE \t,]*)"
_PAIRS = r'((?:"[^"\\\n]*"[ \t]+[-+0-9./eE]+[ \t]*)*)'
_W, _O = r"[ \t]+", r"[ \t]*"  # required and optional blanks
_OUT = rf"(\d+)(?:{_W}{_S})?(?:{_W}\{{{_O}{_NUMS}\}})?"
_HEADER = re.compile(
    rf"\s*EFG{_W}2{_W}[RD]{_W}{_S}{_O}\{{{_O}{_LABELS}\}}{_O}\n"
    rf'(?:{_O}"[^"\\]*"{_O}\n)?'
)
_T = re.compile(rf"t{_W}{_S}{_W}{_OUT}{_O}")
_P = re.compile(
    rf"p{_W}{_S}{_W}(\d+){_W}(\d+)(?:{_W}{_S})?(?:{_W}\{{{_O}{_LABELS}\}})?{_W}{_OUT}{_O}"
)
_C = re.compile(rf"c{_W}{_S}{_W}(\d+)(?:{_W}{_S})?(?:{_W}\{{{_O}{_PAIRS}\}})?{_W}{_OUT}{_O}")
_QUOTED = re.compile(r'"([^"\\\n]*)"')


class _Bail(Exception):
    """Internal: the fast path cannot read this file; use the full parser."""


def _numbers(text: str) -> list[Token]:
    toks = [Token("num", s, 0) for s in text.replace(",", " ").split()]
    for tok in toks:
        if NUMBER.fullmatch(tok.text) is None:
            raise _Bail
        if "/" in tok.text and int(tok.text.partition("/")[2]) == 0:
            raise _Bail
    return toks


def _labels(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    out = tuple(_QUOTED.findall(text))
    if not out or "" in out or len(set(out)) != len(out):
        raise _Bail
    return out


def _outcome(st: EfgState, number: str, payoffs: str | None) -> None:
    n = int(number)
    if payoffs is not None:
        values = tuple(t.number for t in _numbers(payoffs))
        if n == 0 or len(values) != st.n_players or st.outcomes.get(n, values) != values:
            raise _Bail
        st.outcomes[n] = values
    elif n and n not in st.outcomes:
        raise _Bail
    st.outcome.append(n)


def _player(st: EfgState, m: re.Match[str]) -> int:
    pl, num = int(m.group(2)), int(m.group(3))
    acts = _labels(m.group(5))
    key = (pl - 1, num)
    if not 1 <= pl <= st.n_players or num < 1:
        raise _Bail
    if key not in st.player_sets:
        if acts is None:
            raise _Bail
        st.player_sets[key] = len(st.h_player)
        st.h_player.append(pl - 1)
        st.h_actions.append(acts)
        st.h_labels.append(m.group(4) or "")
    elif acts is not None and acts != st.h_actions[st.player_sets[key]]:
        raise _Bail
    h = st.player_sets[key]
    st.infoset.append(h)
    st.kind.append(NodeKind.DECISION)
    _outcome(st, m.group(6), m.group(8))
    return len(st.h_actions[h])


def _chance(st: EfgState, m: re.Match[str], me: int) -> int:
    num = int(m.group(2))
    if m.group(4) is not None:
        pairs = m.group(4).split('"')[1:]
        names = pairs[0::2]
        probs = [t.value for t in _numbers(" ".join(pairs[1::2]))]
        acts = _labels(" ".join(f'"{n}"' for n in names))
        if acts is None or len(probs) != len(acts) or num < 1:
            raise _Bail
        exact = [p for p in probs if p is not None and p >= 0]
        if len(exact) != len(probs) or sum(exact, Fraction(0)) != 1:
            raise _Bail
        st.chance_sets[num] = (acts, tuple(exact))
    elif num not in st.chance_sets:
        raise _Bail
    acts, probs_t = st.chance_sets[num]
    st.chance_index[me] = len(st.chance_actions)
    st.chance_actions.append(acts)
    st.pending_probs.append(probs_t)
    st.infoset.append(-1)
    st.kind.append(NodeKind.CHANCE)
    _outcome(st, m.group(5), m.group(7))
    return len(acts)


def _node(st: EfgState, line: str, me: int) -> int:
    """Read one node line into ``st``; return its number of children."""
    head = line[:1]
    pattern = _T if head == "t" else _P if head == "p" else _C if head == "c" else None
    m = pattern.fullmatch(line) if pattern is not None else None
    if m is None:
        raise _Bail
    st.labels.append(m.group(1))
    if head == "t":
        st.kind.append(NodeKind.TERMINAL)
        st.infoset.append(-1)
        _outcome(st, m.group(2), m.group(4))
        return 0
    return _player(st, m) if head == "p" else _chance(st, m, me)


def _nodes(st: EfgState, lines: list[str]) -> None:
    stack: list[list[int]] = []  # [node, children still to read, child counter]
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if st.parent and not stack:
            raise _Bail
        me = len(st.parent)
        st.parent.append(stack[-1][0] if stack else -1)
        st.prob.append(1.0)
        if stack:
            top = stack[-1]
            if st.kind[top[0]] == NodeKind.CHANCE:
                st.prob[me] = float(st.pending_probs[st.chance_index[top[0]]][top[2]])
            top[1] -= 1
            top[2] += 1
        n_kids = _node(st, line, me)
        while stack and stack[-1][1] == 0:
            stack.pop()
        if n_kids:
            stack.append([me, n_kids, 0])
    if stack or not st.parent:
        raise _Bail


def fast_parse(text: str, make_state: type[EfgState]) -> tuple[str, list[str], EfgState] | None:
    """Read ``text`` if it has the common one-node-per-line layout, else ``None``.

    Returns the title, the player names and the filled parser state.
    """
    header = _HEADER.match(text)
    if header is None:
        return None
    players = list(_QUOTED.findall(header.group(2)))
    if not players:
        return None
    st = make_state(len(players))
    try:
        _nodes(st, text[header.end() :].split("\n"))
    except _Bail:
        return None
    return header.group(1), players, st
