"""Foundation tables: sources, ingest runs, documents, evidence, and stored analyses.

Other areas (linking, trends, the web app, safeguarding) keep their tables in their own
modules, on the same :class:`Base`; ``vigil.store.all_models`` imports them all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Final

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timestamps stored in UTC and read back timezone-aware on every backend.

    SQLite keeps no offset, so values are converted to UTC on the way in and marked UTC on
    the way out; PostgreSQL's ``timestamptz`` does the same by itself.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base shared by every table of Vigil."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: sa.JSON, list[Any]: sa.JSON, datetime: UTCDateTime}


class Source(Base):
    """Where documents came from: a platform export, a crawl, a file. ``name`` is unique."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: Life of an ingest run: ``running`` until it ends as ``finished`` or ``failed``; a run whose
#: process died is marked ``abandoned`` when a later ingest (or ``vigil db upgrade``) finds it.
INGEST_RUN_STATUSES: Final = ("running", "finished", "failed", "abandoned")


class IngestRun(Base):
    """One run of ``vigil ingest`` over one input, with its honest counts and who ran it."""

    __tablename__ = "ingest_runs"
    __table_args__ = (sa.Index("ix_ingest_runs_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    path: Mapped[str] = mapped_column(sa.Text)
    format: Mapped[str] = mapped_column(sa.String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    accepted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    pid: Mapped[int | None] = mapped_column()
    host: Mapped[str | None] = mapped_column(sa.String(255))

    source: Mapped[Source] = relationship()


class DocumentRow(Base):
    """A stored document: every field of the document contract, keyed by (source, id)."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "doc_id", name="uq_documents_source_doc"),
        # ix_documents_posted_at, ix_documents_platform and ix_documents_kind (on SQLite only)
        # are made by the migrations: PostgreSQL has composite indexes in their place (search_0005)
    )

    pk: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    doc_id: Mapped[str] = mapped_column(sa.String(512))
    text: Mapped[str] = mapped_column(sa.Text)
    title: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(32), default="other")
    platform: Mapped[str | None] = mapped_column(sa.String(200))
    url: Mapped[str | None] = mapped_column(sa.Text)
    lang: Mapped[str | None] = mapped_column(sa.String(8))
    posted_at: Mapped[datetime | None] = mapped_column()
    captured_at: Mapped[datetime | None] = mapped_column()
    location: Mapped[str | None] = mapped_column(sa.Text)
    images: Mapped[list[Any]] = mapped_column(default=list)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evidence_sha256: Mapped[str | None] = mapped_column(sa.ForeignKey("evidence.sha256"))
    ingest_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ingest_runs.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship()


class Evidence(Base):
    """Raw captured bytes, stored once on disk under their SHA-256; this row says what and when."""

    __tablename__ = "evidence"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    media_type: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str | None] = mapped_column(sa.Text)
    captured_at: Mapped[datetime | None] = mapped_column()
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalysisRow(Base):
    """The latest analysis of a stored document (the Analysis contract, plus columns to filter on)."""

    __tablename__ = "analyses"
    __table_args__ = (sa.Index("ix_analyses_level_score", "risk_level", "risk_score"),)

    document_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str | None] = mapped_column(sa.String(8))
    risk_score: Mapped[float | None] = mapped_column(sa.Float)
    risk_level: Mapped[str | None] = mapped_column(sa.String(8))
    model: Mapped[str | None] = mapped_column(sa.String(64))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    analyzed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: :func:`vigil.provenance.pipeline_version` of the pipeline that wrote it (None: before versions were kept).
    pipeline_version: Mapped[str | None] = mapped_column(sa.String(64), index=True)


class DocumentIndicator(Base):
    """One indicator found in a document, kept as a row so search can filter on it."""

    __tablename__ = "document_indicators"
    __table_args__ = (
        # Made by migration search_0002: the indicator filter reads document keys off it. It
        # serves every lookup by indicator (foundation_0002 dropped the single-column one).
        sa.Index("ix_document_indicators_indicator_doc", "indicator", "document_pk"),
    )

    document_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True
    )
    indicator: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class ProcessingFailure(Base):
    """A stored document that one stage of processing could not handle (it was skipped, not lost).

    ``vigil process`` does not retry a document that failed under the same pipeline version;
    a new version (a fixed lexicon or code) tries it again.
    """

    __tablename__ = "processing_failures"
    __table_args__ = (sa.UniqueConstraint("document_pk", "stage", name="uq_processing_failures_doc_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_pk: Mapped[int] = mapped_column(sa.ForeignKey("documents.pk", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(sa.String(16))
    pipeline_version: Mapped[str] = mapped_column(sa.String(64))
    error: Mapped[str] = mapped_column(sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
