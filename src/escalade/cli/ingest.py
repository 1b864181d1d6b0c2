"""``escalade ingest ARTICLE...``: propose scenario material from news articles."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from escalade.errors import UsageError

__all__ = ["article_slug", "register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``ingest`` subcommand."""
    parser = subparsers.add_parser(
        "ingest",
        help="propose actors, quotes, numbers, dates and options found in articles",
        description=(
            "Read plain-text or HTML articles and print YAML (or JSON) shaped like a "
            "scenario's 'sources' and an 'evidence' list; every item has its span."
        ),
    )
    parser.add_argument("articles", nargs="+", metavar="ARTICLE", help="article files")
    parser.add_argument("--scenario", help="scenario path or catalog name whose options to match")
    parser.add_argument("--date", help="article date YYYY-MM-DD, for relative dates")
    parser.add_argument("--out", help="write to this file instead of standard output")
    parser.add_argument("--json", action="store_true", help="print JSON instead of YAML")
    parser.add_argument(
        "--propose",
        action="store_true",
        help="with --scenario: propose observed-timeline entries (to review) instead",
    )
    parser.add_argument(
        "--observed",
        metavar="FILE",
        help="with --scenario: the observed timeline; implies --propose and marks proposals "
        "it already has (the file is only read)",
    )
    parser.set_defaults(func=run)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from escalade.scenario.messages import date_format_hint, date_reason

        reason = date_reason(text)
        why = f" ({reason})" if reason else f"; hint: {date_format_hint(text)}"
        raise UsageError(f"--date: expected a date YYYY-MM-DD, found {text!r}{why}") from None


def _scenario_options(name: str | None) -> list[Any]:
    if name is None:
        return []
    from escalade.evidence.ingest import OptionRef
    from escalade.scenario import load_scenario

    scenario = load_scenario(name)
    return [
        OptionRef(o.id, o.name or o.id, getattr(o, "description", "") or "")
        for o in scenario.options
    ]


def article_slug(path: Path) -> str:
    """The source id of an article file: its name as a lower-case slug."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "article"


def build_document(
    articles: list[str], *, date: dt.date | None = None, options: list[Any] | None = None
) -> dict[str, Any]:
    """Ingest every article and merge the results into one document."""
    from escalade.evidence.ingest import ingest
    from escalade.evidence.text import read_source_text

    merged: dict[str, Any] = {"sources": [], "evidence": []}
    for name in articles:
        path = Path(name)
        result = ingest(
            read_source_text(path),
            article_date=date,
            options=options or (),
            source_id=article_slug(path),
        )
        document = result.to_document(file=path.name)
        merged["sources"].extend(document["sources"])
        merged["evidence"].extend(document["evidence"])
    return merged


def dump(document: dict[str, Any], *, as_json: bool) -> str:
    """Return the document as YAML (safe dumper) or JSON text."""
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.allow_unicode = True
    yaml.width = 100
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def run(args: argparse.Namespace) -> int:
    """Run ``escalade ingest``."""
    date = _date(args.date)
    if args.propose or args.observed:
        from escalade.cli._ingest_propose import proposals_text

        text = proposals_text(args.articles, args.scenario, args.observed, date, args.out)
    else:
        options = _scenario_options(args.scenario)
        text = dump(build_document(args.articles, date=date, options=options), as_json=args.json)
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--out: expected a writable file, found {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
