"""Run report tables: the moves an ally refused (the usage chart shows them unused), empty cells."""

from __future__ import annotations

import pandas as pd

from escalade.report.html import render_html
from escalade.report.run_report import run_report
from escalade.results import ResultSet
from escalade.results import tablenames as tn


def _options(refused: float) -> pd.DataFrame:
    # the Israel–Iran trial: 'massive' has Israel strike oil and nuclear sites, which needs
    # US consent; the US refuses in every trajectory, so the option is never used
    return pd.DataFrame(
        {
            "strategy": ["massive", "massive"],
            "mindset": ["measured", "measured"],
            "option": ["strike_oil_nuclear", "consulate_strike"],
            "actor": ["isr", "isr"],
            "arena": ["direct", "direct"],
            "usage_rate": [0.0, 1.0],
            "success_rate": [0.0, 1.0],
            "mean_times": [0.0, 1.0],
            "refused_per_trajectory": [refused, 0.0],
        }
    )


def _page(options: pd.DataFrame) -> str:
    rs = ResultSet("run", {"scenario_id": "iran-israel-2024"}, {tn.OPTIONS: options})
    return render_html(run_report(rs), include_plotlyjs=False)


def test_a_refused_move_is_named_with_its_refusals() -> None:
    page = _page(_options(1.0))
    assert "Refused: strike_oil_nuclear." in page
    assert "Moves refused for want of consent" in page
    table = page[page.index("Moves refused for want of consent") :]
    assert "strike_oil_nuclear" in table and "consulate_strike" not in table.split("</table>")[0]


def test_no_refusal_no_table() -> None:
    page = _page(_options(0.0))
    assert "Moves refused for want of consent" not in page and "Refused:" not in page


def test_assumptions_without_a_source_leave_their_cells_empty() -> None:
    # the Israel–Iran trial: most rows of the assumptions table read "NA NA NA"
    assumptions = pd.DataFrame(
        {
            "element": ["variable x: initial", "option a: cost"],
            "path": ["variables[0].initial", "options[0].cost"],
            "line": [3, 9],
            "value": ["0", "2"],
            "kind": ["unsourced", "judgement"],
            "ref": [None, "ap-0414"],
            "quote": [None, None],
            "note": [None, "judgement"],
        }
    )
    rs = ResultSet("run", {"scenario_id": "iran-israel-2024"}, {tn.ASSUMPTIONS: assumptions})
    page = render_html(run_report(rs), include_plotlyjs=False)
    table = page[page.index("Key assumptions with their sources") :].split("</table>")[0]
    assert ">NA<" not in table
    assert "judgement" in table and "ap-0414" in table
