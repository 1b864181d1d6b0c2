"""Fuzzing the loader: random mutations of valid files are valid or a ScenarioError."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.errors import ScenarioError
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.scenario.dump import dump_scenario

BASE = load_scenario("kursk-mini").text
LINES = BASE.splitlines(keepends=True)
TOKENS = [
    "",
    "-1",
    "1e309",
    "nan",
    ".inf",
    "[]",
    "{}",
    "null",
    "'x'",
    "\t",
    ":",
    "- ",
    "&a",
    "*a",
    "!!str",
    "!!python/name:os.system",
    "true",
    "2024-02-30",
    "$nope",
    "rung('x')",
    '"',
    "#",
    "{",
    "]",
    "é",
    "\x00",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "token", "chars", "swap"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "token":
            line = lines[i]
            pos = draw(st.integers(0, max(0, len(line) - 1)))
            lines[i] = line[:pos] + draw(st.sampled_from(TOKENS)) + line[pos + 1 :]
        elif kind == "chars":
            line = lines[i]
            pos = draw(st.integers(0, len(line)))
            lines[i] = line[:pos] + draw(st.text(max_size=5)) + line[pos:]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_are_valid_or_scenario_errors(text: str) -> None:
    try:
        scenario = loads_scenario(text, file="fuzz.yaml")
    except ScenarioError as exc:
        assert exc.issues
        for issue in exc.issues:
            assert issue.render().startswith("fuzz.yaml")
        return
    compile_scenario(scenario)  # a valid scenario always compiles
    assert loads_scenario(dump_scenario(scenario)).content_hash == scenario.content_hash


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    with contextlib.suppress(ScenarioError):
        loads_scenario(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(tmp_path_factory, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("fuzz") / "b.yaml"
    path.write_bytes(raw)
    with contextlib.suppress(ScenarioError):
        load_scenario(path)
