"""Ingest: read an input, validate each record, store the good ones once, report the rest.

A document is identified by (source, id): ingesting the same input twice adds nothing,
and two ingests of one source at once each count what the other stored first as duplicates.
Records are written in batches, one transaction per batch, so nothing is half-written.
Each input is an ingest run whose status ends ``finished``, or ``failed`` when the ingest
stops on an error (see :mod:`vigil.ingest.runs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.documents import Document
from vigil.errors import StoreError
from vigil.ingest.readers import Format, Item, detect_format, read_items
from vigil.ingest.runs import end_run, mark_abandoned_runs, start_run
from vigil.store.bulk import insert_documents
from vigil.store.db import Store
from vigil.store.models import DocumentRow, Evidence, Source

#: Errors kept per run in the database and the JSON summary (the counts stay exact beyond it).
MAX_REPORTED_ERRORS = 10_000


@dataclass
class IngestReport:
    """Counts of one ingest; ``errors`` holds ``{"line", "reason"}`` (and ``path`` for many inputs)."""

    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, reason: str, path: str | None = None) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            entry: dict[str, Any] = {"line": line, "reason": reason}
            if path is not None:
                entry["path"] = path
            self.errors.append(entry)

    def merge(self, other: IngestReport) -> None:
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.duplicates += other.duplicates
        room = MAX_REPORTED_ERRORS - len(self.errors)
        self.errors.extend(other.errors[:room])

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }


def _source_id(session: Session, name: str) -> int:
    """The id of source ``name``, created if new (another ingest may be creating it at the same time)."""
    found = session.scalar(sa.select(Source.id).where(Source.name == name))
    if found is not None:
        return found
    session.execute(
        _insert_ignoring_conflicts(session, Source, ["name"]).values(name=name, created_at=datetime.now(UTC))
    )
    created = session.scalar(sa.select(Source.id).where(Source.name == name))
    assert created is not None
    return created


def _insert_ignoring_conflicts(session: Session, model: type[Any], keys: list[str]) -> Any:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` in the session's dialect."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model).on_conflict_do_nothing(index_elements=keys)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(model).on_conflict_do_nothing(index_elements=keys)
    raise StoreError(f"ingest does not support the {dialect} database")


def _row(document: Document, source_id: int, run_id: int, evidence: str | None, now: datetime) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "doc_id": document.id,
        "text": document.text,
        "title": document.title,
        "kind": document.kind,
        "platform": document.platform,
        "url": document.url,
        "lang": document.lang,
        "posted_at": document.posted_at,
        "captured_at": document.captured_at,
        "location": document.location,
        "images": list(document.images),
        "meta": document.meta,
        "evidence_sha256": evidence,
        "ingest_run_id": run_id,
        "created_at": now,
    }


class _BatchWriter:
    """Collects accepted items and writes them, one transaction per batch."""

    def __init__(self, store: Store, source_id: int, run_id: int, report: IngestReport) -> None:
        self.store = store
        self.source_id = source_id
        self.run_id = run_id
        self.report = report
        self.pending: dict[str, Item] = {}

    def add(self, item: Item) -> None:
        document: Document = item.document
        if document.id in self.pending:
            self.report.duplicates += 1
            return
        self.pending[document.id] = item

    def flush(self) -> None:
        if not self.pending:
            return
        items = self.pending
        self.pending = {}
        now = datetime.now(UTC)
        with self.store.session() as session:
            existing = set(
                session.scalars(
                    sa.select(DocumentRow.doc_id).where(
                        DocumentRow.source_id == self.source_id,
                        DocumentRow.doc_id.in_(list(items)),
                    )
                )
            )
            rows = []
            captures: dict[str, Evidence] = {}
            for doc_id, item in items.items():
                if doc_id in existing:
                    continue
                digest = None
                if item.capture is not None:
                    digest = self.store.evidence.put(item.capture.data)
                    captures[digest] = Evidence(
                        sha256=digest,
                        size=len(item.capture.data),
                        media_type=item.capture.media_type,
                        url=item.capture.url,
                        captured_at=item.capture.captured_at,
                        stored_at=now,
                    )
                rows.append(_row(item.document, self.source_id, self.run_id, digest, now))
            if captures:
                session.execute(
                    _insert_ignoring_conflicts(session, Evidence, ["sha256"]),
                    [{c.key: getattr(ev, c.key) for c in Evidence.__table__.columns} for ev in captures.values()],
                )
            inserted = insert_documents(session, rows)
        # rows another ingest stored first are duplicates too, not errors
        self.report.duplicates += len(items) - inserted
        self.report.accepted += inserted


def ingest_input(
    store: Store,
    path: Path,
    *,
    fmt: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_item: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest one file (or ``-`` for stdin) into ``store`` and return its report."""
    settings = store.settings
    chosen: Format = detect_format(path, fmt)
    source_name = source or ("stdin" if str(path) == "-" else path.name)
    report = IngestReport()
    with store.session() as session:
        source_id = _source_id(session, source_name)
    run_id = start_run(store, source_id, str(path), chosen)
    try:
        writer = _BatchWriter(store, source_id, run_id, report)
        for item in read_items(path, chosen, mapping or {}, settings.ingest_max_record_bytes):
            if item.error is not None:
                report.reject(item.line, item.error)
            else:
                writer.add(item)
                if len(writer.pending) >= settings.ingest_batch_size:
                    writer.flush()
            if on_item is not None:
                on_item(item.line)
        writer.flush()
    except BaseException as exc:
        failure = {"line": 0, "reason": f"ingest stopped: {exc.__class__.__name__}: {str(exc)[:200]}"}
        end_run(store, run_id, "failed", {**_counts(report), "errors": [*report.errors, failure]})
        raise
    end_run(store, run_id, "finished", _counts(report))
    return report


def _counts(report: IngestReport) -> dict[str, Any]:
    return {
        "accepted": report.accepted,
        "rejected": report.rejected,
        "duplicates": report.duplicates,
        "errors": report.errors,
    }


def ingest_inputs(
    store: Store,
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_item: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest several inputs; errors name their path when there is more than one."""
    path_list = list(paths)
    mark_abandoned_runs(store)
    total = IngestReport()
    for path in path_list:
        report = ingest_input(store, path, fmt=fmt, source=source, mapping=mapping, on_item=on_item)
        if len(path_list) > 1:
            for error in report.errors:
                error["path"] = str(path)
        total.merge(report)
    return total
