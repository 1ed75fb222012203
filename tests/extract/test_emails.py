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
        # bracketed and spaced separators
        ("anna [@] gmail [.] com", ["anna@gmail.com"]),
        ("anna (@) gmail (.) com", ["anna@gmail.com"]),
        ("anna @ gmail . com", ["anna@gmail.com"]),
        ("anna@ gmail.com", ["anna@gmail.com"]),
        ("anna (at) gmail (dot) com", ["anna@gmail.com"]),
        ("anna at gmail dot com", ["anna@gmail.com"]),
        # the words for "at" and "dot", one row per language that has its own
        ("напиши olena собака ukr точка net", ["olena@ukr.net"]),  # ru
        ("пишіть olena равлик ukr крапка net", ["olena@ukr.net"]),  # uk
        ("pisz kasia małpa wp kropka pl", ["kasia@wp.pl"]),  # pl
        ("schreib anna at gmx punkt de", ["anna@gmx.de"]),  # de
        ("piš jana zavináč seznam tečka cz", ["jana@seznam.cz"]),  # cs
        ("píš jana zavináč azet bodka sk", ["jana@azet.sk"]),  # sk
        ("scrie ana arond yahoo punct com", ["ana@yahoo.com"]),  # ro
        ("írj anna kukac freemail pont hu", ["anna@freemail.hu"]),  # hu
        ("écris anna arobase orange point fr", ["anna@orange.fr"]),  # fr
        ("scrivi anna chiocciola libero punto it", ["anna@libero.it"]),  # it
        ("escribe ana arroba gmail punto com", ["ana@gmail.com"]),  # es
        ("mail anna apenstaartje ziggo punt nl", ["anna@ziggo.nl"]),  # nl
        ("escreve ana arroba sapo ponto pt", ["ana@sapo.pt"]),  # pt
        ("yaz ayse at gmail nokta com", ["ayse@gmail.com"]),  # tr
        ("rašyk ona eta gmail taškas com", ["ona@gmail.com"]),  # lt
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
        "meet me @ home . ok",  # no top-level domain after the spaced dot
        "I am at work dot",
        "we are at gmail and more",  # a host but no dot and no top-level domain
        "the point of it all",
        "",
    ],
)
def test_not_emails(extractor: EntityExtractor, text: str) -> None:
    assert values_of(extractor, text, "en", "emails") == []
