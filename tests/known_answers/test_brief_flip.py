"""Known answers for the brief, on a scenario built so that the answer is known exactly.

tests/data/scenarios/flip-at-0.6.yaml: each round, strategy ``act`` adds ``u - 0.6`` to the
score the west side values and ``hold`` adds nothing, so ``act`` beats ``hold`` exactly when
``u > 0.6`` (u uniform on [0, 1]; ``noise`` changes nothing). With u drawn from its range,
E[u - 0.6] = -0.1 < 0, so the run's headline is ``hold``; PRIM on "hold is not best" must find
the box u > 0.6, the one-at-a-time sweep must flip at u's high end and not for ``noise``,
``act`` must be best in about 40% of the draws, and the explain table's terms must add up to the
total difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.report.brief import brief_text
from escalade.workflows.run import RunOptions, run_scenario

SCENARIO = Path(__file__).parents[1] / "data" / "scenarios" / "flip-at-0.6.yaml"


@pytest.fixture(scope="module")
def outcome():
    options = RunOptions(n=400, seed=11, store=None, out=None, workers=1, sweep=200)
    return run_scenario(SCENARIO, options)


def test_headline_is_hold_and_act_wins_in_forty_percent(outcome) -> None:
    tables = outcome.result_set.tables
    assert tables["comparison"]["strategy"].iloc[0] == "hold"
    shares = tables["robustness"].set_index("strategy")["share_best"]
    assert shares["act"] == pytest.approx(0.4, abs=0.06)
    assert shares.sum() == pytest.approx(1.0)


def test_prim_names_u_and_its_threshold(outcome) -> None:
    box = outcome.result_set.tables["flip_box"].set_index("parameter")
    assert "u" in box.index
    assert box.loc["u", "low"] == pytest.approx(0.6, abs=0.05)
    assert box.loc["u", "density"] >= 0.9
    text = brief_text(outcome.result_set)
    assert "u in [0.6" in text or "u in [0.5" in text, text


def test_one_at_a_time_flips_only_at_high_u(outcome) -> None:
    oat = outcome.result_set.tables["oat"]
    # One row per uncertainty and end of its range, every advantage computed.
    assert sorted(zip(oat["parameter"], oat["level"], strict=True)) == [
        ("noise", "high"),
        ("noise", "low"),
        ("u", "high"),
        ("u", "low"),
    ]
    assert oat["advantage"].notna().all()
    base = float(oat["base"].iloc[0])
    assert base > 0  # hold ahead of act at the nominal u = 0.5
    flipped = oat[(oat["advantage"] < 0)]
    assert list(zip(flipped["parameter"], flipped["level"], strict=True)) == [("u", "high")]


def test_explain_terms_add_up_to_the_total(outcome) -> None:
    tables = outcome.result_set.tables
    total = float(tables["explain_total"]["difference"].iloc[0])
    by_term = float(tables["explain_by_term"]["difference"].sum())
    by_actor = float(tables["explain_by_actor"]["difference"].sum())
    assert by_term == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert by_actor == pytest.approx(total, rel=1e-9, abs=1e-9)
    # hold - act = -(4 rounds of discounted (u - 0.6)) with E[u] = 0.5: positive.
    assert total > 0
    assert tables["explain_by_term"]["term"].iloc[0] == "score"


def test_prim_names_the_categories_of_a_choice(tmp_path) -> None:
    """With u a choice of 0.2, 0.5 or 0.8, ``act`` wins exactly when u is 0.8."""
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "{id: u, dist: uniform, low: 0.0, high: 1.0,",
        "{id: u, dist: choice, values: [0.2, 0.5, 0.8],",
    )
    path = tmp_path / "flip-choice.yaml"
    path.write_text(text, encoding="utf-8")
    options = RunOptions(n=400, seed=11, store=None, out=None, workers=1, sweep=150)
    result = run_scenario(path, options).result_set
    box = result.tables["flip_box"].set_index("parameter")
    assert box.loc["u", "values"] == "0.8"
    assert box.loc["u", "density"] >= 0.9
    assert "u is 0.8 (of 0.2 to 0.8)" in " ".join(brief_text(result).split())


def test_cart_says_when_act_beats_hold(tmp_path) -> None:
    """`explore --when-beats hold:act`: CART finds u above 0.6, (almost) only wins inside."""
    from escalade.workflows.explore import ExploreOptions, explore_scenario  # noqa: PLC0415

    options = ExploreOptions(
        n=200, trajectories=4, store=None, out=tmp_path, when_beats=("hold", "act")
    )
    outcome = explore_scenario(SCENARIO, options)
    box = outcome.summary["when_beats"]["boxes"][0]
    low, high = box["limits"]["u"]
    assert low == pytest.approx(0.6, abs=0.05) and high <= 1.0
    assert box["density"] >= 0.95 and box["coverage"] >= 0.9
    assert "When does one strategy beat another" in (tmp_path / "explore.html").read_text("utf-8")
