"""Common random numbers across design points: experiments differ only by their uncertainties."""

from __future__ import annotations

import numpy as np

from escalade.engine.batch import row_columns, simulate_rows
from escalade.engine.streams import block_uniforms, uniforms_at
from escalade.explore.scenario import ScenarioModel
from escalade.random import BLOCK, Stream
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario


def test_uniforms_at_reads_each_trajectorys_own_numbers() -> None:
    index = np.array([5, 0, BLOCK + 3, 5, 2 * BLOCK - 1], dtype=np.int64)
    got = uniforms_at(11, Stream.ROUND, index, 4, 2)
    whole = block_uniforms(11, Stream.ROUND, 0, 2 * BLOCK, 4, 2)
    np.testing.assert_array_equal(got, whole[:, index])


def test_common_rows_differ_only_through_their_uncertainties() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    specs = compiled.policies(compiled.strategy(compiled.scenario.strategies[0].id), None)
    base = compiled.nominal_uncertainties()
    rows = np.stack([base, base, base])
    common = simulate_rows(compiled, specs, rows, trajectories=16, seed=3, common=True)
    plain = simulate_rows(compiled, specs, rows, trajectories=16, seed=3)
    for name in row_columns(compiled):
        # Identical rows: identical means with common numbers ...
        assert common[name][0] == common[name][1] == common[name][2], name
    # ... and the plain layout gives each row its own trajectories (noise between rows).
    assert any(plain[name][0] != plain[name][1] for name in row_columns(compiled))
    # The first row of both layouts reads trajectories 0..15 of the same seed.
    for name in row_columns(compiled):
        assert common[name][0] == plain[name][0], name


def test_common_numbers_do_not_depend_on_the_batch_position() -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    specs = compiled.policies(compiled.strategy(compiled.scenario.strategies[0].id), None)
    rng = np.random.default_rng(0)
    rows = np.stack([compiled.nominal_uncertainties()] * 5)
    rows[:, 0] = rng.uniform(0.9, 1.1, 5) * rows[:, 0]
    together = simulate_rows(compiled, specs, rows, trajectories=8, seed=9, common=True)
    alone = simulate_rows(compiled, specs, rows[3:4], trajectories=8, seed=9, common=True)
    for name in row_columns(compiled):
        assert together[name][3] == alone[name][0], name


def test_explore_model_uses_the_root_seed_for_every_block() -> None:
    scenario = load_scenario("kursk-mini")
    model = ScenarioModel(scenario, trajectories=4, common_seed=5)
    strategy, mindset = model.strategies[0], model.mindsets[0]
    values = {u.name: np.full(2, np.nan) for u in model.uncertainties}
    nominal = model.compiled.nominal_uncertainties()
    for u, v in zip(model.compiled.uncertainties, nominal, strict=True):
        values[u.id] = np.full(2, v)
    params = {**values, "strategy": np.array([strategy] * 2), "mindset": np.array([mindset] * 2)}
    a = model.run(params, np.random.default_rng(1), 2)
    b = model.run(params, np.random.default_rng(2), 2)  # another block's generator
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
        assert a[name][0] == a[name][1]
