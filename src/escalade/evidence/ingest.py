"""Turn a news article into proposed scenario material, each item with its span.

:func:`ingest` finds, in an article's text:

* **actors** -- states, organisations, institutions, people, capitals used
  as metonyms and demonyms, resolved to actor ids through the gazetteer
  (:mod:`escalade.evidence.gazetteer`), with mention counts and spans;
* **quotes** with their speakers (or ``attributed: false``);
* **numbers** with what they count, and **dates**, relative ones resolved
  against the article date;
* **candidate options** -- sentences matched to the scenario's options, or
  to the built-in catalogue of common crisis responses (with CAMEO codes),
  scored 0-100 (rapidfuzz token-set similarity) so the analyst can accept
  or reject them.

Every item carries its ``[start, end)`` character span in the article.
:meth:`IngestResult.to_document` shapes the result like a scenario's
``sources`` entry and an ``evidence`` list, ready to be dumped as YAML or
JSON.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process

from escalade.errors import EvidenceError, UsageError
from escalade.evidence._ingest_claims import DateRef, NumberClaim, find_dates, find_numbers
from escalade.evidence._ingest_quotes import Quote, Sentence, find_quotes, split_sentences
from escalade.evidence.gazetteer import Mention, actor_names, find_mentions
from escalade.scenario.reference import read_data

__all__ = [
    "MAX_ARTICLE_CHARS",
    "ActorMention",
    "DateRef",
    "IngestResult",
    "NumberClaim",
    "OptionCandidate",
    "OptionRef",
    "Quote",
    "ingest",
    "match_words",
    "stem",
]

MAX_ARTICLE_CHARS = 500_000
"""The longest article text :func:`ingest` accepts (about 80,000 words)."""
_MAX_OPTION_SENTENCES = 20_000
_MIN_OPTION_SCORE = 80.0
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "with",
        "by",
        "at",
        "from",
        "its",
        "it",
        "is",
        "be",
        "as",
    ]
)


@dataclass(frozen=True, slots=True)
class OptionRef:
    """An option to look for: id, name, description (and optional keywords, CAMEO code)."""

    id: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    cameo: str | None = None


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor mentioned in the article, with every span and the words used."""

    id: str
    name: str
    mentions: int
    aliases: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class OptionCandidate:
    """A sentence that may describe an option, with its similarity score."""

    option: str
    name: str
    score: float
    sentence: str
    start: int
    end: int
    cameo: str | None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What :func:`ingest` found in one article."""

    source_id: str | None
    title: str | None
    article_date: dt.date | None
    actors: tuple[ActorMention, ...]
    people: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    numbers: tuple[NumberClaim, ...]
    dates: tuple[DateRef, ...]
    options: tuple[OptionCandidate, ...]

    def to_document(self, *, file: str | None = None) -> dict[str, Any]:
        """Return ``{"sources": [...], "evidence": [...]}`` as plain data."""
        return _document(self, file)


@cache
def catalogue() -> tuple[OptionRef, ...]:
    """Return the built-in catalogue of common crisis responses (``responses.json``)."""
    return tuple(
        OptionRef(r["id"], r["name"], r["description"], tuple(r["keywords"]), r["cameo"])
        for r in read_data("responses.json")["responses"]
    )


def ingest(
    text: str,
    *,
    article_date: dt.date | None = None,
    options: Sequence[OptionRef] = (),
    source_id: str | None = None,
) -> IngestResult:
    """Propose scenario material found in an article.

    Parameters
    ----------
    text : str
        The article's plain text (see :func:`escalade.evidence.text.read_source_text`).
    article_date : datetime.date, optional
        The publication date; relative dates stay unresolved without it.
    options : sequence of OptionRef, optional
        The scenario's options to match sentences against; the built-in
        catalogue of common crisis responses when empty.
    source_id : str, optional
        The id to give the article in ``sources``.

    Returns
    -------
    IngestResult

    Raises
    ------
    EvidenceError
        If the text is empty or longer than :data:`MAX_ARTICLE_CHARS`.
    """
    if not text.strip():
        raise EvidenceError("article: expected some text, found none")
    if len(text) > MAX_ARTICLE_CHARS:
        raise EvidenceError(
            f"article: expected at most {MAX_ARTICLE_CHARS:,} characters, found {len(text):,} "
            "(ingest one article at a time, or split the file)"
        )
    if article_date is not None and not isinstance(article_date, dt.date):
        raise UsageError(f"article_date: expected a date, found {article_date!r}")
    mentions = find_mentions(text, on=article_date)
    quotes, sentences = find_quotes(text, mentions)
    dates = find_dates(text, article_date)
    numbers = find_numbers(text, skip=[(d.start, d.end) for d in dates])
    return IngestResult(
        source_id=source_id,
        title=_title(text),
        article_date=article_date,
        actors=_actors(mentions),
        people=tuple(m for m in mentions if m.kind == "person"),
        quotes=tuple(quotes),
        numbers=tuple(numbers),
        dates=tuple(dates),
        options=_options(text, sentences, tuple(options) or catalogue()),
    )


TITLE_CHARS = 120
"""A proposed source title longer than this is cut at a word, with an ellipsis."""


def _title(text: str) -> str | None:
    """The first line of four words or more: a headline, or the lead's first sentence.

    An article without a headline opens with its lead paragraph on one line; the title
    is then that paragraph's first sentence, cut to :data:`TITLE_CHARS` at a word.
    """
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 4:
            title = " ".join(words)
            if len(title) > TITLE_CHARS:
                first = split_sentences(title)[0]
                title = title[first.start : first.end].strip()
            if len(title) > TITLE_CHARS:
                title = title[: TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:-–—") + "…"
            return title
    return None


def _actors(mentions: Sequence[Mention]) -> tuple[ActorMention, ...]:
    names = actor_names()
    grouped: dict[str, list[Mention]] = {}
    for mention in mentions:
        if mention.actor:
            grouped.setdefault(mention.actor, []).append(mention)
    found = [
        ActorMention(
            actor,
            names.get(actor, actor),
            len(items),
            tuple(sorted({m.text for m in items})),
            tuple((m.start, m.end) for m in items),
        )
        for actor, items in grouped.items()
    ]
    return tuple(sorted(found, key=lambda a: (-a.mentions, a.id)))


def match_words(text: str) -> str:
    """Lower-case word stems of ``text``, stop words dropped (see :func:`stem`)."""
    words = re.findall(r"\w+", text.lower())
    return " ".join(stem(w) for w in words if w not in _STOP)


def stem(word: str) -> str:
    """A light stem, so that a report's "deployed" meets an option's "Deploy".

    A plural ``s`` is stripped (words over 3 letters), then ``ing`` (over 5) or ``ed`` (over 4)
    with a doubled final consonant undone ("banned", "ban"), then a final ``e`` (over 4):
    "imposes", "imposed", "imposing" and "impose" are all "impos".
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix, longer in (("ing", 5), ("ed", 4)):
        if len(word) > longer and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsfz":
                word = word[:-1]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


_NEGATIONS = frozenset(
    ["avoid", "avoiding", "refrain", "refrained", "not", "never", "no", "without", "against"]
)
"""Words that, just before an option's words, say the sentence is about not doing it."""


def negated(sentence: str, probe: str, window: int = 3) -> bool:
    """Whether a negation (``avoid``, ``not``, ``against`` ...) comes just before the probe's words.

    "Pompeo urged both countries to avoid military action" is not a report of
    military action (nor of military aid): the first word the sentence shares
    with ``probe`` follows "avoid" within ``window`` words.
    """
    words = re.findall(r"\w+", sentence.lower())
    wanted = set(match_words(probe).split())
    for k, word in enumerate(words):
        if stem(word) in wanted:
            return any(w in _NEGATIONS for w in words[max(0, k - window) : k])
    return False


def _options(
    text: str, sentences: Sequence[Sentence], options: Sequence[OptionRef]
) -> tuple[OptionCandidate, ...]:
    probes: list[str] = []
    owners: list[int] = []
    for index, option in enumerate(options):
        for probe in (
            option.name,
            option.description,
            option.id.replace("_", " "),
            *option.keywords,
        ):
            if probe.strip():
                probes.append(match_words(probe))
                owners.append(index)
    chosen = sentences[:_MAX_OPTION_SENTENCES]
    if not probes or not chosen:
        return ()
    prepared = [match_words(text[s.start : s.end]) for s in chosen]
    scores = process.cdist(prepared, probes, scorer=fuzz.token_set_ratio, workers=1)
    found: list[OptionCandidate] = []
    for row, sentence in enumerate(chosen):
        best: dict[int, float] = {}
        for column, owner in enumerate(owners):
            score = float(scores[row, column])
            if probes[column] and score > best.get(owner, 0.0):
                best[owner] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        for owner, score in ranked[:2]:
            if score < _MIN_OPTION_SCORE:
                break
            option = options[owner]
            words = " ".join(text[sentence.start : sentence.end].split())
            if negated(words, f"{option.name} {option.id.replace('_', ' ')}"):
                continue
            found.append(
                OptionCandidate(
                    option.id, option.name, round(score, 1), words,
                    sentence.start, sentence.end, option.cameo,
                )
            )  # fmt: skip
    return tuple(found)


def _document(result: IngestResult, file: str | None) -> dict[str, Any]:
    ref = result.source_id or "article"
    source: dict[str, Any] = {"id": ref, "title": result.title}
    if result.article_date is not None:
        source["date"] = result.article_date.isoformat()
    if file is not None:
        source["file"] = file
    evidence: list[dict[str, Any]] = []
    for actor in result.actors:
        evidence.append(
            {"kind": "actor", "ref": ref, "actor": actor.id, "name": actor.name,
             "mentions": actor.mentions, "aliases": list(actor.aliases),
             "spans": [list(s) for s in actor.spans]}
        )  # fmt: skip
    for person in _unique_people(result.people):
        evidence.append(person | {"ref": ref})
    for quote in result.quotes:
        evidence.append(
            {"kind": "quote", "ref": ref, "speaker": quote.speaker, "actor": quote.actor,
             "attributed": quote.attributed, "span": [quote.start, quote.end],
             "source": {"ref": ref, "quote": quote.text}}
        )  # fmt: skip
    for number in result.numbers:
        evidence.append(
            {"kind": "number", "ref": ref, "text": number.text, "value": number.value,
             "type": number.kind, "unit": number.unit, "counts": number.counts,
             "span": [number.start, number.end]}
        )  # fmt: skip
    for date in result.dates:
        evidence.append(
            {"kind": "date", "ref": ref, "text": date.text, "date": date.date,
             "end": date.end_date, "resolution": date.resolution, "relative": date.relative,
             "span": [date.start, date.end]}
        )  # fmt: skip
    for option in result.options:
        evidence.append(
            {"kind": "option", "ref": ref, "option": option.option, "name": option.name,
             "cameo": option.cameo, "score": option.score, "sentence": option.sentence,
             "span": [option.start, option.end]}
        )  # fmt: skip
    return {"sources": [source], "evidence": evidence}


def _unique_people(people: Sequence[Mention]) -> list[dict[str, Any]]:
    grouped: dict[str, list[Mention]] = {}
    for person in people:
        grouped.setdefault(person.name, []).append(person)
    return [
        {"kind": "person", "name": name, "actor": items[0].actor, "mentions": len(items),
         "aliases": sorted({m.text for m in items}),
         "spans": [[m.start, m.end] for m in items]}
        for name, items in grouped.items()
    ]  # fmt: skip
