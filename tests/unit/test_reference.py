"""Built-in reference data: ladders and event scales (REFERENCE.md section 2)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from escalade.errors import ScenarioError
from escalade.scenario.reference import (
    builtin_ladder,
    builtin_ladder_names,
    cameo_codes,
    mid_actions,
    plover_types,
)


@pytest.mark.parametrize("name", builtin_ladder_names())
def test_ladder_rungs_strictly_increase_and_ids_unique(name: str) -> None:
    ladder = builtin_ladder(name)
    indices = [r.index for r in ladder.rungs]
    assert indices == sorted(set(indices))
    assert indices[0] == 0
    assert indices == list(range(len(indices)))
    ids = [r.id for r in ladder.rungs]
    assert len(set(ids)) == len(ids)
    assert all(i.replace("_", "").isalnum() and i == i.lower() for i in ids)
    rungs = [t.rung for t in ladder.thresholds]
    assert rungs == sorted(set(rungs))
    assert all(0 < r <= indices[-1] for r in rungs)
    assert ladder.citation
    assert "no_nuclear_use" in {t.id for t in ladder.thresholds}


def test_kahn_has_44_rungs_above_rung_0_in_7_groups() -> None:
    kahn = builtin_ladder("kahn")
    assert len(kahn.rungs) == 45
    assert kahn.rungs[0].id == "disagreement_cold_war"
    assert kahn.rungs[0].name == "Disagreement—Cold War"
    assert kahn.rungs[0].group is None
    assert {r.group for r in kahn.rungs[1:]} == set(range(1, 8))
    assert kahn.group_name(1) == "Subcrisis Maneuvering"
    assert kahn.group_name(7) == "Civilian Central Wars"
    assert "Kahn" in kahn.citation
    assert "R-3235" in kahn.citation
    assert "p. 39" in kahn.citation


@pytest.mark.parametrize(
    ("index", "slug", "name", "group"),
    [
        (1, "ostensible_crisis", "Ostensible crisis", 1),
        (4, "hardening_of_positions", "Hardening of positions—confrontation of wills", 2),
        (7, "legal_harassment", '"Legal" harassment—retortions', 2),
        (12, "large_conventional_war", "Large conventional war (or actions)", 3),
        (17, "limited_evacuation", "Limited evacuation (~20%)", 3),
        (21, "local_nuclear_war_exemplary", "Local nuclear war—exemplary", 4),
        (26, "demonstration_attack_on_interior", "Demonstration attack on zone of interior", 5),
        (33, "slow_motion_counterproperty_war", 'Slow-motion counter-"property" war', 6),
        (39, "slow_motion_countercity_war", "Slow-motion countercity war", 7),
        (44, "spasm_war", "Spasm or insensate war", 7),
    ],
)
def test_kahn_rung_names_match_reference(index: int, slug: str, name: str, group: int) -> None:
    rung = builtin_ladder("kahn").rung(index)
    assert (rung.id, rung.name, rung.group) == (slug, name, group)
    assert builtin_ladder("kahn").rung(slug).index == index


def test_kahn_thresholds_at_first_rung_above() -> None:
    kahn = builtin_ladder("kahn")
    got = {t.id: t.rung for t in kahn.thresholds}
    assert got == {
        "dont_rock_the_boat": 4,
        "nuclear_war_is_unthinkable": 10,
        "no_nuclear_use": 21,
        "central_sanctuary": 26,
        "central_war": 32,
        "city_targeting": 39,
    }
    assert kahn.threshold("no_nuclear_use").name == "No Nuclear Use Threshold"
    # each threshold separates two groups: the rung at it opens a new group
    for t in kahn.thresholds:
        assert kahn.rung(t.rung).group == kahn.rung(t.rung - 1).group + 1  # type: ignore[operator]


def test_compact_ladder_spans_conventional_to_strategic_nuclear() -> None:
    compact = builtin_ladder("compact")
    assert 11 <= len(compact.rungs) <= 14
    assert compact.rungs[0].id == "peacetime_competition"
    assert compact.rungs[-1].id == "strategic_nuclear_exchange"
    ids = {t.id for t in compact.thresholds}
    assert {"armed_conflict", "no_nuclear_use", "central_war"} <= ids
    assert compact.rung(compact.threshold("no_nuclear_use").rung).id == "tactical_nuclear_use"


def test_unknown_ladder_gives_did_you_mean() -> None:
    with pytest.raises(ScenarioError) as info:
        builtin_ladder("khan")
    assert "did you mean 'kahn'?" in str(info.value)
    with pytest.raises(ScenarioError, match="built-in ladders: kahn, compact"):
        builtin_ladder("zzzzzz")


def test_cameo_roots_and_goldstein() -> None:
    codes = cameo_codes()
    roots = [c for c in codes if len(c) == 2]
    assert roots == [f"{i:02d}" for i in range(1, 21)]
    assert codes["14"].goldstein == -6.5
    assert codes["15"].label == "Exhibit force posture"
    assert codes["01"].quad_class == 1
    assert codes["09"].quad_class == 2
    assert codes["10"].quad_class == 3
    assert codes["20"].quad_class == 4
    assert all(-10.0 <= c.goldstein <= 10.0 for c in codes.values())


@pytest.mark.parametrize(
    ("code", "goldstein"),
    # every code of REFERENCE.md section 2.6 and the listed sub-codes of 2.2
    [
        ("062", 7.4),
        ("190", -10.0),
        ("072", 8.3),
        ("195", -10.0),
        ("163", -8.0),
        ("1711", -9.2),
        ("071", 7.4),
        ("074", 8.5),
        ("0874", 10.0),
        ("1385", -7.0),
        ("139", -7.0),
        ("152", -7.2),
        ("154", -7.2),
        ("2042", -10.0),
    ],
)
def test_cameo_codes_used_in_reference(code: str, goldstein: float) -> None:
    assert cameo_codes()[code].goldstein == goldstein
    assert cameo_codes()[code].quad_class == cameo_codes()[code[:2]].quad_class


def test_plover_types_and_attribution() -> None:
    types = plover_types()
    assert len(types) == 16
    assert types["AID"].score == 10.0
    assert types["SANCTION"].score == -6.0
    assert types["ASSAULT"].quad_class == 4
    assert types["AGREE"].quad_class == 1
    raw = json.loads(resources.files("escalade").joinpath("data", "plover.json").read_text("utf-8"))
    assert "CC BY-SA 4.0" in raw["license"]
    assert "Open Event Data Alliance" in raw["attribution"]


def test_mid_actions_hostility_levels() -> None:
    actions = mid_actions()
    assert sorted(actions) == list(range(22))
    assert actions[9].name == "Nuclear alert"
    assert actions[9].hostility == 3
    assert actions[21].hostility == 5
    levels = [actions[i].hostility for i in range(22)]
    assert levels == sorted(levels)


def test_data_readme_cites_every_file() -> None:
    data = resources.files("escalade").joinpath("data")
    readme = data.joinpath("README.md").read_text("utf-8")
    for entry in data.iterdir():
        if entry.name.endswith(".json"):
            assert entry.name in readme
