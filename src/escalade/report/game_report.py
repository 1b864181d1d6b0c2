"""The report of ``escalade game``: the strategy meta-game, its equilibria, α-Rank, commitment.

Rendering only: every number comes from the tables of
:func:`escalade.analysis.metagame_tables.meta_tables` and the result set's
metadata (written by :mod:`escalade.workflows.game`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from escalade.analysis.metagame import fragile_commitment_text, run_versus_game
from escalade.report.figures import bars, comparison_heatmap
from escalade.report.html import FigureBlock, Markdown, ReportDocument, Section, TableBlock
from escalade.report.text import shown, subtitle
from escalade.results import ResultSet
from escalade.results import tablenames as tn

__all__ = ["game_report"]

_NUM = ".4g"


def _sides(rs: ResultSet) -> tuple[str, str]:
    prov = rs.provenance
    return shown(prov.row_side, "rows"), shown(prov.col_side, "columns")


def _summary(rs: ResultSet) -> Section:
    prov, (row, col) = rs.provenance, _sides(rs)
    eq = rs.get(tn.EQUILIBRIA)
    n = "?" if prov.n is None else f"{prov.n:,}"
    lines = [
        f"**{prov.title}**: the game between "
        f"{row}'s strategies (rows) and {col}'s mindsets (columns, read as {col}'s strategies), "
        f"each cell's payoffs the sides' expected utilities from {n} "
        "trajectories with the same random numbers in every cell.",
        "",
        f"It has **{len(eq)} Nash equilibri{'um' if len(eq) == 1 else 'a'}**"
        + (f" — {prov.note}." if prov.degenerate else "."),
    ]
    for _, e in eq.iterrows():
        robust = e["robustness"]
        kept = "" if pd.isna(robust) else f", kept in {robust:.0%} of the resamples"
        lines.append(
            f"- {row} plays *{e[row]}*, {col} plays *{e[col]}* "
            f"(payoffs {e[f'payoff {row}']:.4g} / {e[f'payoff {col}']:.4g}{kept})"
        )
    lines += ["", _run_versus_game(rs)]
    cells = rs.get(tn.ALPHA_RANK_CELLS)
    if not cells.empty:
        top = cells.iloc[0]
        lines += [
            "",
            f"α-Rank puts the most mass ({top['mass']:.0%}) on *{top['strategy']}* against "
            f"*{top['mindset']}*.",
        ]
    for _, c in rs.get(tn.STACKELBERG).iterrows():
        gain = c["value of commitment"]
        word = "helps" if gain > 0 else "gives nothing away and gains nothing"
        lines.append(
            f"\nCommitting first {word} for **{c['leader']}** (value of commitment "
            f"{gain:+.4g}): it commits to *{c['commits to']}* and {c['follower']} replies "
            f"*{c['follower replies']}*."
        )
        if bool(c.get("fragile", False)):
            lines.append("\n**Warning:** " + fragile_commitment_text(_commitment_entry(c)))
    return Section("summary", "Summary", (Markdown("\n".join(lines)),))


def _run_versus_game(rs: ResultSet) -> str:
    """Whether ``run``'s recommendation is an equilibrium strategy, from the stored tables."""
    side = rs.provenance.row_side
    pay = rs.get(tn.PAYOFFS)
    pay = pay[pay["side"] == side]
    table = pay.pivot_table(index="strategy", columns="mindset", values="mean", sort=False)
    mixes = rs.get(tn.EQUILIBRIUM_MIXES)
    mixes = mixes[(mixes["side"] == side) & (mixes["probability"] > 0)]
    supports = [list(g["strategy"]) for _, g in mixes.groupby("equilibrium")]
    return run_versus_game([str(r) for r in table.index], table.to_numpy(), supports)


def _commitment_entry(c: pd.Series) -> dict[str, Any]:
    """A row of the ``stackelberg`` table in the keys of the analysis' entry."""
    return {
        "fragile": True,
        "leader": c["leader"],
        "follower": c["follower"],
        "follower_response": c["follower replies"],
        "second_reply": c["second reply"],
        "reply_margin": c["reply margin"],
        "reply_margin_se": c["margin SE"],
        "leader_value_if_second": c["leader value if second"],
        "leader_value": c["leader value"],
    }


def _payoffs(rs: ResultSet) -> Section:
    pay = rs.get(tn.PAYOFFS)
    blocks: list[Any] = []
    for side in _sides(rs):
        part = pay[pay["side"] == side].rename(columns={"mean": "value"})
        blocks.append(
            FigureBlock(
                comparison_heatmap(part, f"Expected utility of {side}", value_label="utility"),
                f"{side}'s payoff in each cell (rows: strategies, columns: mindsets; "
                "darker is higher)",
            )
        )
    wide = pay.assign(
        text=[f"{m:.4g} ± {s:.2g}" for m, s in zip(pay["mean"], pay["se"], strict=True)]
    )
    wide = wide.pivot_table(
        index=["strategy", "mindset"], columns="side", values="text", aggfunc="first", sort=False
    ).reset_index()
    wide.columns.name = None
    blocks.append(TableBlock(wide, "Payoffs (expected utility ± standard error) of both sides"))
    return Section("payoffs", "The payoff matrix", tuple(blocks))


def _equilibria(rs: ResultSet) -> Section:
    eq = rs.get(tn.EQUILIBRIA)
    prov = rs.provenance
    blocks: list[Any] = [
        Markdown(
            "Every Nash equilibrium: each side's mix (a strategy alone when pure), the payoffs, "
            "the sizes of the supports, the dimension of the set of equilibria with those "
            "supports (0: isolated; more: a continuum, shown by a point inside it) and the "
            f"robustness: the share of {prov.bootstrap or 0} bootstrap resamples of the "
            "trajectories in which the same supports still carry an equilibrium."
        )
    ]
    if prov.degenerate:
        blocks.append(Markdown(f"**Note:** {shown(prov.note)}."))
    formats = {c: _NUM for c in eq.columns if str(c).startswith("payoff")}
    formats["robustness"] = "pct"
    blocks.append(TableBlock(eq, "Nash equilibria", formats))
    return Section("equilibria", "Nash equilibria", tuple(blocks))


def _alpha_rank(rs: ResultSet) -> Section:
    by_side, cells = rs.get(tn.ALPHA_RANK), rs.get(tn.ALPHA_RANK_CELLS)
    alpha = shown(rs.provenance.alpha, "?")
    return Section(
        "alpha-rank",
        "α-Rank",
        (
            Markdown(
                "α-Rank (Omidshafiei et al. 2019) ranks without choosing an equilibrium: the "
                "long-run share of time an evolutionary process spends in each cell, one side at "
                f"a time switching strategy (intensity α = {alpha} on payoffs "
                "divided by each side's payoff range)."
            ),
            FigureBlock(
                bars(by_side, "strategy", "mass", color="side", title="α-Rank mass per strategy"),
                "Mass of each strategy (summed over the other side's strategies)",
            ),
            TableBlock(cells, "α-Rank mass per cell", {"mass": "pct"}),
        ),
    )


def _commitment(rs: ResultSet) -> Section:
    table = rs.get(tn.STACKELBERG).copy()
    if "fragile" in table.columns:  # a word, as the summary says it, not Python's True/False
        table["fragile"] = table["fragile"].map(lambda f: "yes" if bool(f) else "no")
    replies = rs.get(tn.STACKELBERG_RESPONSES)
    numbers = (
        "leader value",
        "follower value",
        "best Nash",
        "worst Nash",
        "value of commitment",
        "reply margin",
        "margin SE",
        "leader value if second",
    )
    return Section(
        "commitment",
        "The value of commitment",
        (
            Markdown(
                "Each side as leader commits to a mix that the follower sees before replying "
                "(Stackelberg; one LP per reply of the follower). The value of commitment is the "
                "leader's value minus its best Nash payoff: positive, declaring helps; zero, "
                "declaring gives nothing away and gains nothing. The reply margin is how much "
                "the follower's reply beats its second-best reply under the commitment, with "
                "its standard error (paired over the trajectories); under two standard errors "
                "the commitment is *fragile*: the reply, and the value of commitment, may rest "
                "on a tie within the sampling noise (the last column: the leader's value were "
                "the follower to reply second-best)."
            ),
            TableBlock(table, "Stackelberg commitment per side", dict.fromkeys(numbers, _NUM)),
            TableBlock(
                replies,
                "The leader's best value inducing each reply (empty: no commitment induces it)",
                {"leader value": _NUM},
                collapse=True,
            ),
        ),
    )


def game_report(rs: ResultSet) -> ReportDocument:
    """Build the HTML report document of a ``game`` result set."""
    prov = rs.provenance
    notes = {
        label: str(value)
        for value, label in (
            (prov.seed, "root seed"),
            (prov.n, "trajectories per cell"),
            (prov.bootstrap, "bootstrap resamples"),
            (prov.alpha, "α-Rank intensity"),
            (prov.escalade_build, "escalade version"),
            (prov.scenario_hash, "scenario hash (SHA-256)"),
            (prov.created, "created (UTC)"),
        )
        if value is not None
    }
    if prov.seconds is not None and math.isfinite(prov.seconds):
        notes["equilibrium computation"] = f"{prov.seconds:.3f} s"
    return ReportDocument(
        title=f"escalade game — {prov.title}",
        subtitle=subtitle(prov),
        sections=(
            _summary(rs),
            _payoffs(rs),
            _equilibria(rs),
            _alpha_rank(rs),
            _commitment(rs),
        ),
        method_notes=notes,
    )
