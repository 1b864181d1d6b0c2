"""Name resolution, type rules and error collection of the expression checker."""

from __future__ import annotations

import pytest

from escalade.errors import ExpressionError, Issue
from escalade.scenario.expr import Env, Type, check, names, parse

ENV = Env(
    variables=("ukraine_position", "x", "y"),
    arenas=("ukraine", "korea"),
    options=("deploy_to_kursk", "lift_strike_limits"),
    uncertainties=("strike_effect",),
)


def issues_of(text: str, env: Env = ENV) -> tuple[Issue, ...]:
    with pytest.raises(ExpressionError) as info:
        check(parse(text), env)
    return info.value.issues


def only_issue(text: str) -> Issue:
    issues = issues_of(text)
    assert len(issues) == 1, issues
    return issues[0]


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        ("1 + x * $strike_effect", Type.NUMBER),
        ("round", Type.NUMBER),
        ("date", Type.DATE),
        ("rung('ukraine')", Type.NUMBER),
        ("taken('deploy_to_kursk')", Type.BOOL),
        ("date >= 2024-11-05 and taken('deploy_to_kursk')", Type.BOOL),
        ("date - 2024-11-05", Type.NUMBER),
        ("date + 7", Type.DATE),
        ("7 + date", Type.DATE),
        ("2024-11-05 - 7", Type.DATE),
        ("true == false", Type.BOOL),
        ("true != (x > 1)", Type.BOOL),
        ("not (x > 1) or y <= 2", Type.BOOL),
        ("where(x > 0, date, 2024-01-01)", Type.DATE),
        ("where(x > 0, true, false)", Type.BOOL),
        ("where(true, 1, 2)", Type.NUMBER),
        ("min(date, 2024-12-31)", Type.DATE),
        ("max(1, x, y, 3)", Type.NUMBER),
        ("clip(x, 0, 1)", Type.NUMBER),
        ("abs(x) + sqrt(x) + exp(x) + log(x) + sin(x) + cos(x) + floor(x) + ceil(x)", Type.NUMBER),
        ("-x ** 2 % 3 / 4", Type.NUMBER),
    ],
)
def test_types_of_well_typed_expressions(text: str, type_: Type) -> None:
    assert check(parse(text), ENV) is type_


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("x and y > 0", "'and' needs true/false operands, found a number", "compare numbers"),
        ("true or 1", "'or' needs true/false operands, found a number", None),
        ("not x", "'not' needs a true/false operand, found a number", "x > 0"),
        ("-true", "'-' needs a number, found true/false", None),
        ("-date", "'-' needs a number, found a date", None),
        (
            "date >= 5",
            "'>=' compares two numbers or two dates, found a date and a number",
            "YYYY-MM-DD",
        ),
        (
            "true < false",
            "'<' compares two numbers or two dates, found two true/false values",
            "'=='",
        ),
        (
            "x == true",
            "'==' compares two numbers or two dates, found a number and true/false",
            None,
        ),
        ("date + date", "'+' cannot add two dates", "a - b"),
        ("5 - date", "'-' cannot subtract a date from a number", None),
        ("date * 2", "'*' needs numbers, found a date and a number", "date - date"),
        ("x + true", "'+' needs numbers, found a number and true/false", "where(cond, 1, 0)"),
        ("where(x, 1, 2)", "where() needs a true/false condition first, found a number", None),
        ("where(x > 1, 1, date)", "where() needs both branches of the same type", None),
        ("min(1, date)", "min() needs numbers (or all dates), found a date, a number", None),
        ("sqrt(date)", "sqrt() needs a number, found a date", None),
        ("min(1)", "min() takes at least 2 arguments, found 1", "min(a, b, ...)"),
        ("clip(x, 1)", "clip() takes 3 arguments, found 2", "clip(x, lo, hi)"),
        ("abs(x, y)", "abs() takes 1 argument, found 2", "abs(x)"),
        ("where(true, 1)", "where() takes 3 arguments, found 2", None),
        ("taken()", "taken() takes 1 argument, found 0", "taken('option')"),
        ("taken(x)", "taken() expects an option id string, found an expression", "taken('x')"),
        ("rung(1 + 2)", "rung() expects an arena id string, found an expression", "rung('arena')"),
        ("1 + 'x'", "unexpected string 'x'", "taken(), rung() and last_move()"),
        ("foo(1)", "unknown function 'foo'", "floor"),
        ("frobnicate(1)", "unknown function 'frobnicate'", "the functions are: min, max"),
        ("round(x)", "unknown function 'round'", None),
        (
            "ukraine_postion",
            "unknown variable 'ukraine_postion'",
            "did you mean 'ukraine_position'?",
        ),
        ("ukraine", "unknown variable 'ukraine'", "'ukraine' is an arena: write rung('ukraine')"),
        ("strike_effect", "unknown variable 'strike_effect'", "write $strike_effect"),
        ("deploy_to_kursk", "unknown variable 'deploy_to_kursk'", "write taken('deploy_to_kursk')"),
        ("$strike_efect", "unknown uncertainty '$strike_efect'", "did you mean '$strike_effect'?"),
        ("$x", "unknown uncertainty '$x'", "'x' is a variable"),
        (
            "taken('deploy_kursk')",
            "unknown option 'deploy_kursk'",
            "did you mean 'deploy_to_kursk'?",
        ),
        ("rung('ukrain')", "unknown arena 'ukrain'", "did you mean 'ukraine'?"),
        # Yom Kippur 1973: a name close to none got no hint at all; a short list is shown
        ("rung('suez')", "unknown arena 'suez'", "known: ukraine"),
    ],
)
def test_check_errors(text: str, message: str, hint: str | None) -> None:
    issue = only_issue(text)
    assert message in issue.message
    if hint is not None:
        assert issue.hint is not None
        assert hint in issue.hint
    assert issue.col is not None
    assert (issue.file, issue.line, issue.path) == (None, None, "")


def test_columns_point_at_the_offending_node() -> None:
    assert only_issue("1 + ukraine_postion").col == 5
    assert only_issue("x > 0 and 1").col == 7
    assert only_issue("taken('nope')").col == 7
    assert only_issue("1 + foo(2)").col == 5


def test_all_problems_are_reported_in_one_pass() -> None:
    issues = issues_of("a + b > 0 and taken('zz') and rung('qq') > $u and (1 and true)")
    messages = [issue.message for issue in issues]
    assert messages == [
        "unknown variable 'a'",
        "unknown variable 'b'",
        "unknown option 'zz'",
        "unknown arena 'qq'",
        "unknown uncertainty '$u'",
        "'and' needs true/false operands, found a number",
    ]
    cols = [issue.col for issue in issues]
    assert cols == sorted(cols)


def test_unknown_names_do_not_cascade_into_type_errors() -> None:
    # The unknown variable is still a number, so only one issue is reported.
    assert len(issues_of("nope * 2 > 1")) == 1
    # An unknown function's result type is unknown: no follow-up type error.
    assert len(issues_of("foo(1) + 2 > 1 and true")) == 1


def test_names_lists_every_reference() -> None:
    expr = parse(
        "date >= 2024-11-05 and taken('deploy_to_kursk') and rung(\"ukraine\") + x * $u > round"
    )
    assert names(expr) == {
        ("builtin", "date"),
        ("builtin", "round"),
        ("option", "deploy_to_kursk"),
        ("arena", "ukraine"),
        ("variable", "x"),
        ("uncertainty", "u"),
    }
    assert names(parse("1 + 2")) == frozenset()
    assert names(parse("taken(x)")) == {("variable", "x")}


def test_builtins_win_over_a_variable_of_the_same_name() -> None:
    assert check(parse("round"), Env()) is Type.NUMBER
    assert check(parse("date"), Env(variables=("date",))) is Type.DATE
