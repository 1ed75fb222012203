"""E-mail addresses, plain and disguised ("at", "(at)", "[dot]", "собака", "małpa")."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to Anna.K@Mail.com today", ["anna.k@mail.com"]),
        ("anna at gmail dot com", ["anna@gmail.com"]),
        ("kontakt: kasia(at)wp(dot)pl", ["kasia@wp.pl"]),
        ("mail: olena [at] ukr [dot] net", ["olena@ukr.net"]),
        ("пишіть olena собака ukr точка net", ["olena@ukr.net"]),
        ("pisz: kasia małpa onet kropka pl", ["kasia@onet.pl"]),
        ("mila76(at)mailbox(dot)example", ["mila76@mailbox.example"]),
        ("two: a1@x.de and b2 at y dot cz", ["a1@x.de", "b2@y.cz"]),
        ("lina94@post.example.", ["lina94@post.example"]),
    ],
)
def test_finds_emails(extractor: EntityExtractor, text: str, expected: list[str]) -> None:
    assert values_of(extractor, text, "en", "emails") == expected


@pytest.mark.parametrize(
    "text",
    [
        "meet me at the station",  # "at" without a domain
        "I am at home dot",  # no top-level domain
        "@anna_vip on telegram",  # a handle, not an address
        "price 100 @ hour",
        "",
    ],
)
def test_not_emails(extractor: EntityExtractor, text: str) -> None:
    assert values_of(extractor, text, "en", "emails") == []
