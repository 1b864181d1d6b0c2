"""Propose observed-timeline entries from a news article, for a person to review.

:func:`propose_observations` reads an article's sentences and, for each one
that reports one of a scenario's options or events, proposes an observation
``{id, date, option|event[, branch], taken|fired, source: {ref, quote}}``.

The rule (documented in ``docs/history.md``): a sentence reports a target (an
option, or an event's branch) when the rapidfuzz token-set similarity between
the sentence and the target's name, description or id words (lower case, stop
words dropped, plural ``s`` stripped) is at least :data:`MIN_SCORE` and the
sentence shares at least :data:`MIN_SHARED` words with the target's name and
id words (all of them when it has fewer), so that one common word such as
"Ukraine" is not enough. Those shared words must also be evidence for this
target rather than for any of several: one of them is a word no other target's
name or id has, or they are at least :data:`MIN_NAME_SHARE` of the words of
the target's name (a generic pair such as "a limited strike" does not report
``lift_strike_limits``, "Allow long-range strikes into Russia", whose words
"strike" and "limit" other targets have too). Only the best target of each
sentence is proposed. Year-less dates are resolved against the article's date,
or the end of the scenario's calendar when no article date is given. The date
is the first day-precise date the sentence names (a month and day without a
year takes the year that puts it nearest the article's date: "March 12" in an
article of 11 March is the next day, "December 20" in one of 5 January the
month before), else the first day of the first month it names without a day
("in July": precision ``month``, in the reference date's year), else the
article's date, else none (the proposal then says ``date: null`` and the
loader rejects it until a person fills it in). The quote is at most
:data:`MAX_QUOTE_WORDS` words copied from the sentence (the window with the
most words of the target).

Nothing here writes a timeline: proposals are text for a person to accept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from escalade.evidence._ingest_claims import find_dates, nearest_year
from escalade.evidence.gazetteer import find_mentions
from escalade.evidence.ingest import (
    IngestResult,
    OptionCandidate,
    OptionRef,
    ingest,
    match_words,
    negated,
)

__all__ = [
    "MAX_QUOTE_WORDS",
    "MIN_NAME_SHARE",
    "MIN_SCORE",
    "MIN_SHARED",
    "Proposal",
    "Target",
    "format_proposals",
    "nearest_year",
    "propose_observations",
    "round_of",
]

MIN_SCORE = 80.0
"""The lowest token-set similarity (0-100) at which a sentence is proposed."""
MIN_SHARED = 2
"""How many content words of its name and id a sentence must share with a target."""
MIN_NAME_SHARE = 2 / 3
"""The share of its name's words a sentence must have when none it shares is the target's own."""
MAX_QUOTE_WORDS = 16
"""The longest quote (in words) a proposal copies from its sentence."""


@dataclass(frozen=True, slots=True)
class Target:
    """An option, or an event (with a branch, or fired), that a sentence may report."""

    kind: str  # "option" or "event"
    id: str
    name: str
    description: str = ""
    branch: str | None = None
    actor: str = ""
    """The scenario id of the option's actor ("" for an event)."""
    actor_name: str = ""
    """That actor's name, as the scenario gives it."""

    @property
    def key(self) -> str:
        """``option:id``, ``event:id`` or ``event:id/branch``."""
        return f"{self.kind}:{self.id}" + (f"/{self.branch}" if self.branch else "")


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed observation with its score, sentence span and round."""

    target: Target
    date: dt.date | None
    quote: str
    score: float
    ref: str
    start: int
    end: int
    round: int | None = None
    already: bool = False
    precision: str = "day"
    """``day``, or ``month`` when the sentence names a month without a day ("in July"):
    ``date`` is then the month's first day."""

    @property
    def id(self) -> str:
        """An observation id: the target's id (and branch) and the date (or month)."""
        stem = self.target.id + (f"_{self.target.branch}" if self.target.branch else "")
        if self.date is None:
            return stem
        return stem + (
            f"_{self.date:%Y_%m}" if self.precision == "month" else f"_{self.date:%Y_%m_%d}"
        )


def round_of(round_dates: Sequence[dt.date], day: dt.date) -> int | None:
    """The round whose ``[start, next start)`` contains ``day``, or None outside."""
    index = None
    for r, start in enumerate(round_dates[:-1]):
        if start <= day:
            index = r
    if index is None or day >= round_dates[-1]:
        return None
    return index


def propose_observations(
    text: str,
    targets: Sequence[Target],
    *,
    ref: str,
    article_date: dt.date | None = None,
    round_dates: Sequence[dt.date] = (),
    existing: Iterable[tuple[str, int]] = (),
) -> list[Proposal]:
    """Propose observations for the sentences of ``text`` that report a target.

    Parameters
    ----------
    text : str
        The article's plain text.
    targets : sequence of Target
        The scenario's options and events (see the CLI's ``scenario_targets``).
    ref : str
        The article's source id, for ``source.ref``.
    article_date : datetime.date, optional
        The publication date: resolves year-less dates and dates the sentences
        that name none.
    round_dates : sequence of datetime.date, optional
        The scenario's round start dates (with the end), to find rounds.
    existing : iterable of (str, int)
        ``(target key without branch, round)`` pairs the timeline already has.

    Returns
    -------
    list of Proposal
        In the order of the sentences.
    """
    label = {t: f"{t.id} {t.branch or ''}".strip() for t in targets}
    index: dict[str, Target] = {}
    for t in targets:
        index.setdefault(label[t], t)
    refs = [OptionRef(label[t], t.name, t.description) for t in targets]
    reference = article_date or (round_dates[-1] if round_dates else None)
    result = ingest(text, article_date=reference, options=refs)
    have, shared_by = set(existing), _owners(targets)
    named = _naming(result, targets, reference)
    seen: set[int] = set()
    proposals: list[Proposal] = []
    # per sentence, a candidate whose actor the sentence names first, then the best score
    order = sorted(result.options, key=lambda c: (c.start, not named(index[c.option], c), -c.score))
    for cand in order:
        target = index[cand.option]
        sentence = text[cand.start : cand.end]
        if cand.start in seen or cand.score < MIN_SCORE:
            continue
        if not _shares_words(sentence, target, shared_by, named=named(target, cand)):
            continue
        seen.add(cand.start)
        quote = _quote(sentence, target)
        # a date among the quoted words (those nearest the move) first: a dateline's date
        # ("JERUSALEM, April 14 - ... the April 1 strike") is not the move's
        day, precision = _sentence_date(quote, reference)
        if day is None or precision != "day":
            day, precision = _sentence_date(sentence, reference)
        if day is None:
            day, precision = article_date, "day"
        rnd = round_of(round_dates, day) if day and round_dates else None
        already = rnd is not None and (f"{target.kind}:{target.id}", rnd) in have
        proposals.append(
            Proposal(
                target, day, quote, cand.score, ref,
                cand.start, cand.end, rnd, already, precision,
            )
        )  # fmt: skip
    return proposals


def _words(text: str) -> set[str]:
    return set(match_words(text).split())


def _key_words(target: Target) -> set[str]:
    """The content words of the target's name, id and branch."""
    return _words(" ".join([target.name, target.id.replace("_", " "), target.branch or ""]))


def _owners(targets: Sequence[Target]) -> dict[str, int]:
    """How many of the targets have each word in their name, id or branch."""
    owners: dict[str, int] = {}
    for target in targets:
        for word in _key_words(target):
            owners[word] = owners.get(word, 0) + 1
    return owners


def _naming(
    result: IngestResult, targets: Sequence[Target], on: dt.date | None
) -> Callable[[Target, OptionCandidate], bool]:
    """Whether a candidate's sentence names its target's actor (a state, capital, demonym...).

    The actor goes by its scenario id and by what the gazetteer finds in its name
    ("United Kingdom": ``gbr``), so "London" or "British" in a sentence name it.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for mention in result.actors:
        spans.setdefault(mention.id, []).extend(mention.spans)
    codes: dict[str, set[str]] = {}
    for t in targets:
        if t.actor and t.actor not in codes:
            found = find_mentions(t.actor_name, on=on) if t.actor_name else []
            codes[t.actor] = {t.actor} | {m.actor for m in found if m.actor}

    def named(target: Target, cand: OptionCandidate) -> bool:
        return any(
            cand.start <= start and end <= cand.end
            for code in codes.get(target.actor, ())
            for start, end in spans.get(code, ())
        )

    return named


def _shares_words(
    sentence: str, target: Target, owners: dict[str, int], *, named: bool = False
) -> bool:
    """At least :data:`MIN_SHARED` content words of the target (all, if it has fewer).

    They must be evidence for this target: one of them is its own (``owners`` counts the
    targets that have each word), the sentence ``named`` the target's actor ("London
    will send military aid" for the British option), or they are at least
    :data:`MIN_NAME_SHARE` of its name's words. A sentence that negates them ("urged
    both sides to avoid military action", see :func:`~escalade.evidence.ingest.negated`)
    does not report the target.
    """
    words, said = _key_words(target), _words(sentence)
    shared = words & said
    if len(shared) < min(MIN_SHARED, len(words)):
        return False
    name = _words(target.name)
    own = named or any(owners.get(word, 0) <= 1 for word in shared)
    if not own and len(name & said) < MIN_NAME_SHARE * len(name):
        return False
    text = " ".join([target.name, target.id.replace("_", " "), target.branch or ""])
    return not negated(sentence, text)


_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SHORT = re.compile(
    r"\b(?:(?P<d1>\d{1,2})\s+(?P<m1>[A-Z][a-z]{2})a?\.?|(?P<m2>[A-Z][a-z]{2})t?\.?\s+(?P<d2>\d{1,2}))"
    r"(?:,?\s+(?P<y>\d{4}))?\b"
)


def _short_date(sentence: str, article: dt.date | None) -> dt.date | None:
    """``17 Nov 2024``, ``Nov. 17``: abbreviated months, which the claim finder skips."""
    for m in _SHORT.finditer(sentence):
        month = (m.group("m1") or m.group("m2")).lower()
        year = m.group("y") or (article.year if article else None)
        if month not in _ABBR or year is None:
            continue
        try:
            day = dt.date(int(year), _ABBR.index(month) + 1, int(m.group("d1") or m.group("d2")))
        except ValueError:
            continue
        if article is not None and m.group("y") is None:
            day = nearest_year(day, article)
        return day
    return None


_MONTH_NAME = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b",
    re.IGNORECASE,
)


def _sentence_date(sentence: str, article: dt.date | None) -> tuple[dt.date | None, str]:
    """The first day-precise date the sentence names, else the first month it names.

    A month named without a day ("in July") is its first day, with precision
    ``month``, in the article's year (a month after the article's stays in its year).
    """
    found_dates = find_dates(sentence, article)
    if not found_dates:
        return _short_date(sentence, article), "day"
    month = None
    for found in found_dates:
        if found.date is None:
            continue
        if found.resolution == "month" and month is None and _MONTH_NAME.search(found.text):
            month = dt.date.fromisoformat(found.date)
        if found.resolution != "day" or not re.search(r"\d", found.text):
            continue  # weekdays and 'yesterday' are too loose for an observation's date
        return dt.date.fromisoformat(found.date), "day"  # year-less: nearest the article
    return (month, "month") if month is not None else (None, "day")


def _quote(sentence: str, target: Target) -> str:
    words = list(re.finditer(r"\S+", sentence))
    if len(words) <= MAX_QUOTE_WORDS:
        lo, hi = 0, len(words)
    else:
        wanted = _words(" ".join([target.name, target.description, target.id.replace("_", " ")]))
        hits = [bool(_words(w.group()) & wanted) for w in words]
        best = max(
            range(len(words) - MAX_QUOTE_WORDS + 1),
            key=lambda i: (sum(hits[i : i + MAX_QUOTE_WORDS]), -i),
        )
        lo, hi = best, best + MAX_QUOTE_WORDS
    quote = sentence[words[lo].start() : words[hi - 1].end()]
    return " ".join(quote.split()).rstrip(".,;:")


def _entry(p: Proposal) -> list[str]:
    t = p.target
    lines = [f"  # score {p.score:.1f}" + (f", round {p.round}" if p.round is not None else "")]
    if p.already:
        lines.append("  # already in the timeline")
    if p.precision == "month" and p.date is not None:
        last = p.date.replace(day=calendar.monthrange(p.date.year, p.date.month)[1])
        lines.append(
            f"  # month precision: the sentence names {p.date:%B %Y}, not a day; its first "
            f"day stands for it (or write between: [{p.date}, {last}])"
        )
    lines += [f"  - id: {p.id}", f"    date: {p.date.isoformat() if p.date else 'null'}"]
    if t.kind == "option":
        lines += [f"    option: {t.id}", "    taken: true"]
    else:
        lines.append(f"    event: {t.id}")
        lines.append(f"    branch: {t.branch}" if t.branch else "    fired: true")
    quote = json.dumps(p.quote, ensure_ascii=False)
    lines.append(f"    source: {{ref: {json.dumps(p.ref)}, quote: {quote}}}")
    return lines


def format_proposals(proposals: Sequence[Proposal], *, scenario: str, article: str) -> str:
    """Return the proposals as YAML under a commented header (``observations:`` list)."""
    lines = [
        f"# PROPOSED observations for scenario {scenario} from {article}.",
        "# These are proposals to review, not facts: check each against the article, then copy",
        "# the ones you accept into the observed timeline (escalade never writes it for you).",
        f"# Rule: token-set similarity >= {MIN_SCORE:.0f} between a sentence and an option's",
        "# or event's name, description or id words; the date is the one the sentence names",
        "# (a month without a day: its first day, marked month precision), else the article's",
        "# date (--date).",
        "observations:" + ("" if proposals else " []"),
    ]
    for p, ident, first in _unique_ids(proposals):
        entry = _entry(p)
        entry[entry.index(f"  - id: {p.id}")] = f"  - id: {ident}"
        if first is not None:
            entry.insert(
                1,
                f"  # the same fact as {first} above (another sentence reports it): keep one, "
                "or the record counts it twice",
            )
        lines += entry
    return "\n".join(lines) + "\n"


def _unique_ids(proposals: Sequence[Proposal]) -> list[tuple[Proposal, str, str | None]]:
    """Give each proposal an id no other has, and the id of an earlier one on the same fact.

    Repeats get ``_2``, ``_3``...; the same fact is the same target in the same round
    (None when the proposal is the first on its fact).
    """
    taken: set[str] = set()
    first: dict[tuple[str, int | None, dt.date | None], str] = {}
    out = []
    for p in proposals:
        ident, k = p.id, 1
        while ident in taken:
            k += 1
            ident = f"{p.id}_{k}"
        taken.add(ident)
        fact = (p.target.key, p.round, p.date if p.round is None else None)
        out.append((p, ident, first.get(fact)))
        first.setdefault(fact, ident)
    return out
