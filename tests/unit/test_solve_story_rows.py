"""Every row of an equilibrium's story reachable: solve.html and the terminal's hint."""

from __future__ import annotations

import re

from rich.console import Console

from escalade.cli._solve import _print_story, write_report
from escalade.game.tree import Chance, Decision, Terminal, tree_game
from escalade.solvers import backward_induction


def _game():
    """Five chance branches, each a choice and an end: 1 + 5 x 3 = 16 story rows."""
    branch = {
        f"w{k}": (0.2, Decision("a", {"stay": Terminal((1.0,)), "go": Terminal((float(k),))}))
        for k in range(5)
    }
    return tree_game(Chance(branch), players=["a"])


def test_solve_html_shows_every_row_the_rest_collapsed(tmp_path) -> None:
    """With --max-rows 4, the first 4 rows are open and the other 12 in a closed <details>.

    The last branch (w4, its own row far beyond the limit) used to be left out of
    solve.html with no way to see it there.
    """
    game = _game()
    result = backward_induction.solve(game)
    html = write_report(game, result, tmp_path, max_rows=4).read_text()
    head, _, rest = html.partition("<details")
    assert rest, "the rows beyond --max-rows are in a collapsed table"
    assert "rows 5 to 16" in rest
    assert "payoffs: a 4" in rest and "payoffs: a 4" not in head  # the last branch's end


def test_terminal_says_how_to_see_the_rows_left_out() -> None:
    game = _game()
    result = backward_induction.solve(game)
    console = Console(record=True, width=200)
    _print_story(console, game, result.equilibria[0], 4)
    out = console.export_text()
    assert "12 more rows not shown (beyond --max-rows 4): --max-rows 16 shows every row" in out
    assert "solve.html" in out
    assert len(re.findall(r"^│", out, flags=re.MULTILINE)) == 4  # the table keeps to the limit


def test_one_branch_left_out_and_one_row_not_shown_are_singular(tmp_path) -> None:
    """Yom Kippur 1973: the terminal and solve.html said "1 branches left out"."""
    rare = {
        "likely": (0.995, Decision("a", {"stay": Terminal((1.0,)), "go": Terminal((2.0,))})),
        "rare": (0.005, Decision("a", {"stay": Terminal((3.0,)), "go": Terminal((1.0,))})),
    }
    game = tree_game(Chance(rare), players=["a"])
    result = backward_induction.solve(game)
    console = Console(record=True, width=200)
    _print_story(console, game, result.equilibria[0], 3)
    out = console.export_text()
    assert "1 branch left out (reached with probability below 0.01)" in out
    assert "1 more row not shown (beyond --max-rows 3)" in out
    html = write_report(game, result, tmp_path, max_rows=60).read_text()
    assert "1 branch left out" in html and "1 branches" not in html
