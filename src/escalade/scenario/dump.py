"""Canonical YAML form of a scenario (defaults dropped, keys in schema order)."""

from __future__ import annotations

import io

from ruamel.yaml import YAML

from escalade.scenario.model import Scenario, canonical_data

__all__ = ["dump_scenario"]


def dump_scenario(scenario: Scenario) -> str:
    """Return the canonical YAML text of ``scenario``.

    Loading the result gives a scenario with the same content hash.
    """
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 100
    stream = io.StringIO()
    yaml.dump(canonical_data(scenario.spec), stream)
    return stream.getvalue()
