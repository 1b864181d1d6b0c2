"""The strategy meta-game: strategies against mindsets as a bimatrix game.

Empirical game-theoretic analysis (Wellman 2006, "Methods for empirical
game-theoretic analysis", *AAAI*): the pure strategies are the scenario's
strategies (rows, one side) and mindsets (columns, the other side, as its
strategies); each cell's payoffs are the sides' expected utilities estimated
by simulation with common random numbers. Everything here is a pure function
of the per-trajectory utilities (:func:`meta_game`) or of the payoff matrices
(:func:`analyse`):

* every Nash equilibrium (:func:`escalade.solvers.bimatrix.equilibria`, the
  degenerate case said), with each one's *robustness*: the share of bootstrap
  resamples of the trajectories (the same trajectories in every cell, keeping
  the common random numbers) in which the same supports still carry an
  equilibrium;
* α-Rank (:func:`escalade.solvers.alpharank.alpha_rank`) on payoffs divided by
  each side's payoff range (so ``alpha`` does not depend on the utility
  scale): the mass of every cell and of every strategy;
* each side's optimal mixed commitment as leader
  (:func:`escalade.solvers.stackelberg.stackelberg`) against its Nash payoffs:
  the *value of commitment* is the Stackelberg value minus the side's best
  Nash payoff (positive: declaring helps; zero: commitment adds nothing), with
  how far the follower's reply beats its second-best reply under the mix
  against that margin's standard error (``fragile`` when under two: the
  commitment's value may rest on a tie within the noise).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from escalade._types import FloatArray
from escalade.errors import UsageError
from escalade.random import Stream, make_rng
from escalade.reprs import listed, short_repr
from escalade.solvers.alpharank import alpha_rank
from escalade.solvers.bimatrix import equilibria, same_support_equilibrium
from escalade.solvers.stackelberg import stackelberg

__all__ = [
    "RUN_VERSUS_GAME",
    "MetaAnalysis",
    "MetaGame",
    "analyse",
    "fragile_commitment_text",
    "meta_game",
    "run_versus_game",
]

_WHY = (
    "run ranks the strategies by expected utility and regret across a set of mindsets taken as "
    "given, while game finds the equilibria of this strategy-versus-mindset payoff matrix, in "
    "which the other side picks its mindset as a best response too."
)
RUN_VERSUS_GAME = (
    "`escalade run` and `escalade game` answer different questions, so run's recommended "
    "strategy (the lowest maximum regret) need not be an equilibrium strategy here: " + _WHY
)
"""The generic sentence: why ``run`` and ``game`` may disagree (see :func:`run_versus_game`)."""


def run_versus_game(
    rows: Sequence[str], row_payoffs: FloatArray, row_supports: Sequence[Sequence[str]]
) -> str:
    """Say whether ``run``'s recommendation is an equilibrium strategy of this meta-game.

    Parameters
    ----------
    rows : sequence of str
        The row side's strategies, in the order of ``row_payoffs``' rows.
    row_payoffs : ndarray, shape (m, n)
        The row side's expected utility per strategy and mindset (``run``'s cell means with
        the same seed and N).
    row_supports : sequence of sequence of str
        Per Nash equilibrium, the row strategies played with positive probability.

    Returns
    -------
    str
        One sentence naming the strategy with the lowest maximum regret (``run``'s
        recommendation; ties: the first) and whether some equilibrium plays it, then why the
        two commands can differ.
    """
    p = np.asarray(row_payoffs, dtype=float)
    if p.ndim != 2 or p.shape[0] != len(rows) or p.shape[0] == 0:
        return RUN_VERSUS_GAME
    regret = (p.max(axis=0, keepdims=True) - p).max(axis=1)
    best = rows[int(np.argmin(regret))]
    played = any(best in support for support in row_supports)
    head = "`escalade run` and `escalade game` answer different questions"
    if played:
        return (
            f"{head}, but here they agree: run's recommended strategy, {best} (the lowest "
            f"maximum regret), is also an equilibrium strategy of this game. The difference: "
            + _WHY
        )
    return (
        f"{head}, and here they differ: run's recommended strategy, {best} (the lowest maximum "
        f"regret), is not an equilibrium strategy of this game, because " + _WHY
    )


@dataclass(frozen=True, eq=False)
class MetaGame:
    """Payoffs ``(2, m, n)`` (row side, column side) with standard errors, and the samples.

    ``samples`` has shape ``(N, 2, m, n)``: trajectory ``k``'s utilities in
    every cell (the same random numbers across cells).
    """

    row_side: str
    col_side: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    payoffs: FloatArray
    se: FloatArray
    samples: FloatArray

    @property
    def n(self) -> int:
        """Trajectories per cell."""
        return int(self.samples.shape[0])

    def __repr__(self) -> str:
        return short_repr(
            "MetaGame",
            sides=(self.row_side, self.col_side),
            rows=listed(self.rows),
            cols=listed(self.cols),
            n=self.n,
        )


def meta_game(
    samples: Mapping[tuple[str | None, str | None], FloatArray],
    *,
    rows: Sequence[str | None],
    cols: Sequence[str | None],
    sides: Sequence[str],
    row_side: str,
    col_side: str,
) -> MetaGame:
    """Build the meta-game from per-trajectory side utilities.

    Parameters
    ----------
    samples : mapping
        ``(strategy, mindset) -> (N, n_sides)`` utilities per trajectory.
    rows, cols : sequence
        Strategy and mindset ids (None: default policies, shown as ``default``).
    sides : sequence of str
        The scenario's sides, in the order of the samples' columns.
    row_side, col_side : str
        Whose payoffs the rows and the columns get.
    """
    if row_side == col_side or row_side not in sides or col_side not in sides:
        raise UsageError(
            f"meta-game: expected two different sides among {', '.join(sides)}, "
            f"found {row_side!r} and {col_side!r}"
        )
    picks = [list(sides).index(row_side), list(sides).index(col_side)]
    cube = np.stack(
        [np.stack([samples[(r, c)][:, picks] for c in cols], axis=-1) for r in rows], axis=-2
    )  # (N, 2, m, n)
    n = cube.shape[0]
    mean = cube.mean(axis=0)
    sd = cube.std(axis=0, ddof=1) if n > 1 else np.zeros(cube.shape[1:])
    # A payoff that is the same in every trajectory differs only in the last bits of
    # its float sums: its spread is round-off (it printed as "-1.45 ±6.9e-16"), not noise.
    sd = np.where(sd <= 1e-12 * np.maximum(1.0, np.abs(mean)), 0.0, sd)
    return MetaGame(
        row_side,
        col_side,
        tuple(r or "default" for r in rows),
        tuple(c or "default" for c in cols),
        mean,
        sd / np.sqrt(n),
        cube,
    )


@dataclass(frozen=True)
class MetaAnalysis:
    """What :func:`analyse` finds (see the module docstring); ``to_dict`` is the JSON form."""

    game: MetaGame
    nash: list[dict[str, Any]]
    degenerate: bool
    note: str
    alpha_rank: dict[str, Any]
    stackelberg: dict[str, dict[str, Any]]
    seconds: float
    bootstrap: int
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        g = self.game
        return short_repr(
            "MetaAnalysis",
            sides=(g.row_side, g.col_side),
            rows=listed(g.rows),
            cols=listed(g.cols),
            n=g.n,
            equilibria=len(self.nash),
            bootstrap=self.bootstrap,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the payoff tables, and per side its Nash and Stackelberg results."""
        g = self.game
        sides: dict[str, Any] = {}
        for k, side in enumerate((g.row_side, g.col_side)):
            sides[side] = {
                "role": "rows" if k == 0 else "columns",
                "strategies": list(g.rows if k == 0 else g.cols),
                "nash": [
                    {"profile": e["profile"], "payoffs": e["payoffs"], "mine": e["payoffs"][side]}
                    for e in self.nash
                ],
                "stackelberg": self.stackelberg[side],
                "alpha_rank": self.alpha_rank["by_side"][side],
            }
        return {
            "rows": {"side": g.row_side, "strategies": list(g.rows)},
            "columns": {"side": g.col_side, "strategies": list(g.cols)},
            "n": g.n,
            "payoffs": {
                side: {
                    "mean": g.payoffs[k].tolist(),
                    "se": g.se[k].tolist(),
                }
                for k, side in enumerate((g.row_side, g.col_side))
            },
            "equilibria": self.nash,
            "degenerate": self.degenerate,
            "note": self.note,
            "alpha_rank": self.alpha_rank,
            "sides": sides,
            "bootstrap": self.bootstrap,
            "seconds": self.seconds,
        }


def _profile(g: MetaGame, x: FloatArray, y: FloatArray) -> dict[str, dict[str, float]]:
    return {
        g.row_side: {s: float(p) for s, p in zip(g.rows, x, strict=True) if p > 1e-12},
        g.col_side: {s: float(p) for s, p in zip(g.cols, y, strict=True) if p > 1e-12},
    }


def _robustness(
    g: MetaGame, found: Sequence[tuple[FloatArray, FloatArray]], resamples: int, seed: int
) -> list[float | None]:
    """Share of bootstrap resamples (trajectories, jointly over cells) keeping each equilibrium."""
    if resamples <= 0 or g.n < 2:
        return [None] * len(found)
    rng = make_rng(seed, int(Stream.BOOTSTRAP))
    flat = g.samples.reshape(g.n, -1)
    kept = np.zeros(len(found))
    for _ in range(resamples):
        weights = np.bincount(rng.integers(0, g.n, g.n), minlength=g.n)
        a, b = (weights @ flat / g.n).reshape(g.payoffs.shape)
        for i, (x, y) in enumerate(found):
            kept[i] += same_support_equilibrium(a, b, x, y)
    return [float(k / resamples) for k in kept]


def _alpha_rank(g: MetaGame, alpha: float, m: int) -> dict[str, Any]:
    tables = []
    for k in range(2):
        span = float(np.ptp(g.payoffs[k]))
        tables.append(g.payoffs[k] / span if span > 0 else np.zeros_like(g.payoffs[k]))
    pi = alpha_rank(tables, alpha=alpha, m=m)
    order = np.argsort(-pi, axis=None, kind="stable")
    cells = [
        {
            g.row_side: g.rows[i],
            g.col_side: g.cols[j],
            "mass": float(pi[i, j]),
        }
        for i, j in (np.unravel_index(o, pi.shape) for o in order)
    ]
    return {
        "alpha": alpha,
        "m": m,
        "cells": cells,
        "by_side": {
            g.row_side: dict(zip(g.rows, pi.sum(axis=1).tolist(), strict=True)),
            g.col_side: dict(zip(g.cols, pi.sum(axis=0).tolist(), strict=True)),
        },
    }


def _reply_margin(g: MetaGame, leader: int, mix: FloatArray, response: int) -> dict[str, Any]:
    """How far the follower's reply to ``mix`` beats its second-best reply, against the noise.

    The margin is the follower's value of its reply minus that of its best
    other reply under the leader's mix; its standard error is that of the
    per-trajectory differences (the cells share their random numbers, so the
    difference is paired). ``fragile``: the margin is under two standard errors,
    so the reply, and the leader's value, may rest on sampling noise.
    """
    cube = g.samples if leader == 0 else g.samples[:, ::-1].transpose(0, 1, 3, 2)
    follower = np.einsum("i,kij->kj", mix, cube[:, 1])  # (N, replies)
    if follower.shape[1] < 2:
        return {"second_reply": None, "leader_value_if_second": None, "reply_margin": None}
    values = follower.mean(axis=0)
    others = [j for j in range(values.size) if j != response]
    second = others[int(np.argmax(values[others]))]
    diff = follower[:, response] - follower[:, second]
    se = float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else float("nan")
    margin = float(values[response] - values[second])
    if abs(margin) <= 1e-9 * max(1.0, float(np.abs(values).max())):
        margin = 0.0  # an exact tie (the usual case under a mixed commitment), up to round-off
    replies = g.cols if leader == 0 else g.rows
    return {
        "second_reply": replies[second],
        "leader_value_if_second": float(mix @ cube[:, 0, :, second].mean(axis=0)),
        "reply_margin": margin,
        "reply_margin_se": se,
        "fragile": bool(margin < 2 * se),
    }


def fragile_commitment_text(c: Mapping[str, Any]) -> str:
    """One sentence for people on a fragile commitment (``c``: a side's ``stackelberg`` entry).

    Parameters
    ----------
    c : mapping
        ``leader``, ``follower``, ``follower_response``, ``second_reply``,
        ``reply_margin``, ``reply_margin_se`` and ``leader_value_if_second``.

    Returns
    -------
    str
        Empty when the commitment is not fragile.
    """
    if not c.get("fragile"):
        return ""
    return (
        f"{c['leader']}'s commitment rests on a near-tie: under it {c['follower']}'s reply "
        f"{c['follower_response']} beats {c['second_reply']} by only {c['reply_margin']:.3g} "
        f"(standard error {c['reply_margin_se']:.2g}), less than two standard errors; "
        f"were {c['follower']} to reply {c['second_reply']}, {c['leader']} would get "
        f"{c['leader_value_if_second']:.4g} instead of {c['leader_value']:.4g}: the value of "
        "commitment is not reliable (more trajectories, --n, narrow the noise; a mix that leaves "
        "the follower exactly indifferent stays a knife-edge)."
    )


def _commitment(g: MetaGame, leader: int, nash_payoffs: list[float]) -> dict[str, Any]:
    a, b = g.payoffs
    mine, theirs = (g.rows, g.cols) if leader == 0 else (g.cols, g.rows)
    result = stackelberg(a, b) if leader == 0 else stackelberg(b.T, a.T)
    best_nash = max(nash_payoffs) if nash_payoffs else float("nan")
    gain = result.leader_value - best_nash
    if abs(gain) <= 1e-9 * max(1.0, abs(best_nash)):
        gain = 0.0  # LP round-off
    return {
        "leader": (g.row_side, g.col_side)[leader],
        "follower": (g.row_side, g.col_side)[1 - leader],
        "commitment": {
            s: float(p) for s, p in zip(mine, result.leader_mix, strict=True) if p > 1e-12
        },
        "follower_response": theirs[result.response],
        "leader_value": result.leader_value,
        "follower_value": result.follower_value,
        "best_nash_value": best_nash,
        "worst_nash_value": min(nash_payoffs) if nash_payoffs else float("nan"),
        "value_of_commitment": gain,
        "by_response": {
            s: (float(v) if np.isfinite(v) else None)
            for s, v in zip(theirs, result.by_response, strict=True)
        },
        "reply_margin_se": None,
        "fragile": False,
    } | _reply_margin(g, leader, result.leader_mix, result.response)


def analyse(
    g: MetaGame,
    *,
    bootstrap: int = 200,
    seed: int = 0,
    alpha: float = 100.0,
    m: int = 50,
) -> MetaAnalysis:
    """Solve the meta-game: Nash equilibria with robustness, α-Rank, commitment per side.

    Parameters
    ----------
    g : MetaGame
        The estimated game.
    bootstrap : int
        Resamples for the robustness of each equilibrium (0: skip).
    seed : int
        Seed of the resampling.
    alpha, m : float, int
        α-Rank's ranking intensity (on range-normalised payoffs) and population size.
    """
    started = time.perf_counter()
    a, b = g.payoffs
    found = equilibria(a, b)
    seconds = time.perf_counter() - started
    pairs = [(e.row, e.col) for e in found.found]
    robust = _robustness(g, pairs, bootstrap, seed)
    nash: list[dict[str, Any]] = [
        {
            "profile": _profile(g, e.row, e.col),
            "payoffs": {g.row_side: float(e.row @ a @ e.col), g.col_side: float(e.row @ b @ e.col)},
            "dimension": e.dimension,
            "robustness": r,
        }
        for e, r in zip(found.found, robust, strict=True)
    ]
    started = time.perf_counter()
    ranking = _alpha_rank(g, alpha, m)
    commitments = {
        side: _commitment(g, k, [e["payoffs"][side] for e in nash])
        for k, side in enumerate((g.row_side, g.col_side))
    }
    seconds += time.perf_counter() - started
    return MetaAnalysis(
        g, nash, found.degenerate, found.note, ranking, commitments, seconds, bootstrap
    )
