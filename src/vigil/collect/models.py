"""Collection state in the store: runs, the seen-URL frontier, and document versions.

A collected ad keeps one document per version: version 1 is stored under the ad's
canonical URL as its id, version *n* under ``<canonical URL>#v<n>`` (a canonical URL has no
fragment, so the suffix cannot clash with a real address). :class:`DocumentVersion` ties the
versions of one ad together, with the content hash that told them apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow

#: Life of a collect run: ``running`` until ``finished`` or ``failed``; an unfinished run of
#: a profile is continued (``resumed``) by the next ``vigil collect`` of that profile.
COLLECT_RUN_STATUSES: Final = ("running", "finished", "failed")


class CollectRun(Base):
    """One ``vigil collect`` of one profile, with its honest summary."""

    __tablename__ = "collect_runs"
    __table_args__ = (sa.Index("ix_collect_runs_profile_status", "profile", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    resumed: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CollectUrl(Base):
    """A URL a profile has seen: what it is, whether a run still has to fetch it, and what it last returned.

    ``queued_run`` is the run that still has to fetch it (None: nothing pending); ``fetched_run``
    the run that fetched it last. ``etag`` and ``last_modified`` make the next fetch conditional.
    """

    __tablename__ = "collect_urls"
    __table_args__ = (
        sa.UniqueConstraint("profile", "url_key", name="uq_collect_urls_profile_url"),
        sa.Index("ix_collect_urls_queue", "profile", "queued_run"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.Text)
    #: SHA-256 of the canonical URL (URLs are too long to be a unique key on every database).
    url_key: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    depth: Mapped[int] = mapped_column(default=0)
    queued_run: Mapped[int | None] = mapped_column()
    fetched_run: Mapped[int | None] = mapped_column()
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime | None] = mapped_column()
    status_code: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.String(200))
    etag: Mapped[str | None] = mapped_column(sa.Text)
    last_modified: Mapped[str | None] = mapped_column(sa.Text)
    body_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64))


class DocumentVersion(Base):
    """One version of a collected document: which stored document holds it, and its content hash."""

    __tablename__ = "document_versions"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "doc_key", "version", name="uq_document_versions_key_version"),
        sa.Index("ix_document_versions_document", "document_pk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"))
    #: The id of version 1 (the canonical URL, or the feed entry's id); later versions add ``#v<n>``.
    doc_key: Mapped[str] = mapped_column(sa.String(512))
    version: Mapped[int] = mapped_column()
    document_pk: Mapped[int] = mapped_column(sa.ForeignKey("documents.pk", ondelete="CASCADE"))
    #: SHA-256 of the extracted fields (title, text, location, posted date, contacts, images), not of the page.
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The WARC record of the last fetch that still showed this version.
    last_evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64))
