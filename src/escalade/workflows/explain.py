"""``escalade explain``: simulate two strategies and split their utility difference.

:func:`explain_strategies` runs strategies ``a`` and ``b`` against one mindset
(or all) with common random numbers and returns
:func:`escalade.analysis.explain.explain_difference`'s tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from escalade.analysis.explain import explain_difference, same_strategy
from escalade.analysis.ranking import rank_by as resolve_rank
from escalade.analysis.run import focal_side, run_tables
from escalade.engine import run_grid
from escalade.results import tablenames as tn
from escalade.scenario import Scenario, load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.workflows.run import pick

__all__ = ["explain_strategies"]


def explain_strategies(
    scenario: Scenario | str | Path,
    a: str,
    b: str,
    *,
    mindset: str | None = None,
    n: int = 2000,
    seed: int = 2024,
    chunk_size: int = 20_000,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    rank_by: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Split the utility difference of strategies ``a`` and ``b`` by term and by actor.

    Simulates ``a`` and ``b`` against one mindset (or all) with common random
    numbers and decomposes ``mean utility(a) - mean utility(b)``.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A loaded scenario, a path or a catalog id.
    a, b : str
        The two strategy ids.
    mindset : str, optional
        The mindset to compare them against (default: the mean over all mindsets).
    n, seed, chunk_size, workers, scheduler
        Trajectories per cell, root seed and execution, as in
        :class:`~escalade.workflows.run.RunOptions`.
    progress : callable, optional
        Called with the number of trajectories just finished.
    rank_by : str, optional
        The side (default: the focal side) or actor whose utility is compared.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``by_term`` (one row per utility term), ``by_actor`` and ``total``.

    Raises
    ------
    UsageError
        If ``a`` and ``b`` are the same, or a strategy, the mindset or ``rank_by``
        is not declared by the scenario.

    Examples
    --------
    >>> import escalade
    >>> tables = escalade.explain("kursk-mini", "graduated", "deescalate", n=64)
    >>> sorted(tables)
    ['by_actor', 'by_term', 'total']
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if a == b:  # before simulating, not after
        raise same_strategy(b, [s.id for s in scenario.strategies])
    rank = resolve_rank(scenario, rank_by, focal_side(scenario))
    strategy_ids, mindset_ids = (
        [s.id for s in scenario.strategies],
        [m.id for m in scenario.mindsets],
    )
    strategies = pick([a, b], strategy_ids, "strategies", mindset_ids)
    chosen = [mindset] if mindset is not None else None
    mindsets = pick(chosen, mindset_ids, "mindsets", strategy_ids)
    results = run_grid(
        compile_scenario(scenario),
        [(s, m) for s in strategies for m in mindsets],
        n=n,
        seed=seed,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        keep_traces=0,
    )
    cells = {(s or "default", m or "default"): r.tables() for (s, m), r in results.items()}
    tables = run_tables(scenario, cells, rank=rank)
    return explain_difference(
        tables[tn.UTILITY_TERMS],
        a,
        b,
        side=rank.id if rank.kind == "side" else focal_side(scenario),
        mindset=mindset,
        cells=tables[tn.CELLS],
        utilities=tables[tn.UTILITIES],
        weights=tables[tn.SIDE_WEIGHTS],
        actor=rank.id if rank.kind == "actor" else None,
    )
