"""Fast bulk insert of documents, one code path per dialect.

Ingest writes many rows per transaction; going through the ORM costs several times the
work of parsing the input. SQLite gets a prepared ``executemany`` (a large batch feeds the full-text index in one
statement afterwards instead of row by row through its trigger) and PostgreSQL a
``COPY ... FROM STDIN`` (into the table itself while no row of a batch is stored yet, else
into a staging table), both on the session's own connection (so inside its transaction),
with values formatted exactly as :mod:`vigil.store.models` stores them. The formatting (:func:`document_values`) is pure, so ingest runs it in the batch
engine's workers and the writing process only joins and sends. Other databases are refused.

A document already stored under the same (source, id) is skipped, not an error: two
ingests of one source may run at once, and each counts only the rows it really inserted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.documents import Document, DocumentFields
from vigil.errors import StoreError

#: The columns of one document, in the order :func:`document_values` gives them.
DOCUMENT_VALUE_COLUMNS: Final = (
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
)
#: The columns the writer adds, the same for every row of a batch.
BATCH_COLUMNS: Final = ("source_id", "ingest_run_id", "created_at")
DOCUMENT_COLUMNS: Final = DOCUMENT_VALUE_COLUMNS + BATCH_COLUMNS
_TIMESTAMP_COLUMNS: Final = frozenset({"posted_at", "captured_at", "created_at"})
_JSON_COLUMNS: Final = frozenset({"images", "meta"})
#: SQLAlchemy's SQLite DATETIME storage format (UTC, no offset; see ``UTCDateTime``).
_SQLITE_TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S.%f"
#: PostgreSQL's COPY text format: NULL, and the characters a field must escape.
_COPY_NULL: Final = "\\N"
_COPY_ESCAPES: Final = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_COPY_SPECIAL: Final = re.compile(r"[\\\n\r\t]")

#: One document's values in :data:`DOCUMENT_VALUE_COLUMNS` order, formatted for one dialect:
#: SQLite parameters, or PostgreSQL COPY text fields (escaped, ``\\N`` for NULL), which may
#: also come joined by tabs into one line (:func:`document_copy_line`).
DocumentValues = tuple[Any, ...]
#: What ingest holds of a document to write: its values, or for PostgreSQL its COPY line in
#: UTF-8 without the batch's columns (:func:`fields_copy_bytes`).
StoredRow = DocumentValues | bytes


def _sqlite_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # the same text as strftime(_SQLITE_TIME_FORMAT), a dozen times cheaper; a time in UTC
    # already (every "Z" or "+00:00" of the input) needs no conversion
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _copy_text(value: object) -> str:
    """One field of PostgreSQL's COPY text format."""
    if value is None:
        return _COPY_NULL
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    if _COPY_SPECIAL.search(text) is None:
        return text
    for char, escaped in _COPY_ESCAPES:
        text = text.replace(char, escaped)
    return text


#: Module-level encoders: ``json.dumps`` with an option builds a new encoder per call.
_JSON_SQLITE: Final = json.JSONEncoder().encode
_JSON_POSTGRESQL: Final = json.JSONEncoder(ensure_ascii=False).encode


def _text_fields(document: Document) -> tuple[str | None, ...]:
    """The columns stored as the document holds them, up to ``lang``."""
    return (document.id, document.text, document.title, document.kind, document.platform, document.url, document.lang)


def document_values(document: Document, dialect: str, evidence: str | None = None) -> DocumentValues:
    """``document``'s values as :func:`insert_document_values` writes them, formatted for ``dialect``.

    Pure and picklable, so the batch engine's workers format rows while the parent writes.
    Written out field by field: ingest calls it once per document (the same values as
    :func:`format_values`, which a test checks).
    """
    if dialect == "sqlite":
        return (
            *_text_fields(document),
            _sqlite_time(document.posted_at),
            _sqlite_time(document.captured_at),
            document.location,
            _JSON_SQLITE(list(document.images)) if document.images else "[]",
            _JSON_SQLITE(document.meta) if document.meta else "{}",
            evidence,
        )
    if dialect == "postgresql":
        return (
            _copy_text(document.id),
            _copy_text(document.text),
            _copy_text(document.title),
            _copy_text(document.kind),
            _copy_text(document.platform),
            _copy_text(document.url),
            _copy_text(document.lang),
            _copy_text(document.posted_at),
            _copy_text(document.captured_at),
            _copy_text(document.location),
            _copy_text(_JSON_POSTGRESQL(list(document.images))),
            _copy_text(_JSON_POSTGRESQL(document.meta)),
            _copy_text(evidence),
        )
    raise StoreError(f"ingest does not support the {dialect} database")


def document_copy_line(document: Document) -> str:
    """``document_values(document, "postgresql")`` joined by tabs: the document's line of COPY text.

    The same text as joining :func:`document_values` (a test checks); see :func:`fields_copy_line`.
    """
    return fields_copy_line(
        (
            document.id,
            document.text,
            document.title,
            document.kind,
            document.platform,
            document.url,
            document.lang,
            document.posted_at,
            document.captured_at,
            document.location,
            document.images,
            document.meta,
        )
    )


def fields_copy_line(fields: DocumentFields) -> str:
    """A valid document's fields (:func:`vigil.documents.document_fields`) as its line of COPY text; no evidence.

    What the JSONL decoder sends from its workers for PostgreSQL, encoded
    (:func:`fields_copy_bytes`), made with one join and a few counts over the whole line
    instead of an escape search per field.
    """
    doc_id, text, title, kind, platform, url, lang, posted_at, captured_at, location, images, meta = fields
    # the evidence column last: none from JSONL
    parts = (
        doc_id,
        text,
        title,
        kind,
        platform,
        url,
        lang,
        None if posted_at is None else posted_at.isoformat(),
        None if captured_at is None else captured_at.isoformat(),
        location,
        _JSON_POSTGRESQL(list(images)) if images else "[]",
        _JSON_POSTGRESQL(meta) if meta else "{}",
        None,
    )
    line = "\t".join([_COPY_NULL if part is None else part for part in parts])
    # no field needs escaping when the line's only backslashes are its NULL markers' and its only
    # tabs the separators (a count each in C, where a search per field cost a tenth of decoding)
    if (
        line.count("\\") == parts.count(None)
        and line.count("\t") == len(DOCUMENT_VALUE_COLUMNS) - 1
        and "\n" not in line
        and "\r" not in line
    ):
        return line
    return "\t".join(document_values(Document(*fields), "postgresql"))


def fields_copy_bytes(fields: DocumentFields) -> bytes:
    """:func:`fields_copy_line` in UTF-8: a document's row as the JSONL decoder sends it for PostgreSQL.

    Bytes, so the writer joins a batch's rows in one step (one object per row also pickles at
    a fraction of the cost of thirteen fields).
    """
    return fields_copy_line(fields).encode()


def format_values(values: Sequence[Any], dialect: str, columns: Sequence[str]) -> DocumentValues:
    """Python values of ``columns`` formatted exactly as :mod:`vigil.store.models` stores them."""
    if dialect == "sqlite":
        return tuple(
            _sqlite_time(v) if c in _TIMESTAMP_COLUMNS else _JSON_SQLITE(v) if c in _JSON_COLUMNS else v
            for c, v in zip(columns, values, strict=True)
        )
    if dialect == "postgresql":
        return tuple(
            _copy_text(_JSON_POSTGRESQL(v) if c in _JSON_COLUMNS else v) for c, v in zip(columns, values, strict=True)
        )
    raise StoreError(f"ingest does not support the {dialect} database")


def insert_documents(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert document rows (dicts keyed by :data:`DOCUMENT_COLUMNS`) in the session's transaction.

    Rows whose (source, id) is already stored are skipped; returns how many were inserted.
    """
    dialect = session.get_bind().dialect.name
    return _insert(session, [format_values([row[c] for c in DOCUMENT_COLUMNS], dialect, DOCUMENT_COLUMNS) for row in rows])


def insert_document_values(
    session: Session,
    values: Sequence[StoredRow],
    *,
    source_id: int,
    run_id: int | None,
    created_at: datetime,
    state: CopyState | None = None,
) -> int:
    """Insert documents formatted by :func:`document_values` (or, for PostgreSQL, encoded by
    :func:`fields_copy_bytes`), all of one source and ingest run.

    Rows whose (source, id) is already stored are skipped; returns how many were inserted.
    ``state`` carries what earlier batches of the same input found (see :class:`CopyState`).
    """
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    batch = format_values((source_id, run_id, created_at), dialect, BATCH_COLUMNS)
    if dialect == "postgresql":
        # the batch's own columns first, so one join of the rows puts them before every row
        prefix = ("\t".join(batch) + "\t").encode()
        rows = [row if isinstance(row, bytes) else "\t".join(row).encode() for row in values]
        data = prefix + (b"\n" + prefix).join(rows) + b"\n"
        columns = BATCH_COLUMNS + DOCUMENT_VALUE_COLUMNS
        return _copy_postgresql(session.connection(), data, len(rows), columns, state or CopyState())
    # (COPY lines are PostgreSQL's: the decoder makes them for it alone)
    return _insert(session, [cast(DocumentValues, row) + batch for row in values], state)


def _insert(session: Session, rows: list[DocumentValues], state: CopyState | None = None) -> int:
    """Rows of every :data:`DOCUMENT_COLUMNS` value, formatted for the session's dialect."""
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return _insert_sqlite(connection, rows)
    data = "".join(["\t".join(row) + "\n" for row in rows]).encode()
    return _copy_postgresql(connection, data, len(rows), DOCUMENT_COLUMNS, state or CopyState())


def _insert_sqlite(connection: sa.Connection, values: list[DocumentValues]) -> int:
    columns = ", ".join(DOCUMENT_COLUMNS)
    marks = ", ".join("?" for _ in DOCUMENT_COLUMNS)
    statement = f"INSERT INTO documents ({columns}) VALUES ({marks}) ON CONFLICT (source_id, doc_id) DO NOTHING"  # noqa: S608 - fixed names
    raw = connection.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        trigger = _fulltext_trigger(cursor) if len(values) >= BULK_INDEX_ROWS else None
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


#: Staging table for COPY, emptied at every commit and kept for the connection's next batch
#: (creating and dropping it in every transaction took about 4 % of a batch's time).
_STAGING: Final = "vigil_documents_staging"


@dataclass
class CopyState:
    """What one writer has learned of its input, shared by its batches (PostgreSQL only).

    Once a batch met a stored (source, id), later ones go through the staging table straight
    away: an input that overlaps the store mostly keeps on doing so, and a direct COPY that
    fails late would cost its batch twice.
    """

    conflicts_seen: bool = False


def _copy_postgresql(connection: sa.Connection, data: bytes, count: int, order: Sequence[str], state: CopyState) -> int:
    """COPY straight into ``documents`` when no row of the batch is stored yet, else through staging.

    COPY cannot skip conflicts. A batch of new rows (the usual case) is copied into the table
    itself inside a savepoint, a third cheaper than the staging table's extra copy and
    ``INSERT ... SELECT``; the first stored (source, id) it meets rolls it back to the
    savepoint, and the batch goes through the staging table with ``ON CONFLICT DO NOTHING``.
    """
    import psycopg

    columns = ", ".join(order)
    raw = connection.connection.driver_connection
    encoding = raw.info.encoding  # type: ignore[union-attr]
    if encoding != "utf-8":  # the rows come in UTF-8 (a client encoding of another name is rare)
        data = data.decode().encode(encoding)
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        if not state.conflicts_seen:
            cursor.execute("SAVEPOINT vigil_copy")
            try:
                # the fields are COPY text already: one write of the whole batch
                with cursor.copy(f"COPY documents ({columns}) FROM STDIN") as copy:
                    copy.write(data)
            except psycopg.errors.UniqueViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT vigil_copy")
                state.conflicts_seen = True
            else:
                cursor.execute("RELEASE SAVEPOINT vigil_copy")
                return count
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ON COMMIT DELETE ROWS AS "  # noqa: S608 - fixed names
            f"SELECT {columns} FROM documents WITH NO DATA"
        )
        with cursor.copy(f"COPY {_STAGING} ({columns}) FROM STDIN") as copy:
            copy.write(data)
        cursor.execute(
            f"INSERT INTO documents ({columns}) SELECT {columns} FROM {_STAGING} "  # noqa: S608 - fixed names
            "ON CONFLICT (source_id, doc_id) DO NOTHING"
        )
        inserted = cursor.rowcount
        # emptied now too: a second batch in the same transaction must not see this one's rows
        cursor.execute(f"DELETE FROM {_STAGING}")  # noqa: S608 - fixed names
    return int(inserted)
