"""The reference scenario earns its answer: reacting mindsets, live constraints, nuclear path.

Every check reads what the model does (traces, tables), not what the file says it should do.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from escalade.cli import main
from escalade.engine import run_grid, simulate
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario

REACTING = ("dominance", "mirror")
ESCALATION = 13
"""A step above the large conventional war (Kahn rung 12) the crisis starts at."""


@pytest.fixture(scope="module")
def compiled():
    return compile_scenario(load_scenario("dprk-troops-2024"))


def _seen_by(compiled, side: str) -> dict[str, float]:
    """Each option's rung as ``side`` perceives it (-1 for options outside the Ukraine arena)."""
    ukraine = next(a.index for a in compiled.arenas if a.id == "ukraine")
    p = compiled.sides.index(side)
    return {
        o.id: (o.perceived[p] if o.arena == ukraine and not o.deescalate else -1.0)
        for o in compiled.options
    }


def _wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _reaction(compiled, strategy: str, mindset: str, n: int = 600):
    """Counts of (West escalated in t, Russia escalated in t+1) pairs, from the traces."""
    seen = _seen_by(compiled, "east")
    west = {a.id for a in compiled.actors if compiled.sides[a.side] == "west"}
    result = simulate(compiled, strategy=strategy, mindset=mindset, n=n, seed=7, keep_traces=n)
    pairs = {True: [0, 0], False: [0, 0]}  # west escalated -> [russia escalated next, rounds]
    for trace in result.traces:
        rounds = trace.rounds
        for now, nxt in itertools.pairwise(rounds):
            stepped = any(
                m.actor in west and m.result != "refused" and seen[m.option] >= ESCALATION
                for m in now.moves
            )
            answered = any(
                m.actor == "rus" and m.result != "refused" and seen[m.option] >= ESCALATION
                for m in nxt.moves
            )
            pairs[stepped][1] += 1
            pairs[stepped][0] += int(answered)
    return pairs


@pytest.mark.parametrize("mindset", REACTING)
@pytest.mark.parametrize("strategy", ["decisive", "graduated", "support_role"])
def test_russia_reacts_to_western_steps(compiled, strategy: str, mindset: str) -> None:
    """P(Russia escalates in t+1 | West escalated in t) > P(... | it did not), intervals apart."""
    pairs = _reaction(compiled, strategy, mindset)
    (k1, n1), (k0, n0) = pairs[True], pairs[False]
    assert n1 > 50 and n0 > 50, pairs
    low1, _ = _wilson(k1, n1)
    _, high0 = _wilson(k0, n0)
    assert low1 > high0, (strategy, mindset, pairs)


def test_the_nuclear_path_is_reachable_and_depends_on_the_red_line(compiled) -> None:
    """Under escalation dominance a decisive West can reach nuclear use; more so, a low red line."""
    result = simulate(compiled, strategy="decisive", mindset="dominance", n=4000, seed=3)
    th = result.thresholds().set_index("threshold")
    assert 0.0 < th.loc["ukraine.no_nuclear_use", "probability"] < 1.0
    restrained = simulate(compiled, strategy="indecision", mindset="dominance", n=4000, seed=3)
    assert (
        restrained.thresholds().set_index("threshold").loc["ukraine.no_nuclear_use", "ci_high"]
        < th.loc["ukraine.no_nuclear_use", "ci_low"]
    )
    low = compiled.nominal_uncertainties(rus_redline=14)
    high = compiled.nominal_uncertainties(rus_redline=16)
    p = {}
    for name, draws in (("low", low), ("high", high)):
        run = simulate(
            compiled, strategy="decisive", mindset="dominance", n=2000, seed=3, uncertainties=draws
        )
        p[name] = run.thresholds().set_index("threshold").loc["ukraine.no_nuclear_use"]
    assert p["low"]["ci_low"] > p["high"]["ci_high"], p


def test_every_constraint_acts(compiled) -> None:
    """The election, stockpiles, North Korean troops and South Korean aid each change results."""
    cells = [(s, m) for s in ("decisive", "indecision", "graduated") for m in ("mirror",)]
    results = run_grid(compiled, cells, n=2000, seed=5)
    out = {cell: r.outcomes().set_index("outcome")["mean"] for cell, r in results.items()}
    # South Korean lethal aid (decisive) brings North Korean provocations on the peninsula.
    assert (
        out[("decisive", "mirror")]["korea_spillover"]
        > out[("indecision", "mirror")]["korea_spillover"] + 0.5
    )
    # Aid drains the stockpile, and the stockpile is in the suppliers' utility.
    terms = results[("decisive", "mirror")].utility_terms()
    usa = terms[(terms["actor"] == "usa") & (terms["term"] == "west_stockpile")]
    assert len(usa) == 1 and usa["mean"].iloc[0] > 0
    assert (
        out[("decisive", "mirror")]["west_stockpile"]
        < out[("indecision", "mirror")]["west_stockpile"]
    )


def test_the_election_changes_us_aid(compiled) -> None:
    """After a `change` branch, no US aid after the inauguration; under continuity aid goes on."""
    draws = compiled.nominal_uncertainties(
        stockpile=60
    )  # stocks left for aid after the inauguration
    result = simulate(
        compiled,
        strategy="support_role",
        mindset="mirror",
        n=400,
        seed=11,
        keep_traces=400,
        uncertainties=draws,
    )
    inauguration = int(np.searchsorted(compiled.days, compiled.days[0] + 84))  # 2025-01-20
    late_aid = {"change": 0, "continuity": 0}
    runs = {"change": 0, "continuity": 0}
    for trace in result.traces:
        branch = next(
            e.split(":")[1] for r in trace.rounds for e in r.events if e.startswith("us_election:")
        )
        runs[branch] += 1
        late_aid[branch] += sum(
            m.option == "more_military_aid" and m.result != "refused"
            for r in trace.rounds[inauguration:]
            for m in r.moves
        )
    assert runs["change"] > 50 and runs["continuity"] > 50
    assert late_aid["change"] == 0
    assert late_aid["continuity"] > 0


def test_north_korean_troops_weigh_every_week(compiled) -> None:
    """More troops in Russia, a worse Ukrainian position: the troops event reads their number."""
    base = compiled.nominal_uncertainties()
    few = compiled.nominal_uncertainties(deployment_rate=0.02, deployment_size=2000)
    many = compiled.nominal_uncertainties(deployment_rate=0.15, deployment_size=10000)
    pos = {}
    for name, draws in (("few", few), ("many", many)):
        run = simulate(
            compiled,
            strategy="indecision",
            mindset="dominance",
            n=2000,
            seed=2,
            uncertainties=draws,
        )
        pos[name] = run.outcomes().set_index("outcome").loc["ukraine_position"]
    assert base.shape == few.shape
    assert pos["many"]["ci_high"] < pos["few"]["ci_low"], pos


def test_lint_strict_passes(capsys) -> None:
    assert main(["validate", "dprk-troops-2024", "--strict"]) == 0, capsys.readouterr()


def test_declaring_a_strategy_is_measured(compiled) -> None:
    """The file has a declared twin of a strategy; the opportunist reads the declared one."""
    declared = compiled.strategy("stated_restraint")
    undeclared = compiled.strategy("indecision")
    assert declared.declared and not undeclared.declared
    assert declared.policies == undeclared.policies
