"""A round's peak: rungs climbed and left within one round show in the trace."""

from __future__ import annotations

from pathlib import Path

from escalade.engine import render_trace, simulate
from escalade.engine.trace import Move, RoundTrace, Trace
from escalade.scenario import load_scenario

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


def test_a_peak_above_the_rung_at_the_round_end_is_rendered() -> None:
    result = simulate(load_scenario(ZOO), strategy="decisive", mindset="cautious", n=4, seed=1)
    compiled = result.compiled
    n_arenas, n_vars = len(compiled.arenas), len(compiled.variable_ids)
    flat = RoundTrace(
        round=0, events=(), moves=(), accidents=(), rungs=(12,) + (4,) * (n_arenas - 1),
        variables=(0.0,) * n_vars, utility=(0.0,) * len(compiled.actors), ended=False,
        peaks=(12,) + (4,) * (n_arenas - 1),
    )  # fmt: skip
    move = Move(compiled.actors[0].id, compiled.options[0].id, "succeeded")
    down = RoundTrace(
        round=1, events=(), moves=(move,),
        accidents=((compiled.arenas[0].id, -1),), rungs=(14,) + (4,) * (n_arenas - 1),
        variables=(0.0,) * n_vars, utility=(0.0,) * len(compiled.actors), ended=False,
        peaks=(15,) + (4,) * (n_arenas - 1),
    )  # fmt: skip
    trace = Trace(0, (0.0,) * len(compiled.uncertainties), flat.rungs, flat.variables,
                  (flat, down), flat.utility, (0.0,) * len(compiled.outcomes))  # fmt: skip
    text = render_trace(trace, compiled)
    assert text.count("peak during the round") == 1
    assert f"    peak during the round: {compiled.arenas[0].id}=15\n" in text


def test_simulated_peaks_are_never_below_the_rungs_and_show_the_climb() -> None:
    result = simulate(
        load_scenario(ZOO), strategy="decisive", mindset="cautious", n=64, seed=2024, keep_traces=8
    )
    rounds = [r for t in result.traces for r in t.rounds]
    assert all(len(r.peaks) == len(r.rungs) for r in rounds)
    assert all(p >= rung for r in rounds for p, rung in zip(r.peaks, r.rungs, strict=True))
    assert any(p > rung for r in rounds for p, rung in zip(r.peaks, r.rungs, strict=True))
