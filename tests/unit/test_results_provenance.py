"""The typed provenance record: reads every stored shape and writes it back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalade.engine import simulate
from escalade.results import ResultSet, Store, load_bundle, simulation_result_set
from escalade.results.provenance import LAYOUTS, VERSION_NAMES, Provenance

BUNDLES = Path(__file__).parents[1] / "data" / "bundles"
VERSIONS = {name: f"{i}.0" for i, name in enumerate(VERSION_NAMES)}

# A run's metadata as escalade wrote it before the typed record (workflows/run.py).
RUN_META = {
    "scenario_id": "kursk-mini",
    "scenario_title": "Kursk (mini)",
    "scenario_description": None,
    "scenario_hash": "sha256:" + "ab" * 32,
    "seed": 2024,
    "n": 2000,
    "horizon": 6,
    "focal_side": "west",
    "rank_by": "west",
    "rank_kind": "side",
    "ranked_by": "ranked by the utility of side west",
    "intervals": "95%: normal approximation for means, Wilson for probabilities",
    "status_quo": "hold",
    "sweep_points": 64,
    "sweep_trajectories": 200,
    "created": "2026-12-01T10:00:00+00:00",
    "strategies": ["hold", "push"],
    "mindsets": ["calm", "angry"],
    "n_mindsets": 2,
    **VERSIONS,
    "run_id": "r0123abcd",
}
EXPLORE_META = {
    "scenario_id": "kursk-mini",
    "scenario_title": "Kursk (mini)",
    "scenario_hash": "sha256:" + "cd" * 32,
    "seed": 7,
    "n": 128,
    "design": "lhs",
    "replications": 1,
    "trajectories": 50,
    "common_random_numbers": "every experiment's trajectory k reads the same numbers",
    "focal_side": "west",
    "outcome": "utility_west",
    "strategies": ["hold"],
    "mindsets": ["calm"],
    "parameters": ["resolve", "p_accident"],
    "created": "2026-12-01T10:00:00+00:00",
    **VERSIONS,
    "run_id": None,
}
REPLAY_META = {
    "scenario_id": "kursk-mini",
    "scenario_title": "Kursk (mini)",
    "scenario_hash": "sha256:" + "ef" * 32,
    "observed_file": "kursk.yaml",
    "observed_hash": "sha256:" + "01" * 32,
    "n": 500,
    "particles": 500,
    "replicates": 4,
    "seed": 3,
    "epsilon": 0.05,
    "as_of": "2024-08-20",
    "n_observations": 5,
    "log_evidence": {"value": -3.25, "se": 0.1},
    "posterior": [{"strategy": "hold", "mindset": "calm", "p": 1.0}],
    "scores": {"brier": 0.2},
    "versions": VERSIONS,
    "created": "2026-12-01T10:00:00+00:00",
}
GAME_META = {
    "scenario_id": "kursk-mini",
    "scenario_title": "Kursk (mini)",
    "scenario_hash": "sha256:" + "23" * 32,
    "seed": 11,
    "n": 400,
    "row_side": "west",
    "col_side": "east",
    "strategies": ["hold", "push"],
    "mindsets": ["calm", "angry"],
    "bootstrap": 50,
    "alpha": 10.0,
    "degenerate": False,
    "note": "",
    "seconds": 0.25,
    "versions": VERSIONS,
    "created": "2026-12-01T10:00:00+00:00",
    "run_id": "r4567cdef",
}
SIMULATE_META = {
    "scenario_id": "kursk-mini",
    "scenario_title": "Kursk (mini)",
    "scenario_hash": "sha256:" + "45" * 32,
    "seed": 1,
    "n": 1024,
    "strategy": None,
    "mindset": None,
    "horizon": 6,
    "intervals": "95%: normal approximation for means, Wilson for probabilities",
    "created": "2026-12-01T10:00:00+00:00",
    **VERSIONS,
}
TODAY = {
    "run": RUN_META,
    "explore": EXPLORE_META,
    "replay": REPLAY_META,
    "game": GAME_META,
    "simulate": SIMULATE_META,
}


@pytest.mark.parametrize("kind", sorted(TODAY))
def test_todays_metadata_round_trips_with_its_key_order(kind: str) -> None:
    meta = TODAY[kind]
    prov = Provenance.from_mapping(meta)
    assert dict(prov.extra) == {}
    out = prov.to_mapping()
    assert out == meta
    assert list(out) == list(meta)
    assert json.loads(json.dumps(out)) == meta


@pytest.mark.parametrize("kind", sorted(TODAY))
def test_the_layouts_are_the_keys_written_today(kind: str) -> None:
    expected = [k for k in TODAY[kind] if k != "run_id" and k not in VERSIONS]
    layout = [k for k in LAYOUTS[kind] if k != "*versions"]
    assert layout == expected


def test_a_run_reads_as_typed_fields() -> None:
    prov = Provenance.from_mapping(RUN_META)
    assert (prov.seed, prov.n, prov.horizon, prov.run_id) == (2024, 2000, 6, "r0123abcd")
    assert prov.strategies == ("hold", "push")
    assert prov.mindsets == ("calm", "angry")
    assert prov.rank_kind == "side"
    assert prov.title == "Kursk (mini)"
    assert prov.escalade_version == VERSIONS["escalade"]
    assert dict(prov.versions) == VERSIONS


def test_nested_versions_and_replay_fields() -> None:
    prov = Provenance.from_mapping(REPLAY_META)
    assert prov.escalade_version == VERSIONS["escalade"]
    assert prov.log_evidence["value"] == -3.25
    assert (prov.particles, prov.replicates, prov.epsilon) == (500, 4, 0.05)
    assert prov.posterior == REPLAY_META["posterior"]


def test_older_metadata_missing_keys_default_and_odd_ones_are_kept() -> None:
    meta = {
        "scenario_id": "toy",
        "seed": "12",  # a string where an int is expected
        "strategies": "hold",  # not a list
        "degenerate": 1,  # not a bool
        "future_field": {"x": [1, 2]},
    }
    prov = Provenance.from_mapping(meta)
    assert prov.seed is None
    assert prov.n is None
    assert prov.strategies == ()
    assert prov.degenerate is None
    assert prov.versions == {}
    assert prov.title == "toy"
    assert dict(prov.extra) == {
        "seed": "12",
        "strategies": "hold",
        "degenerate": 1,
        "future_field": {"x": [1, 2]},
    }
    assert prov.to_mapping() == meta
    assert list(prov.to_mapping()) == list(meta)


def test_booleans_are_not_read_as_integers() -> None:
    prov = Provenance.from_mapping({"seed": True, "n": 3})
    assert prov.seed is None
    assert prov.n == 3
    assert prov.extra == {"seed": True}


def test_the_frozen_v1_bundle_reads_and_round_trips() -> None:
    rs = load_bundle(BUNDLES / "v1-run")
    prov = rs.provenance
    assert (prov.scenario_id, prov.seed, prov.n) == ("toy-ladder", 20241105, 100)
    assert prov.escalade_version == "0.1.0.dev0"
    assert prov.parameters == ()  # a mapping in that early format: kept aside
    assert "parameters" in prov.extra
    assert prov.to_mapping() == rs.metadata_dict()


def test_run_id_is_written_last() -> None:
    prov = Provenance(seed=1, n=2, keys=("seed", "n")).with_run_id("r00000001")
    assert list(prov.to_mapping()) == ["seed", "n", "run_id"]
    again = prov.with_run_id("r00000002")
    assert again.to_mapping() == {"seed": 1, "n": 2, "run_id": "r00000002"}


def test_without_a_layout_the_fields_set_are_written() -> None:
    prov = Provenance(seed=5, strategies=("a",), versions={"escalade": "1"})
    assert prov.to_mapping() == {"seed": 5, "strategies": ["a"], "versions": {"escalade": "1"}}


def test_the_store_indexes_the_typed_fields(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        run_id = store.save(ResultSet("run", RUN_META, {}))
        runs = store.list_runs()
        loaded = store.load(run_id)
    row = runs.iloc[0]
    assert (row["scenario_id"], row["n"], row["seed"]) == ("kursk-mini", 2000, 2024)
    assert row["created"] == RUN_META["created"]
    assert list(loaded.metadata) == list(RUN_META)


def test_a_simulation_writes_its_layout() -> None:
    rs = simulation_result_set(simulate("kursk-mini", n=64, seed=1))
    keys = [k for k in rs.metadata if k not in VERSIONS]
    assert keys == [k for k in LAYOUTS["simulate"] if k != "*versions"]
    assert rs.provenance.n == 64
    assert rs.provenance.seed == 1
