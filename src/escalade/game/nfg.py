"""Read and write Gambit normal-form files (``.nfg``, format ``NFG 1 R``).

Both of Gambit's body forms are read: the *payoff* version (a flat list of
payoffs, one vector per strategy profile, the first player's strategy
changing fastest) and the *outcome* version (a list of outcomes in braces,
then one outcome number per profile, ``0`` meaning all-zero payoffs). The
header gives either strategy counts ``{ 3 2 }`` or strategy labels
``{ { "a" "b" "c" } { "x" "y" } }``. Writing uses the payoff version (or the
outcome version on request) with strategy labels.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from escalade.errors import GameFormatError, Issue, UsageError
from escalade.game._lexer import Reader, format_number, quote, read_game_text, tokenize
from escalade.game.normal_form import NormalFormGame

__all__ = ["format_nfg", "parse_nfg", "read_nfg", "write_nfg"]


def _strategies(r: Reader, n_players: int) -> list[list[str]]:
    line = r.line
    r.take("{", "'{' opening the strategy counts or labels")
    out: list[list[str]] = []
    while not r.at("}"):
        if r.at("{"):
            labels = r.strings_in_braces("strategy labels")
            labels = [a if a else str(k + 1) for k, a in enumerate(labels)]
            if len(set(labels)) != len(labels):
                r.fail(f"duplicate strategy label for player {len(out) + 1}", line=line)
            out.append(labels)
        else:
            count = r.take_int("a strategy count", 1)
            out.append([str(k + 1) for k in range(count)])
    r.pos += 1
    if len(out) != n_players:
        r.fail(f"expected strategies for {n_players} players, found {len(out)}", line=line)
    if any(not s for s in out):
        r.fail("every player needs at least one strategy", line=line)
    return out


def _outcome_body(r: Reader, n_players: int, cells: int) -> np.ndarray:
    r.take("{", "'{' opening the outcome list")
    outcomes: list[list[float]] = []
    while not r.at("}"):
        line = r.line
        r.take("{", "'{' opening an outcome")
        r.take("str", "the outcome name (a quoted string)")
        vals = []
        while not r.at("}"):
            tok = r.take("num", "a payoff or '}'")
            vals.append(tok.number)
        r.pos += 1
        if len(vals) != n_players:
            r.fail(f"expected {n_players} payoffs in the outcome, found {len(vals)}", line=line)
        outcomes.append(vals)
    r.pos += 1
    table = np.vstack([np.zeros(n_players), *[np.asarray(o) for o in outcomes]])
    idx = []
    for _ in range(cells):
        line = r.line
        k = r.take_int("an outcome number for the next strategy profile")
        if k > len(outcomes):
            r.fail(f"expected an outcome number in 0..{len(outcomes)}, found {k}", line=line)
        idx.append(k)
    return table[np.asarray(idx, dtype=np.int64)]


def parse_nfg(text: str, *, file: str = "<string>") -> NormalFormGame:
    """Parse the text of an ``.nfg`` file.

    Raises
    ------
    GameFormatError
        With ``file:line`` for every malformed construct (wrong counts, bad
        numbers, unbalanced braces or quotes, duplicate labels).
    """
    r = Reader(tokenize(text, file), file)
    r.take_word("NFG")
    if r.take_int("the format version 1") != 1:
        r.fail("expected format version 1 ('NFG 1 R')")
    r.take_word("R", "D")
    title = r.take("str", "the game title (a quoted string)").text
    players = r.strings_in_braces("player names")
    if not players:
        r.fail("expected at least one player name")
    strategies = _strategies(r, len(players))
    if r.at("str"):
        r.pos += 1
    shape = tuple(len(s) for s in strategies)
    cells = math.prod(int(s) for s in shape)
    if r.at("{"):
        data = _outcome_body(r, len(players), cells)
    else:
        vals = []
        for _ in range(cells * len(players)):
            tok = r.take("num", f"a payoff ({cells * len(players)} expected in all)")
            vals.append(tok.number)
        data = np.asarray(vals).reshape(cells, len(players))
    if r.peek() is not None:
        r.fail(
            f"unexpected {r.peek().text!r} after the last payoff",  # type: ignore[union-attr]
            hint=f"a {'x'.join(map(str, shape))} game has {cells} strategy profiles",
        )
    payoffs = np.stack([data[:, i].reshape(shape, order="F") for i in range(len(players))])
    try:
        return NormalFormGame(payoffs, players, strategies, name=title)
    except UsageError as exc:
        raise GameFormatError([Issue(str(exc), file=file)]) from exc


def read_nfg(path: str | Path) -> NormalFormGame:
    """Read an ``.nfg`` file (see :func:`parse_nfg`)."""
    text, name = read_game_text(path)
    return parse_nfg(text, file=name)


def format_nfg(game: NormalFormGame, *, outcomes: bool = False) -> str:
    """Return ``.nfg`` text: the payoff version, or the outcome version if ``outcomes``."""
    strat = " ".join("{ " + " ".join(quote(a) for a in acts) + " }" for acts in game.actions)
    head = (
        f"NFG 1 R {quote(game.name)} {{ {' '.join(quote(p) for p in game.players)} }} {{ {strat} }}"
    )
    flat = np.stack([game.payoffs[i].reshape(-1, order="F") for i in range(game.n_players)], 1)
    if not outcomes:
        body = "\n".join(" ".join(format_number(float(v)) for v in row) for row in flat)
        return f'{head}\n""\n\n{body}\n'
    rows = [f'{{ "" {", ".join(format_number(float(v)) for v in row)} }}' for row in flat]
    numbers = " ".join(str(k + 1) for k in range(flat.shape[0]))
    return f'{head}\n""\n\n{{\n' + "\n".join(rows) + f"\n}}\n{numbers}\n"


def write_nfg(game: NormalFormGame, path: str | Path, *, outcomes: bool = False) -> None:
    """Write ``game`` to ``path`` (payoff version unless ``outcomes``)."""
    Path(path).write_text(format_nfg(game, outcomes=outcomes), encoding="utf-8")
