"""No module of escalade imports another module's private name.

A name with a leading underscore is its module's own; what other modules
need is given a public name (and a docstring) first. Private *modules*
(``solvers/_common.py``) are shared within their package and may be
imported; their names follow the same rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import escalade

SRC = Path(escalade.__file__).parent


def private_imports(root: Path) -> list[str]:
    """``file: from module import _name`` for every such import under ``root``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("escalade"):
                found += [
                    f"{path.relative_to(root)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    return found


def test_no_module_imports_a_private_name() -> None:
    assert private_imports(SRC) == []


def test_the_check_finds_one(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from escalade.engine.chunk import _hidden\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from escalade.engine import chunk\n", encoding="utf-8")
    assert private_imports(tmp_path) == ["a.py: from escalade.engine.chunk import _hidden"]
