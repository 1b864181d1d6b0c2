# ruff: noqa: E501  (scenario texts keep one element per line)
"""A round's peak in the run report: a rung reached and walked back within a round shows.

The rungs after each round (``q05`` … ``q95`` of ``rungs_by_round``) never show a
strike that a de-escalation settles in the same round; ``peak_q50`` and
``peak_q95`` (histograms of each round's highest rung, merged like the others)
do, on both engine paths and for any chunk size, and the fan chart draws them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.engine import simulate
from escalade.engine.chunk import run_chunk
from escalade.engine.runner import cell_tasks
from escalade.report.figures import fan_chart, peaks_above
from escalade.report.html import render_html
from escalade.report.run_report import run_report
from escalade.results import ResultSet
from escalade.results import tablenames as tn
from escalade.scenario import loads_scenario
from escalade.scenario.compiled import CompiledScenario, compile_scenario

WALKED_BACK = """\
schema_version: 2
id: peak-walked-back
title: A strike walked back in the round it is made
calendar: {start: 2024-01-01, step: week, horizon: 3}
sides: [{id: west}, {id: east}]
actors:
  - {id: usa, name: United States, side: west, utility: {per_round: {position: 1.0}}, policy: {kind: rules, rules: [{if: "round >= 1", then: strike}]}}
  - {id: rus, name: Russia, side: east, utility: {per_round: {position: -1.0}}, policy: {kind: rules, rules: [{if: "round >= 1", then: stand_down}]}}
arenas:
  - {id: front, ladder: compact, parties: [west, east], initial: 2}
variables:
  - {id: position, initial: 0, min: -5, max: 5}
options:
  - {id: strike, actor: usa, arena: front, rung: 6, effects: [{var: position, add: 1}]}
  - {id: stand_down, actor: rus, arena: front, rung: 2, deescalate: true}
"""


@pytest.fixture(scope="module")
def compiled() -> CompiledScenario:
    return compile_scenario(loads_scenario(WALKED_BACK, file="walked-back.yaml"))


def test_end_rungs_never_show_the_strike_but_the_round_peaks_do(
    compiled: CompiledScenario,
) -> None:
    result = simulate(compiled, n=40, seed=3)
    for table in (result.rungs_by_round(), result.rungs_by_side()):
        assert (table[["q05", "q50", "q95"]] == 2).all().all()  # the strike is settled away
        # rounds 1 and 2 (table rows 2 and 3) strike and stand down in the same round
        assert table["peak_q50"].tolist()[:4] == [2, 2, 6, 6]
        assert table["peak_q95"].tolist()[:4] == [2, 2, 6, 6]
        assert peaks_above(table)
    counts = result.counts
    assert np.array_equal(counts.peak_hist[:, :2], counts.rung_hist[:, :2])  # start, a calm round
    assert counts.peak_hist[0, 3, 6 - compiled.arenas[0].low] == 40


def test_round_peaks_do_not_depend_on_the_chunk_size(compiled: CompiledScenario) -> None:
    one = simulate(compiled, n=50, seed=9, chunk_size=7)
    other = simulate(compiled, n=50, seed=9, chunk_size=50)
    assert np.array_equal(one.counts.peak_hist, other.counts.peak_hist)
    assert np.array_equal(one.counts.peak_view_hist, other.counts.peak_view_hist)


def test_round_peaks_are_the_same_on_both_engine_paths(
    compiled: CompiledScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("numba", reason="the compiled kernel needs the kernel extra (numba)")
    from escalade.engine.kernel.player import ENV  # noqa: PLC0415 - numba on use

    results = []
    for mode in ("numpy", "numba"):
        monkeypatch.setenv(ENV, mode)
        (task,) = cell_tasks(compiled, (None, None), n=30, seed=4, chunk=30, keep=0)
        results.append(run_chunk(task).counts)
    assert np.array_equal(results[0].peak_hist, results[1].peak_hist)
    assert np.array_equal(results[0].peak_view_hist, results[1].peak_view_hist)
    assert results[0].peak_hist[0, 2, 6 - compiled.arenas[0].low] == 30


def _rungs(compiled: CompiledScenario) -> pd.DataFrame:
    table = simulate(compiled, n=20, seed=1).rungs_by_round()
    return table.assign(strategy="(default)", mindset="(default)")


def test_the_fan_chart_draws_the_round_peaks_only_where_they_rise(
    compiled: CompiledScenario,
) -> None:
    rungs = _rungs(compiled)
    names = [t.name for t in fan_chart(rungs).data]
    assert "(default) highest rung in the round" in names
    peak = next(t for t in fan_chart(rungs).data if t.name.endswith("highest rung in the round"))
    assert max(y for y in peak.y if y is not None) == 6
    calm = rungs.assign(peak_q50=rungs["q50"], peak_q95=rungs["q95"])
    assert not any("highest rung" in str(t.name) for t in fan_chart(calm).data)
    old = rungs.drop(columns=["peak_q50", "peak_q95"])  # a run stored before the peaks
    assert len(fan_chart(old).data) == len(fan_chart(calm).data)


def test_the_run_report_caption_explains_the_peaks(compiled: CompiledScenario) -> None:
    rs = ResultSet(
        "run", {"scenario_id": compiled.scenario.id}, {tn.RUNGS_BY_ROUND: _rungs(compiled)}
    )
    page = render_html(run_report(rs), include_plotlyjs=False)
    assert "median and 95th percentile of the highest rung reached during each round" in page
    assert "walked back within the same round" in page
