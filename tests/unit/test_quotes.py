"""Quote verification core: normalisation, exact and fuzzy matching, reading sources."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from escalade.errors import EvidenceError, UsageError
from escalade.evidence.quotes import find_quote, numbers_in
from escalade.evidence.text import html_to_text, normalise, read_source_text

SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "sources"
BI = SOURCES / "000_c32c3dac667c8d70.txt"
BLOOMBERG = SOURCES / "002_29a9870033012c31.txt"


@pytest.fixture(scope="module")
def bi_text() -> str:
    if not BI.exists():
        pytest.skip("shared source articles are not available")
    return read_source_text(BI)


@pytest.fixture(scope="module")
def bloomberg_text() -> str:
    if not BLOOMBERG.exists():
        pytest.skip("shared source articles are not available")
    return read_source_text(BLOOMBERG)


def test_normalise_folds_typography_and_keeps_offsets() -> None:
    original = "A\u00a0\u201cquote\u201d \u2014 it\u2019s\n\n  HERE\u2026 \u00adok"
    n = normalise(original)
    assert n.text == 'a "quote" - it\'s here... ok'
    for i, ch in enumerate(n.text):
        source = original[int(n.offsets[i])]
        assert normalise(source).text in (ch, "", " ", "...") or ch == " "
    at = n.text.index("here")
    start, end = n.original_span(at, at + len("here..."))
    assert original[start:end] == "HERE\u2026"


def test_normalise_empty_and_dotted_capital_i() -> None:
    assert normalise("").text == ""
    n = normalise("\u0130stanbul")
    assert n.text == "istanbul"
    assert n.original_span(0, 8) == (0, 8)


def test_straight_apostrophes_match_curly_source(bi_text: str) -> None:
    m = find_quote(
        "the West's problem is that it can't even agree on its broader strategy", bi_text
    )
    assert m.found and m.exact and m.score == 100.0
    assert m.start is not None and m.end is not None
    assert bi_text[m.start : m.end].startswith("the West\u2019s problem")
    assert m.line == 82


def test_quote_with_its_quotation_marks_and_line_break(bi_text: str) -> None:
    m = find_quote('"I\'m calling the move is a \n "significant escalation."', bi_text)
    assert m.exact
    assert m.excerpt.endswith("significant escalation")


def test_daly_escalation_ladder_quote(bi_text: str) -> None:
    quote = (
        "if that is your stated strategy, you have already conceded every step of the "
        "escalation ladder to the enemy"
    )
    m = find_quote(quote, bi_text)
    assert m.found and m.exact
    assert (m.line, m.col) == (80, 68)


def test_bloomberg_quotes(bloomberg_text: str) -> None:
    assert find_quote("“must be reconsidered now, better late than never.”", bloomberg_text).exact
    assert find_quote("we have options - it depends on what they do", bloomberg_text).found


def test_tampered_quote_is_not_found(bi_text: str) -> None:
    m = find_quote("They do have dominance on the escalation ladder", bi_text)
    assert not m.found
    assert not m.exact
    assert m.score == 87.5  # one word missing out of eight
    assert m.excerpt == "They do not have dominance on the escalation ladder"
    m = find_quote("We live in an era of decision in the Eastern world", bi_text)
    assert not m.found
    assert "indecision in the Western world" in m.excerpt


def test_small_slip_in_long_quote_is_found_inexact(bi_text: str) -> None:
    quote = "a much greater test of the West's resolve than most people currently realise"
    m = find_quote(quote, bi_text)
    assert m.found and not m.exact
    assert 90 <= m.score < 100
    assert m.excerpt.endswith("currently realize")


def test_scraping_artefact_joined_words(bi_text: str) -> None:
    m = find_quote("a deployment NATO troops in Ukraine in a support role", bi_text)
    assert m.found and not m.exact
    assert "Ukrainein" in m.excerpt


def test_absent_quote_and_bad_arguments(bi_text: str) -> None:
    m = find_quote("zyxxy quorbl", bi_text)
    assert not m.found and m.start is None and m.score == 0.0
    with pytest.raises(UsageError, match="expected some words"):
        find_quote(' " ', bi_text)
    with pytest.raises(UsageError, match=r"\[0, 100\]"):
        find_quote("x", bi_text, threshold=120)


def test_ten_megabyte_text_bounded_time(bi_text: str) -> None:
    filler = "lorem ipsum dolor sit amet, the war and escalation. " * 200_000
    big = filler + bi_text + filler[:500_000]
    t0 = time.perf_counter()
    n = normalise(big)
    exact = find_quote("They do not have dominance on the escalation ladder", n)
    tampered = find_quote("They do have dominance on the escalation ladder", n)
    absent = find_quote("completely absent phrase qqq", n)
    elapsed = time.perf_counter() - t0
    assert exact.exact and exact.start == len(filler) + bi_text.index("They do not have")
    assert not tampered.found and tampered.score == 87.5
    assert not absent.found
    assert elapsed < 10.0


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_read_source_text_errors(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="found nothing at this path"):
        read_source_text(tmp_path / "missing.txt")
    with pytest.raises(EvidenceError, match="directory"):
        read_source_text(tmp_path)
    with pytest.raises(EvidenceError, match="empty file"):
        read_source_text(_write(tmp_path, "empty.txt", b"  \n"))
    with pytest.raises(EvidenceError, match="binary data"):
        read_source_text(_write(tmp_path, "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00"))
    with pytest.raises(
        EvidenceError, match=r"latin\.txt:2: expected UTF-8 text, found the byte 0xe9"
    ):
        read_source_text(_write(tmp_path, "latin.txt", b"first\ncaf\xe9\n"))
    big = _write(tmp_path, "big.txt", b"")
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    with pytest.raises(EvidenceError, match=r"at most 20 MB, found 21\.0 MB"):
        read_source_text(big)


def test_read_source_text_strips_html(tmp_path: Path) -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>"
        b"<script>var x = '\xe2\x80\x9cnot text\xe2\x80\x9d';</script></head><body>"
        b"<p>Rutte called it a &ldquo;significant escalation&rdquo;.</p><div>close</div>"
        b"<p>Second&nbsp;paragraph</p></body></html>"
    )
    text = read_source_text(_write(tmp_path, "page.html", page))
    assert "not text" not in text
    assert "color" not in text
    assert "Rutte called it a \u201csignificant escalation\u201d." in text
    assert find_quote('"significant escalation"', text).exact
    assert "\n\nclose\n\n" in text
    assert html_to_text("<p>a</p><p>b</p>") == "a\n\nb\n"


def test_read_source_text_plain_with_bom(tmp_path: Path) -> None:
    text = read_source_text(_write(tmp_path, "a.txt", "\ufeffNo <b>tags</b> here".encode()))
    assert text == "No <b>tags</b> here"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("30 rockets hit the K-1 base", {30.0}),
        ("F-35 jets, Su-27s and S-400 batteries", set()),
        ("COVID-19 and flight MH17", set()),
        ("the K\u20111 base", set()),
        ("-5 degrees for 10-12 weeks", {5.0, 10.0, 12.0}),
        ("a 30-day truce, 10,000 troops, 3.5%", {30.0, 10000.0, 3.5, 0.035}),
        # Yom Kippur 1973: a quote "DEFCON 3" vouched for a 3, "Resolution 340" for 340
        ("forces on DEFCON 3 under Resolution 340", set()),
        ("Article 5 binds 30 allies", {30.0}),
    ],
)
def test_a_number_glued_to_letters_is_part_of_a_name(text: str, numbers: set[float]) -> None:
    """A new user's quote "30 rockets hit the K-1 base" vouched for an ``add: 1``."""
    assert numbers_in(text) == numbers
