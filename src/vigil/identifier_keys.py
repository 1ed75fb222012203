"""Contact identifiers of an Analysis, keyed one way for linking, the identifier index and the store.

Pure functions of the Analysis ``entities`` object, below the store: linking keys documents
with :func:`identifier_keys`, and saving an analysis writes :func:`identifier_values` into the
identifier index in the same transaction, so a lookup and a network agree on what "the same
phone" is. A messenger handle that is a phone number (``whatsapp:+48...`` from a ``wa.me``
link) is indexed as that phone too: the ad carries the number even where it never writes it out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final
from urllib.parse import urlsplit

import phonenumbers

#: Longest identifier value kept in the index (longer URLs are not indexed).
MAX_VALUE: Final = 600


def _clean(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def phone_key(value: object) -> str | None:
    """``phone:+48501234000`` from an E.164 phone; None when it is not one."""
    text = _clean(value)
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") or not 7 <= len(digits) <= 15:
        return None
    return f"phone:+{digits}"


def email_key(value: object) -> str | None:
    text = _clean(value).casefold()
    if text.count("@") != 1 or "." not in text.split("@", 1)[1]:
        return None
    return f"email:{text}"


def handle_key(value: object) -> str | None:
    """``handle:telegram:name`` from ``telegram:name`` (or ``@name``, platform unknown)."""
    text = _clean(value).casefold()
    platform, _, name = text.rpartition(":")
    name = name.lstrip("@")
    if not name:
        return None
    return f"handle:{platform or 'any'}:{name}"


def url_key(value: object) -> str | None:
    """``url:host/path`` without scheme, ``www.``, query, fragment or trailing slash; ``domain:host`` without a path."""
    text = _clean(value)
    if not text:
        return None
    if "://" not in text:
        text = f"http://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").casefold().removeprefix("www.")
    if "." not in host:
        return None
    path = parts.path.rstrip("/")
    # a bare domain is shared by everyone hosted there (a webmail, a platform): shown, never linked
    return f"url:{host}{path}" if path else f"domain:{host}"


def image_key(value: object) -> str | None:
    text = _clean(value).casefold()
    return f"image:{text}" if text else None


_KEYERS: Final = {
    "phones": phone_key,
    "emails": email_key,
    "handles": handle_key,
    "urls": url_key,
}


def identifier_keys(entities: Mapping[str, Any], images: Iterable[str] = ()) -> tuple[str, ...]:
    """Distinct identifier keys of one document, in a stable order."""
    keys: set[str] = set()
    for field_name, keyer in _KEYERS.items():
        values = entities.get(field_name) or ()
        if isinstance(values, str):
            values = (values,)
        for value in values:
            key = keyer(value)
            if key is not None:
                keys.add(key)
    for image in images:
        key = image_key(image)
        if key is not None:
            keys.add(key)
    return tuple(sorted(keys))


@dataclass(frozen=True, slots=True, order=True)
class Identifier:
    """One normalized identifier: ``kind``, full ``value`` and its ``bare`` form (see models)."""

    kind: str
    value: str
    bare: str


@lru_cache(maxsize=65536)
def national_number(e164: str) -> str:
    """The national significant number of an E.164 phone (no country code, no trunk zero)."""
    try:
        return str(phonenumbers.national_significant_number(phonenumbers.parse(e164, None)))
    except phonenumbers.NumberParseException:
        return e164.lstrip("+")


def phone_identifier(value: object) -> Identifier | None:
    key = phone_key(value)
    if key is None:
        return None
    e164 = key.removeprefix("phone:")
    return Identifier("phone", e164, national_number(e164))


def email_identifier(value: object) -> Identifier | None:
    key = email_key(value)
    if key is None:
        return None
    address = key.removeprefix("email:")
    return Identifier("email", address, address)


def handle_identifier(value: object) -> Identifier | None:
    key = handle_key(value)
    if key is None:
        return None
    handle = key.removeprefix("handle:")
    return Identifier("handle", handle, handle.rpartition(":")[2])


def url_identifier(value: object) -> Identifier | None:
    key = url_key(value)
    if key is None:
        return None
    # ``url:host/path`` or ``domain:host``: the index keeps the kind "url" for both. Paths
    # are folded too: ads retype links in any case, and a lookup should not depend on it.
    address = key.partition(":")[2].casefold()
    return Identifier("url", address, address.split("/", 1)[0])


_READERS: Final[dict[str, Callable[[object], Identifier | None]]] = {
    "phones": phone_identifier,
    "emails": email_identifier,
    "handles": handle_identifier,
    "urls": url_identifier,
}


#: Key of the Analysis object holding the other readings of ambiguous phones: ``{e164: [e164, ...]}``.
PHONE_ALTERNATES: Final = "phone_alternates"


def identifiers_of(entities: Mapping[str, Any]) -> list[Identifier]:
    """Distinct identifiers of one ``entities`` object (Analysis contract), sorted."""
    found: set[Identifier] = set()
    for field_name, read in _READERS.items():
        values = entities.get(field_name) or ()
        if isinstance(values, str):
            values = (values,)
        for value in values:
            identifier = read(value)
            if identifier is None or len(identifier.value) > MAX_VALUE:
                continue
            found.add(identifier)
            if identifier.kind == "handle":
                phone = phone_identifier(identifier.bare)
                if phone is not None:
                    found.add(phone)
    return sorted(found)


#: One identifier index row without its document: ``(kind, value, bare)``.
IdentifierValues = tuple[str, str, str]


def identifier_values(analysis: Mapping[str, Any]) -> list[IdentifierValues]:
    """``(kind, value, bare)`` of each ``document_identifiers`` row of one analysis, sorted.

    Pure, so the worker that made the analysis computes them and the store process only writes.
    """
    entities = analysis.get("entities")
    if not isinstance(entities, Mapping):
        return []
    found = set(identifiers_of(entities))
    # The other readings of a phone written without its country code: a lookup of any of
    # them finds the ad (the ad may mean that one), while linking keeps to the best reading.
    alternates = analysis.get(PHONE_ALTERNATES)
    if isinstance(alternates, Mapping):
        for readings in alternates.values():
            for reading in readings if isinstance(readings, list) else ():
                identifier = phone_identifier(reading)
                if identifier is not None and len(identifier.value) <= MAX_VALUE:
                    found.add(identifier)
    return [(i.kind, i.value, i.bare) for i in sorted(found)]


def identifier_rows(document_pk: int, analysis: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of ``document_identifiers`` for one analysis, as dicts (see :func:`identifier_values`)."""
    return [
        {"document_pk": document_pk, "kind": kind, "value": value, "bare": bare}
        for kind, value, bare in identifier_values(analysis)
    ]


def rows_for(results: Iterable[tuple[int, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Index rows for many ``(document_pk, analysis)`` pairs."""
    return [row for pk, analysis in results for row in identifier_rows(pk, analysis)]
