"""Analyse stored documents and keep the results beside them.

The pipeline stays pure; this module is the I/O edge: it reads documents that have no
analysis yet (or all of them), sends them through a batch engine in partitions, and writes
one :class:`AnalysisRow` plus one :class:`DocumentIndicator` per indicator found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.contract import Analysis
from vigil.documents import Document
from vigil.engine import Engine, partitioned
from vigil.failures import RecordFailure, guarded
from vigil.identifier_keys import rows_for
from vigil.provenance import pipeline_version
from vigil.store.db import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow, ProcessingFailure, utcnow
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


def _pending(store: Store, redo: bool, page: int, version: str | None) -> Iterator[tuple[int, Document]]:
    """Documents to analyse, by primary key, read page by page (constant memory).

    Without ``redo``: documents with no analysis, or (given ``version``) an analysis from
    another pipeline version, except those that already failed under ``version``.
    """
    last = 0
    while True:
        with store.session() as session:
            query = sa.select(DocumentRow).where(DocumentRow.pk > last).order_by(DocumentRow.pk).limit(page)
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
            rows = list(session.scalars(query))
        if not rows:
            return
        for row in rows:
            yield row.pk, row_to_document(row)
        last = rows[-1].pk


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
Outcome = tuple[int, Analysis | RecordFailure, Described | None]


class _PairAnalysis:
    """Picklable ``(pk, document) -> (pk, analysis or failure, described)`` around a pipeline."""

    def __init__(self, pipeline: Callable[[Document], Analysis], describe: Describe | None = None) -> None:
        self.pipeline = pipeline
        self.describe = describe

    def __call__(self, item: tuple[int, Document]) -> Outcome:
        pk, document = item
        analysis = guarded(self.pipeline, document)
        if self.describe is None or isinstance(analysis, RecordFailure):
            return pk, analysis, None
        return pk, analysis, self.describe(document, analysis)


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
    pks = [pk for pk, _ in failures]
    with store.session() as session:
        session.execute(
            sa.delete(ProcessingFailure).where(ProcessingFailure.stage == stage, ProcessingFailure.document_pk.in_(pks))
        )
        session.execute(
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


def replace_identifiers(connection: Connection, results: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Replace the identifier index rows of these documents (inside the caller's transaction)."""
    pks = [pk for pk, _ in results]
    connection.execute(sa.delete(IDENTIFIER_INDEX).where(IDENTIFIER_INDEX.c.document_pk.in_(pks)))
    rows = rows_for(results)
    if rows:
        connection.execute(sa.insert(IDENTIFIER_INDEX), rows)


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
    pks = [pk for pk, _ in results]
    with store.session() as session:
        session.execute(sa.delete(DocumentIndicator).where(DocumentIndicator.document_pk.in_(pks)))
        session.execute(sa.delete(AnalysisRow).where(AnalysisRow.document_pk.in_(pks)))
        analyses = []
        indicators = []
        for pk, analysis in results:
            risk = analysis.get("risk") or {}
            analyses.append(
                {
                    "document_pk": pk,
                    "lang": analysis.get("lang"),
                    "risk_score": risk.get("score"),
                    "risk_level": risk.get("level"),
                    "model": risk.get("model"),
                    "result": analysis,
                    "pipeline_version": version or pipeline_version(),
                }
            )
            for indicator in sorted({hit["id"] for hit in analysis.get("indicators", [])}):
                indicators.append({"document_pk": pk, "indicator": indicator})
        session.execute(sa.insert(AnalysisRow), analyses)
        replace_identifiers(session.connection(), results)
        if indicators:
            session.execute(sa.insert(DocumentIndicator), indicators)
        replace_trend_rows(session.connection(), pks, trend_rows or {})


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

    Each partition is written in its own transaction as it arrives, so a killed run keeps
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
        save_analyses(store, done, version, trend_rows)
        save_failures(store, STAGE_ANALYZE, version, failed)
        if done:
            with store.session() as session:
                session.execute(
                    sa.delete(ProcessingFailure).where(
                        ProcessingFailure.stage == STAGE_ANALYZE,
                        ProcessingFailure.document_pk.in_([pk for pk, _ in done]),
                    )
                )
        counts.analysed += len(done)
        counts.failed += len(failed)
        counts.pks.extend(pk for pk, _ in done)
        counts.failures.extend(failed)
        if on_saved is not None and done:
            on_saved([(pk, described[pk].payload if pk in described else None) for pk, _ in done])
        if on_partition is not None:
            on_partition(len(results))
    return counts
