"""Interface language: negotiation, catalogues in every language, localized dates and numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from web_support import TestClient

from vigil.web import i18n
from vigil.web.i18n import LANGUAGE_COOKIE, Localizer, parse_accept_language, supported_languages


def test_english_and_ukrainian_are_supported() -> None:
    assert supported_languages()[0] == "en"
    assert "uk" in supported_languages()


@pytest.mark.parametrize("lang", [lang for lang in supported_languages() if lang != "en"])
def test_every_catalogue_translates_every_message(lang: str) -> None:
    path = Path(i18n.LOCALE_DIR) / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not untranslated, f"{lang}: {untranslated[:10]}"
    with (Path(i18n.LOCALE_DIR) / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        english = read_po(handle, locale="en")
    assert {m.id for m in catalog} == {m.id for m in english}, "catalogues must hold the same messages"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("uk-UA,uk;q=0.9,en;q=0.5", ["uk-UA", "uk", "en"]),
        ("en;q=0.2, uk", ["uk", "en"]),
        ("de;q=0, *", []),
        ("x;q=abc, pl", ["pl"]),
        ("", []),
        (";;;,,,", []),
    ],
)
def test_accept_language_parsing(header: str, expected: list[str]) -> None:
    assert parse_accept_language(header) == expected


@pytest.mark.parametrize(
    ("params", "headers", "cookies", "expected"),
    [
        ({}, {}, {}, "en"),
        ({"lang": "uk"}, {}, {}, "uk"),
        ({}, {"Accept-Language": "uk-UA,uk;q=0.9"}, {}, "uk"),
        ({}, {"Accept-Language": "de-DE,de"}, {}, "en"),
        ({}, {"Accept-Language": "uk"}, {LANGUAGE_COOKIE: "en"}, "en"),
        ({"lang": "xx"}, {"Accept-Language": "uk"}, {}, "uk"),
    ],
)
def test_language_negotiation(
    client: TestClient, params: dict[str, str], headers: dict[str, str], cookies: dict[str, str], expected: str
) -> None:
    client.cookies.update(cookies)
    page = client.get("/login", params=params, headers=headers)
    assert f'<html lang="{expected}">' in page.text


def test_lang_parameter_is_remembered(client: TestClient) -> None:
    first = client.get("/login", params={"lang": "uk"})
    assert "Увійти" in first.text
    assert any(c.startswith(f"{LANGUAGE_COOKIE}=uk") for c in first.headers.get_list("set-cookie"))
    assert "Увійти" in client.get("/login").text


@pytest.mark.parametrize(
    ("lang", "number", "month"),
    [("en", "1,234,567.5", "Mar"), ("uk", "1\u00a0234\u00a0567,5", "бер")],
)
def test_numbers_and_dates_are_localized(lang: str, number: str, month: str) -> None:
    localizer = Localizer(lang)
    assert localizer.format_number(1234567.5) == number
    day = localizer.format_date(date(2026, 3, 1))
    assert month in day and "2026" in day
    assert localizer.format_datetime(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert localizer.format_number(None) == ""


@pytest.mark.parametrize(("n", "expected"), [(1, "1 документ"), (3, "3 документи"), (5, "5 документів"), (21, "21 документ")])
def test_ukrainian_plurals(n: int, expected: str) -> None:
    assert Localizer("uk").ngettext("%(num)s document", "%(num)s documents", n) == expected


def test_unknown_language_falls_back_to_english() -> None:
    assert Localizer("xx").gettext("Log in") == "Log in"


def test_every_interface_string_is_in_the_catalogues() -> None:
    """Strings marked in templates and code must be extracted and translated (see docs/web.md, Languages)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    package = Path(i18n.__file__).parents[1]
    with (Path(i18n.LOCALE_DIR) / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    marked = {
        message[2] if isinstance(message[2], str) else tuple(message[2])
        for message in extract_from_dir(str(package), method_map, options_map, keywords=keywords)
    }
    assert {"Log in", "Audit log", "Users"} <= marked, "extraction must see templates and code"
    for lang in supported_languages():
        with (Path(i18n.LOCALE_DIR) / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            known = {m.id for m in read_po(handle, locale=lang) if m.id}
        missing = sorted(str(m) for m in marked - known)
        assert not missing, f"{lang}: run pybabel extract/update and translate: {missing[:15]}"


def test_language_switch_keeps_the_page_and_its_query(client: TestClient) -> None:
    page = client.get("/login", params={"next": "/documents", "lang": "uk"})
    assert 'href="/login?next=%2Fdocuments&amp;lang=en"' in page.text
