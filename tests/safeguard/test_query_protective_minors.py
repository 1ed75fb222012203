"""The two rules with the last word, in every language (issue 20): anything sexual with
a minor is exploitation, and protective intent (a parent blocking pornography on a
child's phone, a parent talking to a child about it, sex education) is never
exploitation, even when it names children and pornography. Synthetic queries, one row
per language and case."""

from __future__ import annotations

import pytest

from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.lexicon import load_default_lexicons

MINOR_SEXUAL = {
    "en": "child porn",
    "uk": "дитяче порно",
    "ru": "детское порно",
    "pl": "dziecięce porno",
    "de": "kinderpornos",
    "cs": "dětské porno",
    "sk": "detské porno",
    "ro": "porno cu minori",
    "hu": "gyerek pornó",
    "fr": "porno enfants",
    "it": "sesso con minorenni",
    "es": "porno infantil",
    "pt": "pornografia infantil",
    "nl": "kinderporno",
    "lt": "vaikų pornografija",
    "tr": "çocuk pornosu",
    "ar": "اباحية اطفال",
    "bg": "детско порно",
    "he": "פורנו ילדים",
    "sr": "dečja pornografija",
}

PARENT_BLOCKING = {
    "en": "block porn sites on child's phone",
    "uk": "як заблокувати порно на телефоні дитини",
    "ru": "как заблокировать порно на телефоне ребенка",
    "pl": "jak zablokować porno na telefonie dziecka",
    "de": "pornoseiten blockieren handy kind",
    "cs": "jak zablokovat porno na telefonu dítěte",
    "sk": "ako zablokovať porno na telefóne dieťaťa",
    "ro": "blocare site porno telefon copil",
    "hu": "pornóoldalak letiltása gyerek telefonján",
    "fr": "bloquer sites porno téléphone enfant",
    "it": "bloccare siti porno telefono bambino",
    "es": "bloquear páginas porno en el móvil de mi hijo",
    "pt": "bloquear sites pornô no celular do filho",
    "nl": "pornosites blokkeren telefoon kind",
    "lt": "kaip užblokuoti pornografiją vaiko telefone",
    "tr": "çocuğun telefonunda porno sitelerini engelleme",
    "ar": "حظر المواقع الاباحية على هاتف الطفل",
    "bg": "блокиране на порно сайтове на телефона на детето",
    "he": "חסימת אתרי פורנו בטלפון של הילד",
    "sr": "blokiranje porno sajtova na telefonu deteta",
}

# A parent (or teacher) talking to a child about pornography: each language's phrase of
# talking *with a child*, never the verb alone, so "sex talk" next to a minor stays
# exploitation (NOT_TALKING below).
PARENT_TALKING = {
    "en": "how to talk to my son about porn",
    "uk": "як говорити з дитиною про порно",
    "ru": "как поговорить с ребенком о порно",
    "pl": "jak rozmawiać z dzieckiem o pornografii",
    "de": "mit meinem sohn über pornos sprechen",
    "cs": "jak mluvit s dítětem o pornografii",
    "sk": "ako hovoriť s dieťaťom o pornografii",
    "ro": "cum sa vorbesc cu copilul despre pornografie",
    "hu": "hogyan beszéljek a gyerekemmel a pornóról",
    "fr": "comment parler à son enfant de la pornographie",
    "it": "come parlare ai figli di pornografia",
    "es": "cómo hablar con mis hijos sobre pornografía",
    "pt": "como conversar com o filho sobre pornografia",
    "nl": "met je kinderen over porno praten",
    "lt": "kaip kalbėti su vaikais apie pornografiją",
    "tr": "çocukla porno hakkında nasıl konuşulur",
    "ar": "كيف اتحدث مع طفلي عن الاباحية",
    "bg": "как да говоря с децата за порно",
    "he": "לדבר עם הילדים על פורנו",
    "sr": "kako razgovarati sa detetom o pornografiji",
}

# The same child words and verbs without a parent's phrase: still exploitation.
NOT_TALKING = [
    "sex talk with ukrainian teen",
    "порно с ребенком",
    "секс з дитиною",
    "porno z dzieckiem",
    "porno cu copilul",
    "porno avec enfant",
    "sexo con niños",
]

# A child named in another grammatical case is still a child (the minors rule is final).
MINOR_INFLECTED = [
    ("cs", "sex s dítětem"),
    ("cs", "porno s dětmi"),
    ("sk", "sex s dieťaťom"),
    ("sk", "porno s deťmi"),
    ("ru", "секс с детьми"),
    ("uk", "порно з дітьми"),
    ("sr", "seks sa decom"),
    ("bg", "секс с детето"),
    ("bg", "порно с децата"),
]

# Care professions and services whose words look like the trade's: not exploitation.
CARE_LOOKALIKES = [
    "acompañante terapéutico adolescentes",
    "acompanhante terapêutico adolescente",
    "acompanhante para criança com autismo",
    "terapinis palydovas paaugliams",
    "airline escort service unaccompanied minor",
    "seksualno obrazovanje u skolama",
    "pornos sperren auf dem handy meines kindes",
]


def test_tables_cover_every_language() -> None:
    langs = set(load_default_lexicons().langs)
    assert set(MINOR_SEXUAL) == langs
    assert set(PARENT_BLOCKING) == langs
    assert set(PARENT_TALKING) == langs


@pytest.mark.parametrize(("lang", "query"), sorted(MINOR_SEXUAL.items()))
def test_sexual_with_a_minor_is_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", "minor_sexual"), result


@pytest.mark.parametrize(("lang", "query"), sorted(PARENT_BLOCKING.items()))
def test_a_parent_blocking_pornography_is_never_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert result.category != "exploitation", result
    assert "protective" in result.concepts or "awareness" in result.concepts, result


@pytest.mark.parametrize(("lang", "query"), sorted(PARENT_TALKING.items()))
def test_a_parent_talking_to_a_child_about_pornography_is_never_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert result.category != "exploitation", result
    assert "protective" in result.concepts, result


@pytest.mark.parametrize("query", NOT_TALKING)
def test_sexual_words_with_a_child_stay_exploitation_without_a_parents_phrase(query: str) -> None:
    result = default_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", "minor_sexual"), result


@pytest.mark.parametrize("query", CARE_LOOKALIKES)
def test_care_professions_and_protective_services_are_not_exploitation(query: str) -> None:
    assert default_classifier().classify(query).category != "exploitation"


@pytest.mark.parametrize(("lang", "query"), MINOR_INFLECTED)
def test_a_child_in_any_case_with_a_sexual_word_is_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", "minor_sexual"), result
