"""The reports of ``escalade game --out`` and ``escalade solve --out`` in a real headless Chromium.

The meta-game scenario is Chicken built as a scenario (as in
``tests/known_answers/test_metagame.py``, noise-free here): payoffs (row,
column) (0,0) (-1,1) / (1,-1) (-10,-10) for hold/dare, whose equilibria are
(hold, dare), (dare, hold) and both daring with probability 0.1 (Rapoport &
Chammah 1966). The report must show the payoff matrix of both sides with
standard errors, the three equilibria with their supports, probabilities,
payoffs and robustness, α-Rank and Stackelberg per side; the store must hold
the same tables as a ``game`` run. The solve report must show the narrative
table of the equilibrium path. Both: no console error, every figure drawn,
nothing scrolls sideways at 1,280 px.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import assert_plots_rendered, console_errors, external_references, open_file

from escalade.cli import main
from escalade.results import Store

pytestmark = pytest.mark.browser

CHICKEN_A = {"hh": 0, "hd": -1, "dh": 1, "dd": -10}
CHICKEN_B = {"hh": 0, "hd": 1, "dh": -1, "dd": -10}
WHEN = {
    "hh": "not taken('dare_w') and not taken('dare_e')",
    "hd": "not taken('dare_w') and taken('dare_e')",
    "dh": "taken('dare_w') and not taken('dare_e')",
    "dd": "taken('dare_w') and taken('dare_e')",
}


def chicken(path: Path) -> Path:
    """Write Chicken as a scenario file (rows: west's strategies, columns: east's mindsets)."""
    events = "\n".join(
        f'  - {{id: pay_{c}, prob: 1, once: true, when: "round == 1 and {w}", '
        f"effects: [{{var: pw, add: {CHICKEN_A[c]}}}, {{var: pe, add: {CHICKEN_B[c]}}}]}}"
        for c, w in WHEN.items()
    )
    path.write_text(
        f"""schema_version: 1
id: chicken
title: Chicken as a scenario
calendar: {{start: 2024-01-01, step: week, horizon: 2}}
sides: [{{id: west}}, {{id: east}}]
arenas: [{{id: front, ladder: compact, parties: [west, east], initial: 3}}]
variables:
  - {{id: pw, initial: 0, min: -100, max: 100}}
  - {{id: pe, initial: 0, min: -100, max: 100}}
actors:
  - {{id: w, name: W, side: west, utility: {{final: {{pw: 1}}}}}}
  - {{id: e, name: E, side: east, utility: {{final: {{pe: 1}}}}}}
options:
  - {{id: dare_w, actor: w, arena: front, rung: 4}}
  - {{id: dare_e, actor: e, arena: front, rung: 4}}
events:
{events}
strategies:
  - {{id: hold, side: west, policies: {{w: {{kind: hold}}}}}}
  - {{id: dare, side: west, policies: {{w: {{kind: plan, steps: [{{at: 0, option: dare_w}}]}}}}}}
mindsets:
  - {{id: hold, side: east, policies: {{e: {{kind: hold}}}}}}
  - {{id: dare, side: east, policies: {{e: {{kind: plan, steps: [{{at: 0, option: dare_e}}]}}}}}}
""",
        encoding="utf-8",
    )
    return path


_LAYOUT_JS = """
const root = document.documentElement;
const wide = Array.from(document.querySelectorAll('.table-wrap, figure, .prose, table'))
  .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.tagName + '.' + el.className);
return {scroll: root.scrollWidth - root.clientWidth, wide: wide,
        sections: Array.from(document.querySelectorAll('main > section')).map((s) => s.id)};
"""


def layout(driver) -> dict:
    """Sideways overflow of the page and of its blocks at 1,280 px, and the section ids."""
    driver.set_window_size(1280, 900)
    facts = driver.execute_script(_LAYOUT_JS)
    assert facts["scroll"] <= 0, facts
    assert facts["wide"] == [], facts["wide"]
    return facts


def section_text(driver, section: str) -> str:
    return str(driver.execute_script(f"return document.getElementById('{section}').innerText"))


def test_game_report_and_store(chromium, tmp_path: Path, capsys) -> None:
    scenario = chicken(tmp_path / "chicken.yaml")
    out, store = tmp_path / "report", tmp_path / "runs.duckdb"
    args = ["game", str(scenario), "--n", "64", "--bootstrap", "20", "--seed", "5"]
    assert main([*args, "--out", str(out), "--store", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["equilibria"]) == 3 and data["report"] == str(out / "game.html")
    with Store(store) as opened:
        runs = opened.list_runs()
        assert list(runs["kind"]) == ["game"] and data["run_id"] == runs["id"].iloc[0]
        rs = opened.load(data["run_id"])
    eq = rs.tables["equilibria"]
    assert len(eq) == 3 and sorted(eq["support"]) == ["1 x 1", "1 x 1", "2 x 2"]
    mixed = rs.tables["equilibrium_mixes"]
    mixed = mixed[(mixed["strategy"] == "dare") & (mixed["probability"] < 1)]
    assert len(mixed) == 2 and mixed["probability"].round(9).tolist() == [0.1, 0.1]
    assert set(rs.tables["stackelberg"]["leader"]) == {"west", "east"}
    assert len(rs.tables["payoffs"]) == 8  # 2 x 2 cells x 2 sides

    console_errors(chromium)
    open_file(chromium, out / "game.html")
    assert assert_plots_rendered(chromium, 3) == 3  # two payoff heatmaps, alpha-Rank bars
    assert console_errors(chromium) == []
    assert external_references(chromium) == []
    facts = layout(chromium)
    assert facts["sections"][:5] == ["summary", "payoffs", "equilibria", "alpha-rank", "commitment"]
    assert "3 Nash equilibria" in section_text(chromium, "summary")
    payoffs = section_text(chromium, "payoffs")
    assert "-10 ± 0" in payoffs and "west" in payoffs and "east" in payoffs
    equilibria = section_text(chromium, "equilibria")
    assert "dare 0.1, hold 0.9" in equilibria or "hold 0.9, dare 0.1" in equilibria
    assert "2 x 2" in equilibria and "\t100%" in equilibria
    assert "α-Rank mass per cell" in section_text(chromium, "alpha-rank")
    commitment = section_text(chromium, "commitment")
    assert "value of commitment" in commitment and "west" in commitment
    # Falklands trial: the fragile column read True/False, Python's words, not the report's
    assert "True" not in commitment and "False" not in commitment
    assert "\tyes" in commitment or "\tno" in commitment


def test_solve_report_tells_the_path(chromium, tmp_path: Path, capsys) -> None:
    out = tmp_path / "solve"
    args = ["solve", "kursk-mini", "--horizon", "2", "--from-trace", "1", "--from-round", "3"]
    assert main([*args, "--json", "--out", str(out)]) == 0
    story = json.loads(capsys.readouterr().out)["narrative"][0]["rows"]
    assert story

    console_errors(chromium)
    open_file(chromium, out / "solve.html")
    assert console_errors(chromium) == []
    facts = layout(chromium)
    assert facts["sections"][:2] == ["summary", "equilibrium-1"]
    table = chromium.find_element("css selector", "#equilibrium-1 table")
    headers = [th.text for th in table.find_elements("css selector", "thead th")]
    assert headers == ["branch", "round", "who", "kind", "what", "probability", "reach"]
    rows = table.find_elements("css selector", "tbody tr")
    assert len(rows) == len(story)
    first = [td.text for td in rows[0].find_elements("css selector", "td")]
    assert first[1:5] == [story[0][k] for k in ("round", "who", "kind", "what")]
