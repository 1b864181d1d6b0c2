"""Result sets, the DuckDB results store and Parquet bundles."""

from escalade.results.bundle import BUNDLE_FORMAT_VERSION, load_bundle, save_bundle
from escalade.results.provenance import Provenance
from escalade.results.resultset import ResultSet, environment_versions, scenario_hash, utc_now
from escalade.results.simulation import simulation_result_set
from escalade.results.store import FORMAT_VERSION, RUN_COLUMNS, Store

__all__ = [
    "BUNDLE_FORMAT_VERSION",
    "FORMAT_VERSION",
    "RUN_COLUMNS",
    "Provenance",
    "ResultSet",
    "Store",
    "environment_versions",
    "load_bundle",
    "save_bundle",
    "scenario_hash",
    "simulation_result_set",
    "utc_now",
]
