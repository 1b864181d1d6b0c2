"""Sequence-form LP for two-player zero-sum games: escalade vs OpenSpiel, side by side.

Run: python benchmarks/zerosum.py [--depths 8 10] [--seed 0] [--repeat 3] [--mem-gib 8]
(OpenSpiel's LP needs the ``bench`` extra: ``pip install -e ".[bench]"``.)

Two games:

* Leduc hold'em (``escalade.game.examples.leduc``; 288 information sets).
  OpenSpiel solves its native C++ ``leduc_poker`` and, separately, the same
  game read from our ``.efg`` export.
* A random zero-sum tree of ``3**depth`` leaves (depth 10: 59,049 leaves,
  88,573 nodes): the two players alternate, three actions each, and a player
  sees every earlier move except the opponent's last one (perfect recall, so
  the sequence form applies). Payoffs uniform on [-1, 1), seeded through
  ``escalade.random.make_rng``. Both solvers read the same ``.efg`` text.

Every time is the best of ``--repeat`` runs; both values are printed so a
reader can see the two LPs agree. OpenSpiel runs in a child process with an
address-space cap (``--mem-gib``) and a time limit (``--timeout``): at depth 10
its dense cvxpy formulation exhausted the 24 GiB machine when uncapped.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import queue
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from escalade.game.efg import format_efg, parse_efg
from escalade.game.examples import leduc
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.random import make_rng
from escalade.solvers import zerosum_lp

ACTIONS = ("a", "b", "c")


def hidden_move_tree(depth: int, seed: int) -> ExtensiveFormGame:
    """The random zero-sum tree described in the module docstring."""
    levels = [np.arange(3**k) for k in range(depth + 1)]
    parent = np.concatenate(
        [[-1]] + [(3**k - 1) // 2 + lvl // 3 for k, lvl in enumerate(levels[1:])]
    )
    kind = np.concatenate(
        [np.full(3**k, NodeKind.DECISION) for k in range(depth)]
        + [np.full(3**depth, NodeKind.TERMINAL)]
    ).astype(np.int8)
    # infoset of a level-k node j: (k, j // 3), i.e. all moves but the last one
    infoset_parts = [np.zeros(1, dtype=np.int64)]
    offsets = [1]
    for k in range(1, depth):
        infoset_parts.append(offsets[-1] + levels[k] // 3)
        offsets.append(offsets[-1] + 3 ** (k - 1))
    infoset = np.concatenate([*infoset_parts, np.full(3**depth, -1)])
    n_infosets = offsets[-1]
    infoset_player = np.concatenate([[0]] + [np.full(3 ** (k - 1), k % 2) for k in range(1, depth)])
    rng = make_rng(seed, 3, depth)
    u = rng.uniform(-1.0, 1.0, size=3**depth)
    return ExtensiveFormGame.from_parents(
        ("Max", "Min"),
        parent,
        kind,
        infoset,
        np.ones(parent.size),
        infoset_player=infoset_player,
        infoset_actions=[ACTIONS] * n_infosets,
        chance_actions=[],
        payoffs=np.stack([u, -u], axis=1),
        name=f"hidden-move tree, depth {depth}",
    )


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` ``repeat`` times; return the shortest wall time and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _row(name: str, seconds: float, value: float, ours: float) -> None:
    print(f"  {name:<44} {seconds:>8.3f} s   value {value:+.9f}   {seconds / ours:>6.1f}x ours")


def _openspiel_child(text: str, native: str | None, repeat: int, mem_gib: float, q: Any) -> None:
    """Time OpenSpiel's LP in a child process capped at ``mem_gib`` of address space."""
    resource.setrlimit(resource.RLIMIT_AS, (int(mem_gib * 2**30),) * 2)
    try:
        pyspiel = importlib.import_module("pyspiel")
        lp = importlib.import_module("open_spiel.python.algorithms.sequence_form_lp")
    except ImportError:
        q.put(("missing", None))
        return
    try:
        t_load, sg = best_of(repeat, lambda: pyspiel.load_efg_game(text))
        t_os, out = best_of(repeat, lambda: lp.solve_zero_sum_game(sg))
        rows = [
            ("OpenSpiel sequence_form_lp (cvxpy/ECOS)", t_os, out[0]),
            ("OpenSpiel load_efg_game + sequence_form_lp", t_load + t_os, out[0]),
        ]
        if native is not None:
            ng = pyspiel.load_game(native)
            t_nat, out_n = best_of(repeat, lambda: lp.solve_zero_sum_game(ng))
            rows.append((f"OpenSpiel on its native C++ {native}", t_nat, out_n[0]))
        q.put(("ok", rows))
    except MemoryError:
        q.put(("memory", None))


def run_openspiel(text: str, native: str | None, args: argparse.Namespace, ours: float) -> None:
    """Run OpenSpiel's side with a memory cap and a time limit; print its rows or why not."""
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=_openspiel_child, args=(text, native, args.repeat, args.mem_gib, q))
    proc.start()
    try:
        status, rows = q.get(timeout=args.timeout)
    except queue.Empty:
        status, rows = ("timeout" if proc.is_alive() else "crashed"), None
    proc.kill()
    proc.join()
    if status == "ok":
        for name, seconds, value in rows:
            _row(name, seconds, value, ours)
    elif status == "missing":
        print("  OpenSpiel not installed: pip install -e '.[bench]'")
    elif status == "memory":
        print(f"  OpenSpiel sequence_form_lp: out of memory (cap {args.mem_gib:g} GiB)")
    elif status == "timeout":
        print(f"  OpenSpiel sequence_form_lp: no answer within {args.timeout:g} s")
    else:
        print(f"  OpenSpiel sequence_form_lp: child process died (exit {proc.exitcode})")


def bench(game: ExtensiveFormGame, args: argparse.Namespace, native: str | None) -> None:
    """Time our LP and OpenSpiel's on ``game`` (read from the same .efg text)."""
    repeat = args.repeat
    text = format_efg(game)
    print(f"{game.name}: {game.n_nodes:,} nodes, {game.n_infosets:,} information sets")
    t_read, parsed = best_of(repeat, lambda: parse_efg(text))
    t_ours, res = best_of(repeat, lambda: zerosum_lp.solve(parsed, verify=False))
    t_ver, res_v = best_of(1, lambda: zerosum_lp.solve(parsed))
    ours = float(res.payoffs[0, 0])
    _row("escalade zerosum-lp (HiGHS)", t_ours, ours, t_ours)
    _row("escalade zerosum-lp + exact regret check", t_ver, float(res_v.payoffs[0, 0]), t_ours)
    _row("escalade read .efg + zerosum-lp", t_read + t_ours, ours, t_ours)
    run_openspiel(text, native, args, t_ours)


def main() -> None:
    """Parse the command line and print both comparisons."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    ap.add_argument("--depths", type=int, nargs="+", default=[8, 10], help="tree depths")
    ap.add_argument("--mem-gib", type=float, default=8.0, help="OpenSpiel's memory cap")
    ap.add_argument("--timeout", type=float, default=600.0, help="OpenSpiel's time limit (s)")
    args = ap.parse_args()
    bench(leduc(), args, "leduc_poker")
    for depth in args.depths:
        print()
        bench(hidden_move_tree(depth, args.seed), args, None)


if __name__ == "__main__":
    main()
