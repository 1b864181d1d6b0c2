"""No function body in ``src/escalade`` is over 50 lines without a reason in its docstring.

The body is counted from its first statement after the docstring to its last
line. A longer function says why in a docstring line starting with
``Long on purpose:`` (e.g. one ``add_argument`` per flag); the rule is written
in ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "escalade"
LIMIT = 50
REASON = "Long on purpose:"


def body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the function's end."""
    body = node.body
    if ast.get_docstring(node) is not None:
        body = body[1:]
    if not body:
        return 0
    end = node.end_lineno if node.end_lineno is not None else body[-1].lineno
    return end - body[0].lineno + 1


def has_reason(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    doc = ast.get_docstring(node) or ""
    return any(line.strip().startswith(REASON) for line in doc.splitlines())


def long_functions(text: str) -> list[tuple[str, int]]:
    """``(name, body lines)`` of the functions in ``text`` over the limit without a reason."""
    return [
        (node.name, body_lines(node))
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and body_lines(node) > LIMIT
        and not has_reason(node)
    ]


def test_the_checker_counts_body_lines_and_reads_the_reason() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    fits = f'def f():\n    """Doc."""\n{body}\n'
    assert long_functions(fits) == []
    assert long_functions(fits + "    return 0\n") == [("f", LIMIT + 1)]
    reason = (
        f'def f():\n    """Doc.\n\n    {REASON} one flat table.\n    """\n{body}\n    return 0\n'
    )
    assert long_functions(reason) == []


def test_no_function_is_over_the_limit_without_a_reason() -> None:
    found = [
        f"{path.relative_to(SRC)}: {name} ({lines} lines)"
        for path in sorted(SRC.rglob("*.py"))
        for name, lines in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"split these, or say why in a {REASON!r} docstring line"
