"""The examples in docs/expressions.md and in the expression modules' docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from escalade.scenario.expr import FUNCTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "expressions.md"
MODULES = [
    "escalade.scenario.expr",
    "escalade.scenario.expr.check",
    "escalade.scenario.expr.compile",
    "escalade.scenario.expr.interpret",
    "escalade.scenario.expr.parser",
]


def test_expressions_doc_examples_run() -> None:
    result = doctest.testfile(str(DOCS), module_relative=False, verbose=False, report=True)
    assert result.attempted >= 10
    assert result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), verbose=False, report=True)
    assert result.attempted >= 1
    assert result.failed == 0


def test_every_function_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in FUNCTIONS:
        assert f"`{name}(" in text, name
