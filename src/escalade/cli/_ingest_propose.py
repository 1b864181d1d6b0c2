"""``escalade ingest --scenario ID [--observed FILE] --propose``: observations to review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from escalade.errors import UsageError

__all__ = ["proposals_text", "scenario_targets"]


def scenario_targets(scenario: Any) -> list[Any]:
    """The scenario's options, and its events (one target per branch)."""
    from escalade.evidence.propose import Target

    names = {a.id: a.name or a.id for a in scenario.spec.actors}
    targets = [
        Target(
            "option", o.id, o.name or o.id, getattr(o, "description", "") or "",
            actor=o.actor, actor_name=names.get(o.actor, ""),
        )
        for o in scenario.spec.options
    ]  # fmt: skip
    for event in scenario.spec.events:
        name = event.name or event.id
        text = getattr(event, "description", "") or ""
        branches = getattr(event, "branches", None) or []
        if not branches:
            targets.append(Target("event", event.id, name, text))
        for branch in branches:
            label = f"{name} {branch.id.replace('_', ' ')}"
            more = getattr(branch, "description", "") or getattr(branch, "name", "") or ""
            targets.append(Target("event", event.id, label, f"{text} {more}".strip(), branch.id))
    return targets


def _existing(observed: str, scenario: Any) -> set[tuple[str, int]]:
    from escalade.evidence.observed import load_observed
    from escalade.evidence.propose import round_of

    timeline = load_observed(observed).timeline
    if timeline.scenario != scenario.id:
        raise UsageError(
            f"--observed: expected a timeline of scenario {scenario.id!r}, "
            f"found {timeline.scenario!r} (pass the timeline written for that scenario)"
        )
    dates = scenario.round_dates()
    have: set[tuple[str, int]] = set()
    for o in timeline.observations:
        if o.kind not in ("option", "event") or o.taken is False or o.fired is False:
            continue
        first, last = o.between if o.between is not None else (o.date, o.date)
        assert first is not None and last is not None
        lo, hi = round_of(dates, first), round_of(dates, last)
        if lo is None or hi is None:
            continue
        key = f"option:{o.option}" if o.kind == "option" else f"event:{o.event}"
        have.update((key, r) for r in range(lo, hi + 1))
    return have


def _same_file(a: str, b: str) -> bool:
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        return pa.samefile(pb)
    return pa.resolve() == pb.resolve()


def proposals_text(
    articles: list[str],
    scenario_name: str | None,
    observed: str | None,
    date: dt.date | None,
    out: str | None,
) -> str:
    """Propose observations from every article; return the YAML text to print or write."""
    from escalade.cli.ingest import article_slug
    from escalade.evidence.propose import format_proposals, propose_observations
    from escalade.evidence.text import read_source_text
    from escalade.scenario import load_scenario

    if scenario_name is None:
        raise UsageError(
            "--propose/--observed: expected --scenario ID (whose options and events to look "
            "for), found none"
        )
    if out and observed and _same_file(out, observed):
        raise UsageError(
            f"--out: expected a file other than the timeline, found {out!r} (the --observed "
            "file); proposals are for review, so write them elsewhere"
        )
    scenario = load_scenario(scenario_name)
    targets = scenario_targets(scenario)
    existing = _existing(observed, scenario) if observed else set()
    found = []
    for name in articles:
        path = Path(name)
        found += propose_observations(
            read_source_text(path), targets, ref=article_slug(path), article_date=date,
            round_dates=scenario.round_dates(), existing=existing,
        )  # fmt: skip
    names = ", ".join(Path(a).name for a in articles)
    return format_proposals(found, scenario=scenario.id, article=names)
