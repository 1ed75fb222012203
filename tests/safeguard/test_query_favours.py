"""Something offered "in exchange for favours" (issue 20): housing for sex, in every
language. A room, a ride or help offered to a woman, a refugee or a Ukrainian in exchange
for favours, services, company or a relationship is exploitation (rule
``favours_exchange``); with the exchange left unsaid ("free room for a young Ukrainian
woman, in exchange") it is exploitation for a woman only and never next to work
(``favours_implied``). Work-for-board offers, hosting and the law stay out. Synthetic
queries, one row per language and case."""

from __future__ import annotations

import pytest

from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.lexicon import load_default_lexicons

# Housing for a woman or a refugee, in exchange for favours, company or a relationship.
EXCHANGE = {
    "en": "free room for refugee girl for favours",
    "uk": "житло для біженки в обмін на стосунки",
    "ru": "квартира для беженки в обмен на отношения",
    "pl": "mieszkanie dla uchodźczyni w zamian za przysługi",
    "de": "zimmer für geflüchtete frau gegen gefälligkeiten",
    "cs": "bydlení pro ukrajinku výměnou za společnost",
    "sk": "bývanie pre utečenkyňu výmenou za spoločnosť",
    "ro": "cazare pentru refugiată în schimbul unor favoruri",
    "hu": "szállás ukrán nőnek szívességért cserébe",
    "fr": "logement pour réfugiée contre faveurs",
    "it": "stanza per rifugiata in cambio di favori",
    "es": "habitación para refugiada a cambio de favores",
    "pt": "quarto para refugiada em troca de favores",
    "nl": "kamer voor vluchteling in ruil voor gunsten",
    "lt": "būstas pabėgėlei mainais už draugystę",
    "tr": "ukraynalı kıza ev ilişki karşılığında",
    "he": "דירה בחינם פליטה צעירה בתמורה לקשר",
    "ar": "سكن للاجئة مقابل علاقة",
    "bg": "квартира за бежанка срещу компания",
    "sr": "stan za izbeglicu u zamenu za druženje",
}

# The exchange left unsaid, offered to a young woman.
IMPLIED = [
    ("en", "free room for young ukrainian woman in exchange"),
    ("ru", "бесплатная комната для девушки беженки взамен"),
    ("pl", "darmowe mieszkanie dla ukrainki w zamian"),
    ("sk", "ponúkam bývanie ukrajinke výmenou"),
    ("pt", "alojamento grátis para jovem ucraniana em troca"),
    ("es", "piso gratis para chica ucraniana a cambio"),
]

# Not exploitation: room for work, the law on exchanges, a man's or a family's housing.
NOT_EXPLOITATION = [
    ("en", "room in exchange for work for refugee woman"),
    ("en", "exchange rate hryvnia euro"),
    ("fr", "logement contre services étudiant"),
    ("es", "alojamiento a cambio de servicios para estudiantes"),
    ("de", "gastfamilie für flüchtlinge werden"),
    ("fr", "taux de change euro hryvnia"),
    ("pl", "kantor wymiana walut ukraina"),
]


def test_every_language_has_an_exchange_row() -> None:
    assert set(EXCHANGE) == set(load_default_lexicons().langs)


@pytest.mark.parametrize(("lang", "query"), sorted(EXCHANGE.items()))
def test_housing_offered_in_exchange_for_favours_is_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert result.category == "exploitation", result
    assert "favours" in result.concepts, result


@pytest.mark.parametrize(("lang", "query"), IMPLIED)
def test_an_unsaid_exchange_offered_to_a_woman_is_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert result.category == "exploitation", result
    assert "favours_weak" in result.concepts, result


@pytest.mark.parametrize(("lang", "query"), NOT_EXPLOITATION)
def test_work_exchange_hosting_and_currency_are_not_exploitation(lang: str, query: str) -> None:
    assert default_classifier().classify(query).category != "exploitation"


def test_a_word_known_as_written_is_no_typo_of_a_concept_term() -> None:
    # German "werden" (a stopword) was read as a typo of Dutch "werken" (work).
    assert "job" not in default_classifier().classify("werden").concepts


@pytest.mark.parametrize(
    ("lang", "query"),
    [("pl", "porno z dzieckiem"), ("pl", "seks z dziećmi"), ("pl", "porno z dziecmi")],
)
def test_a_polish_child_in_another_case_is_a_minor(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", "minor_sexual"), result
