"""The ladder figure of a run report: one panel per arena that a reader can read.

Rungs run left to right (only the rungs in use, two either side, and the
first rung above each threshold; a gap column ``⋯`` stands for the rungs left
out), with their full names as tick labels. Each actor has its own row;
its options sit on their rungs, and where labels would collide they move to
another line of the actor's row (a greedy interval layout in estimated
pixels, so that no two labels overlap at the report's width). An option the
other side perceives on another rung says so in its label (``east sees 15``).
Thresholds are dashed vertical lines with staggered labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go

from escalade.report.figures import FONT, PALETTE, new_figure, require_columns, trace, with_traces

__all__ = ["ladder_panel", "shown_rungs"]

CHAR_PX = 6.6
"""Estimated width of one character of an 11 px label (system sans-serif, generous)."""
_CHAR_PX = 7.0
"""About the width of a character of the tick labels (13 px type)."""
_LEAD = 0.8
"""Rungs between the plot's left edge and the first rung (the x range starts at -0.8)."""
PLOT_PX = 880.0
"""Width of the plotting area the layout plans for (the report is 1,100 px wide at most)."""
LINE = 1.0
_GAP = "⋯"


@dataclass(frozen=True)
class _Placed:
    actor: str
    label: str
    x: float
    line: int
    rung: int


def shown_rungs(
    used: Sequence[int], thresholds: Sequence[int], low: int, high: int, margin: int = 2
) -> list[int]:
    """The rungs to draw: ``used`` ± ``margin`` (within ``[low, high]``) and each threshold rung.

    A gap of one rung (between two shown rungs, or at either end of the
    ladder) shows that rung: its gap column would take as much room.
    """
    keep: set[int] = set()
    if used:
        for r in range(max(low, min(used) - margin), min(high, max(used) + margin) + 1):
            keep.add(r)
    keep.update(r for r in thresholds if low <= r <= high)
    if not keep:
        return []
    ends = [low - 1, *sorted(keep), high + 1]
    keep.update(a + 1 for a, b in pairwise(ends) if b - a == 2)
    return sorted(keep)


def _positions(rungs: list[int]) -> tuple[dict[int, float], list[float]]:
    """X position of each shown rung; gap columns where rungs are left out."""
    x, gaps, pos = {}, [], 0.0
    for k, r in enumerate(rungs):
        if k and r != rungs[k - 1] + 1:
            gaps.append(pos)
            pos += 1
        x[r] = pos
        pos += 1
    return x, gaps


def _lines(intervals: list[tuple[float, float]], pad: float = 4.0) -> list[int]:
    """Greedy line assignment: each interval goes on the first line where it meets no other."""
    taken: list[list[tuple[float, float]]] = []
    out = []
    for start, end in intervals:
        for line, boxes in enumerate(taken):
            if all(end + pad < a or start > b + pad for a, b in boxes):
                boxes.append((start, end))
                out.append(line)
                break
        else:
            taken.append([(start, end)])
            out.append(len(taken) - 1)
    return out


def _label_rows(
    boxes: list[tuple[float, float]], lines_x: list[float], pad: float = 4.0
) -> list[int]:
    """Rows for threshold labels: no two meet, and no label sits across another's line.

    A threshold's dashed line runs down from the top to its own label, so a label whose
    box spans another threshold's line goes on a lower row than that label: the line
    has ended above it ("Open regional war" between the lines of 6.5 and 7.5 read as
    belonging to either). When labels span each other's lines, the leftmost goes first.
    """
    n = len(boxes)
    spans = [
        {j for j in range(n) if j != i and boxes[i][0] - pad < lines_x[j] < boxes[i][1] + pad}
        for i in range(n)
    ]
    rows: dict[int, int] = {}
    taken: dict[int, list[tuple[float, float]]] = {}
    while len(rows) < n:
        left = [i for i in range(n) if i not in rows]
        ready = [i for i in left if spans[i] <= rows.keys()] or left[:1]  # a cycle: leftmost
        for i in ready:
            row = max((rows[j] + 1 for j in spans[i] if j in rows), default=0)
            start, end = boxes[i]
            while any(not (end + pad < a or start > b + pad) for a, b in taken.get(row, [])):
                row += 1
            taken.setdefault(row, []).append(boxes[i])
            rows[i] = row
    return [rows[i] for i in range(n)]


def _place(labels: list[tuple[str, float, int]], px_per_unit: float) -> list[tuple[int, float]]:
    """Lines for labels written right of their marker (estimated pixel boxes never meet)."""
    boxes = [
        (x * px_per_unit - 6, x * px_per_unit + 10 + CHAR_PX * len(text)) for text, x, _ in labels
    ]
    return [(line, x) for line, (_, x, _) in zip(_lines(boxes), labels, strict=True)]


def _layout_options(
    options: pd.DataFrame, actors: list[str], x: dict[int, float], px_per_unit: float
) -> tuple[list[_Placed], dict[str, float], float]:
    placed: list[_Placed] = []
    base: dict[str, float] = {}
    y = 0.0
    seen = _perceived(options)
    own = options[options["perceived_by"].isna()] if "perceived_by" in options else options
    for actor in actors:
        mine = own[own["actor"].astype(str) == actor].sort_values(["rung", "id"])
        labels = [
            (str(i) + seen.get(str(i), ""), x[int(r)], int(r))
            for i, r in zip(mine["id"], mine["rung"], strict=True)
        ]
        lines = _place(labels, px_per_unit)
        base[actor] = y
        for (text, _, rung), (line, xpos) in zip(labels, lines, strict=True):
            placed.append(_Placed(actor, text, xpos, line, rung))
        y += max((line for line, _ in lines), default=0) + 1 + 0.6
    return placed, base, y


def _perceived(options: pd.DataFrame) -> dict[str, str]:
    """`` (east sees 15)`` suffixes of options another side perceives on another rung."""
    if "perceived_by" not in options.columns:
        return {}
    out: dict[str, list[str]] = {}
    rows = options[options["perceived_by"].notna()]
    for name, side, rung in zip(rows["id"], rows["perceived_by"], rows["rung"], strict=True):
        own = str(name).rsplit(" (", 1)[0]
        out.setdefault(own, []).append(f"{side} sees {int(rung)}")
    return {k: " (" + ", ".join(v) + ")" for k, v in out.items()}


def _threshold_lines(
    fig: go.Figure, thresholds: pd.DataFrame, x: dict[int, float], top: float, px: float
) -> int:
    """Draw the thresholds; return how many label lines they take."""
    items = sorted(
        (x[int(rung)] - 0.5, str(name))
        for name, rung in zip(thresholds["name"], thresholds["rung"], strict=True)
        if int(rung) in x
    )
    right = max((pos for pos, _ in items), default=0.0) * 0.6
    anchors = ["right" if pos > right and pos > 0 else "left" for pos, _ in items]
    boxes = [
        (pos * px - CHAR_PX * len(name) - 4, pos * px)
        if anchor == "right"
        else (pos * px, pos * px + CHAR_PX * len(name) + 4)
        for (pos, name), anchor in zip(items, anchors, strict=True)
    ]
    lines = _label_rows(boxes, [pos * px for pos, _ in items])
    shapes, notes = [], []
    for (pos, name), line, anchor in zip(items, lines, anchors, strict=True):
        shapes.append(
            {
                "type": "line",
                "x0": pos,
                "x1": pos,
                "y0": -0.8,
                "y1": top + 0.4 + 1.1 * line,
                "line": {"color": "#b2182b", "width": 1.5, "dash": "dash"},
                "layer": "below",
            }
        )
        notes.append(
            {
                "x": pos,
                "y": top + 0.4 + 1.1 * line,
                "text": name,
                "showarrow": False,
                "xanchor": anchor,
                "yanchor": "bottom",
                "font": {"color": "#b2182b", "size": 11},
                "name": "threshold-label",
            }
        )
    fig.update_layout(shapes=shapes, annotations=notes)
    return max(lines, default=-1) + 1


def _left_margin(first: str, px: float) -> int:
    """Room for the first rung's label, which slants left of its tick at -40°.

    Plotly hides a tick label that reaches past the figure's edge: rung 0 of the compact
    ladder ("0 · Peacetime competition") lost its name behind a 60 px margin.
    """
    reach = _CHAR_PX * len(first) * math.cos(math.radians(40)) - _LEAD * px
    return max(60, math.ceil(reach) + 12)


def _right_end(placed: list[_Placed], width: float) -> float:
    """The x range's right end: the last rung, or the end of the longest label right of it.

    A label is written right of its marker (10 px and ``CHAR_PX`` a character): on the
    last rungs it reached past the plot and was cut (``land_and_advance`` read
    ``land_and_advar``). The end ``hi`` solves ``hi = x + label × (hi + _LEAD) / PLOT_PX``,
    since widening the range narrows each unit.
    """
    end = width - 0.2
    for p in placed:
        label = 10 + CHAR_PX * len(p.label)
        if label < PLOT_PX:
            end = max(end, (p.x + label * _LEAD / PLOT_PX) / (1 - label / PLOT_PX))
    return end


def _tick_text(
    rungs: pd.DataFrame, shown: list[int], x: dict[int, float], gaps: list[float]
) -> tuple[list[float], list[str]]:
    names = rungs.set_index("index")["name"].astype(str).to_dict()
    ticks = [(x[r], f"{r} · {names.get(r, '')}") for r in shown]
    ticks += [(g, _GAP) for g in gaps]
    ticks.sort()
    return [t for t, _ in ticks], [s for _, s in ticks]


def ladder_panel(
    rungs: pd.DataFrame,
    thresholds: pd.DataFrame,
    options: pd.DataFrame,
    *,
    reached: Sequence[int] = (),
    title: str | None = None,
    actor_order: Sequence[str] = (),
) -> go.Figure:
    """One arena's ladder: rungs across, one row per actor, options without overlap.

    Parameters
    ----------
    rungs : DataFrame
        Columns ``index``, ``name`` (every rung of the ladder).
    thresholds : DataFrame
        Columns ``id``, ``name``, ``rung`` (the first rung above the threshold).
    options : DataFrame
        Columns ``id``, ``actor``, ``rung``; optional ``perceived_by``: rows
        with a side there are the rung that side perceives (open markers).
    reached : sequence of int, optional
        Rungs the run reached (kept in view with the options' rungs).
    title : str, optional
        The figure title.
    actor_order : sequence of str, optional
        Every actor of the report, in one order: an actor's colour is the one of its
        place here, so that it keeps its colour in every arena's panel (by default,
        its place among this panel's actors).
    """
    require_columns(rungs, ("index", "name"), "ladder_panel(rungs)")
    require_columns(thresholds, ("id", "name", "rung"), "ladder_panel(thresholds)")
    require_columns(options, ("id", "actor", "rung"), "ladder_panel(options)")
    low, high = int(rungs["index"].min()), int(rungs["index"].max())
    used = [int(r) for r in options["rung"]] + [int(r) for r in reached]
    shown = shown_rungs(used, [int(r) for r in thresholds["rung"]], low, high)
    x, gaps = _positions(shown)
    width = max(x.values(), default=0) + 1
    px = PLOT_PX / width
    actors = [str(a) for a in dict.fromkeys(options["actor"].astype(str))]
    placed, base, top = _layout_options(options, actors, x, px)
    fig = new_figure()
    order = [*actor_order, *(a for a in actors if a not in actor_order)]
    colour = {a: PALETTE[k % len(PALETTE)] for k, a in enumerate(order)}
    fig = _draw_options(fig, placed, base, actors, colour)
    label_lines = _threshold_lines(fig, thresholds, x, top, px)
    tickvals, ticktext = _tick_text(rungs, shown, x, gaps)
    fig.update_xaxes(
        tickmode="array",
        tickvals=tickvals,
        ticktext=ticktext,
        tickangle=-40,
        ticklabeloverflow="allow",
        range=[-_LEAD, _right_end(placed, width)],
        showgrid=True,
        gridcolor="#eef0f3",
        zeroline=False,
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=[base[a] for a in actors],
        ticktext=actors,
        range=[top + 0.6 + 1.1 * label_lines, -0.8],
        showgrid=False,
        zeroline=False,
    )
    height = int(24 * (top + 1.4 + 1.1 * label_lines) + 300)
    fig.update_layout(
        title={"text": title} if title else None,
        font=FONT,
        height=height,
        margin={"l": _left_margin(ticktext[0], px), "r": 30, "t": 50 if title else 20, "b": 20},
        showlegend=False,
    )
    fig.update_xaxes(automargin=True)
    return fig


_HALO = "0 0 3px #fff, 0 0 3px #fff, 0 0 4px #fff, 0 0 4px #fff, 0 0 5px #fff"


def _draw_options(
    fig: go.Figure,
    placed: list[_Placed],
    base: dict[str, float],
    actors: list[str],
    colour: dict[str, str],
) -> go.Figure:
    traces = []
    for actor in actors:
        mine = [p for p in placed if p.actor == actor]
        traces.append(
            trace(
                "scatter",
                x=[p.x for p in mine],
                y=[base[actor] + p.line for p in mine],
                mode="markers+text",
                text=[p.label for p in mine],
                textposition="middle right",
                # A white halo keeps a label readable where a threshold's dashed line
                # crosses it (the lines are drawn below the traces, not under the text).
                textfont={"size": 11, "shadow": _HALO},
                marker={"size": 9, "color": colour[actor]},
                name=actor,
                customdata=[p.rung for p in mine],
                hovertemplate="%{text}: rung %{customdata}<extra>" + actor + "</extra>",
            )
        )
    return with_traces(fig, traces)
