"""Fast bulk insert of documents, one code path per dialect.

Ingest writes many rows per transaction; going through the ORM costs several times the
work of parsing the input. SQLite gets a prepared ``executemany`` (a large batch feeds the full-text index in one
statement afterwards instead of row by row through its trigger) and PostgreSQL a
``COPY ... FROM STDIN`` into a staging table, both on the session's own connection (so
inside its transaction), with values formatted exactly as :mod:`vigil.store.models` stores
them. Other dialects fall back to SQLAlchemy Core.

A document already stored under the same (source, id) is skipped, not an error: two
ingests of one source may run at once, and each counts only the rows it really inserted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.store.models import DocumentRow

DOCUMENT_COLUMNS: Final = (
    "source_id",
    "doc_id",
    "text",
    "title",
    "kind",
    "platform",
    "url",
    "lang",
    "posted_at",
    "captured_at",
    "location",
    "images",
    "meta",
    "evidence_sha256",
    "ingest_run_id",
    "created_at",
)
_TIMESTAMP_COLUMNS: Final = frozenset({"posted_at", "captured_at", "created_at"})
_JSON_COLUMNS: Final = frozenset({"images", "meta"})
#: SQLAlchemy's SQLite DATETIME storage format (UTC, no offset; see ``UTCDateTime``).
_SQLITE_TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S.%f"


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # the same text as strftime(_SQLITE_TIME_FORMAT), a dozen times cheaper
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def insert_documents(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert document rows (dicts keyed by :data:`DOCUMENT_COLUMNS`) in the session's transaction.

    Rows whose (source, id) is already stored are skipped; returns how many were inserted.
    """
    if not rows:
        return 0
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return _insert_sqlite(connection, rows)
    if dialect == "postgresql":
        return _copy_postgresql(connection, rows)
    return _insert_core(connection, rows)


def _insert_sqlite(connection: sa.Connection, rows: Sequence[dict[str, Any]]) -> int:
    columns = ", ".join(DOCUMENT_COLUMNS)
    marks = ", ".join("?" for _ in DOCUMENT_COLUMNS)
    values = [
        tuple(
            _sqlite_time(row[c]) if c in _TIMESTAMP_COLUMNS else json.dumps(row[c]) if c in _JSON_COLUMNS else row[c]
            for c in DOCUMENT_COLUMNS
        )
        for row in rows
    ]
    statement = f"INSERT INTO documents ({columns}) VALUES ({marks}) ON CONFLICT (source_id, doc_id) DO NOTHING"  # noqa: S608 - fixed names
    raw = connection.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        trigger = _fulltext_trigger(cursor) if len(rows) >= BULK_INDEX_ROWS else None
        if trigger is None:
            cursor.executemany(statement, values)
            # executemany sums the rows each statement changed: a skipped conflict adds none
            return int(cursor.rowcount)
        if not raw.in_transaction:  # type: ignore[union-attr]
            cursor.execute("BEGIN")  # the trigger comes back in this transaction, or is never gone
        last = cursor.execute("SELECT coalesce(max(pk), 0) FROM documents").fetchone()[0]
        cursor.execute(f"DROP TRIGGER {_FTS_INSERT_TRIGGER}")
        cursor.executemany(statement, values)
        inserted = int(cursor.rowcount)
        # New rows take keys above the largest: index them in one statement, then restore the trigger.
        cursor.execute(
            f"INSERT INTO {_FTS_TABLE}(rowid, title, text) SELECT pk, title, text FROM documents WHERE pk > ?",  # noqa: S608 - fixed names
            (last,),
        )
        cursor.execute(trigger)
        return inserted
    finally:
        cursor.close()


#: Full-text index of the search migrations on SQLite (an FTS5 table fed by an insert trigger).
_FTS_TABLE: Final = "documents_fts"
_FTS_INSERT_TRIGGER: Final = "documents_fts_ai"
#: From this many rows a batch is indexed in one statement after the insert rather than by the
#: trigger row by row (about three times cheaper for the same index).
BULK_INDEX_ROWS: Final = 100


def _fulltext_trigger(cursor: Any) -> str | None:
    """The SQL that made the full-text insert trigger, or None when the store has none."""
    found = cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_FTS_INSERT_TRIGGER,)
    ).fetchone()
    return None if found is None else str(found[0])


#: Per-transaction staging table for COPY; dropped at commit or rollback.
_STAGING: Final = "vigil_documents_staging"


def _copy_postgresql(connection: sa.Connection, rows: Sequence[dict[str, Any]]) -> int:
    columns = ", ".join(DOCUMENT_COLUMNS)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        # COPY cannot skip conflicts; it fills a staging table shaped like the documents columns
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ON COMMIT DROP AS "  # noqa: S608 - fixed names
            f"SELECT {columns} FROM documents WITH NO DATA"
        )
        with cursor.copy(f"COPY {_STAGING} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c], ensure_ascii=False) if c in _JSON_COLUMNS else row[c] for c in DOCUMENT_COLUMNS]
                )
        cursor.execute(
            f"INSERT INTO documents ({columns}) SELECT {columns} FROM {_STAGING} "  # noqa: S608 - fixed names
            "ON CONFLICT (source_id, doc_id) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"TRUNCATE {_STAGING}")
    return int(inserted)


def _insert_core(connection: sa.Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Without a conflict-skipping insert, skip the stored keys first (not safe against a concurrent ingest)."""
    existing = set(
        connection.execute(
            sa.select(DocumentRow.source_id, DocumentRow.doc_id).where(
                DocumentRow.doc_id.in_([row["doc_id"] for row in rows])
            )
        ).tuples()
    )
    fresh = [row for row in rows if (row["source_id"], row["doc_id"]) not in existing]
    if fresh:
        connection.execute(sa.insert(DocumentRow), fresh)
    return len(fresh)
