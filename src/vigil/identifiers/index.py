"""Filling the identifier index from analyses.

The identifiers are the entities the pipeline extracted (phones already in E.164 whatever
form the ad wrote them in), keyed by the same functions linking keys them with, so a
lookup and a network agree on what "the same phone" is. A messenger handle that is a phone
number (``whatsapp:+48...`` from a ``wa.me`` link) is indexed as that phone too: the ad
carries the number even where it never writes it out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.identifier_keys import Identifier, identifier_rows, identifiers_of, national_number, rows_for
from vigil.store.analyses import IDENTIFIER_INDEX, replace_identifiers
from vigil.store.db import Store

#: Identifier kinds of the index, in the order they are shown.
KINDS: Final = ("phone", "email", "handle", "url")
#: Analyses read per batch when the index is rebuilt.
BACKFILL_BATCH: Final = 2000


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
    table = IDENTIFIER_INDEX
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
