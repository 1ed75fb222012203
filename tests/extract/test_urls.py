"""URLs and bare domains."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://example.org/ads?id=5.", ["https://example.org/ads?id=5"]),
        ("www.anna-vip.pl", ["www.anna-vip.pl"]),
        ("gallery: anna-vip.cz/photos, call me", ["anna-vip.cz/photos"]),
        ("Jobs at Work-Abroad.EU!", ["Work-Abroad.EU"]),
        ("http://jobsabroad.example/offer/12", ["http://jobsabroad.example/offer/12"]),
    ],
)
def test_finds_urls(extractor: EntityExtractor, text: str, expected: list[str]) -> None:
    assert values_of(extractor, text, "en", "urls") == expected


@pytest.mark.parametrize(
    "text",
    [
        "mail anna@gmail.com",  # the domain of an e-mail address
        "e.g. this, i.e. that",
        "version 1.2.3 of file.txt",
        "end of sentence.Next one",
        "",
    ],
)
def test_not_urls(extractor: EntityExtractor, text: str) -> None:
    assert values_of(extractor, text, "en", "urls") == []
