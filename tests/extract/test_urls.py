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
        # disguised dots: the value is the domain written plainly
        ("www . example . com", ["www.example.com"]),
        ("visit example dot com/page.", ["example.com/page"]),
        ("gallery anna-vip[.]cz/photos", ["anna-vip.cz/photos"]),
        ("strona anna-vip kropka pl", ["anna-vip.pl"]),  # pl
        ("сайт anna-vip точка com", ["anna-vip.com"]),  # ru, uk
        ("сайт anna-vip крапка ua", ["anna-vip.ua"]),  # uk
        ("Seite anna-vip punkt de", ["anna-vip.de"]),  # de
        ("web anna-vip tečka cz", ["anna-vip.cz"]),  # cs
        ("site anna-vip punct ro", ["anna-vip.ro"]),  # ro
        ("sito anna-vip punto it", ["anna-vip.it"]),  # it, es
        ("site anna-vip point fr", ["anna-vip.fr"]),  # fr
        ("site anna-vip ponto pt", ["anna-vip.pt"]),  # pt
        ("site anna-vip punt nl", ["anna-vip.nl"]),  # nl
        ("oldal anna-vip pont hu", ["anna-vip.hu"]),  # hu
        ("site anna-vip nokta com", ["anna-vip.com"]),  # tr
        ("svetainė anna-vip taškas lt", ["anna-vip.lt"]),  # lt
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
        "the dot com era",  # prose
        "at this point it works",
        "a . b . c",  # no known top-level domain
        "price 10 . 50 eur",
        "",
    ],
)
def test_not_urls(extractor: EntityExtractor, text: str) -> None:
    assert values_of(extractor, text, "en", "urls") == []


def test_the_written_out_dot_marks_are_the_listed_ones() -> None:
    from vigil.extract.entities.urls import _DOT_MARKS, _has_dot_mark

    for mark in _DOT_MARKS:
        assert _has_dot_mark(f"x{mark}y")
    assert not _has_dot_mark("www. example.com (see above).")


def test_the_dotted_check_finds_a_letter_or_digit_a_dot_and_a_letter() -> None:
    import random
    import re

    from vigil.extract.entities.urls import _DOTTED

    direct = re.compile(r"[^\W_]\.[^\W\d_]")  # the definition, unanchored
    rng = random.Random(7)
    alphabet = [*"ab1_. -é٣Я\n", "..", "a.b"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert (_DOTTED.search(text) is None) == (direct.search(text) is None), text
