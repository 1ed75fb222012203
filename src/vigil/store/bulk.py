"""Fast bulk insert of documents, one code path per dialect.

Ingest writes many rows per transaction; going through the ORM costs several times the
work of parsing the input. SQLite gets a prepared ``executemany`` and PostgreSQL a
``COPY ... FROM STDIN``, both on the session's own connection (so inside its transaction),
with values formatted exactly as :mod:`vigil.store.models` stores them. Other dialects
fall back to SQLAlchemy Core.
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
    return value.astimezone(UTC).strftime(_SQLITE_TIME_FORMAT)


def insert_documents(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert document rows (dicts keyed by :data:`DOCUMENT_COLUMNS`) in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        _insert_sqlite(connection, rows)
    elif dialect == "postgresql":
        _copy_postgresql(connection, rows)
    else:
        connection.execute(sa.insert(DocumentRow), list(rows))


def _insert_sqlite(connection: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
    columns = ", ".join(DOCUMENT_COLUMNS)
    marks = ", ".join("?" for _ in DOCUMENT_COLUMNS)
    values = [
        tuple(
            _sqlite_time(row[c]) if c in _TIMESTAMP_COLUMNS else json.dumps(row[c]) if c in _JSON_COLUMNS else row[c]
            for c in DOCUMENT_COLUMNS
        )
        for row in rows
    ]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f"INSERT INTO documents ({columns}) VALUES ({marks})", values)  # noqa: S608 - fixed names
    finally:
        cursor.close()


def _copy_postgresql(connection: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
    columns = ", ".join(DOCUMENT_COLUMNS)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY documents ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(
                [json.dumps(row[c], ensure_ascii=False) if c in _JSON_COLUMNS else row[c] for c in DOCUMENT_COLUMNS]
            )
