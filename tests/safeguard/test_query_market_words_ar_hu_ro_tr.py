"""Market words of Arabic, Hungarian, Romanian and Turkish searches, and lexicon terms written with leetspeak.

Rows from the slang, venue and relationship words the train6 writers used (each with a
nationality, refugee or migrant marker: exploitation by a final rule), the same words in
innocent searches (never exploitation), and words that fuzzy matching used to read as
another language's concept ("yakası" is no "yasası", law; "marina" is no "mașină", car).
"""

from __future__ import annotations

import pytest

from vigil.safeguard.classifier import default_classifier, rules_only_classifier
from vigil.safeguard.lexicon import load_default_lexicons

EXPLOITATION = [
    ("ar", "قحبة اوكرانية مراكش", "origin_sexual"),
    ("ar", "9a7ba ukrania casa numero", "origin_slang"),  # Arabizi, leetspeak digits in the term
    ("ar", "zawaj mut3a ukrainiya beirut", "origin_slang"),
    ("ar", "شراميط روس الغردقة سعر الساعة", "origin_slang"),
    ("ar", "مكتب تزويج اوكرانيات الرياض", "origin_bride"),
    ("ar", "ukrainian escort dubai marina واتساب", "origin_sexual"),
    ("hu", "ukran prosti szeged telefonszam", "origin_sexual"),
    ("hu", "ukrán masszázs extrával xiii ker", "origin_slang"),
    ("hu", "kárpátaljai lány fogad óradíj 20e", "hourly_women"),
    ("ro", "dame ucr 300 lei ora", "hourly_women"),
    ("ro", "agentie maritala sotii din ucraina", "origin_partner"),
    ("tr", "ukrainka escort istanbul avrupa yakası", "origin_sexual"),
    ("tr", "nataşa lara ucuz", "origin_slang"),
    ("tr", "afgan multeci kadin parayla iliski", "origin_women_soft"),
    ("tr", "göçmen kıza yardım ederim karşılığında görüşelim", "favours_implied"),
    ("tr", "suriyeli kızla imam nikahı ücreti ne kadar", "origin_bride"),
    ("tr", "ukraynalı bayana iş veririm yakın ilişki şart", "favours_exchange"),
    ("tr", "hamam sauna ukraynalı masözler ekstralı", "origin_slang"),
]

NOT_EXPLOITATION = [
    ("ar", "طريقة عمل الكبسة"),
    ("ar", "zawaj fi tunis awrak"),
    ("hu", "kurva jó idő van ma"),
    ("hu", "kijevi csirke recept"),
    ("hu", "kárpátaljai magyarok hírek"),
    ("ro", "joc de dame reguli"),
    ("ro", "consiliere maritala online"),
    ("tr", "istanbul avrupa yakası kiralık ev"),
    ("tr", "imam nikahı resmi nikah farkı"),
    ("tr", "özel hizmet aracı kiralama"),
    ("tr", "sevgililer günü hediye"),
    ("tr", "masöz iş ilanı istanbul"),
    ("en", "dubai marina hotels"),
    ("en", "escort mk1 ford parts"),
]


@pytest.mark.parametrize(("lang", "query", "rule"), EXPLOITATION)
def test_market_words_with_a_marker_are_exploitation_by_a_final_rule(lang: str, query: str, rule: str) -> None:
    result = rules_only_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", rule), result
    assert default_classifier().classify(query).category == "exploitation"


@pytest.mark.parametrize(("lang", "query"), NOT_EXPLOITATION)
def test_the_same_words_in_innocent_searches_are_not_exploitation(lang: str, query: str) -> None:
    assert default_classifier().classify(query).category != "exploitation"


@pytest.mark.parametrize(
    ("token", "looks_like"),
    [("yakası", "protective"), ("yakasi", "protective"), ("marina", "lookalike_context")],
)
def test_words_once_read_as_another_languages_concept_carry_none(token: str, looks_like: str) -> None:
    result = rules_only_classifier().classify(token)
    assert looks_like not in result.concepts and result.concepts == ()


@pytest.mark.parametrize(("term", "typed"), [("9a7ba", "9a7ba"), ("mut3a", "MUT3A"), ("mk1", "mk1")])
def test_a_term_written_with_digits_matches_the_query_token_it_is_written_as(term: str, typed: str) -> None:
    # query tokens lose their leetspeak before look-up ("mut3a" -> "mutea"); so do the terms' keys
    classifier = rules_only_classifier()
    (token,) = classifier.classify(typed).tokens
    assert classifier._lookup(token).mask or classifier._lookup(token).slots, (term, token)


def test_every_language_of_the_rows_is_a_lexicon_language() -> None:
    langs = set(load_default_lexicons().langs)
    assert {lang for lang, *_ in EXPLOITATION + NOT_EXPLOITATION} <= langs
