"""Reading an identifier a person typed, in any written form an ad uses.

The value is read the way an ad is read: the same normalizer and the same entity
extractor run over it as a tiny text, so "+44 74OO I23456", "four four seven four ...",
"anna at gmail dot com", "t.me/anna_vip" and "Telegram: anna_vip" come out as the ads'
identifiers do. Only what the extractor leaves (a bare national number, which it will not
guess a country for, or a handle without digits after a messenger name) falls back to a
parse of that one kind, built on the extractor's own tables.

What a person leaves out widens the match instead of failing it:

* a phone without a country code matches stored phones with the same national significant
  number in any country ("0740 0123 456" finds +447400123456, and a number with the same
  national digits in another country too);
* ``@name`` without a messenger named matches that name on every platform;
* a bare domain matches every URL on that host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import phonenumbers

from vigil.errors import InputError
from vigil.extract.entities import EntityExtractor, EntitySpan
from vigil.extract.entities.phones import _DATE, _HOURS, MAX_DIGITS, MIN_DIGITS
from vigil.extract.normalize import NormalizedText, Normalizer
from vigil.identifier_keys import (
    Identifier,
    email_identifier,
    handle_identifier,
    phone_identifier,
    url_identifier,
)

#: Longest value read as one identifier (a lookup, not a document).
MAX_QUERY_CHARS: Final = 300
#: A phone written with nothing but digits and the separators people put between them.
_PHONE_ONLY: Final = re.compile(r"(?P<plus>\+|00)?[\d\s\-./()]+")
_REGIONS: Final = tuple(sorted(phonenumbers.SUPPORTED_REGIONS))


@dataclass(frozen=True, slots=True)
class IdentifierQuery:
    """What to look up: ``value`` when the query names it fully, else any of ``bares``."""

    written: str
    kind: str
    value: str | None = None
    bares: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The identifier as shown: its normalized value, or its bare form(s) with the kind."""
        if self.value is not None:
            return self.value
        return " | ".join(self.bares)

    @property
    def exact(self) -> bool:
        return self.value is not None


@lru_cache(maxsize=4096)
def national_candidates(digits: str) -> tuple[str, ...]:
    """National significant numbers ``digits`` is a valid phone number for, in any country."""
    found: set[str] = set()
    for region in _REGIONS:
        try:
            parsed = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number_for_region(parsed, region):
            found.add(phonenumbers.national_significant_number(parsed))
    return tuple(sorted(found))


def _international(digits: str) -> str | None:
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class IdentifierReader:
    """Reads typed identifiers; build once (the extractor's tables load here), call per value."""

    def __init__(self, normalizer: Normalizer | None = None, extractor: EntityExtractor | None = None) -> None:
        self.normalizer = normalizer if normalizer is not None else Normalizer()
        self.extractor = extractor if extractor is not None else EntityExtractor()

    def __call__(self, written: str) -> IdentifierQuery:
        """The query for ``written``; :class:`InputError` when it is not one identifier."""
        text = written.strip()
        if not text:
            raise InputError("an empty value is not an identifier")
        if len(text) > MAX_QUERY_CHARS:
            raise InputError(f"a value to look up has at most {MAX_QUERY_CHARS} characters")
        nt = self.normalizer(text)
        spans = [s for s in self.extractor.extract(nt, None) if s.kind in ("phones", "emails", "handles", "urls")]
        query = self._from_entities(text, nt, spans) or self._named_handle(text, nt) or self._phone(text, nt)
        if query is None:
            raise InputError(f"{text!r} is not a phone number, e-mail address, handle or URL")
        return query

    # -- what the extractor found ----------------------------------------------------------

    def _from_entities(self, text: str, nt: NormalizedText, spans: list[EntitySpan]) -> IdentifierQuery | None:
        emails = _distinct(email_identifier(s.value) for s in spans if s.kind == "emails")
        if emails:
            return IdentifierQuery(text, "email", _one(text, emails).value)
        handles = [
            (s, h) for s in spans if s.kind == "handles" and (h := handle_identifier(s.value)) is not None
            and phone_identifier(h.bare) is None
        ]
        if handles:
            handle = _one(text, _distinct(h for _, h in handles))
            named = any("/" in s.evidence for s, _ in handles) or bool(self.extractor.handles.mentions(nt.light))
            return IdentifierQuery(text, "handle", handle.value) if named else IdentifierQuery(text, "handle", bares=(handle.bare,))
        phones = _distinct(phone_identifier(s.value) for s in spans if s.kind == "phones")
        if phones:
            phone = _one(text, phones)
            return self._phone(text, nt, phone)
        urls = _distinct(url_identifier(s.value) for s in spans if s.kind == "urls")
        if urls:
            url = _one(text, urls)
            return IdentifierQuery(text, "url", url.value) if "/" in url.value else IdentifierQuery(text, "url", bares=(url.bare,))
        return None

    # -- what it leaves: one kind at a time, on its own tables -------------------------------

    def _named_handle(self, text: str, nt: NormalizedText) -> IdentifierQuery | None:
        """"Telegram: annavip": the extractor wants a digit or ``_`` in such names, a lookup does not."""
        mentions = self.extractor.handles.mentions(nt.light)
        if len(mentions) != 1 or mentions[0][0] != 0:
            return None
        _start, end, platform = mentions[0]
        rest = re.fullmatch(r"\s?[:\-\u2013]?\s?@?([a-z0-9_.]{3,32})", nt.light[end:])
        if rest is None:
            return None
        handle = handle_identifier(f"{platform}:{rest.group(1).strip('.')}")
        return IdentifierQuery(text, "handle", handle.value) if handle is not None else None

    def _phone(self, text: str, nt: NormalizedText, found: Identifier | None = None) -> IdentifierQuery | None:
        """A phone: exact when the country code is written, by national number otherwise."""
        view = self.extractor.digits(nt).text.strip()
        digits = "".join(ch for ch in view if ch.isdigit())
        shape = _PHONE_ONLY.fullmatch(view)
        written_plus = "+" in view or (shape is not None and shape.group("plus") == "00")
        if found is not None:
            whole = digits.removeprefix("00") if written_plus else digits
            if written_plus or whole == found.value.lstrip("+"):
                return IdentifierQuery(text, "phone", found.value)
        elif shape is None or not MIN_DIGITS <= len(digits) <= MAX_DIGITS or _DATE.search(view) or _HOURS.search(view):
            return None  # dates and opening hours are not phones, as in ads
        elif written_plus:
            e164 = _international(digits.removeprefix("00") if shape.group("plus") == "00" else digits)
            return IdentifierQuery(text, "phone", e164) if e164 is not None else None
        candidates = national_candidates(digits)
        return IdentifierQuery(text, "phone", bares=candidates) if candidates else None


def _distinct(identifiers: Iterable[Identifier | None]) -> list[Identifier]:
    out: list[Identifier] = []
    for identifier in identifiers:
        if identifier is not None and identifier not in out:
            out.append(identifier)
    return out


def _one(text: str, identifiers: list[Identifier]) -> Identifier:
    if len(identifiers) > 1:
        shown = ", ".join(i.value for i in identifiers[:3])
        raise InputError(f"{text!r} holds more than one identifier ({shown}); look them up one by one")
    return identifiers[0]


@cache
def default_reader() -> IdentifierReader:
    """The process-wide reader (built on first use: loading the extractor takes about a second)."""
    return IdentifierReader()


def read_identifier(written: str) -> IdentifierQuery:
    """:class:`IdentifierQuery` for ``written`` with the default reader (see the module doc)."""
    return default_reader()(written)
