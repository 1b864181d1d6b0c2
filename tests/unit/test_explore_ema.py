"""EMA Workbench export (.tar.gz layout, readable by EMA) and Parquet round trip."""

from __future__ import annotations

import importlib
import json
import tarfile
import warnings

import numpy as np
import pandas as pd
import pytest

from escalade.errors import ResultsFormatError
from escalade.explore.designs import sample
from escalade.explore.ema import load_ema, load_parquet, save_ema, save_parquet, to_ema
from escalade.explore.examples import toy_crisis_model
from escalade.explore.experiments import run_experiments


@pytest.fixture(scope="module")
def result():
    model = toy_crisis_model()
    design = sample(model.uncertainties, design="lhs", n=20, seed=1)
    return run_experiments(model, design, seed=2, replications=2)


def test_to_ema_shapes(result):
    experiments, outcomes = to_ema(result)
    assert list(experiments.columns[:3]) == ["resolve", "p_accident", "stance"]
    assert {"scenario", "policy", "model"} <= set(experiments.columns)
    assert isinstance(experiments["policy"].dtype, pd.CategoricalDtype)
    assert set(outcomes) == {"war", "gain"}
    assert outcomes["gain"].shape == (120,)


def test_tar_layout_and_round_trip(result, tmp_path):
    path = save_ema(result, tmp_path / "sweep.tar.gz")
    with tarfile.open(path, "r:gz") as archive:
        names = set(archive.getnames())
        meta = json.loads(archive.extractfile("metadata.json").read())
    assert names == {"experiments.csv", "war.cls", "gain.cls", "metadata.json"}
    assert meta["version"] == 0.1
    assert meta["outcomes"] == [
        ["ScalarOutcome", "war", "war.cls"],
        ["ScalarOutcome", "gain", "gain.cls"],
    ]
    experiments, outcomes = load_ema(path)
    np.testing.assert_allclose(outcomes["gain"], result.outcomes["gain"].to_numpy())
    np.testing.assert_allclose(experiments["resolve"], result.experiments["resolve"].to_numpy())
    assert experiments["stance"].tolist() == result.experiments["stance"].tolist()


def test_ema_workbench_reads_our_bundle(result, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            utilities = importlib.import_module("ema_workbench.util.utilities")
        except ImportError:
            pytest.skip("ema_workbench is not installed")
        path = save_ema(result, tmp_path / "sweep.tar.gz")
        experiments, outcomes = utilities.load_results(str(path))
    assert len(experiments) == 120
    np.testing.assert_allclose(outcomes["war"], result.outcomes["war"].to_numpy())


def test_bad_bundles(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(ResultsFormatError, match="not a readable EMA results bundle"):
        load_ema(junk)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(ResultsFormatError, match=r"expected a member 'metadata\.json'"):
        load_ema(empty)


def test_parquet_round_trip(result, tmp_path):
    path = save_parquet(result, tmp_path / "sweep.parquet")
    back = load_parquet(path)
    pd.testing.assert_frame_equal(back.outcomes, result.outcomes)
    pd.testing.assert_frame_equal(back.experiments, result.experiments, check_dtype=False)
    assert back.metadata["seed"] == 2
    (tmp_path / "plain.parquet").write_bytes(b"xx")
    with pytest.raises(ResultsFormatError, match="not an escalade Parquet export"):
        load_parquet(tmp_path / "plain.parquet")
