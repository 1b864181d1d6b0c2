"""Hostile scenario input is refused with a located message, in bounded time and memory.

Each test reproduces a finding of the hardening review (issue 18): scalar forms
that raised tracebacks, YAML 1.1 meanings, nesting hidden behind a quote,
special and oversized files, Rich markup in titles, and ``verify`` reading
files outside the scenario's folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from escalade.cli import main
from escalade.errors import ScenarioError
from escalade.evidence.verify import verify
from escalade.report.text import dataframe_table, mapping_table, render_text
from escalade.results import ResultSet, Store
from escalade.scenario import expr as ex
from escalade.scenario import load_scenario, loads_scenario
from escalade.scenario.files import read_input_file
from escalade.scenario.yamlio import MAX_DEPTH, load_yaml

KURSK = load_scenario("kursk-mini").text
VERSION_LINE = next(line for line in KURSK.splitlines() if line.startswith("schema_version:"))


def _error(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_yaml(text, "t.yaml")
    (issue,) = info.value.issues
    assert issue.line is not None and issue.col is not None
    return issue.render()


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("0b1100", 12),
        ("-0b11", -3),
        ("0o17", 15),
        ("0x1F", 31),
        ("1_000", 1000),
        ("!!float 3", 3.0),
        ("!!bool True", True),
        ("1:30", "1:30"),  # YAML 1.2: text, not 90
        ("yes", "yes"),  # YAML 1.2: text, not true
        ("0777", 777),
        ("1e999", float("inf")),  # refused later, at validation
    ],
)
def test_scalar_forms_convert(scalar: str, value: object) -> None:
    assert load_yaml(f"a: {scalar}").data == {"a": value}


@pytest.mark.parametrize(
    ("scalar", "message"),
    [
        ("0x_", "expected a whole number of at most 400 digits, found '0x_'"),
        ("9" * 5000, "(5,000 characters)"),
        ("!!int abc", "expected a whole number of at most 400 digits, found 'abc'"),
        ("!!float abc", "expected a number, found 'abc'"),
        ("!!int 1:30", "found '1:30'"),
        ("!!int 3.0", "found '3.0'"),
        ("!!bool maybe", "expected true or false, found 'maybe'"),
        ("12_", "found '12_'"),
    ],
)
def test_scalar_forms_that_do_not_convert_are_located_errors(scalar: str, message: str) -> None:
    rendered = _error(f"x: 1\na: {scalar}\n")
    assert rendered.startswith("t.yaml:2:4: a: ")
    assert message in rendered


def test_yaml_1_1_directive_is_refused() -> None:
    rendered = _error("%YAML 1.1\n---\nonce: yes\n")
    assert "expected YAML 1.2 (or no %YAML line), found %YAML 1.1" in rendered
    assert load_yaml("%YAML 1.2\n---\nonce: yes\n").data == {"once": "yes"}


def test_yes_and_no_mean_what_they_say() -> None:
    # Text under YAML 1.2; the boolean field then reads yes/no as true/false (the bug
    # was `once: yes` loading as False under %YAML 1.1).
    for word, value in (("yes", True), ("no", False), ("'true'", True)):
        scenario = loads_scenario(KURSK.replace("once: true", f"once: {word}", 1))
        assert scenario.spec.options[0].once is value
    with pytest.raises(ScenarioError, match="once: expected true or false, found 'maybe'"):
        loads_scenario(KURSK.replace("once: true", "once: !!bool maybe", 1))


@pytest.mark.parametrize(
    "text",
    [
        "title: it's deep\nx: " + "[" * 50_000 + "]" * 50_000 + "\n",  # the review's file
        "title: it's deep\nx: " + "{a: " * 30_000 + "\n",
        "x:\n" + "".join("  " * i + "- \n" for i in range(1, 200)),
        "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)),
    ],
    ids=["flow-after-quote", "flow-mappings", "block-lists", "block-mappings"],
)
def test_nesting_is_bounded_by_tokens(text: str) -> None:
    assert f"expected nesting at most {MAX_DEPTH} levels deep" in _error(text)


def test_nesting_at_the_bound_is_accepted() -> None:
    depth = MAX_DEPTH - 1
    data = load_yaml("x: " + "[" * depth + "]" * depth).data
    for _ in range(depth):
        (data,) = data.values() if isinstance(data, dict) else (data[0] if data else [],)
    assert data == []


def test_non_finite_constants_and_boolean_version_are_refused() -> None:
    for old, new, message in [
        ("cost: 0.5", "cost: .inf", "options[0].cost: expected a finite number, found inf"),
        ("ukraine_position: 1.0", "ukraine_position: 1e999", "expected a finite number"),
        (VERSION_LINE, "schema_version: true", "found True"),
        (VERSION_LINE, "schema_version: 1.0", "found 1.0"),
    ]:
        with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
            loads_scenario(KURSK.replace(old, new, 1))
    # a variable's bounds may be infinite: that is their default
    loads_scenario(KURSK.replace("min: -10, max: 10", "min: -.inf, max: .inf"))


@pytest.mark.parametrize(
    ("calendar", "ok"),
    [
        ("start: 9999-12-01, step: month, horizon: 12", False),
        ("start: 9999-12-20, step: week, horizon: 12", False),
        ("start: 9999-12-01, step: day, horizon: 30", True),
        ("start: 9999-01-01, step: month, horizon: 11", True),
    ],
)
def test_calendar_must_end_before_year_10000(calendar: str, ok: bool) -> None:
    text = KURSK.replace("start: 2024-10-28, step: week, horizon: 12", calendar, 1)
    if ok:
        scenario = loads_scenario(text)
        assert scenario.round_dates()[-1].year == 9999
    else:
        with pytest.raises(ScenarioError, match="calendar: expected the"):
            loads_scenario(text)


def test_name_maps_are_built_once_per_environment() -> None:
    env = ex.Env(variables=("a", "b"), options=("o1", "o2"), arenas=("w",))
    first = ex.compile_expr(ex.parse("taken('o2') and a > rung('w')"), env)
    maps = env.index
    second = ex.compile_expr(ex.parse("b + 1"), env)
    assert env.index is maps and maps["taken"] == {"o1": 0, "o2": 1}
    assert first.env is second.env is env


def test_validation_budget() -> None:
    with pytest.raises(ScenarioError, match="time budget") as info:
        loads_scenario(KURSK, file="k.yaml", budget=0.0)
    assert info.value.issues[0].file == "k.yaml"
    assert loads_scenario(KURSK, budget=60.0).spec.id == "kursk-mini"


# -- files -------------------------------------------------------------------


def _refusal(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.render()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_gets_its_own_message(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "found a named pipe (FIFO)" in _refusal(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_gets_its_own_message() -> None:
    assert "found a character device" in _refusal(Path("/dev/zero"))


def test_sparse_huge_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB, no blocks written
    assert "found 3,221,225,472 bytes (the limit is 4 MiB)" in _refusal(path)


def test_directory_and_missing_path(tmp_path: Path) -> None:
    assert "found a directory" in _refusal(tmp_path)
    assert "found nothing at this path" in render_error(tmp_path / "none.yaml")


def render_error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        read_input_file(path, path.name, 100, "scenario file")
    return info.value.render()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("schema_version: 1\n")
    path.chmod(0)
    assert "found a file this user may not read" in _refusal(path)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc here")
def test_read_error_is_a_message() -> None:
    # /proc/self/mem is a regular file of size 0 whose read fails (EIO), even for root.
    assert "found a file that cannot be read" in render_error(Path("/proc/self/mem"))


def test_cli_reports_special_files_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024**3)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3,221,225,472 bytes" in err and "Traceback" not in err


# -- Rich markup ---------------------------------------------------------------

MARKUP = "Allied [/bold] answer [red]x :x:"


def test_tables_print_markup_as_text() -> None:
    text = render_text(
        mapping_table({"title": MARKUP}, MARKUP),
        dataframe_table(pd.DataFrame({"title [b]": [MARKUP]}), MARKUP),
    )
    assert text.count(MARKUP) == 4 and "title [b]" in text


def test_runs_show_prints_a_markup_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.duckdb"
    with Store(path) as store:
        run_id = store.save(
            ResultSet("run", {"scenario_id": "toy", "title": MARKUP, "seed": 1, "n": 2}, {})
        )
    assert main(["runs", "show", str(run_id), "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[/bold]" in out and ":x:" in out and "\u274c" not in out


# -- verify reads only under the scenario's folder ----------------------------------


def _scenario_citing(tmp_path: Path, file: str, quote: str) -> Path:
    text = KURSK.replace(
        'quote: "allowing Ukraine to launch long-range strikes on Russia"', f'quote: "{quote}"'
    ).replace("file: 000_c32c3dac667c8d70.txt", f"file: {file}")
    folder = tmp_path / "scenario"
    folder.mkdir()
    path = folder / "s.yaml"
    path.write_text(text.replace("title: Allied", f"title: {MARKUP!r}  # Allied"), "utf-8")
    return path


@pytest.mark.parametrize("file", ["/etc/passwd", "../outside.txt", "sub/../../outside.txt"])
def test_verify_does_not_read_outside_the_folder(tmp_path: Path, file: str) -> None:
    (tmp_path / "outside.txt").write_text("root:x:0:0 secret\n")
    path = _scenario_citing(tmp_path, file, "root:x:0:0")
    report = verify(load_scenario(path))
    assert report.quotes[0].status == "no_text"
    assert "not found under the scenario's folder" in report.missing_texts["bi-2024"]


def test_verify_reads_inside_the_folder_and_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario_citing(tmp_path, "texts/inside.txt", MARKUP)
    (path.parent / "texts").mkdir()
    (path.parent / "texts" / "inside.txt").write_text(f"said: {MARKUP} here\n")
    assert verify(load_scenario(path)).quotes[0].status == "found"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inside.txt").write_text(f"{MARKUP} there\n")
    (path.parent / "texts" / "inside.txt").unlink()
    assert verify(load_scenario(path), source_dirs=[elsewhere]).quotes[0].status == "found"
    # the quote holds Rich markup and an emoji code: printed as written, no MarkupError
    assert main(["verify", str(path), "--sources", str(elsewhere)]) == 0
    out = capsys.readouterr().out
    assert "[/bold]" in out and ":x:" in out and "\u274c" not in out
