"""``escalade schema``: print the JSON Schema of scenario files (for editors)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``schema`` command."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (or observed timelines)",
        description="Print the JSON Schema of scenario files (schema_version 2) for editors.",
    )
    parser.add_argument("--out", type=Path, help="write to this file instead of standard output")
    parser.add_argument(
        "--kind",
        choices=("scenario", "observed"),
        default="scenario",
        help="scenario files (default) or observed timelines (escalade replay --observed)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    if getattr(args, "kind", "scenario") == "observed":
        from escalade.evidence.observed import ObservedTimeline

        schema = ObservedTimeline.model_json_schema(by_alias=True)
        title = "escalade observed timeline (schema_version 1)"
    else:
        from escalade.scenario.schema import ScenarioSpec

        schema = ScenarioSpec.model_json_schema(by_alias=True)
        title = "escalade scenario (schema_version 2)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    text = json.dumps(schema, indent=2, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0
