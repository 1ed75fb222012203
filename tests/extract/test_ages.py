"""Stated ages, one row per language, and numbers that are not someone's age."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("lang", "text", "age"),
    [
        ("en", "Anna, 19 yo, new in town", 19),
        ("en", "I am 21 years old", 21),
        ("en", "age: 22", 22),
        ("uk", "Мені 19 років", 19),
        ("ru", "Алина, 20 лет", 20),
        ("pl", "Kasia, 22 lata", 22),
        ("pl", "mam 19 lat", 19),
        ("de", "Lena, 23 Jahre", 23),
        ("cs", "Tereza, 25 let", 25),
        ("sk", "Zuzana, 24 rokov", 24),
        ("ro", "Ioana, 21 ani", 21),
        ("hu", "Réka, 22 éves", 22),
        ("fr", "Julie, 24 ans", 24),
        ("it", "Giulia, 23 anni", 23),
        ("es", "chica de 19 años", 19),
        ("nl", "Sanne, 25 jaar", 25),
        ("pt", "Ana, 26 anos", 26),
        ("tr", "Elif, 22 yaşında", 22),
        ("lt", "Ieva, 23 metų", 23),
        ("ru", "Возраст: 18", 18),
        ("en", "I'm 17.", 17),
    ],
)
def test_finds_ages(extractor: EntityExtractor, lang: str, text: str, age: int) -> None:
    assert values_of(extractor, text, lang, "ages") == [age]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "wiek 18-35 lat"),  # a range is a requirement
        ("uk", "вік від 18 до 45 років"),
        ("de", "ab 18 Jahre"),
        ("en", "5 years of experience"),
        ("pl", "20 lat doświadczenia"),
        ("en", "I'm 25 km away"),
        ("en", "over 99 years old"),
        ("en", "age 5"),
        ("ru", "работа 10 лет назад"),
    ],
)
def test_not_ages(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "ages") == []
