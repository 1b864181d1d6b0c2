"""A seeded trace of the DESIGN example and of the feature zoo, as readable text."""

from __future__ import annotations

from pathlib import Path

from escalade.engine import render_trace, simulate
from escalade.scenario import load_scenario

ZOO = Path(__file__).resolve().parents[1] / "data" / "engine" / "zoo.yaml"


def test_kursk_mini_trace(golden):
    result = simulate(
        "kursk-mini", strategy="graduated", mindset="opportunist", n=64, seed=2024, keep_traces=3
    )
    text = "\n\n".join(render_trace(t, result.compiled) for t in result.traces) + "\n"
    golden("engine/kursk-mini.txt", text)


def test_zoo_trace(golden):
    result = simulate(
        load_scenario(ZOO), strategy="decisive", mindset="cautious", n=64, seed=2024, keep_traces=2
    )
    text = "\n\n".join(render_trace(t, result.compiled) for t in result.traces) + "\n"
    golden("engine/zoo.txt", text)
