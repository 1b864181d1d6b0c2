"""Numbers and dates in article text, for :mod:`escalade.evidence.ingest`.

Numbers: digits with thousands separators or decimals ("10,000", "1.5
million"), percentages ("20%", "30 percent"), numbers in words ("ten
thousand", "two"), shares ("half of all artillery shells", "a third") and
ordinals ("fourth largest"); each with what it counts: the noun phrase that
follows, without a leading "of (all|the)". A number that is part of a name
("K-1 base", "F-35", "COVID-19", "MH17") is not a claim.

Dates: absolute ("November 5", "5 November", "October 28, 2024",
"2024-11-05", months such as "in February") and relative ones ("on
Monday", "Wednesday", "today", "yesterday", "last weekend", "last week",
"earlier in October", "last year"), resolved against the article date:
a month and day without a year takes the year that puts it nearest the
article date ("December 29" in an article of 4 January is the previous
December); a weekday is the latest such day on or before the article date, unless its
sentence looks ahead ("will", "is due to", "plans to", "next Wednesday"...):
then it is the next such day after the article date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from escalade.evidence.text import QUANTITY_START

__all__ = ["DateRef", "NumberClaim", "find_dates", "find_numbers", "nearest_year"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m and m != "May"})
_MONTHS["sept"] = 9
_DAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
# A month by name, or abbreviated as wire reports write it ("Oct. 25", "25 Sept 1973"): the
# abbreviation capitalised (case-sensitive, so "mar" and "dec" in running text are not months).
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?-i:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?))"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "one": 1, "a": 1,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_SHARES = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
           "two-thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25,
           "three quarters": 0.75, "three-quarters": 0.75}  # fmt: skip
_WORD_NUM = "|".join(sorted((k for k in _UNITS if k not in ("a", "one")), key=len, reverse=True))
_SCALE = "|".join(_SCALES)
_NUMBER = re.compile(
    rf"(?P<digits>\$?{QUANTITY_START}(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?))"
    rf"(?:\s(?P<dscale>{_SCALE}))?"
    rf"(?P<pct>\s?%|\s(?:percent|per cent))?"
    rf"|(?P<words>\b(?:(?:{_WORD_NUM})(?:[\s-](?:and\s)?(?:{_WORD_NUM}|{_SCALE}))+"
    # "a" and "one" lead only a scale ("a thousand"): "a seven-year-old" is not 1 + 7
    rf"|(?:a|one)[\s-](?:{_SCALE})(?:[\s-](?:and\s)?(?:{_WORD_NUM}|{_SCALE}))*"
    rf"|(?:{_WORD_NUM})\b(?!-)))(?P<wpct>\s(?:percent|per cent))?"
    rf"|(?P<share>\b(?:{'|'.join(sorted(_SHARES, key=len, reverse=True))})\b)"
    rf"|(?P<ord>\b(?:{'|'.join(_ORDINALS)})\b(?=\s+(?:largest|biggest|most|highest|lowest|smallest)))",
    re.IGNORECASE,
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "have",
        "has",
        "had",
        "that",
        "which",
        "who",
        "will",
        "would",
        "could",
        "may",
        "might",
        "can",
        "this",
        "these",
        "those",
        "it",
        "its",
        "as",
        "than",
        "of",  # "seven officers of the Guards" counts officers, not "of"
        "per",
        "into",
        "over",
        "about",
        "after",
        "before",
        "since",
        "until",
        "while",
        "if",
        "so",
        "not",
        "also",
        "already",
        "more",
        "less",
        "used",
        "sent",
        "deployed",
        "supplied",
        "killed",
        "into",
        "across",
        "near",
        "inside",
        "under",
        "onto",
        "toward",
        "towards",
        "through",
    ]
)


@dataclass(frozen=True, slots=True)
class NumberClaim:
    """A number found in text: its value, kind, unit and what it counts."""

    text: str
    value: float
    kind: str  # count, percent, share, ordinal, money
    unit: str | None
    counts: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date found in text; ``date``/``end`` are ISO strings or None if unresolved."""

    text: str
    date: str | None
    end_date: str | None
    resolution: str  # day, weekend, week, month, year
    relative: bool
    start: int
    end: int


def _words_value(words: str) -> float:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            current += _UNITS[word]
    return float(total + current)


def _counts(text: str, end: int) -> tuple[str | None, str | None]:
    """Return the noun (unit) and the noun phrase after a number, if any."""
    tail = re.sub(r"^\s+of\s+(?:all\s+|the\s+)?", " ", text[end : end + 80])
    match = re.match(r"[ -]([A-Za-z][\w'\u2019-]*(?: [A-Za-z][\w'\u2019-]*){0,3})", tail)
    if match is None:
        return None, None
    words: list[str] = []
    for word in match.group(1).split():
        if word.lower() in _STOP or (words and word.lower().endswith("ed")):
            break
        words.append(word)
    if not words:
        return None, None
    return words[-1].lower(), " ".join(words)


_YEAR_BEFORE = frozenset(["in", "since", "until", "till", "during", "early", "late", "mid"])
_PLURAL_WITHOUT_S = frozenset(
    ["people", "personnel", "men", "women", "children", "police", "staff", "crew"]
)


def _is_year(text: str, m: re.Match[str]) -> bool:
    """Whether a number is a year ("the 1997 treaty", "since 2014", "the 1990s"), not a count.

    Four digits from 1900 to 2099, without a comma, scale or percent sign, are a year
    after a word that leads one (``in``, ``since``, ``until``, ...), before an ``s`` (a
    decade) or before anything but a plural noun: "the 2020 war" is a year, "a force
    of 1997 troops" a count.
    """
    digits = m.group("digits")
    if not digits or m.group("dscale") or m.group("pct") or not re.fullmatch(r"\d{4}", digits):
        return False
    if not 1900 <= int(digits) <= 2099:
        return False
    before = re.search(r"([A-Za-z]+)[\s-]*$", text[max(0, m.start() - 20) : m.start()])
    if before and before.group(1).lower() in _YEAR_BEFORE:
        return True
    if text[m.end() : m.end() + 1] == "s":
        return True
    noun, _ = _counts(text, m.end())
    plural = noun is not None and (
        noun in _PLURAL_WITHOUT_S or (noun.endswith("s") and not noun.endswith("ss"))
    )
    return not plural


def find_numbers(text: str, *, skip: list[tuple[int, int]]) -> list[NumberClaim]:
    """Return the numeric claims in ``text``, ignoring the ``skip`` spans (dates)."""
    found: list[NumberClaim] = []
    for m in _NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in skip) or not m.group().strip():
            continue
        if _is_year(text, m):
            continue
        kind, unit = "count", None
        if m.group("digits"):
            digits = m.group("digits")
            value = float(digits.lstrip("$").replace(",", ""))
            if m.group("dscale"):
                value *= _SCALES[m.group("dscale").lower()]
            if digits.startswith("$"):
                kind, unit = "money", "USD"
            if m.group("pct"):
                kind, unit = "percent", "%"
        elif m.group("words"):
            value = _words_value(m.group("words"))
            if m.group("wpct"):
                kind, unit = "percent", "%"
        elif m.group("share"):
            kind, value = "share", _SHARES[m.group("share").lower()]
        else:
            kind, value = "ordinal", float(_ORDINALS[m.group("ord").lower()])
        noun, counts = _counts(text, m.end())
        if unit is None:
            unit = noun
        found.append(NumberClaim(m.group(), value, kind, unit, counts, m.start(), m.end()))
    return found


_DATE = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<md>\b{_MONTH}\s+\d{{1,2}}\b(?:,?\s+\d{{4}}\b)?)"
    rf"|(?P<dm>\b\d{{1,2}}\s+{_MONTH}(?!\w)(?:\s+\d{{4}}\b)?)"
    rf"|(?P<rel>\b(?:today|yesterday|tomorrow|last\s+weekend|this\s+weekend|last\s+week|last\s+year"
    rf"|this\s+year|last\s+month|this\s+month|earlier\s+this\s+month)\b)"
    rf"|(?P<month>\b(?:(?:earlier|later|early|late)\s+in\s+"
    rf"|(?:in|during|throughout|since|until|by|early|late)\s+|mid-?\s*)"
    rf"{_MONTH}(?!\w)(?!\.?\s+\d{{1,2}}\b)(?:\s+\d{{4}}\b)?)"
    rf"|(?P<day>\b(?:(?:on|last|this|next)\s+)?{_DAY}\b)",
    re.IGNORECASE,
)


def _month_range(year: int, month: int) -> tuple[str, str]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1).isoformat(), dt.date(year, month, last).isoformat()


def _relative(phrase: str, today: dt.date) -> tuple[str, str | None, str]:
    words = phrase.lower().split()
    key = " ".join(words[-2:]) if len(words) > 1 else words[0]
    if words[0] in ("today", "yesterday", "tomorrow"):
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[words[0]]
        return (today + dt.timedelta(days=shift)).isoformat(), None, "day"
    if key.endswith("weekend"):
        saturday = today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)
        if words[0] == "this":
            saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
        return saturday.isoformat(), (saturday + dt.timedelta(days=1)).isoformat(), "weekend"
    if key == "last week":
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat(), "week"
    if key.endswith("month"):
        year, month = today.year, today.month
        if words[0] == "last":
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        first, last = _month_range(year, month)
        return first, last, "month"
    year = today.year - 1 if words[0] == "last" else today.year
    return dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat(), "year"


def nearest_year(day: dt.date, article: dt.date) -> dt.date:
    """Return ``day`` moved to the year (article's year ± 1) that puts it nearest ``article``.

    Parameters
    ----------
    day : datetime.date
        A month and day; its year is ignored.
    article : datetime.date
        The article's date.

    Returns
    -------
    datetime.date
        ``day`` in the year before, of or after the article's, whichever is nearest
        (29 February only in a leap year).
    """
    candidates = []
    for year in (article.year - 1, article.year, article.year + 1):
        try:
            candidates.append(day.replace(year=year))
        except ValueError:  # 29 February of a common year
            continue
    return min(candidates, key=lambda d: abs((d - article).days))


def _absolute(m: re.Match[str], today: dt.date | None) -> tuple[str | None, str | None, str]:
    if m.group("iso"):
        try:
            return dt.date.fromisoformat(m.group("iso")).isoformat(), None, "day"
        except ValueError:
            return None, None, "day"
    phrase = m.group()
    name = re.search(_MONTH, phrase, re.I).group()  # type: ignore[union-attr]
    month = _MONTHS[name.rstrip(".").lower()]
    numbers = [int(n) for n in re.findall(r"\d+", phrase)]
    years = [n for n in numbers if n > 31]
    days = [n for n in numbers if n <= 31]
    year = years[0] if years else (today.year if today else None)
    if m.group("month"):
        if year is None:
            return None, None, "month"
        first, last = _month_range(year, month)
        return first, last, "month"
    if year is None or not days:
        return None, None, "day"
    try:
        day = dt.date(year if years else 2000, month, days[0])  # 2000: a leap year
    except ValueError:
        return None, None, "day"
    if not years and today is not None:
        day = nearest_year(day, today)
    return day.isoformat(), None, "day"


_AHEAD = re.compile(
    r"\b(?:will|shall|next|upcoming|(?:is|are|was|were) (?:due|set|expected|scheduled|to)"
    r"|plans? to|planning to|intends? to)\b",
    re.IGNORECASE,
)


def _weekday(m: re.Match[str], text: str, target: int, article_date: dt.date) -> dt.date:
    """The day a weekday names, as seen from the article's date.

    The latest such day on or before the article date, or the next one after
    it when the sentence looks ahead (and the weekday is not 'last ...').
    """
    said = m.group().lower()
    start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    stops = [i for i in (text.find(".", m.end()), text.find("\n", m.end())) if i >= 0]
    sentence = text[start : min(stops, default=len(text))]
    if not said.startswith("last") and _AHEAD.search(sentence):
        ahead = (target - article_date.weekday()) % 7 or 7
        return article_date + dt.timedelta(days=ahead)
    back = (article_date.weekday() - target) % 7
    if said.startswith("last") and back == 0:
        back = 7
    return article_date - dt.timedelta(days=back)


def find_dates(text: str, article_date: dt.date | None) -> list[DateRef]:
    """Return the dates in ``text``, resolved against ``article_date`` where relative."""
    found: list[DateRef] = []
    for m in _DATE.finditer(text):
        explicit_year = re.search(r"\d{4}", m.group()) is not None
        relative = bool(
            m.group("rel") or m.group("day") or (m.group("month") and not explicit_year)
        )
        if m.group("day"):
            target = _DAYS[m.group().split()[-1].lower()]
            if article_date is None:
                value: tuple[str | None, str | None, str] = (None, None, "day")
            else:
                value = (_weekday(m, text, target, article_date).isoformat(), None, "day")
        elif m.group("rel"):
            value = _relative(m.group(), article_date) if article_date else (None, None, "day")
        else:
            value = _absolute(m, article_date)
        found.append(DateRef(m.group(), *value, relative, m.start(), m.end()))
    return found
