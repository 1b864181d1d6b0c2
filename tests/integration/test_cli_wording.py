"""What the command line says: help texts, counts, the cell simulated, did-you-mean hints."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from escalade.cli import build_parser, main

TAIWAN = str(Path(__file__).resolve().parents[1] / "data" / "scenarios" / "taiwan-1996.yaml")
INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"


def _commands() -> list[str]:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_help_texts_show_a_single_percent_sign(command: str, capsys) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "%%" not in out
    assert "``" not in out  # docstring markup (was in `escalade runs --help`)


def test_the_runs_help_names_every_action(capsys) -> None:
    assert main(["runs", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "list, show, export, delete, import and repair" in out


def test_simulate_without_a_cell_names_the_default_policies(capsys) -> None:
    assert main(["simulate", TAIWAN, "--n", "64"]) == 0
    out = capsys.readouterr().out
    assert "strategy=default, mindset=default" in out
    assert "default policies (each actor's own): usa rules, twn rules, jpn hold, prc rules" in out
    assert main(["simulate", TAIWAN, "--n", "64", "--strategy", "one_carrier"]) == 0
    out = capsys.readouterr().out
    assert "default policies (each actor's own): prc rules; choose with --mindset" in out
    args = ["--strategy", "one_carrier", "--mindset", "reactive"]
    assert main(["simulate", TAIWAN, "--n", "64", *args]) == 0
    assert "default policies" not in capsys.readouterr().out


def test_validate_counts_in_words(capsys) -> None:
    assert main(["validate", "kursk-mini"]) == 0
    out = capsys.readouterr().out
    assert "kursk-mini: valid, no warnings — kursk-mini: 2 actors, 1 arena," in out
    assert "1 uncertainty, 2 strategies, 1 mindset" in out
    assert main(["validate", str(INVALID / "probability-out-of-range.yaml")]) == 2
    assert "invalid (1 problem)" in capsys.readouterr().err
    assert main(["validate", str(INVALID / "duplicate-id.yaml")]) == 2
    assert "invalid (5 problems)" in capsys.readouterr().err


def test_validate_counts_the_warnings(tmp_path: Path, capsys) -> None:
    text = Path(TAIWAN).read_text(encoding="utf-8")
    # An option no policy chooses is a lint warning.
    extra = "  - {id: idle, actor: jpn, arena: diplomacy, rung: 1, source: {note: judgement}}\n"
    path = tmp_path / "warned.yaml"
    path.write_text(text.replace("events:\n", extra + "events:\n", 1), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert f"{path}: valid, 1 warning — taiwan-1996:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flag", "value", "hint"),
    [
        ("--discover", "lee_vot<0.5", "did you mean 'lee_vote'?"),
        ("--when-beats", "two_carrier:one_carrier", "did you mean 'two_carriers'?"),
        ("--when-beats", "two_carriers:one_carier", "did you mean 'one_carrier'?"),
    ],
)
def test_explore_typos_get_a_suggestion_before_the_sweep(flag, value, hint, capsys) -> None:
    assert main(["explore", TAIWAN, "--n", "4", "--no-store", flag, value]) == 2
    err = capsys.readouterr().err
    assert hint in err and "experiments" not in err
