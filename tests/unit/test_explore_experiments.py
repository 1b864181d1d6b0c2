"""run_experiments: layout, chunk-size invariance, CRN, sink/skip resume, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.engine.executors import ProcessExecutor, SequentialExecutor
from escalade.errors import SimulationError, UsageError
from escalade.explore.designs import sample
from escalade.explore.examples import toy_crisis_model
from escalade.explore.experiments import LeverSet, plan_experiments, run_experiments
from escalade.explore.model import FunctionModel, ScalarOutcome
from escalade.explore.parameters import CategoricalParameter, RealParameter
from escalade.random import BLOCK


def noisy(params, rng, n):
    return {"y": params["x"] + rng.random(n)}


def bad_shape(params, rng, n):
    return {"y": np.zeros(n + 1)}


def bad_value(params, rng, n):
    y = np.zeros(n)
    y[-1] = np.nan
    return {"y": y}


def missing(params, rng, n):
    return {"z": np.zeros(n)}


X = RealParameter("x", 0.0, 1.0)


@pytest.fixture(scope="module")
def toy():
    model = toy_crisis_model()
    return model, sample(model.uncertainties, design="lhs", n=700, seed=11)


def test_layout_is_policy_major(toy):
    model, design = toy
    res = run_experiments(model, design, seed=1, replications=3)
    exp = res.experiments
    assert len(exp) == 3 * 700 * 3
    assert list(exp.columns) == [
        "resolve",
        "p_accident",
        "stance",
        "scenario",
        "policy",
        "replication",
        "model",
    ]
    assert exp.index.name == "experiment"
    assert exp.index.tolist() == list(range(len(exp)))
    assert exp["policy"].unique().tolist() == ["stance=hold", "stance=graduated", "stance=strike"]
    first = exp.iloc[: 700 * 3]
    assert (first["stance"] == "hold").all()
    assert first["scenario"].tolist() == np.repeat(np.arange(700), 3).tolist()
    assert first["replication"].tolist() == [0, 1, 2] * 700
    row = exp.loc[5]
    assert row["resolve"] == design.experiments.loc[1, "resolve"]
    assert res.outcomes.index.equals(exp.index)
    assert res.metadata["n_rows"] == len(exp)
    assert res.metadata["policies"][2] == {"name": "stance=strike", "values": {"stance": "strike"}}


def test_chunk_size_and_executor_do_not_change_numbers(toy):
    model, design = toy
    ref = run_experiments(model, design, seed=5, replications=2, chunk_size=1)
    big = run_experiments(model, design, seed=5, replications=2, chunk_size=10 * BLOCK)
    pd.testing.assert_frame_equal(ref.outcomes, big.outcomes)
    with ProcessExecutor(workers=2) as ex:
        par = run_experiments(model, design, seed=5, replications=2, executor=ex, chunk_size=3000)
    pd.testing.assert_frame_equal(ref.outcomes, par.outcomes)
    pd.testing.assert_frame_equal(ref.experiments, par.experiments)
    other = run_experiments(model, design, seed=6, replications=2)
    assert not other.outcomes.equals(ref.outcomes)


def test_common_random_numbers_share_noise_across_policies():
    model = FunctionModel(noisy, [X], ["y"], levers=[CategoricalParameter("lever", ("a", "b"))])
    design = sample([X], design="lhs", n=50, seed=1)
    res = run_experiments(model, design, seed=3)
    y = res.outcomes["y"].to_numpy().reshape(2, 50)
    np.testing.assert_array_equal(y[0], y[1])
    indep = run_experiments(model, design, seed=3, common_random_numbers=False)
    y2 = indep.outcomes["y"].to_numpy().reshape(2, 50)
    assert not np.array_equal(y2[0], y2[1])


def test_explicit_policies_and_validation():
    lever = CategoricalParameter("lever", ("a", "b", "c"))
    model = FunctionModel(noisy, [X], ["y"], levers=[lever])
    design = sample([X], design="lhs", n=4, seed=1)
    res = run_experiments(model, design, seed=1, levers=[LeverSet("only-c", {"lever": "c"})])
    assert set(res.experiments["policy"]) == {"only-c"}
    assert set(res.experiments["lever"]) == {"c"}
    res = run_experiments(model, design, seed=1, levers=[{"lever": "b"}])
    assert set(res.experiments["policy"]) == {"lever=b"}
    with pytest.raises(UsageError, match="lever 'lever': expected one of"):
        run_experiments(model, design, seed=1, levers=[{"lever": "z"}])
    with pytest.raises(UsageError, match="has no lever 'other'"):
        run_experiments(model, design, seed=1, levers=[{"lever": "a", "other": 1}])
    with pytest.raises(UsageError, match="no value for lever"):
        run_experiments(model, design, seed=1, levers=[{}])


def test_sink_and_skip_resume_gives_the_same_result(toy):
    model, design = toy
    full = run_experiments(model, design, seed=9, chunk_size=BLOCK)
    n_chunks = full.metadata["n_chunks"]
    assert n_chunks == 3 * 1  # 700 rows per policy fit in one block
    stored: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}

    def sink(i, exp, out):
        stored[i] = (exp, out)
        if i == 1:
            raise KeyboardInterrupt  # the sweep is killed after chunk 1 is written

    with pytest.raises(KeyboardInterrupt):
        run_experiments(model, design, seed=9, chunk_size=BLOCK, sink=sink)
    assert sorted(stored) == [0, 1]
    seen: list[tuple[int, int]] = []
    rest = run_experiments(
        model,
        design,
        seed=9,
        chunk_size=BLOCK,
        skip={0, 1},
        sink=lambda i, e, o: stored.__setitem__(i, (e, o)),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert rest.metadata["skipped_chunks"] == [0, 1]
    assert seen[0] == (1400, 2100) and seen[-1] == (2100, 2100)
    merged = pd.concat([stored[i][1] for i in sorted(stored)])
    pd.testing.assert_frame_equal(merged, full.outcomes)


def test_everything_skipped_returns_empty_tables(toy):
    model, design = toy
    res = run_experiments(model, design, seed=9, skip=range(10))
    assert len(res.experiments) == 0 and list(res.outcomes.columns) == ["war", "gain"]


def test_plan_without_running(toy):
    model, design = toy
    plan = plan_experiments(model, design, seed=1, replications=2, chunk_size=1000)
    assert plan.chunk_size == BLOCK
    assert plan.chunks[:3] == ((0, 0, 1024), (0, 1024, 1400), (1, 0, 1024))
    assert len(plan.experiments()) == plan.n_rows == 4200


@pytest.mark.parametrize(
    ("f", "message"),
    [
        (bad_shape, r"outcome 'y': expected shape \(10,\), found \(11,\)"),
        (bad_value, "outcome 'y' is nan at experiment row 9"),
        (missing, "outcome 'y' missing from run"),
    ],
)
def test_model_errors(f, message):
    model = FunctionModel(f, [X], [ScalarOutcome("y")])
    design = sample([X], design="lhs", n=10, seed=1)
    with pytest.raises(SimulationError, match=message):
        run_experiments(model, design, seed=1, executor=SequentialExecutor())


def test_design_must_match_model():
    model = FunctionModel(noisy, [X], ["y"])
    other = sample([RealParameter("z", 0, 1)], design="lhs", n=3, seed=1)
    with pytest.raises(UsageError, match="has no uncertainty 'z'"):
        run_experiments(model, other, seed=1)
    model2 = FunctionModel(noisy, [X, RealParameter("w", 0, 1)], ["y"])
    with pytest.raises(UsageError, match="uncertainty 'w' of model 'noisy' is not in the design"):
        run_experiments(model2, sample([X], design="lhs", n=3, seed=1), seed=1)
    with pytest.raises(UsageError, match="replications: expected a positive integer"):
        run_experiments(model, sample([X], design="lhs", n=3, seed=1), seed=1, replications=0)
