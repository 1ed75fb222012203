"""Analyse stored documents and keep the results beside them.

The pipeline stays pure; this module is the I/O edge: it reads documents that have no
analysis yet (or all of them), sends them through a batch engine in partitions, and writes
one :class:`AnalysisRow` plus one :class:`DocumentIndicator` per indicator found, the
document's identifier index rows and its trend row.

The store process is the one writer, so its cost per document bounds the whole run
whatever the number of workers. The worker therefore prepares what the store writes
(:func:`prepare_analysis`: the Analysis serialised to JSON once, the indicator ids, the
identifier rows), ships that instead of the Analysis object, and the store process writes
each kind of row of a partition with one ``executemany`` of plain tuples
(:mod:`vigil.store.rows`), all in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.contract import Analysis
from vigil.documents import Document
from vigil.engine import Engine, partitioned
from vigil.failures import RecordFailure, guarded
from vigil.identifier_keys import IdentifierValues, identifier_values
from vigil.provenance import pipeline_version
from vigil.store.db import Store
from vigil.store.models import AnalysisRow, DocumentRow, ProcessingFailure, utcnow
from vigil.store.rows import delete_where_in, insert_rows, timestamp
from vigil.store.segment_counts import TrendRow, replace_trend_rows

#: The identifier index, as a bare table: its model and migration belong to
#: ``vigil.identifiers``, and saving an analysis replaces its rows in the same transaction
#: without the store importing that package (a test keeps the columns in step with the model).
IDENTIFIER_INDEX: Final = sa.table(
    "document_identifiers",
    sa.column("document_pk", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("value", sa.String),
    sa.column("bare", sa.String),
)

#: Columns written per analysis, in :func:`write_analyses`' order.
ANALYSIS_COLUMNS: Final = ("document_pk", "lang", "risk_score", "risk_level", "model", "result", "analyzed_at", "pipeline_version")
IDENTIFIER_COLUMNS: Final = ("document_pk", "kind", "value", "bare")
INDICATOR_COLUMNS: Final = ("document_pk", "indicator")

#: Stage names of :class:`ProcessingFailure`.
STAGE_ANALYZE: Final = "analyze"
STAGE_LINK: Final = "link"


def row_to_document(row: DocumentRow) -> Document:
    """The stored row back in the document contract."""
    return Document(
        id=row.doc_id,
        text=row.text,
        title=row.title,
        kind=row.kind,
        platform=row.platform,
        url=row.url,
        lang=row.lang,
        posted_at=row.posted_at,
        captured_at=row.captured_at,
        location=row.location,
        images=tuple(row.images or ()),
        meta=dict(row.meta or {}),
    )

#: The document columns read for analysis, in :func:`_document` order.
_DOCUMENT_COLUMNS: Final = (
    DocumentRow.pk,
    DocumentRow.doc_id,
    DocumentRow.text,
    DocumentRow.title,
    DocumentRow.kind,
    DocumentRow.platform,
    DocumentRow.url,
    DocumentRow.lang,
    DocumentRow.posted_at,
    DocumentRow.captured_at,
    DocumentRow.location,
    DocumentRow.images,
    DocumentRow.meta,
)


def _document(row: Sequence[Any]) -> Document:
    """:func:`row_to_document` from the columns of :data:`_DOCUMENT_COLUMNS` (no ORM object built)."""
    _pk, doc_id, text, title, kind, platform, url, lang, posted_at, captured_at, location, images, meta = row
    return Document(
        id=doc_id,
        text=text,
        title=title,
        kind=kind,
        platform=platform,
        url=url,
        lang=lang,
        posted_at=posted_at,
        captured_at=captured_at,
        location=location,
        images=tuple(images or ()),
        meta=dict(meta or {}),
    )


def _pending(store: Store, redo: bool, page: int, version: str | None) -> Iterator[tuple[int, Document]]:
    """Documents to analyse, by primary key, read page by page (constant memory).

    Without ``redo``: documents with no analysis, or (given ``version``) an analysis from
    another pipeline version, except those that already failed under ``version``.
    """
    last = 0
    while True:
        with store.session() as session:
            query = sa.select(*_DOCUMENT_COLUMNS).where(DocumentRow.pk > last).order_by(DocumentRow.pk).limit(page)
            if not redo:
                current = AnalysisRow.document_pk == DocumentRow.pk
                if version is not None:
                    current = current & (AnalysisRow.pipeline_version == version)
                query = query.where(~sa.exists().where(current))
                if version is not None:
                    failed = (
                        (ProcessingFailure.document_pk == DocumentRow.pk)
                        & (ProcessingFailure.stage == STAGE_ANALYZE)
                        & (ProcessingFailure.pipeline_version == version)
                    )
                    query = query.where(~sa.exists().where(failed))
            rows = session.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield row[0], _document(row)
        last = rows[-1][0]


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """One analysis as the store writes it, prepared where it was made (:func:`prepare_analysis`).

    ``result`` is the Analysis as JSON text, exactly what the ``result`` column's JSON type
    would have stored; ``identifiers`` are the identifier index rows without the document.
    """

    lang: str | None
    risk_score: float | None
    risk_level: str | None
    model: str | None
    result: str
    indicators: tuple[str, ...]
    identifiers: tuple[IdentifierValues, ...]


def prepare_analysis(analysis: Mapping[str, Any]) -> StoredAnalysis:
    """What :func:`write_analyses` stores for ``analysis`` (pure: runs in the worker that made it)."""
    risk = analysis.get("risk") or {}
    return StoredAnalysis(
        lang=analysis.get("lang"),
        risk_score=risk.get("score"),
        risk_level=risk.get("level"),
        model=risk.get("model"),
        # json.dumps as SQLAlchemy's JSON type calls it on both backends: the same stored text
        result=json.dumps(analysis),
        indicators=tuple(sorted({hit["id"] for hit in analysis.get("indicators", [])})),
        identifiers=tuple(identifier_values(analysis)),
    )


@dataclass(frozen=True, slots=True)
class Described:
    """What a worker derives from a document and its fresh analysis, besides the analysis.

    ``trend`` is the document's trend row (None: not computed, the trends step will do it);
    ``payload`` is handed to the caller's ``on_saved`` (the processing step sends linking
    features, so the parent does not read the rows back).
    """

    trend: TrendRow | None = None
    payload: Any = None


Describe = Callable[[Document, Analysis], Described]
Outcome = tuple[int, StoredAnalysis | RecordFailure, Described | None]


class _PairAnalysis:
    """Picklable ``(pk, document) -> (pk, stored analysis or failure, described)`` around a pipeline."""

    def __init__(self, pipeline: Callable[[Document], Analysis], describe: Describe | None = None) -> None:
        self.pipeline = pipeline
        self.describe = describe

    def __call__(self, item: tuple[int, Document]) -> Outcome:
        pk, document = item
        analysis = guarded(self.pipeline, document)
        if isinstance(analysis, RecordFailure):
            return pk, analysis, None
        stored = guarded(prepare_analysis, analysis)
        if self.describe is None or isinstance(stored, RecordFailure):
            return pk, stored, None
        return pk, stored, self.describe(document, analysis)


@dataclass
class AnalyzeCounts:
    """What one pass over the store did: analyses written, and documents that failed (kept, skipped)."""

    analysed: int = 0
    failed: int = 0
    pks: list[int] = field(default_factory=list)
    failures: list[tuple[int, RecordFailure]] = field(default_factory=list)


def save_failures(store: Store, stage: str, version: str, failures: list[tuple[int, RecordFailure]]) -> None:
    """Record (or replace) each document's failure at ``stage``."""
    if not failures:
        return
    with store.session() as session:
        _save_failures(session.connection(), stage, version, failures)


def _save_failures(connection: Connection, stage: str, version: str, failures: Sequence[tuple[int, RecordFailure]]) -> None:
    pks = [pk for pk, _ in failures]
    connection.execute(
        sa.delete(ProcessingFailure).where(
            ProcessingFailure.stage == stage, ProcessingFailure.document_pk.in_(sa.bindparam("pks", expanding=True))
        ),
        {"pks": pks},
    )
    connection.execute(
        sa.insert(ProcessingFailure),
        [
            {
                "document_pk": pk,
                "stage": stage,
                "pipeline_version": version,
                "error": failure.error[:200],
                "message": failure.message,
                "failed_at": utcnow(),
            }
            for pk, failure in failures
        ],
    )


def _clear_failures(connection: Connection, stage: str, pks: Sequence[int]) -> None:
    """Forget the failures at ``stage`` of documents that now succeeded (most runs have none to forget)."""
    stage_failed = ProcessingFailure.stage == stage
    if not pks or connection.scalar(sa.select(ProcessingFailure.id).where(stage_failed).limit(1)) is None:
        return
    connection.execute(
        sa.delete(ProcessingFailure).where(
            stage_failed, ProcessingFailure.document_pk.in_(sa.bindparam("pks", expanding=True))
        ),
        {"pks": list(pks)},
    )


def replace_identifiers(connection: Connection, results: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Replace the identifier index rows of these documents (inside the caller's transaction)."""
    delete_where_in(connection, "document_identifiers", "document_pk", [pk for pk, _ in results])
    rows = [(pk, *values) for pk, analysis in results for values in identifier_values(analysis)]
    insert_rows(connection, "document_identifiers", IDENTIFIER_COLUMNS, rows)


def write_analyses(
    connection: Connection,
    records: Sequence[tuple[int, StoredAnalysis]],
    version: str,
    trend_rows: Mapping[int, TrendRow],
) -> None:
    """Replace the analyses, indicator rows, identifier rows and trend rows of these documents.

    Inside the caller's transaction; one statement per kind of row (see :func:`save_analyses`).
    """
    if not records:
        return
    pks = [pk for pk, _ in records]
    for table in ("document_indicators", "document_identifiers", "analyses"):
        delete_where_in(connection, table, "document_pk", pks)
    at = timestamp(connection, AnalysisRow.__table__.c.analyzed_at, utcnow())
    insert_rows(
        connection,
        "analyses",
        ANALYSIS_COLUMNS,
        [(pk, r.lang, r.risk_score, r.risk_level, r.model, r.result, at, version) for pk, r in records],
    )
    insert_rows(connection, "document_identifiers", IDENTIFIER_COLUMNS, [(pk, *i) for pk, r in records for i in r.identifiers])
    insert_rows(connection, "document_indicators", INDICATOR_COLUMNS, [(pk, i) for pk, r in records for i in r.indicators])
    replace_trend_rows(connection, pks, trend_rows)


def save_analyses(
    store: Store,
    results: Sequence[tuple[int, Mapping[str, Any]]],
    version: str | None = None,
    trend_rows: Mapping[int, TrendRow] | None = None,
) -> None:
    """Replace the stored analyses of these documents, in one transaction.

    ``trend_rows`` replace the documents' trend segments and move the counts with them; a
    document without one loses its old row and is segmented again by the trends step.
    """
    if not results:
        return
    records = [(pk, prepare_analysis(analysis)) for pk, analysis in results]
    with store.session() as session:
        write_analyses(session.connection(), records, version or pipeline_version(), trend_rows or {})


def analyze_store(
    store: Store,
    pipeline: Callable[[Document], Analysis],
    engine: Engine,
    *,
    redo: bool = False,
    version: str | None = None,
    partition_size: int | None = None,
    on_partition: Callable[[int], None] | None = None,
    on_saved: Callable[[list[tuple[int, Any]]], None] | None = None,
    describe: Describe | None = None,
) -> AnalyzeCounts:
    """Analyse stored documents that need it (see :func:`_pending`); a failing document is recorded and skipped.

    Each partition is written in one transaction as it arrives, so a killed run keeps
    what it finished and the next run continues from there. ``describe`` runs in the
    worker after each analysis (see :class:`Described`); ``on_saved`` receives the primary
    keys of each partition's saved analyses with their payloads (the engine keeps
    analysing meanwhile).
    """
    size = partition_size or store.settings.partition_size
    version = version or pipeline_version()
    counts = AnalyzeCounts()
    work = _PairAnalysis(pipeline, describe)
    for results in engine.map_partitions(work, partitioned(_pending(store, redo, size * 4, version), size)):
        done = [(pk, r) for pk, r, _ in results if not isinstance(r, RecordFailure)]
        failed = [(pk, r) for pk, r, _ in results if isinstance(r, RecordFailure)]
        described = {pk: d for pk, r, d in results if d is not None and not isinstance(r, RecordFailure)}
        trend_rows = {pk: d.trend for pk, d in described.items() if d.trend is not None}
        with store.session() as session:
            connection = session.connection()
            write_analyses(connection, done, version, trend_rows)
            if failed:
                _save_failures(connection, STAGE_ANALYZE, version, failed)
            _clear_failures(connection, STAGE_ANALYZE, [pk for pk, _ in done])
        counts.analysed += len(done)
        counts.failed += len(failed)
        counts.pks.extend(pk for pk, _ in done)
        counts.failures.extend(failed)
        if on_saved is not None and done:
            on_saved([(pk, described[pk].payload if pk in described else None) for pk, _ in done])
        if on_partition is not None:
            on_partition(len(results))
    return counts
