"""Ids joined by a comma where a list was expected: every multi-id option hints at spaces.

A new user typed ``--strategies private_deadline,restraint`` and got only "expected ids
among ..., found private_deadline,restraint".
"""

from __future__ import annotations

import pytest

from escalade.cli import main
from escalade.errors import separate_ids_hint


def test_the_hint_splits_comma_joined_valid_ids() -> None:
    known = ["a", "b", "c"]
    assert separate_ids_hint("strategies", ["a,b", "c"], known) == (
        "; hint: separate ids with spaces: `strategies` a b c"
    )
    assert separate_ids_hint("strategies", ["a, b"], known).endswith("`strategies` a b")
    assert separate_ids_hint("strategies", ["a,x"], known) == ""  # x is not an id
    assert separate_ids_hint("strategies", ["x"], known) == ""  # no comma


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (["explore", "kursk-mini", "--strategies", "graduated,deescalate", "--no-store"],
         "--strategies graduated deescalate"),
        (["explore", "kursk-mini", "--mindsets", "opportunist,opportunist", "--no-store"],
         "--mindsets opportunist opportunist"),
        (["run", "kursk-mini", "--strategies", "graduated,deescalate", "--no-store"],
         "--strategies graduated deescalate"),
        (["run", "kursk-mini", "--mindsets", "opportunist,opportunist", "--no-store"],
         "--mindsets opportunist opportunist"),
        (["solve", "kursk-mini", "--players", "usa,rus"], "--players usa rus"),
    ],
)  # fmt: skip
def test_every_multi_id_option_hints_at_spaces(args: list[str], fix: str, capsys) -> None:
    assert main(args) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"hint: separate ids with spaces: {fix}" in err, err
    # Falklands trial: "--strategies decisive,graduated" also got "hint: did you mean
    # 'graduated'?", a second hint pointing at one of the two ids
    assert err.count("hint:") == 1, err
