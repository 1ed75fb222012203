"""Origin-term matching: a row per supported language, plus negatives.

Decision (docs/trends.md): every mention of an origin term counts, whatever the context —
"Ukrainian borscht recipe" in a job ad is a ``term:ukrainian`` mention. The term series
measures how often origin is spoken of; whether an ad offers a person is the business of
indicator segments such as ``indicator:nationality``.
"""

from __future__ import annotations

import pytest

from vigil.errors import ConfigError
from vigil.trends.segments import normalized_fold
from vigil.trends.terms import origin_terms, parse_lexicon

SUPPORTED = ("uk", "ru", "en", "pl", "de", "cs", "sk", "ro", "hu", "fr", "it", "es", "nl")

POSITIVE = [
    ("uk", "Молоденька українка, нова в місті", "ukrainian"),
    ("uk", "Дівчата-слов'янки чекають", "slavic"),
    ("uk", "Робота для біженців з житлом", "refugee"),
    ("uk", "Східноєвропейська зовнішність", "eastern_european"),
    ("ru", "Девушки из Украины, новенькие", "ukrainian"),
    ("ru", "Славянская внешность, 22 года", "slavic"),
    ("ru", "помощь беженцам", "refugee"),
    ("ru", "Девушки из Восточной Европы", "eastern_european"),
    ("en", "New Ukrainian girl in town", "ukrainian"),
    ("en", "Ukranian beauty", "ukrainian"),
    ("en", "Slavic blonde", "slavic"),
    ("en", "Eastern-European models", "eastern_european"),
    ("en", "Jobs for REFUGEES", "refugee"),
    ("pl", "Nowe dziewczyny z Ukrainy", "ukrainian"),
    ("pl", "Słowiańska uroda", "slavic"),
    ("pl", "Praca dla uchodźców", "refugee"),
    ("pl", "Dziewczyny z Europy Wschodniej", "eastern_european"),
    ("de", "Neue Ukrainerin", "ukrainian"),
    ("de", "slawische Schönheit", "slavic"),
    ("de", "Arbeit für Geflüchtete", "refugee"),
    ("de", "Osteuropäerin, 23", "eastern_european"),
    ("cs", "Ukrajinka, nová ve městě", "ukrainian"),
    ("cs", "Slovanská krása", "slavic"),
    ("cs", "Práce pro uprchlíky", "refugee"),
    ("cs", "Východoevropská dívka", "eastern_european"),
    ("sk", "Ukrajinka v meste", "ukrainian"),
    ("sk", "Slovanská kráska", "slavic"),
    ("sk", "Práca pre utečencov", "refugee"),
    ("sk", "Východoeurópska modelka", "eastern_european"),
    ("ro", "Fete din Ucraina", "ukrainian"),
    ("ro", "Frumusețe slavă", "slavic"),
    ("ro", "Locuri de muncă pentru refugiați", "refugee"),
    ("ro", "fată est-europeană", "eastern_european"),
    ("hu", "Ukrán lány", "ukrainian"),
    ("hu", "Szláv szépség", "slavic"),
    ("hu", "Munka menekülteknek", "refugee"),
    ("hu", "Kelet-európai modell", "eastern_european"),
    ("fr", "Nouvelle Ukrainienne", "ukrainian"),
    ("fr", "Belle fille slave", "slavic"),
    ("fr", "Aide aux réfugiées", "refugee"),
    ("fr", "Filles d'Europe de l’Est", "eastern_european"),
    ("it", "Ragazza ucraina", "ukrainian"),
    ("it", "Bellezza slava", "slavic"),
    ("it", "Lavoro per rifugiati", "refugee"),
    ("it", "Ragazze dell'est europeo, Europa dell'Est", "eastern_european"),
    ("es", "Chica ucraniana", "ukrainian"),
    ("es", "Belleza eslava", "slavic"),
    ("es", "Trabajo para refugiados", "refugee"),
    ("es", "Chicas de Europa del Este", "eastern_european"),
    ("nl", "Oekraïense meisjes", "ukrainian"),
    ("nl", "Slavische schoonheid", "slavic"),
    ("nl", "Werk voor vluchtelingen", "refugee"),
    ("nl", "Oost-Europese dames", "eastern_european"),
]


def concepts(text: str, lang: str | None) -> set[str]:
    return origin_terms().find(normalized_fold(text), lang)


@pytest.mark.parametrize(("lang", "text", "concept"), POSITIVE)
def test_origin_term_found(lang: str, text: str, concept: str) -> None:
    assert concept in concepts(text, lang)


def test_every_supported_language_has_every_concept_in_data_and_tests() -> None:
    matcher = origin_terms()
    for concept in matcher.concepts:
        langs = {p.lang for p in matcher.patterns if p.concept == concept}
        assert set(SUPPORTED) <= langs, (concept, set(SUPPORTED) - langs)
        tested = {lang for lang, _, c in POSITIVE if c == concept}
        assert set(SUPPORTED) <= tested, (concept, set(SUPPORTED) - tested)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Квартира на окраине города"),  # окраина (outskirts) is not Украина
        ("en", "Slave to fashion, bratislava trip, Yugoslavia"),  # English "slave" is not Slavic
        ("en", "Our krainer sausages"),
        ("nl", "slaven van de mode"),
        ("pl", "uchodzi za najlepszą"),  # "is considered", not "refugee"
        ("de", "Flucht nach vorn"),
        ("it", "Sistema operativo"),
        (None, "Fille slave"),  # language-bound word with no language: not counted
    ],
)
def test_negatives(lang: str | None, text: str) -> None:
    assert concepts(text, lang) == set()


@pytest.mark.parametrize(
    ("lang", "text", "concept"),
    [
        ("en", "Ukrainian borscht recipe, cook wanted", "ukrainian"),  # context does not matter: a mention counts
        ("ru", "укрaинка", "ukrainian"),  # Latin "a" inside a Cyrillic word
        ("en", "UKRA1NIAN g1rls", "ukrainian"),  # leetspeak
        ("uk", "слов’янка", "slavic"),  # typographic apostrophe
        ("uk", "словʼянка", "slavic"),  # modifier-letter apostrophe
    ],
)
def test_mentions_in_any_context_and_obfuscations(lang: str, text: str, concept: str) -> None:
    assert concept in concepts(text, lang)


def test_hostile_repetition_is_bounded() -> None:
    text = "ukrain " * 200_000
    assert concepts(text, "en") == {"ukrainian"}


@pytest.mark.parametrize(
    "data",
    [None, {"concepts": []}, {"concepts": {"x": ["a"]}}, {"concepts": {"x": {"en": "a"}}}, {"concepts": {"x": {"en": ["*"]}}}],
)
def test_bad_lexicons_are_config_errors(data: object) -> None:
    with pytest.raises(ConfigError):
        parse_lexicon(data, "test.yaml")
