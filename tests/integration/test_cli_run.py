"""`escalade run` end to end: the reference scenario, the store, the report in Chromium."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from browser import (
    assert_not_blank,
    assert_plots_rendered,
    console_errors,
    external_references,
    keep,
    open_file,
    screenshot,
)

from escalade.cli import main
from escalade.report.pdf import write_pdf
from escalade.results import Store


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("run")


@pytest.fixture(scope="module")
def run_json(run_dir: Path) -> dict[str, object]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "run",
                "dprk-troops-2024",
                "--n",
                "300",
                "--seed",
                "7",
                "--out",
                str(run_dir / "report"),
                "--store",
                str(run_dir / "runs.duckdb"),
                "--sweep",
                "40",
                "--json",
            ]
        )
    assert code == 0
    return json.loads(out.getvalue())


def test_run_json_ranks_every_strategy(run_json: dict[str, object]) -> None:
    comparison = run_json["comparison"]
    assert {row["strategy"] for row in comparison} == {
        "indecision",
        "stated_restraint",
        "graduated",
        "decisive",
        "support_role",
    }
    cells = run_json["cells"]
    assert len(cells) == 15 and all(c["n"] == 300 for c in cells)
    assert sum(row["minimax_regret"] for row in comparison) >= 1
    assert run_json["scenario"] == "dprk-troops-2024" and run_json["seed"] == 7


def test_run_is_stored_and_listed(run_json: dict[str, object], run_dir: Path, capsys) -> None:
    with Store(run_dir / "runs.duckdb", read_only=True) as store:
        runs = store.list_runs()
        assert run_json["run_id"] in set(runs["id"])
        stored = store.load(run_json["run_id"])
    assert stored.metadata["scenario_hash"] == run_json["scenario_hash"]
    assert {"escalade", "numpy", "duckdb", "python", "seed", "n", "created"} <= set(stored.metadata)
    assert set(stored.tables) >= {
        "cells",
        "comparison",
        "thresholds",
        "rungs_by_round",
        "assumptions",
    }
    assert (
        main(["runs", "show", str(run_json["run_id"]), "--store", str(run_dir / "runs.duckdb")])
        == 0
    )
    assert str(run_json["run_id"]) in capsys.readouterr().out


def test_same_seed_same_table(run_json: dict[str, object], tmp_path: Path, capsys) -> None:
    args = [
        "run",
        "dprk-troops-2024",
        "--n",
        "300",
        "--seed",
        "7",
        "--no-store",
        "--no-report",
        "--json",
    ]
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["cells"] == run_json["cells"]


def test_terminal_tables(tmp_path: Path, capsys) -> None:
    code = main(
        [
            "run",
            "kursk-mini",
            "--n",
            "200",
            "--out",
            str(tmp_path / "r"),
            "--store",
            str(tmp_path / "s.duckdb"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Strategies ranked" in out and "graduated" in out and "report:" in out
    # The brief comes first: question, answer, robustness, why.
    for heading in ("Question.", "Answer.", "How robust.", "Why.", "What it rests on."):
        assert heading in out, heading
    assert out.index("Question.") < out.index("Strategies ranked")
    # The difference of the top two, by term and by actor, with intervals.
    flat = " ".join(out.split())
    assert "What the answer rests on:" in flat and "by utility term (95%" in flat
    assert "by actor (95%" in flat and "ci_low" in flat


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert (
        main(["run", "dprk-troops-2024", "--strategies", "nope", "--no-store", "--no-report"]) == 2
    )
    assert "strategies: expected ids among" in capsys.readouterr().err
    assert main(["run", "no-such-scenario", "--no-store", "--no-report"]) == 2


@pytest.mark.browser
def test_report_renders_in_chromium(chromium, run_json: dict[str, object], run_dir: Path) -> None:
    report = Path(str(run_json["report"]))
    assert report.exists()
    text = report.read_text(encoding="utf-8")
    for needle in ("dprk-troops-2024", "bi-2024", "support_role", "ladder", "seed", "brief"):
        assert needle.lower() in text.lower(), needle
    console_errors(chromium)
    open_file(chromium, report)
    assert assert_plots_rendered(chromium, 6) >= 6
    assert console_errors(chromium) == []
    assert external_references(chromium) == []
    assert_not_blank(screenshot(chromium, run_dir / "run-report.png"))
    assert_brief_first_and_no_sideways_scroll(chromium)
    assert_ladder_labels_apart(chromium, run_dir)


def assert_ladder_labels_apart(driver, run_dir: Path) -> None:
    """No two labels of a ladder figure (options, thresholds) overlap, measured in the page."""
    pairs = driver.execute_script(
        """
        const out = [];
        document.querySelectorAll('#ladders .js-plotly-plot').forEach((plot, p) => {
          const boxes = Array.from(plot.querySelectorAll('.textpoint text, .annotation-text'))
            .map((el) => [el.textContent, el.getBoundingClientRect()])
            .filter(([, r]) => r.width > 0 && r.height > 0);
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i][1], b = boxes[j][1];
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                out.push([p, boxes[i][0], boxes[j][0]]);
              }
            }
          }
          out.push(['count', p, boxes.length]);
        });
        return out;
        """
    )
    counts = [row for row in pairs if row[0] == "count"]
    overlaps = [row for row in pairs if row[0] != "count"]
    assert len(counts) == 2 and all(row[2] >= 3 for row in counts), counts
    assert overlaps == []
    driver.execute_script("document.getElementById('ladders').scrollIntoView()")
    assert_not_blank(screenshot(driver, run_dir / "run-ladder.png"))


def assert_brief_first_and_no_sideways_scroll(driver) -> None:
    """The brief starts on the first screen; nothing scrolls sideways at 1,280 px."""
    driver.set_window_size(1280, 900)
    facts = driver.execute_script(
        """
        const brief = document.getElementById('brief');
        const first = document.querySelector('main > section');
        const root = document.documentElement;
        const wide = Array.from(document.querySelectorAll('.table-wrap, figure, .prose'))
          .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className);
        return {top: brief.getBoundingClientRect().top, first: first.id,
                height: window.innerHeight, scroll: root.scrollWidth - root.clientWidth,
                wide: wide, text: brief.innerText};
        """
    )
    assert facts["first"] == "brief"
    assert facts["top"] < facts["height"] / 2
    assert facts["scroll"] <= 0, facts
    assert facts["wide"] == [], facts["wide"]
    for heading in ("Question.", "Answer.", "How robust.", "Why.", "What would change it."):
        assert heading in facts["text"], heading


@pytest.mark.browser
def test_brief_pdf_is_one_a4_page(chromium, run_json: dict[str, object], run_dir: Path) -> None:
    """``--pdf`` prints the brief alone on one A4 page; its print view is kept as a screenshot."""
    report = Path(str(run_json["report"]))
    pdf = write_pdf(report, run_dir / "brief.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", data)
    assert len(pages) == 1, f"the brief prints on {len(pages)} pages"
    box = [float(v) for v in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)[0].split()]
    assert abs(box[2] - 595.3) < 2 and abs(box[3] - 841.9) < 2, box  # A4 in points
    keep(pdf)
    chromium.set_window_size(794, 1123)
    chromium.get(report.resolve().as_uri() + "?print=brief")
    assert_plots_rendered(chromium, 4)
    assert console_errors(chromium) == []
    hidden = chromium.execute_script(
        "return Array.from(document.querySelectorAll('main > section'))"
        ".filter((s) => s.offsetParent !== null).map((s) => s.id)"
    )
    assert hidden == ["brief"]
    assert_not_blank(screenshot(chromium, run_dir / "run-brief.png"))
    chromium.set_window_size(1280, 1600)
