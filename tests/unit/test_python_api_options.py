"""The workflows from Python: options as keywords, paths as strings, ids for scenarios."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import escalade
from escalade.workflows.options import with_overrides


def test_run_takes_its_options_as_keywords(tmp_path: Path) -> None:
    outcome = escalade.run("kursk-mini", n=32, sweep=0, store=None, out=str(tmp_path / "r"))
    assert outcome.run_id is None
    assert outcome.report == tmp_path / "r" / "report.html"
    assert outcome.report.exists()
    assert outcome.result_set.metadata["n"] == 32


def test_keywords_replace_the_fields_of_the_options_given() -> None:
    base = escalade.RunOptions(n=32, sweep=0, store=None, out=None)
    outcome = escalade.run("kursk-mini", base, seed=5)
    assert (outcome.result_set.metadata["n"], outcome.result_set.metadata["seed"]) == (32, 5)


def test_an_unknown_keyword_is_a_usage_error_with_a_hint() -> None:
    with pytest.raises(
        escalade.UsageError,
        match=r"run: expected keyword arguments among .*"
        r"found sweeps; hint: did you mean 'sweep'\?",
    ):
        escalade.run("kursk-mini", n=32, sweeps=0)


def test_options_of_the_wrong_type_are_refused() -> None:
    with pytest.raises(escalade.UsageError, match="expected options of type RunOptions"):
        with_overrides(escalade.ExploreOptions(), escalade.RunOptions, {}, "run")


def test_store_and_out_accept_strings() -> None:
    options = escalade.RunOptions(store="runs.duckdb", out="report")
    assert options.store == Path("runs.duckdb")
    assert options.out == Path("report")
    assert escalade.ExploreOptions(out="x").out == Path("x")
    assert escalade.ReplayOptions(store="y.duckdb").store == Path("y.duckdb")


def test_explain_and_verify_take_a_catalog_id() -> None:
    tables = escalade.explain("kursk-mini", "graduated", "deescalate", n=32)
    assert set(tables) == {"by_term", "by_actor", "total"}
    assert escalade.verify("kursk-mini").scenario == "kursk-mini"


def test_a_missing_observed_file_says_an() -> None:
    with pytest.raises(escalade.ScenarioError, match="expected an observed timeline file"):
        escalade.replay("kursk-mini", "nope.observed.yaml", store=None)


@pytest.mark.parametrize(
    "name",
    [
        "escalade",
        "escalade.reprs",
        "escalade.workflows.run",
        "escalade.workflows.explore",
        "escalade.workflows.explain",
        "escalade.engine.runner",
        "escalade.engine.game_builder",
        "escalade.solvers.registry",
        "escalade.scenario.loader",
    ],
)
def test_the_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), verbose=False, report=True)
    assert result.attempted >= 1
    assert result.failed == 0


def test_the_meta_game_takes_its_options_as_keywords(tmp_path: Path) -> None:
    from escalade.workflows.game import game_outcome  # noqa: PLC0415

    outcome = game_outcome("kursk-mini", n=32, bootstrap=2, workers=1, out=str(tmp_path))
    assert outcome.report == tmp_path / "game.html"
    assert outcome.run_id is None
    with pytest.raises(escalade.UsageError, match="did you mean 'bootstrap'"):
        game_outcome("kursk-mini", bootstraps=2)
