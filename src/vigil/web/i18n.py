"""Interface language: gettext catalogues per language, negotiation, localized dates and numbers.

Languages are the directories under ``locale/``; adding one is adding its ``messages.po``.
Catalogues are compiled in memory from the ``.po`` file on first use when no ``.mo`` sits
next to it, so a clean checkout works without a build step.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "vigil_lang"
LANGUAGE_PARAM = "lang"


@cache
def supported_languages() -> tuple[str, ...]:
    """Languages with a catalogue, the default first."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    return (DEFAULT_LANGUAGE, *[lang for lang in found if lang != DEFAULT_LANGUAGE])


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang`` (compiled from ``.po`` in memory when no ``.mo`` is present)."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    mo_path = folder / f"{DOMAIN}.mo"
    po_path = folder / f"{DOMAIN}.po"
    if mo_path.is_file() and (not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po_path.is_file():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _known(lang: str | None) -> str | None:
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in supported_languages() else None


def parse_accept_language(header: str) -> list[str]:
    """Language codes from an ``Accept-Language`` header, best first (malformed parts are skipped)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        pieces = part.strip().split(";")
        code = pieces[0].strip()
        if not code or code == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, code))
    return [code for _q, _i, code in sorted(weighted)]


def negotiate(request: Request) -> str:
    """``?lang=`` wins, then the language cookie, then ``Accept-Language``, then the default."""
    for candidate in (request.query_params.get(LANGUAGE_PARAM), request.cookies.get(LANGUAGE_COOKIE)):
        if (lang := _known(candidate)) is not None:
            return lang
    for code in parse_accept_language(request.headers.get("accept-language", "")):
        if (lang := _known(code)) is not None:
            return lang
    return DEFAULT_LANGUAGE


def requested_language(request: Request) -> str | None:
    """A supported ``?lang=`` on this request (the app remembers it in a cookie)."""
    return _known(request.query_params.get(LANGUAGE_PARAM))


@dataclass(frozen=True)
class Localizer:
    """Everything a template needs to speak one language."""

    lang: str

    @property
    def locale(self) -> Locale:
        try:
            return Locale.parse(self.lang)
        except (ValueError, UnknownLocaleError):
            return Locale.parse(DEFAULT_LANGUAGE)

    def gettext(self, message: str, **variables: Any) -> str:
        text = translations(self.lang).gettext(message)
        if not variables:
            return text
        for name, value in variables.items():
            # A value that ends a sentence itself ("2026 р.") takes the place of the message's full stop.
            if isinstance(value, str) and value.endswith("."):
                text = text.replace(f"%({name})s.", f"%({name})s")
        return text % variables

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        text = translations(self.lang).ngettext(singular, plural, n)
        return text % {"num": n, **variables}

    def format_date(self, value: date | datetime | None, format: str = "medium") -> str:
        if value is None:
            return ""
        return babel_dates.format_date(value, format=format, locale=self.locale)

    def format_datetime(self, value: datetime | None, format: str = "medium") -> str:
        if value is None:
            return ""
        return babel_dates.format_datetime(value, format=format, tzinfo=babel_dates.UTC, locale=self.locale)

    def format_number(self, value: float | None) -> str:
        if value is None:
            return ""
        return babel_numbers.format_decimal(value, locale=self.locale)

    def format_score(self, value: float | None) -> str:
        """A risk score with two decimals always ("0.87", "1.00"), so it never reads as a count."""
        if value is None:
            return ""
        return babel_numbers.format_decimal(value, format="0.00", locale=self.locale)

    def format_percent(self, value: float | None) -> str:
        if value is None:
            return ""
        return babel_numbers.format_percent(value, locale=self.locale)

    def template_globals(self) -> dict[str, Callable[..., str] | str]:
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "format_date": self.format_date,
            "format_datetime": self.format_datetime,
            "format_number": self.format_number,
            "format_percent": self.format_percent,
            "format_score": self.format_score,
            "lang": self.lang,
        }


def localizer(request: Request) -> Localizer:
    """The localizer of this request (negotiated once and kept on ``request.state``)."""
    found = getattr(request.state, "localizer", None)
    if isinstance(found, Localizer):
        return found
    made = Localizer(negotiate(request))
    request.state.localizer = made
    return made


def language_name(lang: str) -> str:
    """A language's own name for itself, for the language switcher."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, UnknownLocaleError):
        return lang
    return name[:1].upper() + name[1:]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (it is translated when shown)."""
    return message
