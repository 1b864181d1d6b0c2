"""``escalade verify SCENARIO``: check quotes against sources; list unsourced assumptions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalade.cli._common import rich_console

if TYPE_CHECKING:  # imported by run(), not when the parser is built
    from escalade.evidence.verify import VerifyReport

_STYLE = {"found": "green", "not_found": "red", "no_text": "yellow", "unknown_source": "red"}


def register(subparsers: Any) -> None:
    """Add the ``verify`` command."""
    parser = subparsers.add_parser(
        "verify",
        help="check every quote against its source; list unsourced assumptions",
        description=(
            "Check every quote of a scenario against the text of its source (normalised for "
            "typography, fuzzy for small differences) and print the provenance table with "
            "counts per kind: quoted (the quote contains the number, or its 'covers' list names "
            "it), sourced, uncertainty, judgement, structural (rungs, 0/1 switches, cool-downs, "
            "...) and unsourced. Exit 1 if a quote is not found; under --strict also if a "
            "number is unsourced or a source text cannot be read."
        ),
    )
    parser.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a scenario file or catalog id, or an observed timeline (escalade replay)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on any unsourced number")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--sources",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder holding source text files (repeatable; also ESCALADE_SOURCES)",
    )
    parser.add_argument("--threshold", type=float, default=90.0, help="fuzzy score needed (0-100)")
    parser.add_argument(
        "--all", action="store_true", help="print every assumption, not only unsourced"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify and print; return 1 when the check fails."""
    from escalade.evidence.verify import verify
    from escalade.scenario import load_scenario

    if _is_observed(args.scenario):
        report = _verify_observed(Path(args.scenario), args.sources, args.threshold)
    else:
        report = verify(
            load_scenario(args.scenario), source_dirs=args.sources, threshold=args.threshold
        )
    ok = report.passed(strict=args.strict)
    if args.json:
        print(json.dumps({**report.to_dict(), "passed": ok, "strict": args.strict}, indent=2))
    else:
        _print(report, show_all=args.all)
        verdict = "passed" if ok else "FAILED"
        why = "" if ok else _why(report, strict=args.strict)
        print(f"verify {verdict}{' (strict)' if args.strict else ''}: {report.scenario}{why}")
    return 0 if ok else 1


def _why(report: VerifyReport, *, strict: bool) -> str:
    """What failed, counted, with what to do: the verdict line alone named nothing."""
    statuses = [q.status for q in report.quotes]
    # (count, noun, what, what to do): the hint names the fix of each failure found only
    counts = [
        (
            statuses.count("not_found"),
            "quote",
            "not found in its text",
            "write each quote not found in its source's own words (its row's 'found at' is "
            "the closest passage, with its score)",
        ),
        (
            statuses.count("unknown_source"),
            "quote",
            "citing an unknown source",
            "cite a source id listed under 'sources'",
        ),
    ]
    if strict:
        unread = sum(s not in {"found", "not_found", "unknown_source"} for s in statuses)
        counts += [
            (
                unread,
                "quote",
                "whose source text could not be read",
                "give each source a 'file' with its text (or --sources DIR)",
            ),
            (
                len(report.unsourced),
                "unsourced number",
                "",
                "give each unsourced number a quote that contains it, a 'note' (a judgement) "
                "or an uncertainty",
            ),
        ]
    failed = [c for c in counts if c[0]]
    found = [
        f"{n} {noun}{'' if n == 1 else 's'}{' ' + what if what else ''}"
        for n, noun, what, _ in failed
    ]
    hint = "; ".join(fix for *_, fix in failed)
    return f": {', '.join(found)}; hint: {hint}" if found else ""


def _print_quotes(console: Any, report: VerifyReport) -> None:
    """The quotes table, or one line when no source carries a quote."""
    from rich.table import Table
    from rich.text import Text

    if not report.quotes:  # an empty table of five headers said the same less clearly
        print(f"quotes in {report.scenario}: none (no source carries a quote)")
        return
    quotes = Table(title=Text(f"Quotes in {report.scenario}"), show_lines=False)
    # A quote whose source has no text says so once, under the table, not on every row; with
    # no text at all there is nothing to locate, and the column goes.
    located = any(q.status != "no_text" for q in report.quotes)
    columns = ("status", "score", "field (line)", "source", "quote", "found at")
    for column in columns if located else columns[:-1]:
        quotes.add_column(column)
    for q in report.quotes:
        cells = [
            Text(q.status, style=_STYLE[q.status]),
            Text(f"{q.score:.0f}"),
            Text(f"{q.path} ({q.line})"),
            Text(q.ref),
            Text(q.quote if len(q.quote) <= 60 else q.quote[:57] + "..."),
        ]
        if located:
            where = "(no text, below)" if q.status == "no_text" else q.location or q.detail
            cells.append(Text(where))
        quotes.add_row(*cells)
    console.print(quotes)


def _print(report: VerifyReport, *, show_all: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    console = rich_console()  # piped: wide, so the quotes and elements stay on one line
    _print_quotes(console, report)
    for reason, refs in _by_reason(report.missing_texts).items():
        # one line per reason: nine sources without a 'file' are one finding, not nine
        if len(refs) == 1:
            line = f"source {refs[0]}: {reason}"
        else:
            line = f"{len(refs)} sources ({', '.join(refs)}): " + reason.replace(
                "the source declares no", "none declares a"
            )
        console.print(Text(line, style="yellow"))
    rows = report.assumptions if show_all else report.unsourced
    counts = report.counts
    total = sum(counts.values())
    if not total:  # an observed timeline: quotes only, no numbers to source
        return
    if rows:
        table = Table(title="Assumptions" if show_all else "Unsourced assumptions")
        for column in ("kind", "element", "value", "line", "source / note"):
            table.add_column(column)
        for a in rows:
            values = (a.kind, a.element, a.value, str(a.line or ""), a.ref or a.note or "")
            table.add_row(*(Text(value) for value in values))
        console.print(table)
    else:
        print("unsourced assumptions: none")
    print(f"{total} assumptions: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _is_observed(name: str) -> bool:
    """Whether ``name`` is a file holding an observed timeline (``observations`` at the top)."""
    from escalade.errors import ScenarioError
    from escalade.scenario.files import read_input_file
    from escalade.scenario.yamlio import MAX_BYTES, decode, load_yaml

    path = Path(name)
    if not path.is_file():
        return False
    try:
        data = load_yaml(decode(read_input_file(path, name, MAX_BYTES, "file"), name), name).data
    except ScenarioError:
        return False  # the scenario loader reports it
    return isinstance(data, dict) and "observations" in data and "actors" not in data


def _verify_observed(path: Path, sources: list[Path], threshold: float) -> VerifyReport:
    """Check the quotes of an observed timeline against the texts of its sources."""
    from escalade.evidence.observed import load_observed, observed_quotes
    from escalade.evidence.verify import VerifyReport, check_quotes

    lt = load_observed(path)
    checks, missing = check_quotes(
        lt.timeline.sources,
        observed_quotes(lt),
        base_dir=path.parent,
        source_dirs=sources,
        threshold=threshold,
        what="observed file",
    )
    return VerifyReport(f"{path.name} (observed, {lt.timeline.scenario})", checks, (), missing)


def _by_reason(missing: dict[str, str]) -> dict[str, list[str]]:
    """The sources whose text could not be read, grouped by why (in file order)."""
    out: dict[str, list[str]] = {}
    for ref, reason in missing.items():
        out.setdefault(reason, []).append(ref)
    return out
