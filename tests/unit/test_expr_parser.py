"""Lexing, parsing, precedence, printing and syntax errors of the expression language."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.errors import ExpressionError, ScenarioError
from escalade.scenario.expr import MAX_DEPTH, MAX_LENGTH, parse, to_source
from escalade.scenario.expr.ast import (
    Binary,
    Bool,
    Builtin,
    Call,
    Date,
    Not,
    Number,
    String,
    Unary,
    Uncertainty,
    Variable,
)
from escalade.scenario.expr.lexer import tokenize


def error_of(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert len(info.value.issues) == 1
    return info.value


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3.0), ("0.25", 0.25), ("1e-3", 0.001), (".5", 0.5), ("2.", 2.0), ("1E+2", 100.0)],
)
def test_number_literals(text: str, value: float) -> None:
    assert parse(text) == Number(value)


def test_literals_names_and_columns() -> None:
    assert parse("true") == Bool(True)
    assert parse("false") == Bool(False)
    assert parse("2024-11-05") == Date(dt.date(2024, 11, 5))
    assert parse("$strike_effect") == Uncertainty("strike_effect")
    assert parse("round") == Builtin("round")
    assert parse("date") == Builtin("date")
    assert parse("ukraine_position") == Variable("ukraine_position")
    expr = parse("  x +\n  $u")
    assert isinstance(expr, Binary)
    assert (expr.col, expr.left.col, expr.right.col) == (4, 2, 8)


def test_strings_in_both_quotes_with_escapes() -> None:
    assert parse("taken('a')") == Call("taken", (String("a"),))
    assert parse('rung("ukraine")') == Call("rung", (String("ukraine"),))
    assert parse(r"taken('it\'s')") == Call("taken", (String("it's"),))
    assert to_source(Call("taken", (String("it's"),))) == r"taken('it\'s')"


def test_date_token_needs_word_boundaries() -> None:
    # Not a date when glued to a name character: plain subtraction instead.
    assert parse("2024-11-05 - 1") == Binary("-", Date(dt.date(2024, 11, 5)), Number(1.0))
    assert parse("2024-1-05") == Binary("-", Binary("-", Number(2024.0), Number(1.0)), Number(5.0))
    assert [t.kind for t in tokenize("x2024-11-05")] == [
        "name",
        "op",
        "number",
        "op",
        "number",
        "end",
    ]
    error_of("2024-11-05x")


def test_impossible_date_is_an_error() -> None:
    err = error_of("date >= 2024-13-01")
    issue = err.issues[0]
    assert "invalid date '2024-13-01'" in issue.message
    assert issue.col == 9
    assert (issue.file, issue.line, issue.path) == (None, None, "")
    assert "2024-02-30" in error_of("2024-02-30").issues[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-2 ** 2", "-(2 ** 2)"),
        ("2 ** 3 ** 2", "2 ** (3 ** 2)"),
        ("2 ** -1", "2 ** (-1)"),
        ("a - b - c", "(a - b) - c"),
        ("a / b * c", "(a / b) * c"),
        ("a + b * c % d", "a + ((b * c) % d)"),
        ("-a * b", "(-a) * b"),
        ("not a and b or c", "((not a) and b) or c"),
        ("a or b and c", "a or (b and c)"),
        ("not x < 1", "not (x < 1)"),
        ("a + b < c * d", "(a + b) < (c * d)"),
        ("x == 1 and y != 2", "(x == 1) and (y != 2)"),
        ("not not a", "not (not a)"),
        ("- - a", "-(-a)"),
        ("min(a, b + 1) * 2", "(min(a, b + 1)) * 2"),
    ],
)
def test_precedence_and_associativity(text: str, expected: str) -> None:
    assert parse(text) == parse(expected)


def test_precedence_builds_the_python_tree() -> None:
    assert parse("-2**2") == Unary("-", Binary("**", Number(2.0), Number(2.0)))
    assert parse("not a == b") == Not(Binary("==", Variable("a"), Variable("b")))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("-2**2", "-2 ** 2"),
        ("(-2)**2", "(-2) ** 2"),
        ("(a**b)**c", "(a ** b) ** c"),
        ("a-(b-c)", "a - (b - c)"),
        ("(a<b)==(c<d)", "(a < b) == (c < d)"),
        ("-(not a)", "-(not a)"),
        ("(not a) == b", "(not a) == b"),
        ("-(-x)", "- -x"),
        ("0.5*1e-3+1e20", "0.5 * 0.001 + 1e+20"),
        ("1e300", "1e+300"),
        ('taken("x")', "taken('x')"),
        ("f()", "f()"),
    ],
)
def test_to_source_is_canonical_and_round_trips(text: str, canonical: str) -> None:
    expr = parse(text)
    assert to_source(expr) == canonical
    assert parse(canonical) == expr


def test_nodes_are_hashable_and_ignore_columns() -> None:
    assert hash(parse("a+b")) == hash(parse(" a + b"))
    assert parse("a+b") == parse("(a)  +  (b)")
    assert len({parse("x"), parse(" x"), parse("y")}) == 2


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("x * )", "expected a number after '*', found ')'", 5),
        ("1 +", "expected a number after '+', found the end of the expression", 4),
        ("", "expected an expression, found the end of the expression", 1),
        ("a and", "expected a condition after 'and'", 6),
        ("(1 + 2", "expected ')' to close the '(' at column 1, found the end", 7),
        ("min(1, 2", "expected ')' or ',' to continue the arguments of min()", 9),
        ("1 2", "expected an operator or the end of the expression, found '2'", 3),
        ("a)", "expected an operator or the end of the expression, found ')'", 2),
        ("a < b < c", "comparisons cannot be chained", 7),
        ("a == b != c", "comparisons cannot be chained", 8),
        ("a + not b", "'not' cannot follow '+' without parentheses", 5),
        ("and b", "expected an expression, found 'and'", 1),
        ("3x", "malformed number '3x'", 1),
        ("1.2.3", "malformed number '1.2.3'", 1),
        ("1e999", "is too large", 1),
        ("x # y", "unexpected character '#'", 3),
        ("'abc", "unterminated string", 1),
        ("$", "expected an uncertainty name after '$'", 1),
        ("Ukraine", "expected a lowercase name", 1),
    ],
)
def test_syntax_errors_say_what_was_expected_and_found(text: str, message: str, col: int) -> None:
    issue = error_of(text).issues[0]
    assert message in issue.message
    assert issue.col == col


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("a = b", "write '=='"),
        ("a && b", "write 'and'"),
        ("a || b", "write 'or'"),
        ("!a", "write 'not'"),
        ("2 ^ 3", "'**'"),
        ("a < b < c", "a < b and b < c"),
        ("Foo", "did you mean 'foo'?"),
        ("True", "did you mean 'true'?"),
        ("taken(\u2018x\u2019)", "straight quote"),
        ("a \u2212 b", "write '-'"),
        ("a \u2264 b", "write '<='"),
        ("a\u00a0+ b", "ASCII"),
    ],
)
def test_syntax_error_hints(text: str, hint: str) -> None:
    issue = error_of(text).issues[0]
    assert issue.hint is not None
    assert hint in issue.hint


def test_expression_error_is_a_scenario_error_with_rendering() -> None:
    err = error_of("x * )")
    assert isinstance(err, ScenarioError)
    assert isinstance(err, ValueError)
    assert "expected a number after '*', found ')'" in str(err)


def test_length_limit() -> None:
    parse("1" + " " * (MAX_LENGTH - 1))
    assert "too long" in error_of("1" + " " * MAX_LENGTH).issues[0].message


def test_nesting_limits_never_hit_python_recursion() -> None:
    parse("(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1))
    for text in (
        "(" * 4000 + "1" + ")" * 4000,
        "-" * 9000 + "1",
        "not " * 2000 + "true",
        "+".join(["x"] * 4000),
        "2" + " ** 2" * 1500,
        "min(" * 1000 + "1" + ", 1)" * 1000,
    ):
        issue = error_of(text).issues[0]
        assert "nested too deeply" in issue.message
        assert issue.hint is not None
    # A flat chain of n terms is n levels deep (a leaf is one level).
    flat = "+".join(["x"] * (MAX_DEPTH + 1))
    assert "nested too deeply: 65 levels" in error_of(flat).issues[0].message
    parse("+".join(["x"] * MAX_DEPTH))


def test_non_text_input_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="expected the expression as text"):
        parse(3)  # type: ignore[arg-type]
