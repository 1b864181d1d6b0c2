"""escalade ingest: actors, quotes with speakers, numbers, dates and options from articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from escalade.cli.ingest import dump
from escalade.errors import EvidenceError
from escalade.evidence._ingest_claims import find_dates, find_numbers
from escalade.evidence._ingest_quotes import split_sentences
from escalade.evidence.ingest import OptionRef, ingest, negated, stem
from escalade.evidence.propose import Target, format_proposals, propose_observations
from escalade.evidence.text import read_source_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT.parent / "shared" / "sources"
ARTICLES = ROOT / "tests" / "data" / "articles"
CASES = [
    ("000_c32c3dac667c8d70", dt.date(2024, 10, 30)),
    ("002_29a9870033012c31", dt.date(2024, 10, 29)),
]


def _source(name: str) -> str:
    path = SOURCES / f"{name}.txt"
    if not path.exists():
        pytest.skip("shared source articles are not available")
    return read_source_text(path)


def _speakers(result) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {q.text: q.speaker for q in result.quotes}


@pytest.mark.parametrize(("name", "date"), CASES)
def test_source_articles_match_golden(name: str, date: dt.date, golden) -> None:  # type: ignore[no-untyped-def]
    result = ingest(_source(name), article_date=date, source_id=name)
    golden(f"ingest/{name}.yaml", dump(result.to_document(file=f"{name}.txt"), as_json=False))


def test_business_insider_key_facts() -> None:
    text = _source("000_c32c3dac667c8d70")
    result = ingest(text, article_date=dt.date(2024, 10, 30))
    actors = {a.id: a.mentions for a in result.actors}
    assert {"prk", "rus", "ukr", "usa", "nato", "chn", "pol", "nor", "ltu", "fra", "deu"} <= set(
        actors
    )
    assert "kor" in actors  # "South Korea", never mistaken for North Korea
    troops = [n for n in result.numbers if n.value == 10_000]
    assert troops[0].counts == "North Korean troops" and troops[0].unit == "troops"
    assert text[troops[0].start : troops[0].end] == "10,000"
    half = next(n for n in result.numbers if n.kind == "share")
    assert (half.value, half.counts) == (0.5, "artillery shells")
    assert any(n.kind == "ordinal" and n.value == 4 and n.unit == "army" for n in result.numbers)
    speakers = _speakers(result)
    assert speakers["significant escalation."] == "Mark Rutte"
    ladder = next(
        q for q in result.quotes if "conceded every step of the escalation ladder" in q.text
    )
    assert ladder.speaker == "Anne Marie Daly" and ladder.attributed
    assert text[ladder.start : ladder.end] == ladder.text
    assert speakers["They do not have dominance on the escalation ladder."] == "Anne Marie Daly"
    assert speakers["becoming part of the conflict,"] == "Jens Stoltenberg"
    assert speakers["Now we should return to Macron’s ideas."] == "Gabrielius Landsbergis"
    assert speakers["We’re getting by somehow."] == "Patrick Bury"
    assert speakers["over the next few weeks."] == "the Pentagon"
    monday = next(d for d in result.dates if d.text == "On Monday")
    assert monday.date == "2024-10-28" and monday.relative
    assert {o.option for o in result.options} >= {
        "sanctions",
        "military_aid",
        "lift_strike_limits",
    } - {"sanctions"}


def test_bloomberg_key_facts() -> None:
    result = ingest(_source("002_29a9870033012c31"), article_date=dt.date(2024, 10, 29))
    election = next(d for d in result.dates if d.text == "November 5")
    assert election.date == "2024-11-05" and not election.relative
    weekend = next(d for d in result.dates if d.text == "Last weekend")
    assert (weekend.date, weekend.end_date) == ("2024-10-26", "2024-10-27")
    speakers = _speakers(result)
    assert speakers["significant escalation"] == "Mark Rutte"
    assert speakers["we have options, it depends on what they do."] == "Joe Biden"
    unattributed = [q for q in result.quotes if not q.attributed]
    assert [q.text[:20] for q in unattributed] == ["but this will force "]
    assert unattributed[0].speaker is None
    assert {"kor", "rou", "pol", "nato"} <= {a.id for a in result.actors}
    options = {o.option for o in result.options}
    assert {"sanctions", "seize_assets", "intercept_missiles", "military_aid"} <= options
    sanctions = next(o for o in result.options if o.option == "sanctions")
    assert sanctions.cameo == "163" and sanctions.sentence.startswith("Sanctions have")


def test_edge_case_article() -> None:
    text = read_source_text(ARTICLES / "edge_cases.txt")
    result = ingest(text, article_date=dt.date(2024, 11, 6))
    speakers = {q.text: (q.speaker, q.actor, q.attributed) for q in result.quotes}
    nested = "We will not be drawn into a wider war,"
    assert speakers[nested] == ("Gabrielius Landsbergis", "ltu", True)
    assert speakers["Seoul is reviewing every option."] == (
        "A senior South Korean official",
        "kor",
        True,
    )
    across = next(q for q in result.quotes if q.text.startswith("The first part"))
    assert across.text.endswith("continues in the next paragraph,")
    assert across.speaker == "the Pentagon spokeswoman" and across.actor == "usa"
    assert speakers["We need air defence now."] == ("Volodymyr Zelensky", "ukr", True)
    assert speakers["Nobody knows what comes next."] == (None, None, False)
    ukr = next(a for a in result.actors if a.id == "ukr")
    assert {"Зеленський", "Zelenskyy"} <= set(ukr.aliases)
    ten = next(n for n in result.numbers if n.value == 10_000)
    assert (ten.text, ten.unit) == ("Ten thousand", "soldiers")
    assert any(n.kind == "percent" and n.value == 30 for n in result.numbers)
    weekend = next(d for d in result.dates if d.text == "last weekend")
    assert weekend.date == "2024-11-02"
    assert next(d for d in result.dates if d.text == "on Monday").date == "2024-11-04"


def test_scenario_options_are_matched() -> None:
    options = [
        OptionRef("frozen_assets", "Use frozen Russian assets", "Seize or use frozen assets"),
        OptionRef("rok_aid", "South Korean lethal aid", "South Korea sends weapons to Ukraine"),
    ]
    result = ingest(_source("002_29a9870033012c31"), options=options)
    found = {o.option: o for o in result.options}
    assert set(found) == {"frozen_assets", "rok_aid"}
    assert "frozen Russian assets" in found["frozen_assets"].sentence
    assert found["rok_aid"].sentence.startswith("South Korea is considering")


def test_bad_input() -> None:
    with pytest.raises(EvidenceError, match="expected some text"):
        ingest("  \n")
    with pytest.raises(EvidenceError, match="at most 500,000 characters"):
        ingest("word " * 200_000)


def test_wrapped_article_with_speakers_named_only_in_it() -> None:
    """Issue 18: quotes wrapped across lines stay whole; people unknown to the gazetteer speak.

    The article (our own writing) wraps its lines and separates paragraphs by blank lines;
    its speakers are introduced only in the text: with an office before the name after the
    quote, by surname after an earlier full mention, and as an apposition before the quote.
    """
    text = read_source_text(ARTICLES / "wrapped_named.txt")
    result = ingest(text, article_date=dt.date(2024, 11, 6))
    found = [(q.text, q.speaker, q.attributed) for q in result.quotes]
    assert found == [
        (
            "We are watching every movement across the line and we will not be surprised again,",
            "Anna Lindqvist",
            True,
        ),
        ("Our patience has limits, and those limits are now very close,", "Piotr Nowak", True),
        ("routine, defensive and announced weeks in advance.", "Jae-won Park", True),
        ("Nobody in this room wants a wider war,", "Anna Lindqvist", True),
        ("but nobody here will pretend that nothing has changed.", "Anna Lindqvist", True),
    ]
    assert not any("said" in q.text or "told" in q.text for q in result.quotes)


def test_a_quote_wrapped_in_a_text_with_one_line_per_paragraph_stays_whole() -> None:
    """Issue 18: without blank lines, a line ending inside a quotation continues on the next."""
    text = (
        "Officials met in Vilnius on Tuesday.\n"
        '"We are watching every movement across the line and we\n'
        'will not be surprised again," Foreign Minister Anna Lindqvist told reporters.\n'
        "The talks resumed in the afternoon.\n"
    )
    result = ingest(text, article_date=dt.date(2024, 11, 6))
    found = [(q.text, q.speaker) for q in result.quotes]
    assert found == [
        (
            "We are watching every movement across the line and we will not be surprised again,",
            "Anna Lindqvist",
        )
    ]


def test_a_sentence_about_not_doing_it_proposes_no_option() -> None:
    """A new user's article: urging restraint was proposed as military aid (score 80)."""
    options = [OptionRef("military_aid", "Provide military aid", "Send weapons and equipment")]
    text = (
        "Pompeo urged both countries to avoid military action. "
        "Washington will provide military aid to the region, officials said."
    )
    found = ingest(text, options=options).options
    assert [o.sentence for o in found] == [
        "Washington will provide military aid to the region, officials said."
    ]
    assert negated("They agreed not to send military aid.", "military aid")
    assert not negated("They will send military aid.", "military aid")


def test_a_weekday_in_a_sentence_that_looks_ahead_is_the_next_such_day() -> None:
    tuesday = dt.date(2024, 11, 5)
    text = (
        "Ministers met on Wednesday. NATO ministers will meet on Wednesday.\n"
        "The vote is due next Monday. It happened last Tuesday. Talks on Friday ended."
    )
    found = {(d.text, d.start): d.date for d in find_dates(text, tuesday)}
    dates = [date for _, date in sorted(found.items(), key=lambda kv: kv[0][1])]
    assert dates == ["2024-10-30", "2024-11-06", "2024-11-11", "2024-10-29", "2024-11-01"]


def test_a_month_without_a_day_dates_a_proposal_to_the_month() -> None:
    """A new user's article of 30 June: "exercises in Tibet in July" was dated 30 June."""
    target = Target("option", "tibet_exercise", "Live-fire exercises in Tibet")
    text = (
        "The Chinese army held live-fire exercises in Tibet in July.\n\n"
        "The army held live-fire exercises in Tibet on 3 June."
    )
    (month, day) = propose_observations(text, [target], ref="a", article_date=dt.date(2017, 6, 30))
    assert (month.date, month.precision, month.id) == (
        dt.date(2017, 7, 1),
        "month",
        "tibet_exercise_2017_07",
    )
    assert (day.date, day.precision) == (dt.date(2017, 6, 3), "day")
    text_out = format_proposals([month], scenario="s", article="a.txt")
    assert "month precision" in text_out and "between: [2017-07-01, 2017-07-31]" in text_out
    assert "date: 2017-07-01" in text_out


def test_a_bare_month_name_is_a_month_and_a_day_after_it_is_kept() -> None:
    june = dt.date(2017, 6, 30)
    found = {d.text: (d.date, d.resolution) for d in find_dates(
        "Drills ran during July and in mid-August; talks began in July 4, 2017.", june
    )}  # fmt: skip
    assert found == {
        "during July": ("2017-07-01", "month"),
        "mid-August": ("2017-08-01", "month"),
        "July 4, 2017": ("2017-07-04", "day"),
    }


def test_a_date_without_a_year_takes_the_year_nearest_the_article_date() -> None:
    """A new user's article of 4 January 2020: "December 29" was dated 2020-12-29."""
    found = {d.text: d.date for d in find_dates(
        "On December 29 the sanctions came; on January 6 talks resume; on 29 February none.",
        dt.date(2020, 1, 4),
    )}  # fmt: skip
    assert found == {
        "December 29": "2019-12-29",
        "January 6": "2020-01-06",
        "29 February": "2020-02-29",
    }
    assert find_dates("December 29, 2020", dt.date(2020, 1, 4))[0].date == "2020-12-29"
    result = ingest(
        "On December 29 Washington imposed sanctions.", article_date=dt.date(2020, 1, 5)
    )
    assert [d.date for d in result.dates] == ["2019-12-29"]


def test_a_number_in_a_name_is_not_a_count() -> None:
    """A new user's article: "the K-1 base" became a count of 1 base."""
    text = "30 rockets hit the K-1 base; F-35 jets, COVID-19, MH17; $5 for 10-12 weeks."
    found = [(n.text, n.value, n.counts) for n in find_numbers(text, skip=[])]
    assert found == [
        ("30", 30.0, "rockets hit"),
        ("$5", 5.0, None),
        ("10", 10.0, None),
        ("12", 12.0, "weeks"),
    ]


def test_a_before_a_number_word_is_not_one_more() -> None:
    """The Israel–Iran trial: "A seven-year-old girl" was a count of 8 girls, and "seven
    officers of the Guards" counted "of"."""
    text = "A seven-year-old girl was hurt; strikes killed seven officers of the Guards."
    found = [(n.text, n.value, n.unit) for n in find_numbers(text, skip=[])]
    assert found == [("seven", 7.0, "officers")]
    scaled = "a thousand troops, one hundred and twenty tanks, a hundred drones"
    assert [(n.text, n.value) for n in find_numbers(scaled, skip=[])] == [
        ("a thousand", 1000.0),
        ("one hundred and twenty", 120.0),
        ("a hundred", 100.0),
    ]


def test_a_sentence_ending_in_a_number_ends_there() -> None:
    """Su-24 trial: "... on December 3. Turkish President ..." was one sentence, so the NATO
    move in the second sentence took the first sentence's date."""
    text = (
        "Putin spoke to the Federal Assembly on December 3. NATO urged calm and de-escalation "
        "after talks in Brussels. J. Smith said so."
    )
    parts = [text[s.start : s.end].strip() for s in split_sentences(text)]
    assert parts == [
        "Putin spoke to the Federal Assembly on December 3.",
        "NATO urged calm and de-escalation after talks in Brussels.",
        "J. Smith said so.",  # an initial does not end a sentence
    ]
    target = Target("option", "urge_calm", "Urge calm and de-escalation")
    (proposal,) = propose_observations(text, [target], ref="a", article_date=dt.date(2015, 12, 1))
    assert proposal.date == dt.date(2015, 12, 1)  # not December 3


def test_a_report_in_the_past_tense_matches_an_option_in_the_imperative() -> None:
    """Su-24 trial: "Russia deployed S-400 ... to Hmeimim" did not match "Deploy S-400 to
    Hmeimim" (78.8 < 80: "deployed" is not "deploy")."""
    target = Target("option", "deploy_s400", "Deploy S-400 to Hmeimim")
    text = "Russia deployed S-400 air defence systems to Hmeimim air base in Syria."
    (proposal,) = propose_observations(text, [target], ref="a", article_date=dt.date(2015, 11, 26))
    assert proposal.target.id == "deploy_s400" and proposal.score >= 80
    ban = Target("option", "ban_charters", "Ban charter flights")
    (banned,) = propose_observations(
        "Moscow banned charter flights to Turkey.", [ban], ref="a", article_date=None
    )
    assert banned.target.id == "ban_charters"


@pytest.mark.parametrize(
    ("words", "same"),
    [
        ("deploy deployed deploys deploying", True),
        ("impose imposed imposes imposing", True),
        ("ban banned bans banning", True),
        ("missile missiles", True),
        ("kill killed", True),
        ("class", True),
        ("strike aid", False),
    ],
)
def test_stems_meet_across_tenses_and_plurals(words: str, same: bool) -> None:
    assert (len({stem(w) for w in words.split()}) == 1) is same


def test_an_organ_named_by_its_owner_speaks() -> None:
    """The Israel–Iran trial: the quote of "Iran's mission to the United Nations" had no
    speaker (it is neither a person, nor "the ...", nor a run of capitalised words)."""
    text = (
        '"The matter can be deemed concluded," Iran\'s mission to the United Nations said.\n\n'
        'Israel\u2019s military said: "Most threats were intercepted."\n\n'
        '"We are ready," Iran\'s foreign minister Hossein Amir-Abdollahian said.'
    )
    result = ingest(text, article_date=dt.date(2024, 4, 14))
    speakers = {q.text: (q.speaker, q.actor, q.attributed) for q in result.quotes}
    assert speakers["The matter can be deemed concluded,"] == (
        "Iran's mission to the United Nations",
        "irn",
        True,
    )
    assert speakers["Most threats were intercepted."] == ("Israel\u2019s military", "isr", True)
    assert speakers["We are ready,"] == ("Hossein Amir-Abdollahian", "irn", True)


def test_the_south_caucasus_parties_are_known_by_demonym_capital_and_leader() -> None:
    """Karabakh 2020: "Armenian" and "Azerbaijani" were not mentions, Aliyev's quote had no actor.

    States outside the gazetteer are found by their pycountry name only, so an
    article about Armenia and Azerbaijan counted "Armenia's" once and nothing of
    "Armenian soldiers", "Azerbaijani forces", Baku, Aliyev, Pashinyan or Erdogan.
    """
    text = (
        'President Ilham Aliyev said Azerbaijani forces had taken the town. "The town is ours," '
        "Aliyev said. Armenian Prime Minister Nikol Pashinyan asked for help. Officials in "
        "Yerevan and Baku traded blame, and Recep Tayyip Erdogan backed Azerbaijan."
    )
    result = ingest(text, article_date=dt.date(2020, 11, 8))
    mentions = {a.id: a.mentions for a in result.actors}
    assert mentions["arm"] >= 3 and mentions["aze"] >= 4 and mentions["tur"] >= 1
    quote = next(q for q in result.quotes if q.text.startswith("The town"))
    assert quote.speaker == "Ilham Aliyev"
    assert {p.actor for p in result.people} >= {"aze", "arm", "tur"}


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Pashinyan asked for help under the 1997 treaty.", []),
        ("The 2020 war killed 6,500 people.", ["6,500"]),
        ("Since 2014 Russia has sold arms to both.", []),
        ("In 2023, 100 soldiers were moved.", ["100"]),
        ("The 1990s war ended in a ceasefire.", []),
        ("A force of 2000 troops and 1960 people arrived.", ["2000", "1960"]),
    ],
)
def test_a_year_is_not_a_count(text: str, counts: list[str]) -> None:
    """Karabakh 2020: "the 1997 treaty" was listed as 1997 of a unit "treaty"."""
    assert [n.text for n in find_numbers(text, skip=[])] == counts


def test_a_capital_in_a_dateline_written_in_capitals_is_a_mention() -> None:
    """Karabakh 2020: "BAKU/YEREVAN, 8 November" and "MOSCOW (Reuters)" named no actor."""
    text = "BAKU/YEREVAN, 8 November 2020 - Fighting went on. MOSCOW (Reuters) - Talks began."
    mentions = {a.id: a.mentions for a in ingest(text, article_date=dt.date(2020, 11, 8)).actors}
    assert mentions == {"aze": 1, "arm": 1, "rus": 1}


def test_a_cold_war_article_names_the_soviet_union_and_egypt() -> None:
    """Yom Kippur 1973: "the Soviet Union", "Soviet" and "Egyptian" named no actor, and
    "Moscow" was read as Russia in an article of 25 October 1973."""
    text = (
        "WASHINGTON - The Soviet Union signaled that it might send troops. Moscow warned that "
        "the Kremlin would act. Seven Soviet divisions were on alert. The Egyptian Third Army "
        "was encircled near Cairo. MOSCOW (TASS) - Talks began."
    )
    mentions = {a.id: a.mentions for a in ingest(text, article_date=dt.date(1973, 10, 25)).actors}
    assert mentions == {"usa": 1, "sun": 5, "egy": 2}


def test_moscow_is_russia_after_the_soviet_union_and_the_soviet_union_stays_itself() -> None:
    text = "Moscow recalled the collapse of the Soviet Union. The Kremlin said no more."
    result = ingest(text, article_date=dt.date(2024, 10, 30))
    assert {a.id: a.mentions for a in result.actors} == {"rus": 2, "sun": 1}


@pytest.mark.parametrize(
    ("text", "dates", "counts"),
    [
        ("WASHINGTON, Oct. 25 - The alert was ordered.", [("Oct. 25", "1973-10-25")], []),
        ("It ended on 25 Oct. 1973 at dawn.", [("25 Oct. 1973", "1973-10-25")], []),
        ("By Sept. 11, 1973 the coup was over.", [("Sept. 11, 1973", "1973-09-11")], []),
        ("The Dec 7 talks will fail.", [("Dec 7", "1973-12-07")], []),
        ("Nothing will mar 5 good days.", [], ["5"]),
    ],
)
def test_an_abbreviated_month_is_a_date_not_a_count(
    text: str, dates: list[tuple[str, str]], counts: list[str]
) -> None:
    """Yom Kippur 1973: the dateline "WASHINGTON, Oct. 25 -" gave no date and a count of 25."""
    found = find_dates(text, dt.date(1973, 10, 25))
    assert [(d.text, d.date) for d in found] == dates
    skip = [(d.start, d.end) for d in found]
    assert [n.text for n in find_numbers(text, skip=skip)] == counts


def test_a_sentence_does_not_end_at_an_abbreviated_month_before_its_day() -> None:
    text = "WASHINGTON, Oct. 25 - The United States acted. Then Moscow replied."
    assert [text[s.start : s.end].strip() for s in split_sentences(text)] == [
        "WASHINGTON, Oct. 25 - The United States acted.",
        "Then Moscow replied.",
    ]


def test_an_article_without_a_headline_gets_a_short_title() -> None:
    """Yom Kippur 1973: a wire report opening with its lead gave its whole first paragraph
    (three sentences, 420 characters) as the source's title."""
    lead = (
        "WASHINGTON, Oct. 25 - The United States placed its armed forces on a worldwide "
        "precautionary alert early today after the Soviet Union signaled that it might send "
        "troops to the Middle East. Officials said the alert was ordered after a note."
    )
    title = ingest(lead + "\nMore text follows here.").title
    assert title is not None and len(title) <= 120 and title.endswith("…")
    assert title.startswith("WASHINGTON, Oct. 25 - The United States placed")
    assert ingest("Soviet note prompts US alert\n" + lead).title == "Soviet note prompts US alert"
    short = "WASHINGTON - The alert was ordered. Officials said so."
    assert ingest(short).title == short


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("The alert, known as DEFCON 3, was ordered.", []),
        ("The Council voted on Resolution 340 and sent 20 observers.", ["20"]),
        ("NATO's Article 5 covers 30 countries.", ["30"]),
        ("At this stage 40 people had died.", ["40"]),  # lower case: a quantity
    ],
)
def test_a_number_naming_an_article_or_a_resolution_is_not_a_count(
    text: str, counts: list[str]
) -> None:
    """Yom Kippur 1973: "DEFCON 3" and "Resolution 340" were listed as counts of 3 and 340."""
    assert [n.text for n in find_numbers(text, skip=[])] == counts
