"""The two rules with the last word, in every language (issue 20): anything sexual with
a minor is exploitation, and protective intent (a parent blocking pornography on a
child's phone, sex education) is never exploitation, even when it names children and
pornography. Synthetic queries, one row per language and case."""

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


def test_tables_cover_every_language() -> None:
    langs = set(load_default_lexicons().langs)
    assert set(MINOR_SEXUAL) == langs
    assert set(PARENT_BLOCKING) == langs


@pytest.mark.parametrize(("lang", "query"), sorted(MINOR_SEXUAL.items()))
def test_sexual_with_a_minor_is_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert (result.category, result.rule) == ("exploitation", "minor_sexual"), result


@pytest.mark.parametrize(("lang", "query"), sorted(PARENT_BLOCKING.items()))
def test_a_parent_blocking_pornography_is_never_exploitation(lang: str, query: str) -> None:
    result = default_classifier().classify(query)
    assert result.category != "exploitation", result
    assert "protective" in result.concepts or "awareness" in result.concepts, result
