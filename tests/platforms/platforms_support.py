"""Helpers for the platform map tests: synthetic documents, analyses, indicators, networks and alerts in a store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from vigil.link.models import LinkDocument
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow, Source
from vigil.trends.models import TrendAlertRow


@dataclass(frozen=True)
class Doc:
    """A synthetic stored document as the platform map reads it."""

    id: str
    platform: str | None = None
    url: str | None = None
    level: str | None = "low"
    indicators: tuple[str, ...] = ()
    cluster: str | None = None
    posted_at: datetime = datetime(2026, 4, 2, tzinfo=UTC)


PutDocs = Callable[[Store, Sequence[Doc]], None]


def put_documents(store: Store, docs: Sequence[Doc]) -> None:
    """Store documents with their analysis level, indicator rows and network, as processing leaves them."""
    with store.session() as session:
        source = session.scalars(sa.select(Source).where(Source.name == "synthetic")).first()
        if source is None:
            source = Source(name="synthetic")
            session.add(source)
            session.flush()
        next_idx = (session.scalar(sa.select(sa.func.max(LinkDocument.idx))) or 0) + 1
        for doc in docs:
            row = DocumentRow(source_id=source.id, doc_id=doc.id, text=f"synthetic ad {doc.id}", kind="job_ad",
                              platform=doc.platform, url=doc.url, posted_at=doc.posted_at, images=[], meta={})
            session.add(row)
            session.flush()
            if doc.level is not None:
                session.add(AnalysisRow(document_pk=row.pk, risk_level=doc.level, risk_score=0.5, result={}))
            session.add_all(DocumentIndicator(document_pk=row.pk, indicator=i) for i in doc.indicators)
            session.add(LinkDocument(idx=next_idx, doc_id=f"synthetic:{doc.id}", text="", facts={},
                                     cluster=doc.cluster, document_pk=row.pk))
            next_idx += 1


def put_alert(store: Store, segment: str, direction: str = "up", period: date = date(2026, 4, 6)) -> None:
    with store.session() as session:
        session.add(TrendAlertRow(segment=segment, freq="W", period_start=period, observed=30.0, expected=6.0,
                                  ratio=5.0, p_value=0.001, q_value=0.01, direction=direction, test="poisson", payload={}))
