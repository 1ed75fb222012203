"""Filling the identifier index from analyses.

The identifiers are the entities the pipeline extracted (phones already in E.164 whatever
form the ad wrote them in), keyed by the same functions linking keys them with, so a
lookup and a network agree on what "the same phone" is. A messenger handle that is a phone
number (``whatsapp:+48...`` from a ``wa.me`` link) is indexed as that phone too: the ad
carries the number even where it never writes it out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.identifiers.models import MAX_VALUE, DocumentIdentifier
from vigil.link.features import email_key, handle_key, phone_key, url_key
from vigil.store.db import Store

#: Identifier kinds of the index, in the order they are shown.
KINDS: Final = ("phone", "email", "handle", "url")
#: Analyses read per batch when the index is rebuilt.
BACKFILL_BATCH: Final = 2000


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


def identifier_rows(document_pk: int, analysis: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of ``document_identifiers`` for one analysis (``save_analyses`` inserts them)."""
    entities = analysis.get("entities")
    if not isinstance(entities, Mapping):
        return []
    return [
        {"document_pk": document_pk, "kind": i.kind, "value": i.value, "bare": i.bare}
        for i in identifiers_of(entities)
    ]


def rows_for(results: Iterable[tuple[int, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Index rows for many ``(document_pk, analysis)`` pairs."""
    return [row for pk, analysis in results for row in identifier_rows(pk, analysis)]


def _stored_analyses(connection: Connection) -> Iterator[list[tuple[int, Mapping[str, Any]]]]:
    analyses = sa.table("analyses", sa.column("document_pk", sa.Integer), sa.column("result", sa.JSON))
    last = 0
    while True:
        batch = connection.execute(
            sa.select(analyses.c.document_pk, analyses.c.result)
            .where(analyses.c.document_pk > last)
            .order_by(analyses.c.document_pk)
            .limit(BACKFILL_BATCH)
        ).all()
        if not batch:
            return
        yield [(pk, result) for pk, result in batch if isinstance(result, Mapping)]
        last = batch[-1][0]


def backfill_on(connection: Connection) -> int:
    """Rebuild the whole index from the stored analyses on ``connection``; returns the rows written.

    The migration that creates the table calls this, so an existing store is indexed on upgrade.
    """
    table = sa.table(
        "document_identifiers",
        sa.column("document_pk", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("value", sa.String),
        sa.column("bare", sa.String),
    )
    connection.execute(sa.delete(table))
    written = 0
    for batch in _stored_analyses(connection):
        rows = rows_for(batch)
        if rows:
            connection.execute(sa.insert(table), rows)
            written += len(rows)
    return written


def backfill_identifiers(store: Store) -> int:
    """Rebuild the identifier index of ``store`` from its stored analyses; returns the rows written."""
    with store.session() as session:
        return backfill_on(session.connection())


def replace_identifiers(connection: Connection, results: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Replace the index rows of these documents (inside the caller's transaction)."""
    pks = [pk for pk, _ in results]
    connection.execute(sa.delete(DocumentIdentifier).where(DocumentIdentifier.document_pk.in_(pks)))
    rows = rows_for(results)
    if rows:
        connection.execute(sa.insert(DocumentIdentifier), rows)


__all__ = [
    "KINDS",
    "Identifier",
    "backfill_identifiers",
    "backfill_on",
    "identifier_rows",
    "identifiers_of",
    "national_number",
    "replace_identifiers",
]
