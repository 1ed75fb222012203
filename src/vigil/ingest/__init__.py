"""Ingest: read an input, validate each record, store the good ones once, report the rest.

A document is identified by (source, id): ingesting the same input twice adds nothing,
and two ingests of one source at once each count what the other stored first as duplicates.
Records are written in batches, one transaction per batch, so nothing is half-written.
Each input is an ingest run whose status ends ``finished``, or ``failed`` when the ingest
stops on an error (see :mod:`vigil.ingest.runs`).
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.documents import Document
from vigil.errors import StoreError
from vigil.ingest.decoding import DecodedChunk, decoded_chunks
from vigil.ingest.readers import Capture, Format, Item, detect_format, open_input, read_items
from vigil.ingest.runs import end_run, mark_abandoned_runs, start_run
from vigil.store.bulk import CopyState, StoredRow, document_values, format_values, insert_document_values
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


#: Batches handed to the writing threads and not yet committed, beyond one per thread; the
#: reader waits beyond it.
BATCHES_IN_FLIGHT: Final = 2
#: Writing threads (each with its own connection) for a JSONL input into PostgreSQL: the
#: server inserts and indexes one batch while it does the next, on another core. SQLite has
#: one writer at a time, and an input with captures is written by one thread (two batches
#: could hold the same evidence).
POSTGRES_WRITERS: Final = 2
#: How long a batch of a parallel writer waits for a row another transaction holds: batches
#: commit in input order, so two ingests of one source writing the same ids in crossed
#: order could otherwise wait for each other for ever; one of them fails instead.
PARALLEL_LOCK_TIMEOUT: Final = "60s"


class _EarlierBatchNotCommitted(Exception):
    """Raised inside a batch's transaction to roll it back: the batch before it was not committed."""


class _BatchWriter:
    """Collects accepted documents and writes them, one transaction per batch, on threads of their own.

    A document is kept as its formatted values (:func:`vigil.store.bulk.document_values`);
    the first of several with one id in a batch (or in the batches not committed yet) is
    written, the others are duplicates. Batches are committed one after the other in input
    order, so the database works (SQLite and psycopg let go of the interpreter while it does)
    while this thread reads and decodes the next batch; with ``writers`` > 1 (PostgreSQL),
    several batches are inserted at once on their own connections, each committing only once
    the one before it has (what is committed stays a prefix of the input). The report's counts
    are only touched here.
    """

    def __init__(self, store: Store, source_id: int, run_id: int, report: IngestReport, writers: int = 1) -> None:
        self.store = store
        self.source_id = source_id
        self.run_id = run_id
        self.report = report
        self.writers = writers
        self.pending: dict[str, StoredRow] = {}
        self.captures: dict[str, Capture] = {}
        self._thread = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="vigil-ingest-writer")
        self._in_flight: deque[tuple[Future[tuple[int, int] | None], frozenset[str]]] = deque()
        # ids of the batches handed over and not counted yet (several writers only: a later
        # batch holding one of them would wait on the earlier batch's row while that batch
        # waits for it to commit)
        self._unsettled: set[str] = set()
        self._copy_state = CopyState()
        self._write_failed = False  # set on a writing thread: the batches after a failed one are not written

    def add(self, item: Item) -> None:
        document: Document = item.document
        if document.id in self.pending:
            self.report.duplicates += 1
            return
        self.pending[document.id] = document_values(document, self.store.dialect)
        if item.capture is not None:
            self.captures[document.id] = item.capture

    def add_values(self, doc_id: str, values: StoredRow) -> None:
        if doc_id in self.pending or doc_id in self._unsettled:
            self.report.duplicates += 1
            return
        self.pending[doc_id] = values

    def add_rows(self, ids: list[str], rows: list[StoredRow], batch_size: int) -> None:
        """Documents decoded together (ids and stored values in input order), flushed every ``batch_size``."""
        start = 0
        while start < len(ids):
            if len(self.pending) >= batch_size:
                self.flush()
            end = start + batch_size - len(self.pending)  # as many as the batch has room for
            part = ids[start:end]
            pending = self.pending
            if len(set(part)) == len(part) and pending.keys().isdisjoint(part) and self._unsettled.isdisjoint(part):
                pending.update(zip(part, rows[start:end], strict=True))  # the usual case, in one step: no id seen before
            else:
                for doc_id, values in zip(part, rows[start:end], strict=True):
                    self.add_values(doc_id, values)
            start = end
        if len(self.pending) >= batch_size:
            self.flush()

    def flush(self) -> None:
        """Hand the pending batch to a writing thread (waiting for the oldest beyond the in-flight limit)."""
        if not self.pending:
            return
        batch, captures = self.pending, self.captures
        self.pending, self.captures = {}, {}
        ids = frozenset(batch) if self.writers > 1 else frozenset()
        self._unsettled |= ids
        previous = self._in_flight[-1][0] if self._in_flight and self.writers > 1 else None
        self._in_flight.append((self._thread.submit(self._write, batch, captures, previous), ids))
        while len(self._in_flight) > BATCHES_IN_FLIGHT + self.writers - 1:
            self._settle_oldest()

    def finish(self) -> None:
        """Write what is pending and wait until every batch is committed; a failed write raises here."""
        try:
            self.flush()
            while self._in_flight:
                self._settle_oldest()
        finally:
            self._thread.shutdown()

    def settle(self) -> None:
        """After a failure: wait for the batches handed over, count those that were committed."""
        while self._in_flight:
            future = self._pop_oldest()
            if future.exception() is None:
                self._count(future.result())
        self._thread.shutdown()

    def _settle_oldest(self) -> None:
        self._count(self._pop_oldest().result())

    def _pop_oldest(self) -> Future[tuple[int, int] | None]:
        """The oldest batch handed over, its ids no longer held back from later batches."""
        future, ids = self._in_flight.popleft()
        self._unsettled -= ids
        return future

    def _count(self, written: tuple[int, int] | None) -> None:
        if written is None:
            return
        submitted, inserted = written
        # a row stored before (by an earlier ingest, or another one meanwhile) is skipped by
        # the insert itself: a duplicate, not an error, and no look-up beforehand
        self.report.duplicates += submitted - inserted
        self.report.accepted += inserted

    def _write(
        self,
        batch: dict[str, StoredRow],
        captures: dict[str, Capture],
        previous: Future[tuple[int, int] | None] | None,
    ) -> tuple[int, int] | None:
        """One batch in one transaction (on a writing thread): how many rows were given and inserted.

        None when an earlier batch failed or was not committed: what is committed stays a
        prefix of the input. ``previous`` is the batch before this one when batches are
        written at once; this one commits only after it has.
        """
        if self._write_failed:
            return None
        now = datetime.now(UTC)
        try:
            with self.store.session() as session:
                if previous is not None:
                    session.execute(sa.text(f"SET LOCAL lock_timeout = '{PARALLEL_LOCK_TIMEOUT}'"))
                if captures:
                    self._store_evidence(session, batch, captures, now)
                inserted = insert_document_values(
                    session,
                    list(batch.values()),
                    source_id=self.source_id,
                    run_id=self.run_id,
                    created_at=now,
                    state=self._copy_state,
                )
                if previous is not None and (previous.exception() is not None or previous.result() is None):
                    raise _EarlierBatchNotCommitted
        except _EarlierBatchNotCommitted:
            return None
        except BaseException:
            self._write_failed = True
            raise
        return len(batch), inserted

    def _store_evidence(
        self, session: Session, pending: dict[str, StoredRow], captures: dict[str, Capture], now: datetime
    ) -> None:
        """Store the captures of documents not stored yet, and point their rows at them."""
        stored = set(
            session.scalars(
                sa.select(DocumentRow.doc_id).where(
                    DocumentRow.source_id == self.source_id, DocumentRow.doc_id.in_(list(captures))
                )
            )
        )
        evidence: dict[str, Evidence] = {}
        for doc_id, capture in captures.items():
            if doc_id in stored:
                continue
            digest = self.store.evidence.put(capture.data)
            evidence[digest] = Evidence(
                sha256=digest,
                size=len(capture.data),
                media_type=capture.media_type,
                url=capture.url,
                captured_at=capture.captured_at,
                stored_at=now,
            )
            values = pending[doc_id]
            assert isinstance(values, tuple)  # inputs with captures are read here, not by the JSONL decoder
            pending[doc_id] = values[:-1] + format_values((digest,), self.store.dialect, ("evidence_sha256",))
        if evidence:
            session.execute(
                _insert_ignoring_conflicts(session, Evidence, ["sha256"]),
                [{c.key: getattr(ev, c.key) for c in Evidence.__table__.columns} for ev in evidence.values()],
            )


def ingest_input(
    store: Store,
    path: Path,
    *,
    fmt: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_item: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest one file (or ``-`` for stdin) into ``store`` and return its report.

    ``on_item`` is called with the number of the input's last line read so far: for every
    record, or once per chunk of lines for JSONL.
    """
    settings = store.settings
    chosen: Format = detect_format(path, fmt)
    source_name = source or ("stdin" if str(path) == "-" else path.name)
    report = IngestReport()
    with store.session() as session:
        source_id = _source_id(session, source_name)
    run_id = start_run(store, source_id, str(path), chosen)
    # JSONL carries no captures: its batches may be inserted at once on PostgreSQL
    writers = POSTGRES_WRITERS if chosen == "jsonl" and store.dialect == "postgresql" else 1
    writer = _BatchWriter(store, source_id, run_id, report, writers)
    try:
        if chosen == "jsonl":
            _write_jsonl(store, path, writer, on_item)
        else:
            for item in read_items(path, chosen, mapping or {}, settings.ingest_max_record_bytes):
                if item.error is not None:
                    report.reject(item.line, item.error)
                else:
                    writer.add(item)
                    if len(writer.pending) >= settings.ingest_batch_size:
                        writer.flush()
                if on_item is not None:
                    on_item(item.line)
        writer.finish()
    except BaseException as exc:
        writer.settle()
        failure = {"line": 0, "reason": f"ingest stopped: {exc.__class__.__name__}: {str(exc)[:200]}"}
        end_run(store, run_id, "failed", {**_counts(report), "errors": [*report.errors, failure]})
        raise
    end_run(store, run_id, "finished", _counts(report))
    return report


def _write_jsonl(store: Store, path: Path, writer: _BatchWriter, on_item: Callable[[int], None] | None) -> None:
    """JSONL decoded by the batch engine's workers (see :mod:`vigil.ingest.decoding`), written here in batches."""
    settings = store.settings
    handle = open_input(path)
    try:
        chunks = decoded_chunks(
            handle,
            dialect=store.dialect,
            max_bytes=settings.ingest_max_record_bytes,
            workers=settings.workers,
            partition_size=settings.partition_size,
        )
        # closed on the way out, so a stop mid-file ends the decoding pool here, not when the traceback goes
        with closing(chunks):
            _take_chunks(chunks, writer, settings.ingest_batch_size, on_item)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _take_chunks(
    chunks: Iterator[DecodedChunk], writer: _BatchWriter, batch_size: int, on_item: Callable[[int], None] | None
) -> None:
    for chunk in chunks:
        for line, reason in chunk.rejected:
            writer.report.reject(line, reason)
        writer.add_rows(chunk.ids, chunk.rows, batch_size)
        if on_item is not None:
            on_item(chunk.last_line)


def _counts(report: IngestReport) -> dict[str, Any]:
    return {
        "accepted": report.accepted,
        "rejected": report.rejected,
        "duplicates": report.duplicates,
        "errors": report.errors,
    }


def _count_on(on_item: Callable[[int], None] | None, lines_before: int, last_line: list[int], line: int) -> None:
    """``on_item`` of one of several inputs: keeps its last line and counts on from the inputs before it."""
    last_line[0] = line
    if on_item is not None:
        on_item(lines_before + line)


def ingest_inputs(
    store: Store,
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    on_item: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest several inputs; errors name their path when there is more than one.

    ``on_item`` is called with the number of lines read so far, counting on across the inputs.
    """
    path_list = list(paths)
    mark_abandoned_runs(store)
    total = IngestReport()
    lines_before = 0  # lines of the inputs read before this one, so ``on_item`` counts on across inputs
    for path in path_list:
        last_line = [0]
        counting = partial(_count_on, on_item, lines_before, last_line)
        report = ingest_input(store, path, fmt=fmt, source=source, mapping=mapping, on_item=counting)
        lines_before += last_line[0]
        if len(path_list) > 1:
            for error in report.errors:
                error["path"] = str(path)
        total.merge(report)
    return total
