"""The body of ``escalade solve``, imported when the command runs (see ``cli.solve``)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from escalade.analysis.game_story import ScenarioGame
from escalade.cli._common import counted, rich_console
from escalade.errors import GameTooLargeError, UsageError
from escalade.game.convert import to_normal_form
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.gambit_io import read_game, write_game
from escalade.game.narrative import Step, narrative
from escalade.game.normal_form import NormalFormGame
from escalade.game.profiles import profile_to_dict
from escalade.solvers.registry import default_method, solver_module
from escalade.solvers.result import SolveResult

__all__ = ["MIN_REACH", "run"]

MIN_REACH = 0.01
"""Branches of the equilibrium story reached less often than this are left out."""


def _path(game: ExtensiveFormGame, result: SolveResult) -> list[str]:
    if result.path is None:
        return []
    out = []
    for node in result.path.tolist()[1:]:
        par = int(game.parent[node])
        who = "chance" if game.player[par] < 0 else game.players[int(game.player[par])]
        out.append(f"{who}: {game.action_label(node)}")
    return out


STORY_CAP = 100_000
"""Rows of an equilibrium's story told at most, whatever ``--max-rows`` (the rest are counted)."""

STORY_COLUMNS = ["branch", "round", "who", "kind", "what", "probability", "reach"]
"""The columns of an equilibrium's story (``kind``: choice, chance, fixed or end)."""

FIXED_NOTE = (
    "kind 'fixed': a move that is not a choice in the game: an actor who is not a player, "
    "following its fixed policy (or a player keeping its move between decisions)"
)


def _story(
    game: ExtensiveFormGame, profile: Any, max_rows: int, sg: ScenarioGame | None = None
) -> tuple[list[Step], int]:
    if sg is not None:  # fixed-policy moves and every actor's payoffs
        return sg.story(profile, max_rows=max_rows, min_reach=MIN_REACH)
    return narrative(game, profile, max_rows=max_rows, min_reach=MIN_REACH)


def _payoffs(
    game: ExtensiveFormGame | NormalFormGame, profile: Any, pay: Any, sg: ScenarioGame | None
) -> dict[str, float]:
    """Every actor's expected utility (players first) for a scenario, else the players' payoffs."""
    if sg is not None:
        return sg.payoffs(profile)
    return {p: float(v) for p, v in zip(game.players, pay, strict=True)}


def _json(
    game: ExtensiveFormGame | NormalFormGame,
    result: SolveResult,
    max_rows: int,
    sg: ScenarioGame | None = None,
) -> str:
    data = result.to_dict(game)
    data["diagnostics"] = dict(result.diagnostics.extra)
    if sg is not None:
        data["setup"] = _setup(sg)
        data["actor_payoffs"] = [
            _payoffs(game, prof, pay, sg)
            for prof, pay in zip(result.equilibria, result.payoffs, strict=True)
        ]
    if isinstance(game, ExtensiveFormGame):
        if result.path is not None:
            data["path"] = _path(game, result)
        stories = []
        for profile in result.equilibria:
            rows, dropped = _story(game, profile, max_rows, sg)
            stories.append({"rows": [asdict(r) for r in rows], "left_out": dropped})
        data["narrative"] = stories
    return json.dumps(data, indent=2)


def _setup(sg: ScenarioGame) -> dict[str, Any]:
    """The game's setup for ``--json``: players, fixed policies, the cell, uncertainty values."""
    return {
        "players": [r.actor for r in sg.roles if r.player],
        "fixed_policies": [
            {"actor": r.actor, "policy": r.policy, "kind": r.kind} for r in sg.roles if not r.player
        ],
        "strategy": sg.strategy,
        "mindset": sg.mindset,
        "uncertainties": sg.uncertainties,
        "drawn_at_start": sg.tracer.drawn,
        "notes": sg.notes,
    }


def _print_story(
    console: Console,
    game: ExtensiveFormGame,
    profile: Any,
    max_rows: int,
    sg: ScenarioGame | None = None,
) -> None:
    rows, dropped = _story(game, profile, STORY_CAP, sg)
    table = Table(title="Equilibrium path (branches: chance outcomes and mixed choices)")
    for column in STORY_COLUMNS:
        table.add_column(column, justify="right" if column in ("probability", "reach") else "left")
    for r in rows[:max_rows]:
        cells = (r.branch, r.round, r.who, r.kind, r.what)
        table.add_row(*cells, f"{r.probability:.3g}", f"{r.reach:.3g}")
    console.print(table)
    for line in left_out_lines(len(rows), dropped, max_rows):
        console.print(line, markup=False, highlight=False)


def degenerate_note(reason: str) -> str:
    """What support enumeration's equilibria of a degenerate game leave open, in words."""
    return (
        f"note: the game is degenerate ({reason}): support enumeration finds the equilibria "
        "whose two supports have the same size, so there may be others, and one listed may be "
        "a point of a set (a continuum) of equilibria; escalade.solvers.bimatrix.equilibria "
        "tries every pair of supports and reports such sets"
    )


def left_out_lines(told: int, dropped: int, max_rows: int) -> list[str]:
    """What the terminal's story leaves out, and how to see it.

    Parameters
    ----------
    told : int
        Rows of the whole story (at most :data:`STORY_CAP`).
    dropped : int
        Branches reached with probability below :data:`MIN_REACH` (and rows
        beyond :data:`STORY_CAP`), never told.
    max_rows : int
        Rows shown (``--max-rows``).
    """
    lines = []
    if told > max_rows:
        lines.append(
            f"{counted(told - max_rows, 'more row')} not shown (beyond --max-rows {max_rows}): "
            f"--max-rows {told} shows every row, and --out DIR writes them all to solve.html"
        )
    if dropped:
        lines.append(
            f"{counted(dropped, 'branch', 'branches')} left out "
            f"(reached with probability below {MIN_REACH:g}); "
            "--full lists every information set"
        )
    return lines


def _render(
    game: ExtensiveFormGame | NormalFormGame,
    result: SolveResult,
    args: Any,
    sg: ScenarioGame | None = None,
) -> None:
    console = rich_console()
    console.print(
        f"[bold]{game.name or 'game'}[/bold] — method {result.method}, "
        f"{len(result.equilibria)} equilibri{'um' if len(result.equilibria) == 1 else 'a'}, "
        f"max regret {result.diagnostics.max_regret:.3g}, {result.diagnostics.seconds:.3g} s"
    )
    if "exploitability" in result.diagnostics.extra:
        console.print(
            f"exploitability (OpenSpiel): {float(result.diagnostics.extra['exploitability']):.4g}"
        )
    if "degenerate" in result.diagnostics.extra:
        console.print(degenerate_note(str(result.diagnostics.extra["degenerate"])), markup=False)
    for line in sg.setup() if sg is not None else []:
        console.print(line, markup=False, highlight=False)
    story = isinstance(game, ExtensiveFormGame) and not args.full
    for k, (prof, pay) in enumerate(zip(result.equilibria, result.payoffs, strict=True), 1):
        if story:
            console.print(f"[bold]Equilibrium {k}[/bold]")
            _print_story(console, game, prof, args.max_rows, sg)  # type: ignore[arg-type]
        else:
            console.print(_mix_table(game, prof, k))
        _print_payoffs(console, game, prof, pay, sg, zero_sum=bool(args.zero_sum))
    if story and sg is not None:
        console.print(FIXED_NOTE)
        if not sg.tracer.matched:
            console.print("[yellow]warning:[/yellow] some fixed-policy moves could not be traced")
    if isinstance(game, ExtensiveFormGame) and result.path is not None and args.full:
        console.print("path: " + " → ".join(_path(game, result)))


def _mix_table(game: ExtensiveFormGame | NormalFormGame, prof: Any, k: int) -> Table:
    table = Table(title=f"Equilibrium {k}")
    table.add_column("player")
    table.add_column("action")
    table.add_column("probability", justify="right")
    for player, acts in profile_to_dict(game, prof).items():
        for action, p in acts.items():
            if p > 1e-12 or len(acts) <= 8:
                table.add_row(player, action, f"{p:.6g}")
    return table


def _print_payoffs(
    console: Console,
    game: ExtensiveFormGame | NormalFormGame,
    prof: Any,
    pay: Any,
    sg: ScenarioGame | None,
    *,
    zero_sum: bool,
) -> None:
    """``payoffs:`` every actor's (players first); a zero-sum abstraction's solved payoffs too."""
    values = _payoffs(game, prof, pay, sg)
    console.print("payoffs: " + ", ".join(f"{p} {v:.6g}" for p, v in values.items()))
    if sg is not None and zero_sum:
        text = ", ".join(f"{p} {v:.6g}" for p, v in zip(game.players, pay, strict=True))
        console.print(f"payoffs of the solved game (the zero-sum abstraction): {text}")


def _scenario(args: argparse.Namespace) -> tuple[Any, int, str | None, str | None]:
    """The compiled scenario, the seed, the strategy and the mindset.

    From the stored run when ``--run`` is given: its scenario text and seed,
    and its cell when it holds one strategy (or one mindset) and the flag is
    not given.
    """
    from escalade.results import Store
    from escalade.scenario import load_scenario, loads_scenario
    from escalade.scenario.compiled import compile_scenario

    if args.run is None:
        return compile_scenario(load_scenario(args.game)), args.seed, args.strategy, args.mindset
    with Store(args.store) as store:
        stored = store.load(args.run)
    if not stored.scenario_text:
        raise UsageError(f"--run {args.run}: the stored run has no scenario text to replay")
    scenario = loads_scenario(stored.scenario_text, file=f"run {args.run}")
    prov = stored.provenance
    if prov.seed is None:
        raise UsageError(
            f"--run {args.run}: expected the stored run to record its seed, found none "
            "(hint: pass the scenario file and --seed instead of --run)"
        )
    strategy = stored_cell(args.run, "strategy", args.strategy, list(prov.strategies))
    mindset = stored_cell(args.run, "mindset", args.mindset, list(prov.mindsets))
    return compile_scenario(scenario), prov.seed, strategy, mindset


def stored_cell(run: str, flag: str, given: str | None, stored: Any) -> str | None:
    """The ``--strategy`` (or ``--mindset``) of a stored run's trace: given, or its only one.

    ``stored`` is the run's list of strategies (mindsets), ``default`` for the
    default policies (returned as None). Raises when the flag names one the
    run does not hold, or is missing and the run holds several.
    """
    held = [str(x) for x in stored] if isinstance(stored, list) else []
    if given is not None:
        if held and given not in held:
            raise UsageError(
                f"--{flag} {given}: the stored run {run} holds {', '.join(held)}; "
                f"hint: one of those, or leave --{flag} out when the run holds one"
            )
        return given
    if len(held) > 1:
        plural = "strategies" if flag == "strategy" else f"{flag}s"
        raise UsageError(
            f"--run {run}: the stored run holds {len(held)} {plural} ({', '.join(held)}); "
            f"expected --{flag} ID to say which cell the trace belongs to"
        )
    return None if not held or held[0] == "default" else held[0]


def _load(args: argparse.Namespace) -> tuple[ExtensiveFormGame | NormalFormGame, Any]:
    """The game to solve, and for a scenario its :class:`ScenarioGame` (else None)."""
    if args.game.endswith((".efg", ".nfg")):
        return read_game(args.game), None
    from escalade.analysis.game_story import scenario_game
    from escalade.engine._game_support import private_value_notes
    from escalade.engine.game_size import estimate_game_size
    from escalade.engine.replay import state_at

    compiled, seed, strategy, mindset = _scenario(args)
    start = None
    if args.from_trace is not None:
        start = state_at(
            compiled,
            seed=seed,
            trajectory=args.from_trace,
            first_round=args.from_round,
            strategy=strategy,
            mindset=mindset,
        )
    elif args.from_round:
        raise UsageError("--from-round: expected --from-trace K too (the trajectory to start from)")
    shape = {
        "horizon": args.horizon,
        "strategy": strategy,
        "mindset": mindset,
        "players": args.players,
        "information": args.information,
        "decision_every": args.decision_every,
        "start_state": start,
        "first_round": args.from_round if start is not None else 0,
        "private": _private_mode(args),
    }
    size = estimate_game_size(compiled, budget=0.8, limit=args.node_limit, **shape)
    print(size.describe(), file=sys.stderr)
    if size.nodes > args.node_limit:
        raise GameTooLargeError(
            f"solve: the game has about {size.nodes:,.0f} nodes (estimated), more than "
            f"--node-limit {args.node_limit:,}; hint: a smaller --horizon, fewer --players, "
            "--decision-every K, a later --from-round, or a larger --node-limit"
        )
    sg = scenario_game(compiled, node_limit=args.node_limit, **shape)
    mode, values = str(shape["private"]), sg.uncertainties  # the values the game is played with
    sg.notes = private_value_notes(compiled, args.players, mode=mode, values=values)
    return sg.game, sg


def _private_mode(args: argparse.Namespace) -> str:
    """``--private``: auto is chance with one player (the exact ``single`` method), else nominal."""
    mode = str(getattr(args, "private", "auto"))
    if mode == "auto":
        return "chance" if args.players is not None and len(args.players) == 1 else "nominal"
    return mode


def run(args: argparse.Namespace) -> int:
    """Read or build the game, solve it, print the result."""
    game, sg = _load(args)
    if args.zero_sum:
        from escalade.solvers.mccfr import zero_sum_abstraction

        if not isinstance(game, ExtensiveFormGame):
            raise UsageError("--zero-sum: expected an extensive game (a scenario or an .efg file)")
        game = zero_sum_abstraction(game)
    if args.export:
        write_game(game, args.export)
    method = args.method or default_method(game)
    scenario = not args.game.endswith((".efg", ".nfg"))
    if scenario and args.method is None and method == "gambit-lcp":
        method = "enummixed"  # a simultaneous two-player scenario game: our exact method
    if isinstance(game, ExtensiveFormGame) and method == "enummixed":
        game = _normal_form(game, scenario)  # support enumeration works on the reduced form
    options: dict[str, Any] = {}
    if method == "enummixed":
        options["max_supports"] = args.max_supports
    elif method == "mccfr":
        options.update(iterations=args.iterations, seed=args.seed)
    result: SolveResult = solver_module(method).solve(game, **options)
    if args.json:
        print(_json(game, result, args.max_rows, sg))
    else:
        _render(game, result, args, sg)
    if args.out is not None:
        report = write_report(
            game, result, args.out, max_rows=args.max_rows, full=args.full, scenario=sg
        )
        print(f"report: {report}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _normal_form(game: ExtensiveFormGame, scenario: bool) -> NormalFormGame:
    """The reduced normal form, or an error whose hint names the flags that avoid it."""
    try:
        return to_normal_form(game)
    except GameTooLargeError as exc:
        if not scenario:
            raise
        message = str(exc).split("; hint:")[0]
        raise GameTooLargeError(
            f"solve: {message}; hint: --zero-sum with --method zerosum-lp or --method mccfr "
            "(the zero-sum abstraction of two players, solved without the normal form), "
            "--information perfect (the default: rounds sequentialised, solved by backward "
            "induction), or a smaller game: a smaller --horizon, fewer --players, "
            "--decision-every K"
        ) from exc


def write_report(
    game: ExtensiveFormGame | NormalFormGame,
    result: SolveResult,
    out: Path,
    *,
    max_rows: int,
    full: bool = False,
    scenario: ScenarioGame | None = None,
) -> Path:
    """Write ``out/solve.html``: each equilibrium's story (or mixes), payoffs and diagnostics.

    For a scenario's game (``scenario``): every actor's payoffs, the moves of
    the actors following fixed policies, and the game's setup (players,
    policies, strategy and mindset, uncertainty values).
    """
    import pandas as pd

    from escalade.report.html import write_html
    from escalade.report.solve_report import SolvedEquilibrium, solve_report

    found = []
    for prof, pay in zip(result.equilibria, result.payoffs, strict=True):
        payoffs = _payoffs(game, prof, pay, scenario)
        story, dropped, mixes = None, 0, None
        if isinstance(game, ExtensiveFormGame):
            rows, dropped = _story(game, prof, STORY_CAP, scenario)
            story = pd.DataFrame([asdict(r) for r in rows], columns=STORY_COLUMNS)
        if full or not isinstance(game, ExtensiveFormGame):
            mixes = pd.DataFrame(
                [
                    {"player": player, "action": action, "probability": float(p)}
                    for player, acts in profile_to_dict(game, prof).items()
                    for action, p in acts.items()
                ],
                columns=["player", "action", "probability"],
            )
        found.append(SolvedEquilibrium(payoffs, story, dropped, mixes, first=max_rows))
    summary = {
        "max regret": f"{result.diagnostics.max_regret:.3g}",
        "seconds": f"{result.diagnostics.seconds:.3g}",
        "game id": result.to_dict(game).get("game_id", ""),
    }
    if "degenerate" in result.diagnostics.extra:
        summary["degenerate"] = degenerate_note(str(result.diagnostics.extra["degenerate"]))
    document = solve_report(
        game.name or "game",
        result.method,
        found,
        summary=summary,
        min_reach=MIN_REACH,
        setup=scenario.setup() if scenario is not None else (),
    )
    out.mkdir(parents=True, exist_ok=True)
    return write_html(document, out / "solve.html")
