"""The HTML report in a real headless Chromium: loads offline, no errors, every figure drawn."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import (
    LOCAL_SCHEMES,
    assert_not_blank,
    assert_plots_rendered,
    console_errors,
    external_references,
    open_file,
    png_colours,
    png_colours_zlib,
    resource_urls,
    screenshot,
)

from escalade.report import figures
from escalade.report.bundle import BUNDLES, bundle_for, trace_types
from escalade.report.html import (
    FigureBlock,
    Markdown,
    ReportDocument,
    Section,
    TableBlock,
    Text,
    write_html,
)

pytestmark = pytest.mark.browser

STRATEGIES = ("indecision", "graduated", "decisive")
MINDSETS = ("cautious", "opportunist", "resolved")


def ladder_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rungs = pd.DataFrame(
        {
            "index": range(8),
            "name": [
                "talk",
                "aid",
                "sanctions",
                "deploy",
                "strike",
                "deep strike",
                "signal",
                "nuclear",
            ],
            "group": ["political"] * 3 + ["conventional"] * 3 + ["nuclear"] * 2,
        }
    )
    thresholds = pd.DataFrame(
        {"id": ["combat", "nuclear"], "name": ["Direct combat", "Nuclear use"], "rung": [4, 7]}
    )
    options = pd.DataFrame(
        {
            "id": ["aid_package", "long_range", "troops_kursk", "nuclear_signal"],
            "actor": ["west", "west", "dprk", "russia"],
            "rung": [1, 5, 3, 6],
            "perceived_by": [None, "russia", None, None],
        }
    )
    return rungs, thresholds, options


def figure_tables() -> dict[str, pd.DataFrame]:
    rounds = np.arange(6)
    fan = pd.DataFrame(
        [
            {
                "strategy": s,
                "round": r,
                "q05": r * k * 0.2,
                "q25": r * k * 0.4,
                "q50": r * k * 0.5,
                "q75": r * k * 0.6,
                "q95": r * k * 0.9,
            }
            for k, s in enumerate(STRATEGIES, start=1)
            for r in rounds
        ]
    )
    curves = pd.DataFrame(
        [
            {
                "strategy": s,
                "mindset": m,
                "round": r,
                "threshold": t,
                "probability": p,
                "ci_low": max(0.0, p - 0.05),
                "ci_high": min(1.0, p + 0.05),
            }
            for i, s in enumerate(STRATEGIES)
            for j, m in enumerate(MINDSETS[:2])
            for t in ("Direct combat", "Nuclear use")
            for r in rounds
            for p in [min(1.0, 0.02 * r * (i + 1) * (j + 1))]
        ]
    )
    usage = pd.DataFrame(
        [
            {"strategy": s, "mindset": m, "option": o, "usage_rate": (i + j + k) / 8}
            for i, s in enumerate(STRATEGIES)
            for j, m in enumerate(MINDSETS)
            for k, o in enumerate(("aid_package", "sanctions", "long_range"))
        ]
    )
    heat = pd.DataFrame(
        [
            {"strategy": s, "mindset": m, "value": (i - 1) * 0.5 - j * 0.25}
            for i, s in enumerate(STRATEGIES)
            for j, m in enumerate(MINDSETS)
        ]
    )
    sobol = pd.DataFrame(
        {
            "parameter": ["x1", "x2", "x3"] * 2,
            "index": ["S1"] * 3 + ["ST"] * 3,
            "value": [0.31, 0.44, 0.0, 0.56, 0.44, 0.24],
            "conf": [0.02] * 6,
        }
    )
    prim = pd.DataFrame(
        {
            "coverage": [1.0, 0.9, 0.8, 0.6],
            "density": [0.2, 0.4, 0.7, 0.9],
            "n_restricted": [0, 1, 2, 2],
        }
    )
    return {
        "fan": fan,
        "curves": curves,
        "usage": usage,
        "heat": heat,
        "sobol": sobol,
        "prim": prim,
    }


def sample_document() -> ReportDocument:
    tables = figure_tables()
    return ReportDocument(
        title="Strategy comparison: <toy> crisis",
        subtitle="Every figure type, from hand-built tables",
        sections=(
            Section(
                "summary",
                "Summary",
                (
                    Markdown(
                        "A **toy** ladder. `code`, a list:\n\n- one\n- two\n\n"
                        "[not a link](https://example.org) <script>alert(1)</script>"
                    ),
                    Text("Plain text\nwith a line break & <angle> brackets."),
                    TableBlock(tables["heat"], "Expected utility", {"value": ".2f"}),
                ),
            ),
            Section(
                "ladder",
                "Ladder",
                (FigureBlock(figures.ladder_figure(*ladder_tables()), "The ladder"),),
            ),
            Section(
                "comparison",
                "Comparison",
                (
                    FigureBlock(figures.comparison_heatmap(tables["heat"], "EU", value_label="EU")),
                    FigureBlock(figures.fan_chart(tables["fan"], "Rung over time")),
                    FigureBlock(figures.threshold_curves(tables["curves"], "Crossing")),
                    FigureBlock(figures.option_usage(tables["usage"], "Option usage")),
                ),
            ),
            Section(
                "exploration",
                "Exploration",
                (
                    FigureBlock(
                        figures.bars(
                            tables["sobol"],
                            "parameter",
                            "value",
                            "conf",
                            color="index",
                            title="Sobol indices",
                        )
                    ),
                    FigureBlock(figures.prim_trajectory(tables["prim"], "PRIM trajectory")),
                ),
            ),
        ),
        method_notes={"N": "1000 per strategy and mindset", "seed": "20241105"},
    )


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]


def test_report_renders_offline_in_chromium(chromium, tmp_path: Path) -> None:
    path = write_html(sample_document(), tmp_path / "report.html")
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    assert "link" not in parser.tags
    assert all(ref.startswith("#") for ref in parser.refs), parser.refs

    console_errors(chromium)  # drop messages of earlier pages
    open_file(chromium, path)
    count = assert_plots_rendered(chromium, 7)
    assert count == 7
    assert console_errors(chromium) == []
    urls = resource_urls(chromium)
    assert all(url.startswith(LOCAL_SCHEMES) for url in urls), urls
    assert external_references(chromium) == []

    ladder = chromium.find_element("id", "figure-4")
    labels = ladder.text
    assert "Direct combat" in labels and "long_range" in labels and "nuclear" in labels
    chromium.execute_script("arguments[0].scrollIntoView()", ladder)
    png = screenshot(chromium, tmp_path / "toy-ladder.png")
    assert assert_not_blank(png, min_colours=32) >= 32
    assert png_colours_zlib(png, step=1) == png_colours(png)

    title = chromium.title
    assert title.startswith("Strategy comparison: <toy> crisis")
    assert chromium.find_elements("css selector", "nav.toc a")[-1].text == "Method notes"
    assert not chromium.find_elements("css selector", ".prose script, .prose a")


@pytest.mark.parametrize(
    ("figure", "bundle"),
    [
        ({"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}, "basic"),
        ({"data": [{"type": "heatmap", "z": [[1, 2], [3, 4]]}]}, "cartesian"),
        ({"data": [{"type": "scatterpolar", "r": [1, 2, 3], "theta": [0, 90, 180]}]}, "full"),
    ],
)
def test_each_bundle_draws_what_it_claims(
    chromium, tmp_path: Path, figure: dict[str, object], bundle: str
) -> None:
    """The embedded bundle registers every trace type it is chosen for, and draws the figure."""
    assert bundle_for(trace_types([figure])) == bundle
    document = ReportDocument("Bundle", sections=(Section("s", "S", (FigureBlock(figure),)),))
    path = write_html(document, tmp_path / f"{bundle}.html")
    console_errors(chromium)
    open_file(chromium, path)
    registered = set(chromium.execute_script("return Object.keys(Plotly.PlotSchema.get().traces)"))
    claimed = {n: covers for n, _, covers in BUNDLES}
    assert claimed.get(bundle, frozenset()) <= registered, claimed.get(bundle)
    assert str(figure["data"][0]["type"]) in registered  # type: ignore[index]
    drawn = chromium.execute_script(
        "return document.querySelectorAll('.js-plotly-plot svg.main-svg').length"
    )
    assert drawn >= 1
    assert console_errors(chromium) == []
