"""Finding a quote in a source text, tolerant of typography and small differences.

:func:`find_quote` first looks for the normalised quote verbatim in the
normalised text (see :func:`escalade.evidence.text.normalise`): curly and
straight quotes, dashes, ellipses, line breaks and case do not matter. If
that fails it aligns the quote fuzzily (``rapidfuzz.fuzz.partial_ratio``,
a 0-100 similarity of the quote with its best-matching stretch of the
text) and reports the score and where the best stretch is. On long texts
the fuzzy search looks only at candidate windows around the quote's rarest
words, so its time stays bounded.

Examples
--------
>>> text = "He called it a \u201csignificant escalation.\u201d"
>>> m = find_quote('"significant escalation"', text)
>>> m.found, m.exact, m.start, m.end
(True, True, 16, 38)
>>> find_quote("a minor escalation", text).found
False
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from escalade.errors import UsageError
from escalade.evidence.text import QUANTITY_START, NormalisedText, line_col, normalise

__all__ = ["QuoteMatch", "contains_number", "find_quote", "numbers_in"]

_DIRECT_LIMIT = 50_000
"""Texts up to this many characters are aligned whole; longer ones by windows."""
_MAX_WINDOWS = 24
_MAX_HITS = 4_000
_EXCERPT_CHARS = 300
_STRIP = " \"'.,;:"
_WORD = re.compile(r"\w+")
_WORD_REGIONS = 3
_MAX_WORDS = 200


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where (and how well) a quote was found in a text.

    Parameters
    ----------
    found : bool
        True if the score reaches the threshold.
    score : float
        Similarity from 0 to 100 (100 for an exact normalised match).
    exact : bool
        True if the normalised quote occurs verbatim.
    start, end : int or None
        The ``[start, end)`` character span of the best match in the
        original text (None when nothing resembles the quote).
    line, col : int or None
        1-based line and column of ``start``.
    excerpt : str
        The original text of the best match (whitespace collapsed, cut at
        300 characters), or ``""``.
    """

    found: bool
    score: float
    exact: bool
    start: int | None
    end: int | None
    line: int | None
    col: int | None
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        """Return the match as a JSON-ready mapping."""
        return asdict(self)


def _needle(quote: str) -> str:
    return normalise(quote).text.strip(_STRIP)


def find_quote(quote: str, text: str | NormalisedText, *, threshold: float = 90.0) -> QuoteMatch:
    """Find ``quote`` in ``text``.

    Parameters
    ----------
    quote : str
        The quoted words; surrounding quotation marks and end punctuation
        are ignored.
    text : str or NormalisedText
        The source text, or its normalised form (normalise once when
        checking many quotes against one source).
    threshold : float, default 90.0
        The smallest fuzzy score (0-100) that counts as found.

    Returns
    -------
    QuoteMatch

    Raises
    ------
    UsageError
        If the quote is empty or the threshold is outside [0, 100].
    """
    if not 0.0 <= threshold <= 100.0:
        raise UsageError(f"threshold: expected a number in [0, 100], found {threshold!r}")
    needle = _needle(quote)
    if not needle:
        raise UsageError(f"quote: expected some words to look for, found {quote!r}")
    hay = text if isinstance(text, NormalisedText) else normalise(text)
    at = hay.text.find(needle)
    if at >= 0:
        return _result(hay, at, at + len(needle), 100.0, exact=True, found=True)
    score, start, end = _fuzzy(needle, hay.text)
    if start is None or end is None:
        return QuoteMatch(False, score, False, None, None, None, None, "")
    return _result(hay, start, end, score, exact=False, found=score >= threshold)


def _result(
    hay: NormalisedText, start: int, end: int, score: float, *, exact: bool, found: bool
) -> QuoteMatch:
    ostart, oend = hay.original_span(start, end)
    line, col = line_col(hay.original, ostart)
    excerpt = " ".join(hay.original[ostart:oend].split())
    if len(excerpt) > _EXCERPT_CHARS:
        excerpt = excerpt[: _EXCERPT_CHARS - 3] + "..."
    return QuoteMatch(found, round(float(score), 2), exact, ostart, oend, line, col, excerpt)


def _fuzzy(needle: str, hay: str) -> tuple[float, int | None, int | None]:
    """Return the best word-level score of ``needle`` in ``hay`` and its span."""
    direct = len(hay) <= _DIRECT_LIMIT
    windows = [(0, len(hay))] if direct else _candidate_windows(needle, hay)
    regions: list[tuple[float, int, int]] = []
    for lo, hi in windows:
        found = fuzz.partial_ratio_alignment(needle, hay[lo:hi])
        if found is not None and found.score > 0:
            regions.append((found.score, lo + found.dest_start, lo + found.dest_end))
    regions.sort(reverse=True)
    words = _WORD.findall(needle)
    best: tuple[float, int | None, int | None] = (0.0, None, None)
    for char_score, start, end in regions[:_WORD_REGIONS]:
        if not words or len(words) > _MAX_WORDS:
            candidate = (char_score, start, end)
        else:
            lo = max(0, start - len(needle))
            candidate = _word_score(words, hay, lo, min(len(hay), end + len(needle)))
        if candidate[0] > best[0]:
            best = candidate
    return best


def _word_score(words: list[str], hay: str, lo: int, hi: int) -> tuple[float, int, int]:
    """Align the quote's words with the words of ``hay[lo:hi]``, free at both ends.

    Every missing, extra or different word costs 1; two words written as
    one (or one split in two, a common scraping artefact) cost 0.5. The
    score is ``100 * (1 - cost / len(words))``, at least 0.
    """
    spans = [m.span() for m in _WORD.finditer(hay, lo, hi)]
    if not spans:
        return 0.0, lo, lo
    text = [hay[a:b] for a, b in spans]
    n, m = len(words), len(text)
    prev_prev: list[tuple[float, int]] = []
    prev = [(0.0, j) for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [(float(i), 0)]
        for j in range(1, m + 1):
            sub = prev[j - 1][0] + (0.0 if words[i - 1] == text[j - 1] else 1.0)
            options = [(sub, prev[j - 1][1]), (prev[j][0] + 1.0, prev[j][1])]
            options.append((cur[j - 1][0] + 1.0, cur[j - 1][1]))
            if i >= 2 and words[i - 2] + words[i - 1] == text[j - 1]:
                options.append((prev_prev[j - 1][0] + 0.5, prev_prev[j - 1][1]))
            if j >= 2 and text[j - 2] + text[j - 1] == words[i - 1]:
                options.append((prev[j - 2][0] + 0.5, prev[j - 2][1]))
            cur.append(min(options, key=lambda o: o[0]))
        prev_prev, prev = prev, cur
    end = min(range(1, m + 1), key=lambda j: (prev[j][0], -j))
    cost, first = prev[end]
    score = max(0.0, 100.0 * (1.0 - cost / n))
    first = min(first, end - 1)
    return score, spans[first][0], spans[end - 1][1]


def _candidate_windows(needle: str, hay: str) -> list[tuple[int, int]]:
    """Return windows of ``hay`` around places where several rare words of the quote occur."""
    tokens = sorted(set(re.findall(r"\w{3,}", needle)), key=len, reverse=True)[:40]
    counted = [(hay.count(t), t) for t in tokens]
    rare = sorted((c, -len(t), t) for c, t in counted if c)[:4]
    if not rare:
        return []
    hits = [
        np.fromiter(
            (
                m.start()
                for _, m in zip(range(_MAX_HITS), re.finditer(re.escape(t), hay), strict=False)
            ),
            dtype=np.int64,
        )
        for _, _, t in rare
    ]
    span = len(needle)
    centres = np.unique(np.concatenate(hits))
    votes = np.zeros(centres.shape[0], dtype=np.int64)
    for positions in hits:
        left = np.searchsorted(positions, centres - span, side="left")
        right = np.searchsorted(positions, centres + span, side="right")
        votes += right > left
    order = np.argsort(-votes, kind="stable")
    windows: list[tuple[int, int]] = []
    for i in order:
        centre = int(centres[i])
        if any(lo <= centre < hi for lo, hi in windows):
            continue
        windows.append((max(0, centre - 2 * span), min(len(hay), centre + 2 * span)))
        if len(windows) == _MAX_WINDOWS:
            break
    return windows


def _positions(token: str, hay: str) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    """Return the first ``_MAX_HITS`` offsets of ``token`` in ``hay``."""
    found = re.finditer(re.escape(token), hay)
    starts = (m.start() for _, m in zip(range(_MAX_HITS), found, strict=False))
    return np.fromiter(starts, dtype=np.int64)


_NUMBER = re.compile(
    QUANTITY_START + r"(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*(%|per\s?cent\b|percent\b|thousand\b|million\b|billion\b))?",
    re.IGNORECASE,
)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
_WORD_NUMBER = re.compile(
    r"\b("
    + "|".join(_WORDS)
    + r"|a)\s+(hundred|thousand|million|billion)\b|\b("
    + "|".join(_WORDS)
    + r")\b(?!-)",
    re.IGNORECASE,
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 1e2}


def numbers_in(text: str) -> set[float]:
    """Return the numbers written in ``text``, tolerant of how they are written.

    ``10,000``, ``10 000`` and ``10000`` are the same number; ``ten thousand``
    and ``10 thousand`` are 10000; a percentage counts both as itself and as
    a fraction (``30%`` gives 30 and 0.3). A number that is part of a name
    ("K-1", "F-35", "COVID-19", "MH17") is not one (see
    :data:`escalade.evidence.text.QUANTITY_START`).

    Examples
    --------
    >>> sorted(numbers_in("about 10,000 troops, 30% of them, two brigades"))
    [0.3, 2.0, 30.0, 10000.0]
    >>> sorted(numbers_in("ten thousand soldiers"))
    [10000.0]
    >>> sorted(numbers_in("30 rockets hit the K-1 base"))
    [30.0]
    """
    found: set[float] = set()
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"[,\u00a0\u202f ]", "", match.group(1))
        value = float(digits)
        unit = (match.group(2) or "").lower().replace(" ", "")
        if unit in {"%", "percent"} or unit.startswith("per"):
            found.update({value, value / 100.0})
        elif unit in _SCALE:
            found.add(value * _SCALE[unit])
        else:
            found.add(value)
    for match in _WORD_NUMBER.finditer(text):
        if match.group(3):
            found.add(float(_WORDS[match.group(3).lower()]))
        else:
            base = 1 if match.group(1).lower() == "a" else _WORDS[match.group(1).lower()]
            found.add(float(base * _SCALE[match.group(2).lower()]))
    return found


def contains_number(value: float, numbers: set[float]) -> bool:
    """True if ``value`` is one of ``numbers`` (to a relative 1e-9)."""
    return any(abs(value - n) <= 1e-9 * max(1.0, abs(value)) for n in numbers)
