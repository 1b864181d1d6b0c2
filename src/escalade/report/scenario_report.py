"""A scenario on one page: what it contains, its ladders with the options, its assumptions."""

from __future__ import annotations

from escalade.analysis.scenario_tables import (
    assumption_table,
    ladder_tables,
    scenario_table,
    source_tables,
)
from escalade.report.html import Markdown, ReportDocument, Section, TableBlock
from escalade.report.run_report import assumptions_section, ladders_section
from escalade.report.sources import sources_section
from escalade.results import ResultSet
from escalade.results import tablenames as tn
from escalade.scenario import Scenario

__all__ = ["scenario_report"]


def scenario_report(scenario: Scenario) -> ReportDocument:
    """The document of a scenario page (dashboard) or a scenario summary."""
    tables = {
        **ladder_tables(scenario),
        tn.SCENARIO: scenario_table(scenario),
        tn.ASSUMPTIONS: assumption_table(scenario),
        **source_tables(scenario),
    }
    rs = ResultSet("run", {"scenario_id": scenario.id}, tables, scenario.text)
    spec = scenario.spec
    lines = [f"**{scenario.title}**", "", spec.description or ""]
    strategies = ", ".join(s.id for s in scenario.strategies) or "none"
    mindsets = ", ".join(m.id for m in scenario.mindsets) or "none"
    lines += ["", f"Strategies: {strategies}. Mindsets: {mindsets}."]
    summary = Section(
        "summary",
        "Scenario",
        (Markdown("\n".join(lines)), TableBlock(tables[tn.SCENARIO], "What the scenario contains")),
    )
    sources = sources_section(rs)
    return ReportDocument(
        title=f"escalade — {scenario.title}",
        subtitle=f"scenario {scenario.id} · hash {scenario.content_hash[:12]}",
        sections=(
            summary,
            ladders_section(rs),
            assumptions_section(rs),
            *((sources,) if sources else ()),
        ),
        method_notes={"scenario hash (SHA-256)": scenario.content_hash},
    )
