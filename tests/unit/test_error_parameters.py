"""Library errors name parameters; only the command line turns them into ``--flags``.

The dashboard and library callers see the Python names (``chunk_size``); the
command line shows its own flags (``--chunk-size``, ``--traces`` for
``keep_traces``), through :meth:`EscaladeError.render_parameters`.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

from escalade.analysis.commitment import commitment_analysis
from escalade.analysis.explore import parse_condition
from escalade.cli import main
from escalade.cli._common import error_text, flag
from escalade.engine import run_grid
from escalade.engine.memory import parse_size
from escalade.engine.replay import state_at
from escalade.errors import EscaladeError, ScenarioError, UsageError
from escalade.explore.parameters import parse_vary
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers.registry import solver_module

SRC = Path(__file__).resolve().parents[2] / "src" / "escalade"
FLAG = re.compile(r"(?<![\w-])--[a-z]")


@pytest.fixture(scope="module")
def kursk():
    return compile_scenario(load_scenario("kursk-mini"))


def test_render_parameters_rewrites_the_lead_and_backticked_names() -> None:
    exc = UsageError(
        "chunk_size 3: too big (hint: lower `chunk_size` or `workers`)", parameter="chunk_size"
    )
    assert (
        exc.render_parameters(flag)
        == "--chunk-size 3: too big (hint: lower --chunk-size or --workers)"
    )
    assert error_text(exc, {"workers": "--jobs"}).endswith("or --jobs)")
    # a name that merely starts like the parameter, and errors without one, stay as they are
    assert UsageError("n_max: x", parameter="n").render_parameters(flag) == "n_max: x"
    assert UsageError("`n`: x").render_parameters(flag) == "`n`: x"
    issues = ScenarioError("expected `x` > 0")
    assert issues.render_parameters(flag) == str(issues)


def test_the_parameter_survives_pickling() -> None:
    """Errors raised in worker processes keep their parameter."""
    exc = pickle.loads(pickle.dumps(UsageError("n: expected 1", parameter="n")))
    assert exc.parameter == "n" and str(exc) == "n: expected 1"


def _library_raises() -> list[str]:
    """String literals inside ``raise`` statements of the library (not ``cli/``)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "cli" in path.relative_to(SRC).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                for part in ast.walk(node.exc):
                    text = part.value if isinstance(part, ast.Constant) else None
                    if isinstance(text, str) and FLAG.search(text):
                        found.append(f"{path.relative_to(SRC)}:{part.lineno}: {text}")
    return found


def test_no_library_error_names_a_flag() -> None:
    assert _library_raises() == []


@pytest.mark.parametrize(
    ("call", "parameter", "start"),
    [
        (lambda _: solver_module("nope"), "method", "method: expected one of"),
        (lambda _: parse_size("lots"), "memory", "memory: expected a size"),
        (lambda _: parse_vary("p"), "vary", "vary 'p': expected NAME=LOW:HIGH"),
        (lambda _: parse_condition("p"), "discover", "discover 'p': expected OUTCOME<VALUE"),
        (lambda c: commitment_analysis(c, "north"), "side", "side: expected one of"),
        (lambda c: c.strategy("graduate"), "strategy", "strategy: expected one of graduated"),
        (lambda c: c.mindset("opportunis"), "mindset", "mindset: expected one of opportunist"),
        (
            lambda c: commitment_analysis(c, "west", side_players=["rus"]),
            "side_players",
            "side_players: expected actors of side west",
        ),
        (
            lambda c: state_at(c, seed=1, trajectory=0, first_round=99),
            "first_round",
            "first_round: expected a round from 0 to",
        ),
        (
            lambda c: run_grid(c, [(None, None)], n=100_000, seed=1, memory=2**20),
            "chunk_size",
            "chunk_size 20,480 trajectories x 1 process(es) at once: needs about",
        ),
        (
            lambda c: run_grid(
                c, [(None, None)], n=200_000, seed=1, keep_traces=200_000, memory=100 * 2**20
            ),
            "keep_traces",
            "keep_traces 200,000 full traces",
        ),
    ],
)
def test_the_library_names_the_parameter(kursk, call, parameter: str, start: str) -> None:
    with pytest.raises(EscaladeError) as info:
        call(kursk)
    assert info.value.parameter == parameter
    assert str(info.value).startswith(start) and not FLAG.search(str(info.value))


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["simulate", "kursk-mini", "--memory", "lots"], "--memory: expected a size"),
        (
            ["simulate", "kursk-mini", "--n", "200000", "--traces", "200000", "--memory", "100M"],
            "--traces 200,000 full traces",
        ),
        (
            ["simulate", "kursk-mini", "--n", "100000", "--memory", "1M"],
            "(hint: lower --chunk-size (the numbers do not change with it) or --workers, or "
            "raise --memory",
        ),
        (
            ["solve", "kursk-mini", "--from-trace", "0", "--from-round", "99"],
            "--from-round: expected a round from 0 to",
        ),
        (["commit", "kursk-mini", "--side", "north"], "--side: expected one of west, east"),
        (
            ["explain", "kursk-mini", "--a", "graduated", "--b", "graduated"],
            "--b: expected a strategy other than --a, found 'graduated' twice",
        ),
        (
            ["simulate", "kursk-mini", "--strategy", "graduate"],
            "--strategy: expected one of graduated, deescalate, found 'graduate'; "
            "hint: did you mean 'graduated'?",
        ),
        (  # Berlin 1961 trial: a strategy's id given as the mindset had no hint
            ["simulate", "kursk-mini", "--mindset", "graduated"],
            "--mindset: expected one of opportunist, found 'graduated'; "
            "hint: 'graduated' is a strategy (of side west), not a mindset",
        ),
        (
            ["game", "kursk-mini", "--strategies", "opportunist"],
            "--strategies: expected ids among graduated, deescalate, found opportunist; "
            "hint: 'opportunist' is a mindset, not a strategy",
        ),
        (
            ["run", "kursk-mini", "--mindsets", "opportunis", "--no-store"],
            "--mindsets: expected ids among opportunist, found opportunis; "
            "hint: did you mean 'opportunist'?",
        ),
        (["explore", "kursk-mini", "--vary", "p"], "--vary 'p': expected NAME=LOW:HIGH"),
        (
            ["explore", "kursk-mini", "--n", "10", "--replications", "1000000000", "--no-store"],
            "--n 10 x 1 design row(s) per point x --replications 1,000,000,000",
        ),
        (["explore", "kursk-mini", "--outcome", "nope", "--no-store"], "--outcome: expected one"),
        (["run", "kursk-mini", "--sweep-trajectories", "0"], "--sweep-trajectories: expected"),
    ],
)
def test_the_command_line_shows_the_flag(argv: list[str], shown: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert shown in err and "`" not in err.split("error:", 1)[-1]
