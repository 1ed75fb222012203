"""A woman "by the hour", and spellings that hid the trade's words (issue 20): Arabic
tatweel and the glued article, letters starred out, city demonyms, words one language
shares with another. Synthetic queries, one row per language and case."""

from __future__ import annotations

import pytest

from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.lexicon import load_default_lexicons

# A Ukrainian or refugee woman offered by the hour: exploitation (rule hourly_women).
HOURLY = {
    "en": "ukrainian girl by the hour",
    "uk": "українка на годину",
    "ru": "украинка на час",
    "pl": "ukrainka na godzinę",
    "de": "ukrainerin pro stunde",
    "cs": "ukrajinka na hodinu",
    "sk": "ukrajinka na hodinu",
    "ro": "ucraineanca pe ora",
    "hu": "ukrán lány óránként",
    "fr": "ukrainienne à l'heure",
    "it": "ragazza ucraina mezzora",
    "es": "chica ucraniana por hora",
    "pt": "ucraniana por hora",
    "nl": "oekraïense meid per uur",
    "lt": "ukrainietė mergina valandai",
    "tr": "ukraynalı kız saatlik",
    "he": "בחורה אוקראינית לשעה",
    "ar": "بنت اوكرانية بالساعة",
    "bg": "украинка за час",
    "sr": "ukrajinka na sat",
}

# Hourly wages, parking and tutoring by the hour are not exploitation.
HOURLY_NOT = [
    ("en", "ukrainian cleaner woman per hour"),
    ("en", "parking kyiv per hour"),
    ("pl", "praca dla ukrainki 25 zł na godzinę"),
    ("de", "putzfrau ukrainerin job pro stunde"),
    ("ro", "300 lei pe ora"),
    ("cs", "brigáda pro ukrajinky 150 kč na hodinu"),
]

SPELLINGS = [
    # Arabic tatweel stretches a word; the article is glued to it.
    ("ar", "سـكـس لاجـئـات", "sexual"),
    ("ar", "كم سعر الاوكرانية في الليلة", "origin"),
    # Letters starred out.
    ("sk", "k*rvy ukr lacno", "sexual"),
    ("en", "ukr p*rn", "sexual"),
    # A city's demonym is an origin marker.
    ("fr", "lvivienne escorte", "origin"),
    ("uk", "ескорт херсонки в кракові", "origin"),
    ("ro", "kieveanca bucuresti", "origin"),
]

# Words that one language shares with another must not carry its concept.
NOT_CONCEPT = [
    ("lt", "naktinis darbas", "sexual"),  # night, not German "nackt"
    ("it", "bella presenza", "minor"),  # presence, not "preteen" one edit away
    ("tr", "canlı kamera", "housing"),  # camera, not Dutch "kamer"
    ("de", "werden", "job"),  # a stopword, not Dutch "werken"
    ("fr", "médecin traitant réfugié", "female"),
]


def test_every_language_has_an_hourly_row() -> None:
    assert set(HOURLY) == set(load_default_lexicons().langs)


@pytest.mark.parametrize(("lang", "query"), sorted(HOURLY.items()))
def test_a_woman_by_the_hour_fires_the_hourly_rule(lang: str, query: str) -> None:
    # The rule is weighed with the model (it is not final: "babysitter per hour"), so the
    # category is asserted on the queries below, not on every language's row.
    assert default_classifier().classify(query).rule == "hourly_women"


@pytest.mark.parametrize(
    "query",
    [
        "квартира с украинка за час",
        "stan sa ukrajinkom na sat",
        "شقة مع بنت اوكرانية بالساعة",
        "ukrajinky s ubytováním na hodinu",
        "fete ucrainence pe ora apartament",
    ],
)
def test_a_flat_with_a_woman_by_the_hour_is_exploitation(query: str) -> None:
    assert default_classifier().classify(query).category == "exploitation"


@pytest.mark.parametrize(("lang", "query"), HOURLY_NOT)
def test_hourly_wages_and_prices_are_not_exploitation(lang: str, query: str) -> None:
    assert default_classifier().classify(query).category != "exploitation"


@pytest.mark.parametrize(("lang", "query", "concept"), SPELLINGS)
def test_hidden_spellings_are_read(lang: str, query: str, concept: str) -> None:
    assert concept in default_classifier().classify(query).concepts


@pytest.mark.parametrize(("lang", "query", "concept"), NOT_CONCEPT)
def test_a_word_of_another_language_keeps_its_own_meaning(lang: str, query: str, concept: str) -> None:
    assert concept not in default_classifier().classify(query).concepts


@pytest.mark.parametrize("query", ["5*stars hotel kyiv", "***", "a*", "*ukraine*"])
def test_stars_that_hide_nothing_change_nothing_harmful(query: str) -> None:
    assert default_classifier().classify(query).category == "neutral"
