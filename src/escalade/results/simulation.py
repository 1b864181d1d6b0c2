"""A simulation's summaries as a :class:`ResultSet` (to store, bundle or report)."""

from __future__ import annotations

from escalade.engine.summary import SimulationResult
from escalade.results.provenance import (
    INTERVALS,
    SIMULATE_KEYS,
    Provenance,
    environment_versions,
    utc_now,
)
from escalade.results.resultset import ResultSet

__all__ = ["simulation_result_set"]


def simulation_result_set(result: SimulationResult) -> ResultSet:
    """Wrap :meth:`SimulationResult.tables` with the run's metadata.

    Examples
    --------
    >>> from escalade.engine import simulate
    >>> rs = simulation_result_set(simulate("kursk-mini", n=1024, seed=1))
    >>> rs.kind, rs.provenance.n, "thresholds" in rs.tables
    ('simulate', 1024, True)
    """
    scenario = result.compiled.scenario
    metadata = Provenance(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        scenario_hash=scenario.content_hash,
        seed=result.seed,
        n=result.n,
        strategy=result.strategy,
        mindset=result.mindset,
        horizon=result.compiled.horizon,
        intervals=INTERVALS,
        created=utc_now(),
        versions=environment_versions(),
        keys=SIMULATE_KEYS,
    ).to_mapping()
    return ResultSet("simulate", metadata, result.tables(), scenario.text)
