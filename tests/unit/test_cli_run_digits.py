"""`escalade run`'s per-mindset table writes every utility column to three digits."""

from __future__ import annotations

import re

from rich.console import Console

import escalade
from escalade.cli.run import _print_tables


def test_the_difference_to_the_status_quo_has_three_digits_like_the_utilities() -> None:
    # the Israel–Iran trial: "2.19", "-0.522" and then "0.8997" in one column
    scenario = escalade.load_scenario("kursk-mini")
    options = escalade.RunOptions(n=300, store=None, out=None, sweep=0, workers=1)
    rs = escalade.run(scenario, options).result_set
    rs.tables["cells"]["vs_status_quo"] = [0.0, 0.8997342]  # as a run can give it
    console = Console(record=True, width=200)
    _print_tables(console, rs, None, None)
    text = console.export_text()
    table = text[text.index("Expected utility per mindset") :]
    assert re.search(r"│\s+0\.9 │", table), table
    assert "0.8997" not in table
