"""Backward induction on random perfect-information trees: escalade vs plain Python vs pygambit.

Run: python benchmarks/solvers.py [--sizes 10000 100000 1000000] [--seed 0]

Trees are random (seeded through escalade.random.make_rng): each node below
the last level is terminal with probability 0.1, otherwise a decision node of
a random player (of 2) with 2-3 actions; payoffs uniform on [0, 1).
pygambit (optional) has no subgame-perfect solver; it is timed reading the
.efg file (its best step towards one) on trees up to --gambit-max nodes, and
compared with escalade reading the same text *and* solving it (end to end).
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
import time

import numpy as np

from escalade.game.efg import format_efg, parse_efg
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.random import make_rng
from escalade.solvers import backward_induction

ACTIONS = {k: tuple(f"a{i}" for i in range(k)) for k in (2, 3)}


def random_tree(n_target: int, seed: int) -> ExtensiveFormGame:
    rng = make_rng(seed, n_target)
    parents = [np.array([-1])]
    kinds = []
    level = 1
    total = 1
    while True:
        n = parents[-1].size
        last = total * 1.6 > n_target
        inner = np.zeros(n, dtype=bool) if last else rng.random(n) > 0.1
        if not last and not inner.any():
            inner[0] = True  # keep the tree growing (an extinct level looped forever)
        kinds.append(np.where(inner, NodeKind.DECISION, NodeKind.TERMINAL))
        if last:
            break
        counts = np.where(inner, rng.integers(2, 4, size=n), 0)
        start = total - n
        parents.append(np.repeat(np.arange(start, start + n), counts))
        total += int(counts.sum())
        level += 1
    parent = np.concatenate(parents)
    kind = np.concatenate(kinds).astype(np.int8)
    dec = np.flatnonzero(kind == NodeKind.DECISION)
    infoset = np.full(parent.size, -1, dtype=np.int64)
    infoset[dec] = np.arange(dec.size)
    n_children = np.bincount(parent[1:], minlength=parent.size)
    n_term = int((kind == NodeKind.TERMINAL).sum())
    terminal = np.full(parent.size, -1, dtype=np.int64)
    terminal[kind == NodeKind.TERMINAL] = np.arange(n_term)
    return ExtensiveFormGame(
        players=("A", "B"),
        parent=parent,
        kind=kind,
        infoset=infoset,
        infoset_player=rng.integers(0, 2, size=dec.size),
        infoset_actions=tuple(ACTIONS[int(c)] for c in n_children[dec]),
        prob=np.ones(parent.size),
        chance_actions=(),
        terminal=terminal,
        payoffs=rng.random((n_term, 2)),
        name=f"random tree {n_target}",
    )


def plain_recursion(game: ExtensiveFormGame) -> np.ndarray:
    fc = game.first_child.tolist()
    nc = game.n_children.tolist()
    player = game.player.tolist()
    term = game.terminal.tolist()
    pay = game.payoffs.tolist()
    sys.setrecursionlimit(10_000)

    def value(i: int) -> list[float]:
        if nc[i] == 0:
            return pay[term[i]]
        best = None
        for c in range(fc[i], fc[i] + nc[i]):
            v = value(c)
            if best is None or v[player[i]] > best[player[i]] + 1e-12:
                best = v
        assert best is not None
        return best

    return np.asarray(value(0))


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gambit-max", type=int, default=60_000)
    args = ap.parse_args()
    try:
        gbt = importlib.import_module("pygambit")
    except ImportError:
        gbt = None
    print(
        f"{'nodes':>9} {'ours s':>8} {'+regret s':>9} {'python s':>9} {'ratio':>7} "
        f"{'ours read+solve s':>17} {'gambit read s':>13} {'ratio':>7}"
    )
    for size in args.sizes:
        game = random_tree(size, args.seed)
        t_ours, res = timed(lambda g: backward_induction.solve(g, verify=False), game)
        t_ver, res_v = timed(backward_induction.solve, game)
        t_py, val = timed(plain_recursion, game)
        assert np.allclose(val, res.payoffs[0]), "recursion and vectorised solver disagree"
        assert res_v.diagnostics.max_regret <= 1e-9
        text = format_efg(game)
        t_e2e, _ = timed(lambda t: backward_induction.solve(parse_efg(t), verify=False), text)
        gamb = ratio_g = "-"
        if gbt is not None and game.n_nodes <= args.gambit_max:
            t_g, _ = timed(lambda t: gbt.read_efg(io.StringIO(t)), text)
            gamb, ratio_g = f"{t_g:.3f}", f"{t_g / t_e2e:.1f}x"
        print(
            f"{game.n_nodes:>9} {t_ours:>8.3f} {t_ver:>9.3f} {t_py:>9.3f} "
            f"{t_py / t_ours:>6.0f}x {t_e2e:>17.3f} {gamb:>13} {ratio_g:>7}"
        )


if __name__ == "__main__":
    main()
