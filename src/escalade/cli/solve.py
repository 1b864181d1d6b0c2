"""``escalade solve GAME.efg|GAME.nfg|SCENARIO``: equilibria, verified by regret.

A scenario (a ``.yaml`` file or a catalog id) is first expanded into a
game over ``--horizon`` rounds (:func:`escalade.engine.game_builder.build_game`):
perfect information by default, solved by backward induction; with
``--information scenario`` simultaneous rounds stay simultaneous and a
two-player game is solved by support enumeration on its reduced normal form.
``--private chance`` (the default with one ``--players``) draws the values a
player does not know at the root and hides them from it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from escalade.solvers.registry import METHODS

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``solve`` command (its flags in four groups, as ``--help`` lists them)."""
    parser = subparsers.add_parser(
        "solve",
        help="find equilibria of a Gambit game file (.efg/.nfg) or of a scenario's game",
        description=(
            "Solve a game and check every equilibrium by its regret. Methods: spe (backward "
            "induction), enummixed (support enumeration), zerosum-lp (sequence-form LP), "
            "gambit-lcp and gambit-logit (need the optional 'gambit' extra), mccfr (external-"
            "sampling Monte Carlo CFR through OpenSpiel, two-player zero-sum; the 'openspiel' "
            "extra)."
        ),
    )
    parser.add_argument("game", metavar="GAME.efg|GAME.nfg|SCENARIO")
    _game_arguments(parser)
    _start_arguments(parser)
    _solver_arguments(parser)
    _output_arguments(parser)
    parser.set_defaults(
        func=run, flag_names={"first_round": "--from-round", "trajectory": "--from-trace"}
    )


def _game_arguments(parser: Any) -> None:
    group = parser.add_argument_group("a scenario's game")
    group.add_argument("--horizon", type=int, default=2, help="rounds of a scenario to expand (2)")
    group.add_argument(
        "--players",
        nargs="*",
        metavar="ACTOR",
        default=None,
        help="actors who choose freely (default: all; none: expected utilities of the policies)",
    )
    group.add_argument("--strategy", metavar="ID", help="strategy the non-players follow")
    group.add_argument("--mindset", metavar="ID", help="mindset the non-players follow")
    group.add_argument(
        "--node-limit", type=int, default=200_000, help="largest tree to build (200000)"
    )
    group.add_argument(
        "--decision-every",
        type=int,
        default=1,
        metavar="K",
        help="players decide every K rounds and keep their move in between (1)",
    )
    group.add_argument(
        "--information",
        choices=("perfect", "scenario"),
        default="perfect",
        help="perfect: simultaneous rounds sequentialised in file order (default); "
        "scenario: kept simultaneous (information sets)",
    )
    group.add_argument(
        "--private",
        choices=("auto", "chance", "nominal"),
        default="auto",
        help="values a player does not know (known_to): chance: drawn at the start and hidden "
        "from it (a Bayesian game); nominal: fixed and seen by every player; auto (default): "
        "chance with one player (solved exactly), else nominal",
    )


def _start_arguments(parser: Any) -> None:
    group = parser.add_argument_group("from a simulated state")
    group.add_argument(
        "--from-round",
        type=int,
        default=0,
        metavar="T",
        help="solve from the state a simulated trajectory reaches at round T (with --from-trace)",
    )
    group.add_argument(
        "--from-trace",
        type=int,
        default=None,
        metavar="K",
        help="that trajectory: trace K of `escalade run` with --seed (or of the stored --run)",
    )
    group.add_argument("--seed", type=int, default=2024, help="seed of that run (2024)")
    group.add_argument(
        "--run", metavar="RUN_ID", default=None, help="a stored run: its scenario and seed"
    )
    group.add_argument(
        "--store", default="escalade.duckdb", help="the results store of --run (escalade.duckdb)"
    )


def _solver_arguments(parser: Any) -> None:
    group = parser.add_argument_group("solver")
    group.add_argument(
        "--zero-sum",
        action="store_true",
        help="two players: solve the zero-sum abstraction (payoffs ±half the utility difference)",
    )
    group.add_argument("--iterations", type=int, default=10_000, help="mccfr: iterations (10000)")
    group.add_argument(
        "--max-supports",
        type=int,
        default=2_000_000,
        help="enummixed: largest number of support pairs tried (2000000)",
    )
    group.add_argument(
        "--method",
        choices=sorted(METHODS),
        default=None,
        help="the solver (default: chosen from the game's type)",
    )


def _output_arguments(parser: Any) -> None:
    group = parser.add_argument_group("output")
    group.add_argument(
        "--export",
        metavar="FILE.efg|FILE.nfg",
        default=None,
        help="also write the game in Gambit's format",
    )
    group.add_argument(
        "--full",
        action="store_true",
        help="print every information set's probabilities (default: the equilibrium path as a "
        "short story, chance outcomes as branches)",
    )
    group.add_argument(
        "--max-rows", type=int, default=60, help="rows of the equilibrium story (60)"
    )
    group.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the report solve.html (each equilibrium's story) in this folder",
    )
    group.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    """Read or build the game, solve it, print the result."""
    from escalade.cli._solve import run as solve  # the game layer: NumPy, SciPy, rich

    return solve(args)
