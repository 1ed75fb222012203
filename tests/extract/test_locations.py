"""Places from the shipped gazetteer, in the supported languages and their case forms."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Work in Italy, housing provided", ["Italy"]),
        ("uk", "Робота в Італії", ["Italy"]),
        ("uk", "Робота в Польщі, Варшава", ["Poland", "Warsaw"]),
        ("ru", "Работа в Германии", ["Germany"]),
        ("pl", "Praca w Warszawie", ["Warsaw"]),
        ("pl", "Kraków, centrum", ["Kraków"]),
        ("de", "neu in München", ["Munich"]),
        ("cs", "Praha 2, Brno", ["Prague", "Brno"]),
        ("ro", "în Iași și Timișoara", ["Iaşi", "Timişoara"]),
        ("hu", "Budapesten dolgozni", ["Budapest"]),
        ("fr", "travail à Paris", ["Paris"]),
        ("es", "trabajo en España", ["Spain"]),
        ("nl", "werk in Nederland", ["Netherlands"]),
        ("lt", "darbas Vilniuje", ["Vilnius"]),
        ("en", "Dubai, UAE", ["Dubai", "United Arab Emirates"]),
        ("uk", "🇺🇦 дівчина", ["Ukraine"]),
    ],
)
def test_finds_places(extractor: EntityExtractor, lang: str, text: str, expected: list[str]) -> None:
    assert values_of(extractor, text, lang, "locations") == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Sofia, 22, sweet"),  # a first name before a capital city
        ("en", "Mila is here"),
        ("en", "a nice split"),
        ("pl", "telegram @italia_robota"),  # inside a handle
        ("en", "Italian food"),
        ("uk", "примітка"),  # a city name inside a word
        ("it", "aperto dalle 9 alle 24, dalla stazione"),  # prepositions, not a case form of Dallas
        ("en", ""),
    ],
)
def test_not_places(extractor: EntityExtractor, lang: str, text: str) -> None:
    assert values_of(extractor, text, lang, "locations") == []
