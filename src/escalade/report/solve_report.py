"""The report of ``escalade solve --out``: each equilibrium told as a short story.

Rendering only: the CLI solves the game and passes, per equilibrium, its
payoffs and either the narrative table of
:func:`escalade.game.narrative.narrative` (extensive games: round, who moves,
what they do with what probability, chance outcomes and mixed choices as
numbered branches) or the mix of each player (normal-form games, ``--full``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from escalade.report.html import Markdown, ReportDocument, Section, TableBlock

__all__ = ["SolvedEquilibrium", "solve_report"]

MAX_SECTIONS = 20
"""Equilibria shown at most, one section each (the rest are counted)."""


@dataclass(frozen=True)
class SolvedEquilibrium:
    """One equilibrium: payoffs per player, and its story or its mixes.

    ``story`` has the columns ``branch``, ``round``, ``who``, ``kind``
    (optional: ``choice``, ``chance``, ``fixed`` or ``end``), ``what``,
    ``probability``, ``reach`` (branches never told: ``left_out``); the first
    ``first`` rows are shown open, the others in a collapsed table (``None``:
    all open). ``profile`` has the columns ``player``, ``action``,
    ``probability``. ``payoffs`` may hold every actor's (players first), not
    only the players'.
    """

    payoffs: Mapping[str, float]
    story: pd.DataFrame | None = None
    left_out: int = 0
    profile: pd.DataFrame | None = None
    first: int | None = None


def _story_blocks(eq: SolvedEquilibrium, min_reach: float) -> list[Any]:
    assert eq.story is not None
    formats = {"probability": "sig", "reach": "sig"}
    first = len(eq.story) if eq.first is None else eq.first
    blocks: list[Any] = [
        TableBlock(
            eq.story.iloc[:first],
            "The equilibrium path: round, who moves, what they do with what probability "
            "(probability at the move, reach: of the row happening at all)",
            formats,
        )
    ]
    rest = eq.story.iloc[first:]
    if len(rest):
        blocks.append(
            TableBlock(
                rest,
                f"The rest of the path, in the same order: rows {first + 1} to {len(eq.story)}",
                formats,
                collapse=True,
            )
        )
    if eq.left_out:
        blocks.append(
            Markdown(
                f"{eq.left_out} branch{'' if eq.left_out == 1 else 'es'} left out "
                f"(reached with probability below "
                f"{min_reach:g}); `escalade solve --full` lists every information set."
            )
        )
    return blocks


def _section(k: int, eq: SolvedEquilibrium, min_reach: float) -> Section:
    pay = ", ".join(f"{p} {v:.6g}" for p, v in eq.payoffs.items())
    blocks: list[Any] = [Markdown(f"Payoffs: {pay}.")]
    if eq.story is not None:
        blocks += _story_blocks(eq, min_reach)
    if eq.profile is not None:
        blocks.append(TableBlock(eq.profile, "Each player's mix", {"probability": "sig"}))
    return Section(f"equilibrium-{k}", f"Equilibrium {k}", tuple(blocks))


def solve_report(
    game: str,
    method: str,
    equilibria: Sequence[SolvedEquilibrium],
    *,
    summary: Mapping[str, Any],
    min_reach: float = 0.01,
    setup: Sequence[str] = (),
) -> ReportDocument:
    """Build the report document of a solved game.

    Parameters
    ----------
    game : str
        The game's name (a scenario game: ``id (rounds a-b)``).
    method : str
        The solver used.
    equilibria : sequence of SolvedEquilibrium
        What was found, in the solver's order.
    summary : mapping
        Shown as method notes (max regret, seconds, game size ...).
    min_reach : float
        The reach below which story rows were left out (said in the text).
    setup : sequence of str
        Lines on how a scenario's game was set up (who chooses, what the
        others follow, the uncertainty values), shown in the summary.
    """
    shown = list(equilibria)[:MAX_SECTIONS]
    count = len(equilibria)
    lines = [
        f"**{game}** solved by `{method}`: {count} equilibri{'um' if count == 1 else 'a'}"
        + (f", the first {len(shown)} shown." if count > len(shown) else "."),
    ]
    if any(e.story is not None for e in shown):
        lines.append(
            "\nEach equilibrium is told as the moves that happen on its path, in order. A chance "
            "outcome or a mixed choice splits the story into numbered branches (1, 2, ... under "
            "the trunk, 1.1, 1.2, ... under those), each told to its end before the next."
        )
    if setup:
        lines.append(
            "\nThe game: " + "; ".join(setup) + ". Rows of kind `fixed` are moves that are not "
            "choices in the game: actors who are not players follow their fixed policies (and a "
            "player deciding only every few rounds keeps its move in between)."
        )
    sections = [Section("summary", "Summary", (Markdown("\n".join(lines)),))]
    sections += [_section(k, e, min_reach) for k, e in enumerate(shown, 1)]
    return ReportDocument(
        title=f"escalade solve — {game}",
        subtitle=f"method {method}",
        sections=tuple(sections),
        method_notes={str(k): str(v) for k, v in summary.items()},
    )
