"""The solved meta-game as tables: what ``escalade game`` stores and its report shows.

:func:`meta_tables` turns a :class:`~escalade.analysis.metagame.MetaAnalysis`
into data frames (one row per fact, nothing computed here that the analysis
did not compute):

* ``payoffs``: per cell (``strategy``, ``mindset``) and ``side``, the expected
  utility ``mean`` and its standard error ``se``;
* ``equilibria``: per Nash equilibrium (``equilibrium`` 1, 2, ...) each side's
  mix as text (``strategy p, ...``), both payoffs, the ``support`` sizes, the
  ``dimension`` of its set (0: isolated) and its ``robustness`` (share of
  bootstrap resamples keeping it; NaN without resamples);
* ``equilibrium_mixes``: the same mixes long (``equilibrium``, ``side``,
  ``strategy``, ``probability``);
* ``alpha_rank``: α-Rank's mass per ``side`` and ``strategy``;
  ``alpha_rank_cells``: per cell;
* ``stackelberg``: per side as leader its commitment, the follower's reply,
  the leader's value, its best and worst Nash payoff and the value of
  commitment, the follower's ``second reply`` with the ``reply margin`` (how
  much the reply beats it under the commitment), its ``margin SE``,
  ``fragile`` (margin under two SEs) and the ``leader value if second``;
  ``stackelberg_responses``: the leader's best value inducing each
  reply of the follower (NaN: no commitment induces it).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from escalade.analysis.metagame import MetaAnalysis
from escalade.results import tablenames as tn

__all__ = ["meta_tables", "mix_text"]


def mix_text(mix: dict[str, float]) -> str:
    """A mix as text: ``a 0.25, b 0.75`` (a pure strategy: its id alone)."""
    return ", ".join(f"{s} {p:.3g}" if p < 1 - 1e-9 else s for s, p in mix.items())


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _payoffs(result: MetaAnalysis) -> pd.DataFrame:
    g = result.game
    rows = [
        {
            "strategy": r,
            "mindset": c,
            "side": side,
            "mean": float(g.payoffs[k, i, j]),
            "se": float(g.se[k, i, j]),
        }
        for k, side in enumerate((g.row_side, g.col_side))
        for i, r in enumerate(g.rows)
        for j, c in enumerate(g.cols)
    ]
    return pd.DataFrame(rows, columns=["strategy", "mindset", "side", "mean", "se"])


def _equilibria(result: MetaAnalysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    g = result.game
    rows, mixes = [], []
    for k, e in enumerate(result.nash, 1):
        profile = e["profile"]
        rows.append(
            {
                "equilibrium": k,
                g.row_side: mix_text(profile[g.row_side]),
                g.col_side: mix_text(profile[g.col_side]),
                f"payoff {g.row_side}": float(e["payoffs"][g.row_side]),
                f"payoff {g.col_side}": float(e["payoffs"][g.col_side]),
                "support": f"{len(profile[g.row_side])} x {len(profile[g.col_side])}",
                "dimension": int(e["dimension"]),
                "robustness": _number(e["robustness"]),
            }
        )
        mixes += [
            {"equilibrium": k, "side": side, "strategy": s, "probability": float(p)}
            for side in (g.row_side, g.col_side)
            for s, p in profile[side].items()
        ]
    columns = [
        "equilibrium",
        g.row_side,
        g.col_side,
        f"payoff {g.row_side}",
        f"payoff {g.col_side}",
        "support",
        "dimension",
        "robustness",
    ]
    return (
        pd.DataFrame(rows, columns=columns),
        pd.DataFrame(mixes, columns=["equilibrium", "side", "strategy", "probability"]),
    )


def _alpha_rank(result: MetaAnalysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    g, ranking = result.game, result.alpha_rank
    by_side = [
        {"side": side, "strategy": s, "mass": float(m)}
        for side, masses in ranking["by_side"].items()
        for s, m in masses.items()
    ]
    cells = [
        {"strategy": c[g.row_side], "mindset": c[g.col_side], "mass": float(c["mass"])}
        for c in ranking["cells"]
    ]
    return (
        pd.DataFrame(by_side, columns=["side", "strategy", "mass"]),
        pd.DataFrame(cells, columns=["strategy", "mindset", "mass"]),
    )


def _stackelberg(result: MetaAnalysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, replies = [], []
    for side, c in result.stackelberg.items():
        rows.append(
            {
                "leader": side,
                "commits to": mix_text(c["commitment"]),
                "follower": c["follower"],
                "follower replies": c["follower_response"],
                "leader value": _number(c["leader_value"]),
                "follower value": _number(c["follower_value"]),
                "best Nash": _number(c["best_nash_value"]),
                "worst Nash": _number(c["worst_nash_value"]),
                "value of commitment": _number(c["value_of_commitment"]),
                "second reply": c.get("second_reply") or "",
                "reply margin": _number(c.get("reply_margin")),
                "margin SE": _number(c.get("reply_margin_se")),
                "fragile": bool(c.get("fragile", False)),
                "leader value if second": _number(c.get("leader_value_if_second")),
            }
        )
        replies += [
            {"leader": side, "reply": s, "leader value": _number(v)}
            for s, v in c["by_response"].items()
        ]
    return pd.DataFrame(rows), pd.DataFrame(replies, columns=["leader", "reply", "leader value"])


def meta_tables(result: MetaAnalysis) -> dict[str, pd.DataFrame]:
    """The tables of a solved meta-game (see the module docstring)."""
    equilibria, mixes = _equilibria(result)
    by_side, cells = _alpha_rank(result)
    commitments, replies = _stackelberg(result)
    return {
        tn.PAYOFFS: _payoffs(result),
        tn.EQUILIBRIA: equilibria,
        tn.EQUILIBRIUM_MIXES: mixes,
        tn.ALPHA_RANK: by_side,
        tn.ALPHA_RANK_CELLS: cells,
        tn.STACKELBERG: commitments,
        tn.STACKELBERG_RESPONSES: replies,
    }
