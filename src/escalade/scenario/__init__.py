"""Scenario files: parse with line numbers, validate, and compile to a frozen model.

>>> from escalade.scenario import load_scenario
>>> scenario = load_scenario("kursk-mini")
>>> scenario.id
'kursk-mini'
"""

from escalade.scenario.loader import catalog_names, load_scenario, loads_scenario
from escalade.scenario.model import Scenario

__all__ = ["Scenario", "catalog_names", "load_scenario", "loads_scenario"]
