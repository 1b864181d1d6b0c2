"""``validate`` lists the semantic problems only once the structure is valid, as the docs say.

A new user read "every problem" in the README, then found more problems after fixing a missing
``title``; the docs now say so, and the scenario format lists the required top-level fields.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalade.errors import ScenarioError
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.model import ScenarioSpec

ROOT = Path(__file__).resolve().parents[2]


def test_a_structural_problem_hides_the_semantic_ones_until_fixed() -> None:
    text = load_scenario("kursk-mini").text
    misspelt = text.replace("ladder: kahn,", "ladder: kahnn,", 1)
    assert misspelt != text
    with pytest.raises(ScenarioError) as semantic:
        loads_scenario(misspelt, file="s.yaml")
    assert "kahnn" in str(semantic.value)
    untitled = re.sub(r"\ntitle:[^\n]*", "", misspelt, count=1)
    with pytest.raises(ScenarioError) as structural:
        loads_scenario(untitled, file="s.yaml")
    assert "missing required field 'title'" in str(structural.value)
    assert "kahnn" not in str(structural.value)  # listed once the structure is valid


def test_the_docs_say_validate_works_in_steps() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `escalade validate"))
    assert "every problem" not in row and "only once the structure is valid" in row
    fmt = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert "checked only once the structure is valid" in " ".join(fmt.split())


def test_the_scenario_format_lists_every_required_top_level_field() -> None:
    fmt = " ".join((ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8").split())
    sentence = fmt[fmt.index("Required at the top level:") :].split(". ")[0]
    required = {n for n, f in ScenarioSpec.model_fields.items() if f.is_required()}
    assert required == set(re.findall(r"`(\w+)`", sentence))
