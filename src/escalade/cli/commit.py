"""``escalade commit SCENARIO --side SIDE``: the value of commitment, two ways.

First the strategy meta-game (:mod:`escalade.workflows.game`): each side's
optimal mixed commitment over its strategies (Stackelberg) against its Nash
payoffs, and what the follower does. Then, when the game is small enough, the
tree-based analysis (:mod:`escalade.analysis.commitment`): each declared
strategy against the other side's subgame-perfect best response.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from escalade.cli._common import add_execution_arguments, error_text, progress_bar, rich_console

FLAG_NAMES = {"players": "--side-players"}
"""The tree's players are the side's players (``--side-players``)."""


def register(subparsers: Any) -> None:
    """Add the ``commit`` command."""
    parser = subparsers.add_parser(
        "commit",
        help="the value of commitment: Stackelberg on the strategy meta-game, and on the tree",
        description=(
            "The strategy meta-game (strategies against mindsets, simulated): per side, its Nash "
            "payoffs and its optimal mixed commitment (Stackelberg) with the follower's reply; "
            "the value of commitment is the difference (positive: declaring helps). Then, unless "
            "--no-tree or the game is estimated larger than --node-limit: for each strategy of "
            "SIDE, fix that side to it (declared) and solve the scenario's game over --horizon "
            "rounds for the other side's best response (subgame-perfect), with the side's "
            "unconstrained best play when that game fits too."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO")
    parser.add_argument(
        "--side",
        help="the side whose strategies are declared (default: the side whose strategies "
        "the scenario compares)",
    )
    parser.add_argument("--horizon", type=int, default=1, help="rounds of the game (1)")
    parser.add_argument("--node-limit", type=int, default=200_000, help="largest game (200000)")
    parser.add_argument(
        "--side-players",
        nargs="+",
        metavar="ACTOR",
        default=None,
        help="the side's actors who choose in the unconstrained game (default: all)",
    )
    add_execution_arguments(parser, default_n=1000)
    parser.add_argument(
        "--bootstrap", type=int, default=100, help="meta-game robustness resamples (100)"
    )
    parser.add_argument(
        "--no-tree", action="store_true", help="the meta-game only (no game tree is built)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run, flag_names=FLAG_NAMES)


def _meta(args: argparse.Namespace, scenario: Any) -> Any:
    from escalade.workflows.game import GameOptions, plan_game, play_game, sides_of

    if args.side not in sides_of(scenario):
        return None
    options = GameOptions(
        n=args.n,
        seed=args.seed,
        bootstrap=args.bootstrap,
        chunk_size=args.chunk_size,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    plan = plan_game(scenario, options)
    with progress_bar(total=plan.trajectories, label="simulating") as advance:
        return play_game(plan, progress=advance)


def _tree(args: argparse.Namespace, compiled: Any) -> tuple[Any, str]:
    from escalade.analysis.commitment import commitment_analysis
    from escalade.errors import GameTooLargeError, UnsupportedGameError

    if args.no_tree:
        return None, "--no-tree"
    try:
        result = commitment_analysis(
            compiled,
            args.side,
            horizon=args.horizon,
            node_limit=args.node_limit,
            side_players=args.side_players,
        )
    except (GameTooLargeError, UnsupportedGameError) as exc:
        # the game's players are the side's players; commit has no --decision-every
        note = error_text(exc, FLAG_NAMES).replace(", --decision-every K,", ",")
        return None, note
    return result, ""


def run(args: argparse.Namespace) -> int:
    """Run the analyses and print them."""
    from escalade.analysis.commitment import side_hint
    from escalade.analysis.run import focal_side
    from escalade.cli.game import clean
    from escalade.errors import UsageError
    from escalade.scenario import load_scenario
    from escalade.scenario.compiled import compile_scenario

    scenario = load_scenario(args.scenario)
    compiled = compile_scenario(scenario)
    args.side = args.side or focal_side(scenario)
    if args.side not in compiled.sides:
        raise UsageError(
            f"--side: expected one of {', '.join(compiled.sides)}, found {args.side!r}"
            + side_hint(compiled, args.side).replace("`side`", "--side")
        )
    meta = _meta(args, scenario)
    result, tree_note = _tree(args, compiled)
    notes = _private_notes(compiled) if result is not None else []
    if args.json:
        out: dict[str, Any] = {"side": args.side, "horizon": args.horizon, "notes": notes}
        if meta is not None:
            out["meta_game"] = clean(meta.to_dict()["sides"])
        if result is not None:
            out["strategies"] = [
                {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
                for row in result.table.to_dict(orient="records")
            ]
            out["unconstrained"] = result.unconstrained
            out["unconstrained_note"] = _unconstrained_note(result)
        else:
            out["tree_note"] = tree_note
        print(json.dumps(out, indent=2))
        return 0
    console = rich_console()
    if meta is not None:
        _print_meta(console, meta)
    if result is None:
        console.print(f"tree-based commitment: not computed ({tree_note})")
        return 0
    _print_tree(console, result)
    for note in notes:
        console.print(f"note: {note}", markup=False)
    return 0


def _private_notes(compiled: Any) -> list[str]:
    """The private values the commitment trees show their players (:mod:`_game_support`)."""
    from escalade.engine._game_support import private_value_notes

    actors = [a.id for a in compiled.actors if compiled.sides[a.side] != "neutral"]
    return private_value_notes(compiled, actors)


def _print_meta(console: Any, meta: Any) -> None:
    from escalade.cli.game import print_commitment

    g = meta.game
    console.print(
        f"[bold]Strategy meta-game[/bold] ({g.row_side} strategies x {g.col_side} mindsets, "
        f"N = {g.n} per cell)"
    )
    for e in meta.nash:
        plays = "; ".join(
            f"{side} plays "
            + ", ".join(f"{s} {p:.3g}" if p < 1 - 1e-9 else s for s, p in mix.items())
            for side, mix in e["profile"].items()
        )
        pays = ", ".join(f"{side} {v:.4g}" for side, v in e["payoffs"].items())
        console.print(f"Nash: {plays} -> {pays}")
    if meta.note:
        console.print(f"[yellow]note:[/yellow] {meta.note}")
    print_commitment(console, meta)


def _print_tree(console: Any, result: Any) -> None:
    from escalade.report.text import dataframe_table

    table = result.table
    shown = [
        c
        for c in table.columns
        if c in ("strategy", "declared", "gain_from_knowing", "unplanned", "nodes")
        or (c.startswith("value_") and c != "value_neutral")
    ]
    # Every strategy is declared here (the other sides best-respond to it); the file's own
    # `declared` flag, what `run` lets a best_response mindset see, is named as such.
    console.print(
        dataframe_table(
            table[shown].rename(columns={"declared": "declared_in_file"}),
            title=f"Each strategy of {result.side} declared, against the other sides' best "
            f"response (horizon {result.horizon})",
            formats={c: ".4g" for c in shown if c.startswith(("value_", "gain", "unplanned"))},
        )
    )
    console.print(
        "declared_in_file: the strategy's `declared` in the scenario (what a best_response "
        "mindset sees in `escalade run`); here every strategy is announced"
    )
    console.print(
        "Most likely path of play per strategy (at every chance node its likeliest outcome; "
        "'fixed': a move by a fixed policy, the declared strategy's; holds left out):"
    )
    for row in table.to_dict(orient="records"):
        console.print(
            f"{row['strategy']} (path probability {row['likely_path_probability']:.3g}): "
            + path_text(row["likely_path"]),
            highlight=False,
        )
    if result.unconstrained is not None:
        values = ", ".join(f"{k} {v:.4g}" for k, v in result.unconstrained.items())
        who = "both sides" if len(result.unconstrained) == 2 else "every side"
        console.print(f"unconstrained best play ({who} choosing): {values}")
        console.print(
            "gain_from_knowing: the other side's value best-responding to the declared strategy "
            "minus its value playing its unconstrained-equilibrium plan against it"
        )
        if (table["unplanned"] > 0.05).any():
            console.print(
                "[yellow]warning:[/yellow] where 'unplanned' is large, play reaches states the "
                "unconstrained game does not contain (the other side holds there): that "
                "gain_from_knowing is unreliable; make the side's actors that the strategy "
                "moves --side-players"
            )
    else:
        console.print(f"unconstrained best play: not computed ({_unconstrained_note(result)})")


def _unconstrained_note(result: Any) -> str:
    """Why the unconstrained game was not solved, naming the command's flags."""
    error = result.unconstrained_error
    return error_text(error, FLAG_NAMES) if error else str(result.unconstrained_note)


def path_text(steps: list[dict[str, Any]]) -> str:
    """A path as ``r0 chn: extend_road; r0 chance: landslide: no (0.87); ...`` (no holds)."""
    parts = []
    for step in steps:
        if step.get("kind") == "fixed":
            parts.append(f"r{step['round']} {step['who']}: {step['what']} (fixed)")
        elif step["who"] == "chance":
            parts.append(f"r{step['round']} chance: {step['what']} ({step['probability']:.3g})")
        elif step["what"] != "hold":
            parts.append(f"r{step['round']} {step['who']}: {step['what']}")
    return "; ".join(parts) or "no moves"
