"""Analyse stored documents and keep the results beside them.

The pipeline stays pure; this module is the I/O edge: it reads documents that have no
analysis yet (or all of them), sends them through a batch engine in partitions, and writes
one :class:`AnalysisRow` plus one :class:`DocumentIndicator` per indicator found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from vigil.documents import Document
from vigil.engine import Engine, partitioned
from vigil.identifiers.index import replace_identifiers
from vigil.store.db import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow


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


def _pending(store: Store, redo: bool, page: int) -> Iterator[tuple[int, Document]]:
    """Documents to analyse, by primary key, read page by page (constant memory)."""
    last = 0
    while True:
        with store.session() as session:
            query = sa.select(DocumentRow).where(DocumentRow.pk > last).order_by(DocumentRow.pk).limit(page)
            if not redo:
                query = query.where(~sa.exists().where(AnalysisRow.document_pk == DocumentRow.pk))
            rows = list(session.scalars(query))
        if not rows:
            return
        for row in rows:
            yield row.pk, row_to_document(row)
        last = rows[-1].pk


class _PairAnalysis:
    """Picklable ``(pk, document) -> (pk, analysis)`` around a pipeline."""

    def __init__(self, pipeline: Callable[[Document], dict[str, Any]]) -> None:
        self.pipeline = pipeline

    def __call__(self, item: tuple[int, Document]) -> tuple[int, dict[str, Any]]:
        pk, document = item
        return pk, self.pipeline(document)


def save_analyses(store: Store, results: list[tuple[int, dict[str, Any]]]) -> None:
    """Replace the stored analyses of these documents, in one transaction."""
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
                }
            )
            for indicator in sorted({hit["id"] for hit in analysis.get("indicators", [])}):
                indicators.append({"document_pk": pk, "indicator": indicator})
        session.execute(sa.insert(AnalysisRow), analyses)
        replace_identifiers(session.connection(), results)
        if indicators:
            session.execute(sa.insert(DocumentIndicator), indicators)


def analyze_store(
    store: Store,
    pipeline: Callable[[Document], dict[str, Any]],
    engine: Engine,
    *,
    redo: bool = False,
    partition_size: int | None = None,
    on_partition: Callable[[int], None] | None = None,
) -> int:
    """Analyse stored documents (those without an analysis, or all with ``redo``); returns the count."""
    size = partition_size or store.settings.partition_size
    done = 0
    work = _PairAnalysis(pipeline)
    for results in engine.map_partitions(work, partitioned(_pending(store, redo, size * 4), size)):
        save_analyses(store, results)
        done += len(results)
        if on_partition is not None:
            on_partition(len(results))
    return done
