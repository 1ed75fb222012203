"""Trend segment counts kept beside the analyses: one row per document, one per (day, segment).

Saving an analysis replaces its document's segments and moves the counts by the
difference in the same transaction, so detection reads days × segments rows instead of
segmenting every stored analysis again. Which segments a document has is the trends
package's business (:mod:`vigil.trends.segments`); the store only keeps what it is given.

The tables are bare here, like the identifier index: their models and migration belong to
``vigil.trends`` (a test keeps the columns in step with the models).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.store.rows import delete_where_in, insert_rows, select_where_in

TREND_DOCUMENTS: Final = sa.table(
    "trend_documents",
    sa.column("document_pk", sa.Integer),
    sa.column("day", sa.Integer),
    sa.column("segments", sa.Text),
)
TREND_COUNTS: Final = sa.table(
    "trend_segment_counts",
    sa.column("day", sa.Integer),
    sa.column("segment", sa.String),
    sa.column("documents", sa.Integer),
)
#: The count row of every dated document of a day (segment names all have a ``dimension:``).
ALL_DOCUMENTS: Final = "*"

#: One document's trend row: its day number (None: undated) and sorted segment names.
TrendRow = tuple[int | None, tuple[str, ...]]


def _names(stored: str) -> tuple[str, ...]:
    return tuple(json.loads(stored)) if stored else ()


def _count(deltas: Counter[tuple[int, str]], row: TrendRow, sign: int) -> None:
    day, segments = row
    if day is None:
        return
    deltas[(day, ALL_DOCUMENTS)] += sign
    for segment in segments:
        deltas[(day, segment)] += sign


def replace_trend_rows(connection: Connection, pks: Sequence[int], rows: Mapping[int, TrendRow]) -> None:
    """Replace the trend rows of documents ``pks`` by ``rows`` (a pk missing there is left without one).

    The counts move by the difference, inside the caller's transaction. A document left
    without a row is segmented again by the trends step (:func:`vigil.trends.stored.catch_up`).
    """
    if not pks:
        return
    deltas: Counter[tuple[int, str]] = Counter()
    old = select_where_in(connection, "trend_documents", ("day", "segments"), "document_pk", list(pks))
    if old:
        for day, segments in old:
            _count(deltas, (day, _names(segments)), -1)
        delete_where_in(connection, "trend_documents", "document_pk", list(pks))
    if rows:
        insert_rows(
            connection,
            "trend_documents",
            ("document_pk", "day", "segments"),
            [(pk, day, json.dumps(segments, ensure_ascii=False)) for pk, (day, segments) in rows.items()],
        )
        for row in rows.values():
            _count(deltas, row, 1)
    add_counts(connection, deltas)


#: Adds to a (day, segment) count, creating it at zero first (the same SQL on SQLite and PostgreSQL).
_ADD_TO_COUNT: Final = (
    'ON CONFLICT ("day", "segment") DO UPDATE SET "documents" = trend_segment_counts."documents" + excluded."documents"'
)


def add_counts(connection: Connection, deltas: Mapping[tuple[int, str], int]) -> None:
    """Add ``deltas`` to the (day, segment) counts in one statement; rows that reach zero are removed."""
    changed = sorted((key, n) for key, n in deltas.items() if n)  # a fixed order: concurrent writers never deadlock
    if not changed:
        return
    insert_rows(
        connection,
        "trend_segment_counts",
        ("day", "segment", "documents"),
        [(day, segment, n) for (day, segment), n in changed],
        on_conflict=_ADD_TO_COUNT,
    )
    if any(n < 0 for _, n in changed):
        connection.execute(sa.delete(TREND_COUNTS).where(TREND_COUNTS.c.documents <= 0))


def read_counts(connection: Connection) -> list[tuple[int, str, int]]:
    """Every positive (day, segment, documents) count."""
    rows = connection.execute(
        sa.select(TREND_COUNTS.c.day, TREND_COUNTS.c.segment, TREND_COUNTS.c.documents).where(
            TREND_COUNTS.c.documents > 0
        )
    ).tuples()
    return [(int(day), str(segment), int(n)) for day, segment, n in rows]


def counts_agree(connection: Connection) -> bool:
    """Whether the counts hold exactly the dated documents that have trend rows (cheap: two aggregates)."""
    counted = connection.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(TREND_COUNTS.c.documents), 0)).where(
            TREND_COUNTS.c.segment == ALL_DOCUMENTS
        )
    )
    rows = connection.scalar(
        sa.select(sa.func.count()).select_from(TREND_DOCUMENTS).where(TREND_DOCUMENTS.c.day.is_not(None))
    )
    return int(counted or 0) == int(rows or 0)


def rebuild_counts(connection: Connection, page: int = 5000) -> None:
    """Count every trend row again from scratch (after documents were removed behind the counts' back)."""
    connection.execute(sa.delete(TREND_COUNTS))
    add_counts(connection, count_trend_rows(connection, page))


def count_trend_rows(connection: Connection, page: int = 5000) -> Counter[tuple[int, str]]:
    """The (day, segment) counts of the trend rows themselves, counted here (the counts are not read)."""
    counted: Counter[tuple[int, str]] = Counter()
    last = -1
    while True:
        rows = connection.execute(
            sa.select(TREND_DOCUMENTS.c.document_pk, TREND_DOCUMENTS.c.day, TREND_DOCUMENTS.c.segments)
            .where(TREND_DOCUMENTS.c.document_pk > last, TREND_DOCUMENTS.c.day.is_not(None))
            .order_by(TREND_DOCUMENTS.c.document_pk)
            .limit(page)
        ).all()
        if not rows:
            return counted
        for _, day, segments in rows:
            _count(counted, (day, _names(segments)), 1)
        last = rows[-1][0]


def undated_documents(connection: Connection) -> int:
    """Documents with trend rows but no date (counted nowhere)."""
    found = connection.scalar(sa.select(sa.func.count()).select_from(TREND_DOCUMENTS).where(TREND_DOCUMENTS.c.day.is_(None)))
    return int(found or 0)
