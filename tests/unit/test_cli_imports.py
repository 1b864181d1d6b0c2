"""The command line's front door stays light: parsing imports no numerical stack.

``escalade --help`` and every ``escalade COMMAND --help`` build the whole
parser (every command module is discovered and registered). Each runs in a
fresh interpreter here, so nothing imported by other tests hides a heavy
import; the test fails if a command module imports NumPy, SciPy, pandas,
DuckDB, Plotly, rich, pydantic or the engine at module level.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import escalade
from escalade.cli import build_parser

HEAVY = (
    "numpy",
    "scipy",
    "pandas",
    "duckdb",
    "plotly",
    "pydantic",
    "rich",
    "ruamel",
    "escalade.engine",
    "escalade.scenario",
    "escalade.results",
    "escalade.report",
    "escalade.game",
)

PROBE = """
import contextlib, io, json, sys
from escalade.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = main(sys.argv[1:])
heavy = sorted(
    name for name in sys.modules
    if any(name == h or name.startswith(h + ".") for h in json.loads(HEAVY))
)
print(json.dumps({"status": status, "help": out.getvalue(), "heavy": heavy}))
"""


def _probe(*argv: str) -> dict[str, object]:
    src = str(Path(escalade.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = PROBE.replace("json.loads(HEAVY)", f"json.loads({json.dumps(json.dumps(HEAVY))})")
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


def test_top_level_help_imports_nothing_heavy() -> None:
    result = _probe("--help")
    assert result["status"] == 0
    assert "validate" in str(result["help"]) and "run" in str(result["help"])
    assert result["heavy"] == []


@pytest.mark.parametrize("command", _commands())
def test_command_help_imports_nothing_heavy(command: str) -> None:
    result = _probe(command, "--help")
    assert result["status"] == 0
    assert f"usage: escalade {command}" in str(result["help"])
    assert result["heavy"] == []


def test_the_probe_sees_a_heavy_import() -> None:
    # The probe sees real imports: validating loads the scenario layer, and still not the engine.
    result = _probe("validate", "kursk-mini")
    assert result["status"] == 0
    assert "escalade.scenario" in result["heavy"]  # type: ignore[operator]
    assert "escalade.engine" not in result["heavy"]  # type: ignore[operator]
