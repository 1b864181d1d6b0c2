"""Sentences, quotations and their speakers, for :mod:`escalade.evidence.ingest`.

Heuristics, documented so an analyst can judge them:

* Quotations are delimited by double quotation marks, curly or straight;
  single quotes inside them (nested quotations, apostrophes) are content.
  A quotation left open at the end of a paragraph continues if the next
  paragraph opens with a quotation mark (the English convention for
  quotations across paragraphs).
* The speaker is looked for in the quotation's sentence, first before the
  quotation ("X said: ...", "according to X"), then after it ("..., X
  said", "..., said X"): a known person, else a pronoun resolved to the
  last person named before, else a title ("a senior South Korean
  official", "the Pentagon") or an organ named by its owner ("Iran's
  mission to the United Nations"), else a capitalised name before a speech verb.
* A sentence that is only a quotation, or whose speech verb has no subject,
  takes the speaker of the quotation or attribution in the sentence before
  it in the same paragraph. Anything else is unattributed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from escalade.evidence.gazetteer import Mention

__all__ = ["Quote", "Sentence", "find_quotes", "split_sentences"]

_OPEN, _CLOSE = "\u201c\u201e\u00ab", "\u201d\u00bb"
_MARKS = re.compile('["\u201c\u201e\u00ab\u201d\u00bb]')
_SPEECH = (
    r"(?:said|says|say|saying|told|tells|telling|added|adds|wrote|writes|noted|notes|stated|"
    r"explained|warned|argued|insisted|stressed|described|called|calling|reported|reports|"
    r"points out|pointed out|summari[sz]es|summari[sz]ed|according to|announced|declared|"
    r"confirmed|asked|replied|posted|tweeted|continued|concluded)"
)
_SPEECH_RE = re.compile(rf"\b{_SPEECH}\b", re.IGNORECASE)
_PRONOUN_RE = re.compile(r"\b(?:he|she|him|her)\b", re.IGNORECASE)
_TITLE_BEFORE = re.compile(
    rf"(?P<p>\b(?:the|a|an)\s[^,.;:\u201c\u201d\"]{{1,80}}?)\s+{_SPEECH}\b", re.IGNORECASE
)
_ACCORDING = re.compile(r"\baccording to (?P<p>[^,.;:\u201c\u201d\"]{2,80})", re.IGNORECASE)
_SAID_TITLE = re.compile(
    r"^\W*(?:said|says|added|wrote)\s+(?P<p>(?:the|a|an)\s[^,.;\u201c\u201d\"]{2,80})",
    re.IGNORECASE,
)
_NAME_BEFORE = re.compile(
    rf"(?P<p>\b[A-Z][\w'\u2019-]+(?:\s[A-Z][\w'\u2019-]+){{1,3}})\s+{_SPEECH}\b"
)
_NAME_AFTER = re.compile(
    r"^\W*(?:said|says|added|wrote)\s+(?P<p>[A-Z][\w'\u2019-]+(?:\s[A-Z][\w'\u2019-]+){1,3})"
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BLOCK = re.compile(r"\S(?:.*?\S)?(?=\s*\n[ \t]*\n|\s*\Z)", re.DOTALL)
_BULLET_LINE = re.compile(r"\n[ \t]*(?=[\u2022\u25cf*\-\u2013] )")
_NAME = r"[A-Z][\w'\u2019]*(?:-[\w'\u2019]+)*"
_RUN_AFTER = re.compile(rf"^\W*(?P<p>{_NAME}(?:\s+{_NAME}){{0,5}})\s+{_SPEECH}\b")
_APPOSITIVE = re.compile(
    rf"\b(?i:the|a|an)\s[^,.;:\u201c\u201d\"]{{1,60}}?,\s+(?P<p>{_NAME}(?:\s+{_NAME}){{0,3}}),"
    rf"\s+(?i:{_SPEECH})\b"
)
_POSSESSIVE = rf"{_NAME}(?:\s+{_NAME}){{0,3}}['\u2019]s\s[^,.;:\u201c\u201d\"]{{1,80}}?"
_OWNED_AFTER = re.compile(rf"^\W*(?P<p>{_POSSESSIVE})\s+{_SPEECH}\b")
_OWNED_BEFORE = re.compile(rf"(?P<p>\b{_POSSESSIVE})\s+{_SPEECH}\b")
"""An organ named by its owner: "Iran's mission to the United Nations said"."""
_SURNAME_BEFORE = re.compile(rf"(?P<p>\b{_NAME})\s+(?i:{_SPEECH})\b")
_ABBREV = frozenset({"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "prof", "no", "vs"})
_MONTH_ABBREV = frozenset(
    {"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"}
)
_BOUNDARY = re.compile(r"[.!?]+[\"\u201d\u2019)]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence's ``[start, end)`` span and its paragraph number."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: its words, span (marks excluded) and speaker."""

    text: str
    start: int
    end: int
    speaker: str | None
    actor: str | None
    attributed: bool


@dataclass(frozen=True, slots=True)
class _Raw:
    start: int  # the opening mark
    end: int  # just after the closing mark (or the end of the last paragraph)
    parts: tuple[tuple[int, int], ...]  # content spans, one per paragraph


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Blocks between blank lines (lines wrapped), else lines; a bulleted line starts its own.

    Without blank lines, a line that ends inside a quotation continues on the next
    line unless that line opens a quotation itself (a new quoted paragraph).
    """
    if not _BLANK_LINE.search(text):
        return _joined_lines(text)
    out: list[tuple[int, int]] = []
    for block in _BLOCK.finditer(text):
        start = block.start()
        for bullet in _BULLET_LINE.finditer(text, block.start(), block.end()):
            out.append((start, len(text[start : bullet.start()].rstrip()) + start))
            start = bullet.end()
        out.append((start, block.end()))
    return out


def _joined_lines(text: str) -> list[tuple[int, int]]:
    """Non-empty lines, a line that ends inside a quotation joined to the next one."""
    out: list[tuple[int, int]] = []
    still_open = False
    for m in re.finditer(r"\S(?:[^\n]*\S)?", text):
        line = m.group()
        if still_open and out and line[0] not in _OPEN + '"':
            out[-1] = (out[-1][0], m.end())
        else:
            out.append((m.start(), m.end()))
        segment = text[out[-1][0] : out[-1][1]]
        straight = segment.count('"') % 2 == 1
        curly = sum(segment.count(c) for c in _OPEN) > sum(segment.count(c) for c in _CLOSE)
        still_open = straight or curly
    return out


def _raw_quotes(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[_Raw]:
    found: list[_Raw] = []
    pending: tuple[int, list[tuple[int, int]]] | None = None  # open across paragraphs
    for index, (lo, hi) in enumerate(paragraphs):
        open_at: int | None = None
        curly = False
        start = -1
        parts: list[tuple[int, int]] = []
        i = lo
        if pending is not None:
            if text[lo] in _OPEN + '"':
                start, parts = pending
                open_at, curly, i = lo, text[lo] in _OPEN, lo + 1
            else:
                found.append(_Raw(pending[0], paragraphs[index - 1][1], tuple(pending[1])))
            pending = None
        for mark in _MARKS.finditer(text, i, hi):
            ch, at = mark.group(), mark.start()
            if open_at is None and (ch in _OPEN or ch == '"'):
                open_at, curly, start, parts = at, ch in _OPEN, at, []
            elif open_at is not None and (ch in _CLOSE if curly else ch == '"'):
                parts.append((open_at + 1, at))
                found.append(_Raw(start, at + 1, tuple(parts)))
                open_at = None
        if open_at is not None:
            parts.append((open_at + 1, hi))
            pending = (start, parts)
    if pending is not None:
        found.append(_Raw(pending[0], paragraphs[-1][1], tuple(pending[1])))
    return found


def _initial(word: str) -> bool:
    """A lone letter before a full stop is an initial ("J. Smith"); a number ends a sentence."""
    return len(word) == 1 and word.isalpha()


def split_sentences(text: str, quotes: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    """Split ``text`` into sentences, never inside a quotation span."""
    sentences: list[Sentence] = []
    for number, (lo, hi) in enumerate(_paragraphs(text)):
        start = lo
        for m in _BOUNDARY.finditer(text, lo, hi):
            cut = m.start()
            word = re.search(r"(\w+)$", text[start:cut])
            if word and (word.group(1).lower() in _ABBREV or _initial(word.group(1))):
                continue
            if word and word.group(1) in _MONTH_ABBREV and text[m.end() : m.end() + 1].isdigit():
                continue  # "WASHINGTON, Oct. 25 - ...": a date, not the end of a sentence
            if any(a < m.end() - 1 < b for a, b in quotes):
                continue
            sentences.append(Sentence(start, m.end(), number))
            start = m.end()
        if start < hi:
            sentences.append(Sentence(start, hi, number))
    return sentences


def find_quotes(text: str, mentions: Sequence[Mention]) -> tuple[list[Quote], list[Sentence]]:
    """Return the quotations of ``text`` with their speakers, and its sentences."""
    paragraphs = _paragraphs(text)
    raws = _raw_quotes(text, paragraphs)
    spans = [(r.start, r.end) for r in raws]
    sentences = split_sentences(text, spans)
    starts = [r.start for r in raws]
    outside = [m for m in mentions if not _inside(m.start, starts, spans)]
    sentence_starts = [s.start for s in sentences]
    quotes: list[Quote] = []
    previous: dict[int, tuple[str | None, str | None, int]] = {}  # paragraph -> speaker
    for raw in raws:
        sentence = sentences[bisect.bisect_right(sentence_starts, raw.start) - 1]
        closing = sentences[bisect.bisect_right(sentence_starts, raw.end - 1) - 1]
        speaker = _attribute(
            text,
            raw,
            (sentence, closing),
            sentences=sentences,
            spans=spans,
            mentions=outside,
            previous=previous,
        )
        words = " ".join(" ".join(text[a:b].split()) for a, b in raw.parts).strip()
        quotes.append(
            Quote(
                words,
                raw.parts[0][0],
                raw.parts[-1][1],
                speaker[0],
                speaker[1],
                speaker[0] is not None,
            )
        )
        if speaker[0] is not None:
            previous[sentence.paragraph] = (speaker[0], speaker[1], sentence.end)
    return quotes, sentences


_Speaker = tuple[str | None, str | None]


def _attribute(
    text: str,
    raw: _Raw,
    bounds: tuple[Sentence, Sentence],
    *,
    sentences: Sequence[Sentence],
    spans: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    previous: dict[int, tuple[str | None, str | None, int]],
) -> _Speaker:
    sentence, closing = bounds
    inner = [
        (a, b)
        for a, b in spans
        if sentence.start <= a < closing.end and (a, b) != (raw.start, raw.end)
    ]
    before = _blank(text, sentence.start, raw.start, inner)
    after = _blank(text, raw.end, max(raw.end, closing.end), inner)
    if _SPEECH_RE.search(before):
        found = _from_segment(text, sentence.start, before, mentions, raw.start, after=False)
        if found[0] is not None:
            return found
    if _SPEECH_RE.search(after):
        found = _from_segment(text, raw.end, after, mentions, raw.start, after=True)
        if found[0] is not None:
            return found
    if before.strip(" \t\n,:;-") and not _SPEECH_RE.search(before):
        return None, None
    earlier = [
        s for s in sentences if s.paragraph == sentence.paragraph and s.end <= sentence.start
    ]
    if not earlier:
        return None, None
    last = earlier[-1]
    held = previous.get(sentence.paragraph)
    if held is not None and held[2] == last.end:
        return held[0], held[1]
    segment = _blank(
        text, last.start, last.end, [s for s in spans if last.start <= s[0] < last.end]
    )
    if _SPEECH_RE.search(segment):
        return _from_segment(text, last.start, segment, mentions, last.end, after=False)
    return None, None


def _inside(at: int, starts: Sequence[int], spans: Sequence[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(starts, at) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def _blank(text: str, lo: int, hi: int, spans: Sequence[tuple[int, int]]) -> str:
    """Return ``text[lo:hi]`` with the given spans replaced by spaces (offsets kept)."""
    chars = list(text[lo:hi])
    for a, b in spans:
        for i in range(max(a, lo), min(b, hi)):
            chars[i - lo] = " "
    return "".join(chars)


def _from_segment(
    text: str, offset: int, segment: str, mentions: Sequence[Mention], quote_at: int, *, after: bool
) -> _Speaker:
    end = offset + len(segment)
    people = [m for m in mentions if offset <= m.start < end and m.kind == "person"]
    if people:
        return people[0].name, people[0].actor
    if _PRONOUN_RE.search(segment):
        earlier = [m for m in mentions if m.kind == "person" and m.start < quote_at]
        if earlier:
            return earlier[-1].name, earlier[-1].actor
    if not after and (apposition := list(_APPOSITIVE.finditer(segment))):
        return _person(text, offset + apposition[-1].start("p"), offset + apposition[-1].end("p"))
    patterns = (
        (_SAID_TITLE, _NAME_AFTER, _OWNED_AFTER)
        if after
        else (_ACCORDING, _TITLE_BEFORE, _OWNED_BEFORE, _NAME_BEFORE)
    )
    for pattern in patterns:
        matches = list(pattern.finditer(segment))
        if matches:
            match = matches[0] if after else matches[-1]
            lo, hi = offset + match.start("p"), offset + match.end("p")
            actors = [m.actor for m in mentions if lo <= m.start < hi and m.actor]
            return _named(" ".join(text[lo:hi].split())), actors[0] if actors else None
    if after:
        title = re.match(rf"^\W*(?P<p>(?:the|a|an)\s[^,.;]{{1,80}}?)\s+{_SPEECH}\b", segment, re.I)
        if title:
            lo, hi = offset + title.start("p"), offset + title.end("p")
            actors = [m.actor for m in mentions if lo <= m.start < hi and m.actor]
            return " ".join(text[lo:hi].split()), actors[0] if actors else None
        named = _RUN_AFTER.match(segment)
        if named:
            return _person(text, offset + named.start("p"), offset + named.end("p"))
    else:
        surnames = list(_SURNAME_BEFORE.finditer(segment))
        if surnames:
            lo, hi = offset + surnames[-1].start("p"), offset + surnames[-1].end("p")
            found = _person(text, lo, hi)
            if found[0] != text[lo:hi]:  # only a surname introduced earlier in full
                return found
    return None, None


_OFFICES = frozenset(
    [
        "minister",
        "secretary",
        "president",
        "prime",
        "foreign",
        "defence",
        "defense",
        "interior",
        "general",
        "admiral",
        "chancellor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "envoy",
        "deputy",
        "chief",
        "senator",
        "governor",
        "commander",
        "colonel",
        "director",
        "premier",
        "leader",
    ]
)


def _named(phrase: str) -> str:
    """The person at the end of an owned office, else the phrase.

    ``Iran's foreign minister Hossein Amir-Abdollahian`` gives ``Hossein Amir-Abdollahian``.
    """
    words = phrase.split()
    for k in range(len(words) - 2, 0, -1):
        name = words[k:]
        if words[k - 1].lower() in _OFFICES and all(re.fullmatch(_NAME, w) for w in name):
            return " ".join(name)
    return phrase


def _person(text: str, lo: int, hi: int) -> _Speaker:
    """A person named in the text: office words dropped, a lone surname completed.

    ``Foreign Minister Anna Lindqvist`` gives ``Anna Lindqvist``; a lone
    ``Lindqvist`` gives the last fuller name ending in it before ``lo``
    (``Anna Lindqvist``), else stays as written. No actor: the person is not
    in the gazetteer.
    """
    words = text[lo:hi].split()
    while len(words) > 1 and words[0].lower() in _OFFICES:
        words = words[1:]
    if len(words) == 1:
        earlier = list(re.finditer(rf"\b({_NAME})\s+{re.escape(words[0])}\b", text[:lo]))
        fuller = [m for m in earlier if m.group(1).lower() not in _OFFICES]
        if fuller:
            words = [fuller[-1].group(1), words[0]]
    return " ".join(words), None
