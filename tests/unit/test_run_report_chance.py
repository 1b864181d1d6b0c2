"""The run report says how often each event fired and each arena's accidents struck."""

from __future__ import annotations

from pathlib import Path

import escalade
from escalade.report.html import render_html
from escalade.report.run_report import run_report
from escalade.results import tablenames as tn

CUBA = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "cuba-quarantine.yaml"


def test_events_and_accidents_have_their_tables() -> None:
    """Yom Kippur 1973 trial: a chance event (a naval incident after the alert) and the
    arenas' accidents appeared in no table of the run, only in traces."""
    options = escalade.RunOptions(n=200, store=None, out=None, sweep=0, workers=1)
    rs = escalade.run(escalade.load_scenario(CUBA), options).result_set
    events, accidents = rs.get(tn.EVENTS), rs.get(tn.ACCIDENTS)
    assert set(events["event"]) == {"submarine"} and {"strategy", "mindset"} <= set(events)
    assert (accidents["up_per_trajectory"] > 0).any()
    html = render_html(run_report(rs), include_plotlyjs=False)
    assert "Events: the share of trajectories in which each fired" in html
    assert "Accidental moves of each arena&#39;s rung per trajectory" in html or (
        "Accidental moves of each arena's rung per trajectory" in html
    )
