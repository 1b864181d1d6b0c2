"""Fuzzing hostile input (issue 18): the loader, the validator and the expression language.

Every input either loads or raises the project's own error with a location; nothing else
escapes (no traceback, no ``ValueError`` from a scalar, no ``RecursionError``). Each property
runs twice: with a small budget in the default run, and with a large one under ``-m slow``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from escalade.errors import ExpressionError, ScenarioError
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.scenario.expr import Env, compile_expr, parse
from escalade.scenario.yamlio import MAX_DEPTH, load_yaml

BASE = load_scenario("kursk-mini").text
LINES = BASE.splitlines(keepends=True)
HOSTILE = [
    "0b1100",
    "0x_",
    "0o",
    "9" * 600,
    "!!int abc",
    "!!float abc",
    "!!bool maybe",
    "!!int 1:30",
    "1:30",
    "yes",
    "1e999",
    "-.inf",
    ".nan",
    "true",
    "9999-12-01",
    "0001-01-01",
    "it's",
    "'",
    '"',
    "[" * 80,
    "{a: " * 80,
    "- " * 80,
    "&x [*x, *x]",
    "!!binary aGk=",
    "%YAML 1.1\n---\n",
    "? [a]\n: b",
    "<<: {a: 1}",
    "\ufeff",
    "\u2028",
    "\x85",
    "[/bold] :x:",
]
ENV = Env(variables=("x", "y"), arenas=("w",), options=("o",), uncertainties=("u",))
EXPR_ALPHABET = "xyuwo$()'\"+-*/%<>=!.,0123456789e_ andortakenrungwheremaxminclipdate"

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))


def twice(
    *strategies: st.SearchStrategy[Any],
) -> Callable[[Callable[..., None]], tuple[Callable[..., None], Callable[..., None]]]:
    """The property with the default-run budget, and the same under ``-m slow``."""

    def make(body: Callable[..., None]) -> tuple[Callable[..., None], Callable[..., None]]:
        fast = FAST(given(*strategies)(body))
        slow = pytest.mark.slow(SLOW(given(*strategies)(body)))
        return fast, slow

    return make


@st.composite
def hostile_mutation(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        pos = draw(st.integers(0, len(line)))
        token = draw(st.sampled_from(HOSTILE))
        cut = draw(st.integers(0, 3))
        lines[i] = line[:pos] + token + line[pos + cut :]
    return "".join(lines)


def _loads_or_located(text: str) -> None:
    try:
        scenario = loads_scenario(text, file="fuzz.yaml")
    except ScenarioError as exc:
        assert exc.issues
        assert all(issue.render().startswith("fuzz.yaml") for issue in exc.issues)
        return
    compile_scenario(scenario)
    for value in _numbers(scenario.spec.model_dump()):
        assert not math.isnan(value)


def _numbers(data: Any) -> list[float]:
    if isinstance(data, dict):
        return [v for item in data.values() for v in _numbers(item)]
    if isinstance(data, list):
        return [v for item in data for v in _numbers(item)]
    return [float(data)] if isinstance(data, float) else []


def _mutated_scenarios(text: str) -> None:
    _loads_or_located(text)


test_hostile_mutations, test_hostile_mutations_slow = twice(hostile_mutation())(_mutated_scenarios)

# Left out, as they are no case for this property: texts starting with '?' or ':', which
# ruamel's flow emitter writes unquoted ({?0: null}) and every parser, ruamel's own included,
# reads as an explicit key or refuses; NEL, LS and PS, line breaks to libyaml (YAML 1.1) but
# not to a YAML 1.2 writer; lone surrogates, which a UTF-8 file cannot hold (libyaml refuses
# their escapes with a located error).
characters = st.characters(exclude_characters="\x85\u2028\u2029", exclude_categories=("Cs", "Cc"))
texts = st.text(characters, max_size=12).filter(lambda text: not text.startswith(("?", ":")))
plain = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        texts,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)
    ),
    max_leaves=30,
)


def _random_yaml_round_trips(data: Any, flow: bool) -> None:
    dumper = YAML(typ="safe", pure=True)  # a YAML 1.2 writer, as the files are read
    dumper.default_flow_style = flow
    stream = io.StringIO()
    dumper.dump(data, stream)
    text = stream.getvalue()
    try:
        loaded = load_yaml(text, "r.yaml").data
    except ScenarioError as exc:  # only the documented refusals
        message = exc.issues[0].message
        assert "empty document" in message or "nesting" in message, message
        return
    assert loaded == data


test_random_yaml, test_random_yaml_slow = twice(plain, st.booleans())(_random_yaml_round_trips)


def _nesting_bound(depth: int, opener: str, prefix: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = f"{prefix}x: {opener * depth}{'1' if opener == '{k: ' else ''}{closer * depth}\n"
    deep = depth + 1 > MAX_DEPTH  # the top mapping is one level
    try:
        load_yaml(text, "n.yaml")
    except ScenarioError as exc:
        assert deep and "nesting at most" in exc.issues[0].message, exc.render()
        return
    assert not deep


test_nesting_bound, test_nesting_bound_slow = twice(
    st.integers(1, 3 * MAX_DEPTH),
    st.sampled_from(["[", "{k: "]),
    st.sampled_from(["title: it's deep\n", 'title: "a [b"\n', "# it's {\n", ""]),
)(_nesting_bound)


def _expressions(text: str) -> None:
    try:
        compiled = compile_expr(parse(text), ENV)
    except ExpressionError as exc:
        assert exc.issues and all(i.message for i in exc.issues)
        return
    assert compiled.type is not None


test_expressions, test_expressions_slow = twice(st.text(EXPR_ALPHABET, max_size=60))(_expressions)


def _expressions_in_scenarios(text: str) -> None:
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    _loads_or_located(BASE.replace("cost: 0.5", f'cost: "{quoted}"', 1))


test_expressions_in_scenarios, test_expressions_in_scenarios_slow = twice(
    st.text(EXPR_ALPHABET, max_size=40)
)(_expressions_in_scenarios)
