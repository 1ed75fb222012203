"""Reading a typed identifier in every written form ads use, per kind and per language."""

from __future__ import annotations

import pytest

from vigil.errors import InputError
from vigil.identifiers.query import IdentifierQuery, national_candidates, read_identifier

UK = "+447400123456"

# (written, kind, exact value) - the query names the identifier fully.
EXACT = [
    # phones with the country code, in every shape an ad writes them
    ("+447400123456", "phone", UK),
    ("+44 740 012 345 6", "phone", UK),
    ("+44.7400.123.456", "phone", UK),
    ("0044-7400-123-456", "phone", UK),
    ("+44 (0) 7400 123456", "phone", UK),
    ("447400123456", "phone", UK),
    ("+44 74OO I23456", "phone", UK),
    ("+４４ ７４００ １２３４５６", "phone", UK),
    ("4️⃣8️⃣5️⃣0️⃣1️⃣2️⃣3️⃣4️⃣0️⃣0️⃣0️⃣", "phone", "+48501234000"),
    ("+380 (50) 123-45-67", "phone", "+380501234567"),
    ("viber +48 501 234 000", "phone", "+48501234000"),
    ("wa.me/48501234000", "phone", "+48501234000"),
    # spelled out, one row per supported language
    ("plus four four seven four zero zero one two three four five six", "phone", UK),
    ("плюс три вісім нуль п'ять нуль один два три чотири п'ять шість сім", "phone", "+380501234567"),
    ("плюс семь девять один шесть один два три четыре пять шесть семь", "phone", "+79161234567"),
    ("plus cztery osiem pięć zero jeden dwa trzy cztery zero zero zero", "phone", "+48501234000"),
    ("plus vier neun eins fünf eins zwei drei vier fünf sechs sieben acht neun", "phone", "+4915123456789"),
    ("plus čtyři dva nula šest nula jedna dva tři čtyři pět šest sedm", "phone", "+420601234567"),
    ("plus patru zero șapte doi unu doi trei patru cinci șase șapte", "phone", "+40721234567"),
    # a phone nobody has (not valid in its plan) is still a phone to look up
    ("+44 7700 691521", "phone", "+447700691521"),
    # e-mails
    ("anna.k@gmail.com", "email", "anna.k@gmail.com"),
    ("ANNA.K@GMAIL.COM", "email", "anna.k@gmail.com"),
    ("anna.k at gmail dot com", "email", "anna.k@gmail.com"),
    ("anna.k [at] gmail [dot] com", "email", "anna.k@gmail.com"),
    ("anna.k(at)gmail(dot)com", "email", "anna.k@gmail.com"),
    ("anna.k собака gmail точка com", "email", "anna.k@gmail.com"),
    # handles with the platform named
    ("t.me/anna_vip", "handle", "telegram:anna_vip"),
    ("https://t.me/anna_vip", "handle", "telegram:anna_vip"),
    ("telegram: anna_vip", "handle", "telegram:anna_vip"),
    ("Telegram: annavip", "handle", "telegram:annavip"),
    ("telegram @Anna_VIP", "handle", "telegram:anna_vip"),
    ("tg: anna_vip", "handle", "telegram:anna_vip"),
    ("телеграм: anna_vip", "handle", "telegram:anna_vip"),
    ("https://www.instagram.com/anna.k/", "handle", "instagram:anna.k"),
    # URLs with a path
    ("www.Example.com/Anna", "url", "example.com/anna"),
    ("HTTPS://WWW.EXAMPLE.COM/anna/", "url", "example.com/anna"),
    ("example.com/anna", "url", "example.com/anna"),
]

# (written, kind, bare forms that must be among those matched) - the query leaves something out.
BARE = [
    ("07400 123456", "phone", "7400123456"),
    ("7400123456", "phone", "7400123456"),
    ("zero seven four zero zero one two three four five six", "phone", "7400123456"),
    ("нуль п'ять нуль один два три чотири п'ять шість сім", "phone", "501234567"),
    ("восемь девять один шесть один два три четыре пять шесть семь", "phone", "9161234567"),
    ("pięć zero jeden dwa trzy cztery zero zero zero", "phone", "501234000"),
    ("null eins fünf eins zwei drei vier fünf sechs sieben acht neun", "phone", "15123456789"),
    ("šest nula jedna dva tři čtyři pět šest sedm", "phone", "601234567"),
    ("zero șapte doi unu doi trei patru cinci șase șapte", "phone", "721234567"),
    ("501 234 000", "phone", "501234000"),
    ("tel 501 234 000", "phone", "501234000"),
    ("@anna_vip", "handle", "anna_vip"),
    ("example.com", "url", "example.com"),
    ("http://www.example.com/", "url", "example.com"),
]

NOT_IDENTIFIERS = [
    "",
    "   ",
    "hello world",
    "anna",
    "12345",
    "2026-01-05",
    "10:00-22:00",
    "+",
    "a@b",
    "1234567890123456789",
    "x" * 400,
]


@pytest.mark.parametrize(("written", "kind", "value"), EXACT)
def test_full_forms_read_as_the_stored_value(written: str, kind: str, value: str) -> None:
    query = read_identifier(written)
    assert (query.kind, query.value, query.exact) == (kind, value, True)
    assert query.label == value


@pytest.mark.parametrize(("written", "kind", "bare"), BARE)
def test_forms_that_leave_something_out_match_on_the_bare_form(written: str, kind: str, bare: str) -> None:
    query = read_identifier(written)
    assert query.kind == kind
    assert query.value is None and not query.exact
    assert bare in query.bares


@pytest.mark.parametrize("written", NOT_IDENTIFIERS)
def test_values_that_are_no_identifier_are_refused_with_a_reason(written: str) -> None:
    with pytest.raises(InputError) as caught:
        read_identifier(written)
    assert caught.value.exit_code == 2 and caught.value.http_status == 422
    assert caught.value.message


def test_two_identifiers_in_one_value_are_refused() -> None:
    with pytest.raises(InputError, match="more than one identifier"):
        read_identifier("a@example.com b@example.com")


def test_a_different_number_is_a_different_identifier() -> None:
    assert read_identifier("+44 7400 123457").value != UK
    assert "7400123456" not in read_identifier("07400 123457").bares


def test_a_national_number_matches_every_country_it_is_valid_in() -> None:
    # "0501234567" is a Ukrainian mobile without its trunk zero, and a valid number elsewhere as written
    candidates = national_candidates("0501234567")
    assert "501234567" in candidates
    assert all(c.isdigit() for c in candidates)
    assert national_candidates("12") == ()


def test_query_label_names_the_bare_forms() -> None:
    query = IdentifierQuery("x", "phone", bares=("1", "2"))
    assert query.label == "1 | 2" and not query.exact
