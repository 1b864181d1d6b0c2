"""``escalade validate PATH|NAME...``: check scenario files, report every problem."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from escalade.cli._common import counted
from escalade.errors import ScenarioError


def register(subparsers: Any) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        help="check scenario files (paths or catalog ids) and list every problem",
        description="Validate scenario files and lint them. Exit 0 if all are valid, 2 if any "
        "is invalid (with --strict, also if any has a warning).",
    )
    parser.add_argument("scenarios", nargs="+", metavar="PATH|NAME")
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings (lint) as errors: exit 2 on any"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per scenario")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate each scenario; print a summary or the problems."""
    from escalade.scenario import load_scenario

    status = 0
    for name in args.scenarios:
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            status = 2
            _print_invalid(name, exc, as_json=args.json)
            continue
        if not _print_valid(name, scenario, args):
            status = 2
    return status


def _print_invalid(name: str, exc: ScenarioError, *, as_json: bool) -> None:
    if as_json:
        issues = [_issue(i) for i in exc.issues]
        print(json.dumps({"scenario": name, "valid": False, "issues": issues}))
    else:
        print(exc.render(), file=sys.stderr)
        print(f"{name}: invalid ({counted(len(exc.errors), 'problem')})", file=sys.stderr)


def _print_valid(name: str, scenario: Any, args: argparse.Namespace) -> bool:
    """Print a loaded scenario's summary or warnings; False when ``--strict`` fails it."""
    spec = scenario.spec
    failed = bool(args.strict and scenario.warnings)
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": name,
                    "valid": not failed,
                    "id": spec.id,
                    "hash": scenario.content_hash,
                    "warnings": [_issue(i) for i in scenario.warnings],
                }
            )
        )
        return not failed
    for warning in scenario.warnings:
        print(warning.render(), file=sys.stderr)
    if failed:
        count = counted(len(scenario.warnings), "warning")
        print(f"{name}: invalid under --strict ({count})", file=sys.stderr)
        return False
    parts = (
        (spec.actors, "actor"),
        (spec.arenas, "arena"),
        (spec.options, "option"),
        (spec.events, "event"),
        (spec.uncertainties, "uncertainty", "uncertainties"),
        (spec.strategies, "strategy", "strategies"),
        (spec.mindsets, "mindset"),
    )
    sizes = ", ".join(counted(len(items), *nouns) for items, *nouns in parts)
    warnings = counted(len(scenario.warnings), "warning") if scenario.warnings else "no warnings"
    print(f"{name}: valid, {warnings} — {spec.id}: {sizes}")
    return True


def _issue(issue: Any) -> dict[str, Any]:
    return {
        "file": issue.file,
        "line": issue.line,
        "col": issue.col,
        "path": issue.path,
        "message": issue.message,
        "hint": issue.hint,
        "severity": issue.severity,
        "text": issue.render(),
    }
