"""Person names introduced by simple phrases, one row per language, and look-alikes."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("lang", "text", "name"),
    [
        ("en", "Hi, my name is Anna", "Anna"),
        ("en", "I'm Jessica, new here", "Jessica"),
        ("uk", "Мене звати Оксана", "Оксана"),
        ("uk", "Привіт, я Олена", "Олена"),
        ("ru", "Меня зовут Алина", "Алина"),
        ("pl", "Jestem Kasia, mam 22 lata", "Kasia"),
        ("pl", "Mam na imię Ola", "Ola"),
        ("de", "Ich heiße Lena", "Lena"),
        ("cs", "Jmenuji se Tereza", "Tereza"),
        ("sk", "Volám sa Zuzana", "Zuzana"),
        ("ro", "Mă numesc Ioana", "Ioana"),
        ("hu", "A nevem Réka", "Réka"),
        ("fr", "Je m'appelle Julie", "Julie"),
        ("it", "Mi chiamo Giulia", "Giulia"),
        ("es", "Me llamo Lucía", "Lucía"),
        ("nl", "Ik heet Sanne", "Sanne"),
        ("pt", "Meu nome é Ana", "Ana"),
        ("tr", "Benim adım Elif", "Elif"),
        ("lt", "Mano vardas Ieva", "Ieva"),
        ("en", "MY NAME IS ANNA", "Anna"),
    ],
)
def test_finds_names(extractor: EntityExtractor, lang: str, text: str, name: str) -> None:
    assert values_of(extractor, text, lang, "names") == [name]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I'm new in town"),
        ("en", "I'm NEW"),
        ("uk", "я новенька"),
        ("pl", "Jestem Ukrainką"),
        ("pl", "jestem nowa"),
        ("it", "sono nuova"),
        ("en", "my name is"),
    ],
)
def test_not_names(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "names") == []
