"""Reproducibility, results and errors of the engine's runner."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import escalade
from escalade.engine import SimulationResult, register, run_grid, simulate
from escalade.engine.executors import (
    ProcessExecutor,
    SequentialExecutor,
    free_cores,
    usable_cores,
)
from escalade.engine.policies import DecisionContext, registered
from escalade.engine.reference import ReferenceInterpreter
from escalade.engine.runner import POOL_WORK, cell_tasks, default_executor, estimated_work
from escalade.errors import SimulationError, UsageError
from escalade.results import Store, simulation_result_set
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario
from escalade.scenario.schema import PolicySpec, policy_spec
from escalade.testing.checks import PolicyCheckError, check_policy, check_scenario
from escalade.workflows import run as run_module

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


@pytest.fixture(scope="module")
def zoo() -> CompiledScenario:
    return compile_scenario(loads_scenario(ZOO.read_text(encoding="utf-8"), file="zoo.yaml"))


def same(a: SimulationResult, b: SimulationResult) -> None:
    assert a.n == b.n
    assert np.array_equal(a.counts.floats, b.counts.floats)  # bit for bit
    assert np.array_equal(a.counts.rung_hist, b.counts.rung_hist)
    assert np.array_equal(a.counts.peak_hist, b.counts.peak_hist)
    assert np.array_equal(a.counts.peak_view_hist, b.counts.peak_view_hist)
    assert np.array_equal(a.counts.crossed_by_round, b.counts.crossed_by_round)
    assert np.array_equal(a.counts.times_chosen, b.counts.times_chosen)
    assert a.to_dict() == b.to_dict()


def test_same_seed_same_numbers_whatever_the_chunk_size(zoo: CompiledScenario) -> None:
    results = [
        simulate(zoo, strategy="decisive", mindset="cautious", n=5000, seed=7, chunk_size=c)
        for c in (1000, 4096, 50_000)
    ]
    same(results[0], results[1])
    same(results[0], results[2])
    other = simulate(zoo, strategy="decisive", mindset="cautious", n=5000, seed=8)
    assert not np.array_equal(other.counts.floats, results[0].counts.floats)


def test_same_numbers_in_a_process_pool(zoo: CompiledScenario) -> None:
    kw = {"strategy": "graduated", "mindset": "resolved", "n": 4096, "seed": 5, "chunk_size": 1024}
    with ProcessExecutor(2) as pool:
        with_pool = simulate(zoo, executor=pool, **kw)
    in_process = simulate(zoo, executor=SequentialExecutor(), **kw)
    assert with_pool.n == 4096
    same(with_pool, in_process)


def test_tables_and_json(zoo: CompiledScenario) -> None:
    result = simulate(zoo, strategy="decisive", mindset="resolved", n=2048, seed=1)
    tables = result.tables()
    assert set(tables) >= {
        "outcomes",
        "thresholds",
        "thresholds_by_round",
        "options",
        "utilities",
        "sides",
        "rungs_by_round",
        "events",
        "accidents",
        "traces",
    }
    assert list(tables["rungs_by_round"].columns[:7]) == [
        "arena",
        "round",
        "q05",
        "q25",
        "q50",
        "q75",
        "q95",
    ]
    assert len(tables["thresholds_by_round"]) == len(zoo.thresholds) * (zoo.horizon + 1)
    by_round = tables["thresholds_by_round"]
    for _, group in by_round.groupby("threshold"):
        assert (np.diff(group["probability"].to_numpy()) >= 0).all()  # cumulative
    th = tables["thresholds"]
    assert ((th["ci_low"] <= th["probability"]) & (th["probability"] <= th["ci_high"])).all()
    out = json.loads(result.to_json())
    assert set(out) >= {"outcomes", "thresholds", "options", "n", "seed", "scenario_hash"}
    assert set(out["thresholds"]) == {key for _, key, _ in zoo.thresholds}
    assert "ukraine.no_nuclear_use" in out["thresholds"]
    assert out["n"] == 2048 and out["scenario_hash"] == zoo.content_hash
    assert 0.0 <= out["options"]["aid"] <= 1.0
    assert len(result.traces) == 20
    assert out["outcomes"]["first_strike"]["mean"] > 0


def test_the_json_options_carry_the_terminal_table(zoo: CompiledScenario) -> None:
    """A new user's ``simulate --json`` gave usage rates only; the terminal also shows success,
    count and refusals."""
    result = simulate(zoo, strategy="decisive", mindset="cautious", n=512, seed=3)
    out = json.loads(result.to_json())
    table = result.options().set_index("option")
    assert set(out["option_usage"]) == set(out["options"]) == set(table.index)
    for option, row in out["option_usage"].items():
        assert row["usage_rate"] == out["options"][option] == table.loc[option, "usage_rate"]
        assert row["success_rate"] == table.loc[option, "success_rate"]
        assert row["mean_times"] == table.loc[option, "mean_times"]
        assert row["refused_per_trajectory"] == table.loc[option, "refused_per_trajectory"]
        assert row["actor"] == table.loc[option, "actor"]


def test_common_random_numbers_across_cells(zoo: CompiledScenario) -> None:
    grid = run_grid(zoo, [("graduated", "cautious"), ("decisive", "cautious")], n=1024, seed=4)
    a, b = grid[("graduated", "cautious")], grid[("decisive", "cautious")]
    # The election is drawn from the same numbers in both cells.
    assert a.events()["rate"].iloc[0] == b.events()["rate"].iloc[0] == 1.0
    assert [t.uncertainties for t in a.traces] == [t.uncertainties for t in b.traces]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"n": 0}, "n: expected an integer from 1"),
        ({"n": 10**9}, "n: expected an integer from 1"),
        ({"chunk_size": 0}, "chunk_size: expected"),
        ({"seed": -1}, "seed"),
        ({"uncertainties": [1.0]}, "uncertainties: expected 4 finite values"),
    ],
)
def test_bad_arguments(zoo: CompiledScenario, kw: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        simulate(zoo, **kw)  # type: ignore[arg-type]


def test_fixed_uncertainties(zoo: CompiledScenario) -> None:
    result = simulate(zoo, n=64, seed=1, uncertainties=[0.5, 0.5, 1.5, 16.0])
    assert {t.uncertainties for t in result.traces} == {(0.5, 0.5, 1.5, 16.0)}


def test_non_finite_values_name_the_element_and_round() -> None:
    text = ZOO.read_text(encoding="utf-8").replace(
        "{var: cohesion, add: 0.2}", '{var: cohesion, add: "log(cohesion - 2)"}'
    )
    compiled = compile_scenario(loads_scenario(text))
    with pytest.raises(
        SimulationError, match=r"option 'reassure', round \d+: expected finite.* 'cohesion'"
    ):
        simulate(compiled, strategy="graduated", mindset="cautious", n=256, seed=1)


def test_a_non_finite_utility_names_the_actor_and_round() -> None:
    text = ZOO.read_text(encoding="utf-8").replace(
        "utility: {per_round: {rung.ukraine: -1.0, cohesion: 0.5}}",
        'utility: {per_round: {rung.ukraine: -1.0, cohesion: "0.5 / (round - 3)"}}',
    )
    compiled = compile_scenario(loads_scenario(text))
    actor = compiled.actors[1].id
    with pytest.raises(
        SimulationError, match=rf"utility of actor '{actor}', round 3: expected a fini"
    ):
        simulate(compiled, strategy="graduated", mindset="cautious", n=64, seed=1)


def test_branch_probabilities_must_sum_to_one_at_run_time() -> None:
    """Expression branch probabilities are checked where the event fires, in both engines."""
    text = ZOO.read_text(encoding="utf-8").replace('prob: "1 - $continuity"', "prob: 0.2")
    compiled = compile_scenario(loads_scenario(text))  # valid: one probability is an expression
    message = r"event 'election' branches, round \d+: expected branch probabilities summing to 1"
    with pytest.raises(SimulationError, match=message):
        simulate(compiled, n=64, seed=1)
    specs = [PolicySpec(kind="hold")] * len(compiled.actors)
    interpreter = ReferenceInterpreter(compiled, specs, seed=1)
    with pytest.raises(SimulationError, match=message):
        for k in range(64):
            interpreter.run(k)


def test_a_policy_choosing_an_unavailable_option_is_an_error(zoo: CompiledScenario) -> None:
    class Reckless:
        deterministic = True

        def decide(self, ctx: DecisionContext) -> np.ndarray:
            return np.full(ctx.state.n, 1, dtype=np.int64)  # strikes: not before 2024-11-05

    register("reckless", lambda spec, actor, compiled: Reckless())
    compiled = zoo
    with pytest.raises(PolicyCheckError, match="expected an available option of actor 'usa'"):
        check_policy(Reckless(), compiled, actor=0)
    with pytest.raises(SimulationError, match=r"actor 'usa', round 0: expected policy Reckless"):
        simulate(compiled, n=32, seed=1, policies={"usa": "reckless"})
    with pytest.raises(UsageError, match="expected a registered kind"):
        simulate(compiled, n=32, seed=1, policies={"usa": "nonexistent"})


def test_a_registered_policy_runs(zoo: CompiledScenario) -> None:
    class AlwaysAid:
        deterministic = True

        def decide(self, ctx: DecisionContext) -> np.ndarray:
            return np.where(ctx.available[:, 0], 0, -1).astype(np.int64)

    register("always_aid", lambda spec, actor, compiled: AlwaysAid())
    check_policy(AlwaysAid(), zoo, actor=0)
    result = simulate(zoo, n=256, seed=1, policies={"usa": "always_aid"})
    assert result.options().set_index("option").loc["aid", "usage_rate"] == 1.0


def test_unknown_policy_kind_is_a_usage_error(zoo: CompiledScenario) -> None:
    unknown = PolicySpec.model_construct(kind="no_such_kind")
    with pytest.raises(UsageError, match="actor 'usa', policy: expected a kind"):
        simulate(zoo, n=16, seed=1, policies={"usa": unknown})
    assert "equilibrium" in registered()


def test_check_scenario_passes_on_the_zoo(zoo: CompiledScenario) -> None:
    check_scenario(zoo, n=64)


def test_deterministic_without_chance() -> None:
    """No accidents, success 1, deterministic policies: every trajectory is the same."""
    text = ZOO.read_text(encoding="utf-8")
    start = text.index("events:")
    stop = text.index("uncertainties:")
    text = text[:start] + text[stop:]
    text = text.replace("success: 0.8, ", "").replace("success: 0.6, ", "")
    text = text.replace('success: "0.5 + 0.1 * administration"', "success: 1")
    text = text.replace("success: 0.5, ", "").replace("success: 0.3, ", "")
    text = text.replace(", jump: {sizes: [1, 2, 3], weights: [0.6, 0.3, 0.1]}, revert: 0.5", "")
    for name in ("strike_effect", "continuity", "start_position"):
        text = text.replace("$" + name, "0.5")
    text = text.replace("$rus_redline", "16")
    compiled = compile_scenario(loads_scenario(text))
    result = simulate(compiled, strategy="decisive", mindset="resolved", n=300, seed=9)
    assert len({(t.rounds, t.utility) for t in result.traces}) == 1
    outcomes = result.outcomes()
    # the sd comes from sums of squares: zero up to the square root of rounding
    assert (outcomes["sd"] <= 1e-6 * (1 + outcomes["mean"].abs())).all()
    assert ((result.options()["usage_rate"] == 0) | (result.options()["usage_rate"] == 1)).all()


def test_simulation_as_a_stored_result_set(zoo: CompiledScenario, tmp_path: Path) -> None:
    result = simulate(zoo, strategy="decisive", mindset="cautious", n=1024, seed=2)
    rs = simulation_result_set(result)
    with Store(tmp_path / "runs.duckdb") as store:
        run_id = store.save(rs)
        loaded = store.load(run_id)
    assert loaded.kind == "simulate" and loaded.metadata["n"] == 1024
    assert (
        loaded.tables["thresholds"]["probability"].tolist()
        == rs.tables["thresholds"]["probability"].tolist()
    )


def test_estimated_work_counts_actor_decisions_and_rollouts(zoo: CompiledScenario) -> None:
    decisions = zoo.horizon * len(zoo.actors)
    rules = cell_tasks(zoo, (None, None), n=3000, seed=1, chunk=1024, keep=0)
    assert estimated_work(zoo, rules) == 3000 * decisions
    br = {a.id: policy_spec("best_response", depth=1, samples=3) for a in zoo.actors[:1]}
    rollouts = cell_tasks(zoo, (None, None), n=3000, seed=1, chunk=1024, keep=0, policies=br)
    options = len(zoo.options_by_actor[0]) + 1
    assert estimated_work(zoo, rollouts) == 3000 * decisions * (1 + options * 3 * 1)


def test_default_executor_stays_in_process_below_pool_work(zoo: CompiledScenario) -> None:
    per_trajectory = zoo.horizon * len(zoo.actors)
    small = int(POOL_WORK // per_trajectory) - 1
    tasks = cell_tasks(zoo, (None, None), n=small, seed=1, chunk=20_480, keep=0)
    assert isinstance(
        default_executor(zoo, tasks, scheduler=None, workers=None), SequentialExecutor
    )
    big = cell_tasks(zoo, (None, None), n=small + 2, seed=1, chunk=20_480, keep=0)
    chosen = default_executor(zoo, big, scheduler=None, workers=None)
    # Above POOL_WORK: a pool of the free cores, or in process when none is free (the load
    # average can move between the two calls, hence the either-or).
    if isinstance(chosen, ProcessExecutor):
        assert 2 <= chosen.workers <= min(usable_cores(), len(big))
    else:
        assert isinstance(chosen, SequentialExecutor)
        assert free_cores() <= 2
    # An explicit worker count is obeyed whatever the size.
    assert isinstance(default_executor(zoo, tasks, scheduler=None, workers=2), ProcessExecutor)
    assert isinstance(default_executor(zoo, big, scheduler=None, workers=1), SequentialExecutor)


def test_a_run_shares_its_executor_with_the_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    """run opens one executor for the grid and the brief's sweep (it ran the sweep in process
    while the grid's pool sat idle); the sweep's tables are the same either way."""
    seen: list[object] = []
    real = run_module.robustness_sweep

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("executor"))
        return real(*args, **kwargs)

    monkeypatch.setattr(run_module, "robustness_sweep", spy)
    common = {"n": 64, "sweep": 12, "store": None, "out": None}
    pooled = escalade.run("dprk-troops-2024", workers=2, **common)
    alone = escalade.run("dprk-troops-2024", workers=1, **common)
    assert isinstance(seen[0], ProcessExecutor) and isinstance(seen[1], SequentialExecutor)
    for name in ("robustness", "comparison"):
        a, b = pooled.result_set.table(name), alone.result_set.table(name)
        assert a.equals(b), name
