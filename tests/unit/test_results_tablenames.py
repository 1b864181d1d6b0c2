"""Every table a result set holds is named by a constant of ``results.tablenames``."""

from __future__ import annotations

from escalade.analysis.run import CELL_TABLES, run_tables
from escalade.engine import simulate
from escalade.results import tablenames as tn
from escalade.scenario import load_scenario

NAMES = {v for k, v in vars(tn).items() if k.isupper() and isinstance(v, str)}


def test_the_constants_are_distinct() -> None:
    constants = [v for k, v in vars(tn).items() if k.isupper() and isinstance(v, str)]
    assert len(constants) == len(set(constants))


def test_the_engine_spells_the_names_of_its_tables_as_the_constants() -> None:
    result = simulate("kursk-mini", n=64, seed=1)
    assert tuple(result.tables()) == tn.ENGINE_TABLES
    assert set(CELL_TABLES) <= set(tn.ENGINE_TABLES)


def test_a_runs_tables_are_all_named_by_constants() -> None:
    scenario = load_scenario("kursk-mini")
    cells = {}
    for s in [x.id for x in scenario.strategies][:2]:
        for m in [x.id for x in scenario.mindsets][:1]:
            cells[(s, m)] = simulate(scenario, n=64, seed=1, strategy=s, mindset=m).tables()
    tables = run_tables(scenario, cells)
    assert set(tables) <= NAMES
    assert {tn.CELLS, tn.COMPARISON, tn.SCENARIO, tn.LADDER_RUNGS} <= set(tables)
