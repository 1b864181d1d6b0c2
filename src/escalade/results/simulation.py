"""A simulation's summaries as a :class:`ResultSet` (to store, bundle or report)."""

from __future__ import annotations

from escalade.engine.summary import SimulationResult
from escalade.results.resultset import ResultSet, environment_versions, utc_now

__all__ = ["simulation_result_set"]


def simulation_result_set(result: SimulationResult) -> ResultSet:
    """Wrap :meth:`SimulationResult.tables` with the run's metadata.

    Examples
    --------
    >>> from escalade.engine import simulate
    >>> rs = simulation_result_set(simulate("kursk-mini", n=1024, seed=1))
    >>> rs.kind, rs.metadata["n"], "thresholds" in rs.tables
    ('simulate', 1024, True)
    """
    scenario = result.compiled.scenario
    metadata = {
        "scenario_id": scenario.id,
        "scenario_title": scenario.title,
        "scenario_hash": scenario.content_hash,
        "seed": result.seed,
        "n": result.n,
        "strategy": result.strategy,
        "mindset": result.mindset,
        "horizon": result.compiled.horizon,
        "intervals": "95%: normal approximation for means, Wilson for probabilities",
        "created": utc_now(),
        **environment_versions(),
    }
    return ResultSet("simulate", metadata, result.tables(), scenario.text)
