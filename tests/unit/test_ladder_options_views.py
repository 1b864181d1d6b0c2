"""The ladder figure places an option where its acting side sees it (a new user's Su-24 trial).

An option with ``perceived: {ankara: 5, moscow: 4}`` taken by a Russian actor sat at its
``rung`` (5) with no other view shown, and one with ``perceived: {moscow: 4}`` and ``rung: 6``
sat at 6 with nothing in parentheses: the table behind the figure compared the other side's view
with ``rung`` instead of the acting side's view.
"""

from __future__ import annotations

import pandas as pd

from escalade.analysis.scenario_tables import ladder_tables
from escalade.results import tablenames as tn
from escalade.scenario import loads_scenario

SCENARIO = """
schema_version: 2
id: views
title: Views
calendar: {start: 2015-11-24, step: month, horizon: 2}
sides: [{id: ankara, name: A}, {id: moscow, name: M}]
actors:
  - {id: tur, name: T, side: ankara}
  - {id: rus, name: R, side: moscow}
arenas:
  - {id: air, name: Air, ladder: compact, parties: [ankara, moscow], initial: 3}
options:
  - {id: s400, actor: rus, arena: air, rung: 5, perceived: {ankara: 5, moscow: 4}}
  - {id: strike, actor: rus, arena: air, rung: 6, perceived: {moscow: 4}}
  - {id: patrol, actor: tur, arena: air, rung: 3, perceived: {moscow: 5}}
  - {id: plain, actor: tur, arena: air, rung: 2}
"""


def _rows() -> dict[str, tuple[int, str | None]]:
    options = ladder_tables(loads_scenario(SCENARIO, file="views.yaml"))[tn.LADDER_OPTIONS]
    return {
        str(i): (int(r), None if pd.isna(p) else str(p))
        for i, r, p in zip(options["id"], options["rung"], options["perceived_by"], strict=True)
    }


def test_an_option_sits_on_the_rung_its_own_side_sees() -> None:
    rows = _rows()
    assert rows["s400"] == (4, None)
    assert rows["strike"] == (4, None)
    assert rows["patrol"] == (3, None)
    assert rows["plain"] == (2, None)


def test_the_other_sides_differing_view_is_listed() -> None:
    rows = _rows()
    assert rows["s400 (ankara)"] == (5, "ankara")
    assert rows["strike (ankara)"] == (6, "ankara")
    assert rows["patrol (moscow)"] == (5, "moscow")
    assert not any(key.startswith("plain (") for key in rows)
