"""The scenario format lists every rung and threshold of the built-in ladders."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "scenario-format.md"


@pytest.mark.parametrize("ladder", ["compact", "kahn"])
def test_every_built_in_rung_and_threshold_is_documented(ladder: str) -> None:
    data = json.loads(resources.files("escalade.data").joinpath(f"{ladder}.json").read_text())
    text = DOC.read_text(encoding="utf-8")
    below = {t["rung"]: f" `{t['id']}` " for t in data["thresholds"]}
    for rung in data["rungs"]:
        threshold = below.get(rung["index"], " ")
        assert f"| {rung['index']} | `{rung['id']}` | {rung['name']} |{threshold}|" in text
