"""Collection state in the store: runs (started, continued, ended), the frontier, evidence, versions.

Every page's outcome is committed as it is handled, so a run killed half-way is continued
by the next ``vigil collect`` of its profile: URLs it queued and did not fetch are fetched,
pages it fetched are not fetched again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.collect.models import CollectRun, CollectUrl, DocumentVersion
from vigil.documents import Document
from vigil.store import Store
from vigil.store.models import DocumentRow, Evidence, Source

UrlKind = Literal["listing", "ad", "feed"]
Change = Literal["new", "changed", "unchanged"]


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def begin_run(store: Store, profile: str) -> tuple[int, bool]:
    """The run to do: the profile's unfinished one, continued (True), or a new one (False)."""
    with store.session() as session:
        unfinished = session.scalar(
            sa.select(CollectRun).where(CollectRun.profile == profile, CollectRun.status != "finished")
            .order_by(CollectRun.id.desc()).limit(1)
        )
        if unfinished is not None:
            unfinished.status = "running"
            unfinished.resumed += 1
            return unfinished.id, True
        run = CollectRun(profile=profile, status="running", summary={})
        session.add(run)
        session.flush()
        return run.id, False


def end_run(store: Store, run_id: int, status: str, summary: dict[str, Any]) -> None:
    with store.session() as session:
        run = session.get(CollectRun, run_id)
        assert run is not None
        run.status = status
        run.summary = summary
        run.finished_at = datetime.now(UTC)


def queue_urls(store: Store, profile: str, run_id: int, urls: Sequence[tuple[str, UrlKind, int]]) -> int:
    """Queue ``(url, kind, depth)`` for ``run_id`` unless this run fetched or queued it already; returns how many were queued."""
    if not urls:
        return 0
    queued = 0
    with store.session() as session:
        keys = {url_key(url): (url, kind, depth) for url, kind, depth in urls}
        known = {
            row.url_key: row
            for row in session.scalars(
                sa.select(CollectUrl).where(CollectUrl.profile == profile, CollectUrl.url_key.in_(list(keys)))
            )
        }
        for key, (url, kind, depth) in keys.items():
            row = known.get(key)
            if row is None:
                session.add(CollectUrl(profile=profile, url=url, url_key=key, kind=kind, depth=depth, queued_run=run_id))
                queued += 1
            elif row.fetched_run != run_id and row.queued_run != run_id:
                row.queued_run = run_id
                row.depth = min(row.depth, depth)
                queued += 1
    return queued


def requeue_known_ads(store: Store, profile: str, run_id: int) -> int:
    """Queue every ad the profile fetched before (to notice edits), on a new run."""
    with store.session() as session:
        result = session.execute(
            sa.update(CollectUrl)
            .where(CollectUrl.profile == profile, CollectUrl.kind == "ad", CollectUrl.fetched_run.is_not(None),
                   CollectUrl.fetched_run != run_id)
            .values(queued_run=run_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def next_batch(store: Store, profile: str, run_id: int, limit: int = 100) -> list[CollectUrl]:
    """URLs queued for this run, listings and feeds first, shallowest first."""
    with store.session() as session:
        return list(
            session.scalars(
                sa.select(CollectUrl)
                .where(CollectUrl.profile == profile, CollectUrl.queued_run == run_id)
                .order_by(sa.case((CollectUrl.kind == "ad", 1), else_=0), CollectUrl.depth, CollectUrl.id)
                .limit(limit)
            )
        )


@dataclass
class Outcome:
    """What a fetch left in the frontier row."""

    status_code: int | None
    error: str | None
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    evidence_sha256: str | None = None


def mark_fetched(store: Store, row_id: int, run_id: int, outcome: Outcome) -> None:
    with store.session() as session:
        row = session.get(CollectUrl, row_id)
        assert row is not None
        row.queued_run = None
        row.fetched_run = run_id
        row.fetched_at = datetime.now(UTC)
        row.status_code = outcome.status_code
        row.error = outcome.error[:200] if outcome.error else None
        if outcome.status_code == 200:
            row.etag = outcome.etag
            row.last_modified = outcome.last_modified
            row.body_sha256 = outcome.body_sha256
            row.evidence_sha256 = outcome.evidence_sha256


def save_evidence(store: Store, data: bytes, media_type: str, url: str, captured_at: datetime) -> str:
    """Store ``data`` and its evidence row (once); returns its SHA-256."""
    digest = store.evidence.put(data)
    with store.session() as session:
        if session.get(Evidence, digest) is None:
            session.add(
                Evidence(sha256=digest, size=len(data), media_type=media_type, url=url, captured_at=captured_at,
                         stored_at=datetime.now(UTC))
            )
    return digest


def source_id(store: Store, name: str) -> int:
    with store.session() as session:
        found = session.scalar(sa.select(Source.id).where(Source.name == name))
        if found is not None:
            return found
        source = Source(name=name, created_at=datetime.now(UTC))
        session.add(source)
        session.flush()
        return source.id


def save_version(
    store: Store, source: int, key: str, content_sha256: str, document: Document, evidence_sha256: str | None
) -> tuple[Change, int]:
    """Store ``document`` as version 1 of ``key``, or as a new version when its content changed.

    Returns what happened and the version number now current. The stored id is decided here
    (:func:`vigil.collect.pages.version_id`), whatever ``document.id`` says.
    """
    now = datetime.now(UTC)
    with store.session() as session:
        latest = session.scalar(
            sa.select(DocumentVersion).where(DocumentVersion.source_id == source, DocumentVersion.doc_key == key)
            .order_by(DocumentVersion.version.desc()).limit(1)
        )
        if latest is not None and latest.content_sha256 == content_sha256:
            latest.last_seen_at = now
            latest.last_evidence_sha256 = evidence_sha256
            return "unchanged", latest.version
        version = 1 if latest is None else latest.version + 1
        row = _document_row(document, key, version, source, evidence_sha256, now)
        session.add(row)
        session.flush()
        session.add(
            DocumentVersion(source_id=source, doc_key=key, version=version, document_pk=row.pk,
                            content_sha256=content_sha256, first_seen_at=now, last_seen_at=now,
                            last_evidence_sha256=evidence_sha256)
        )
        return ("new" if version == 1 else "changed"), version


def _document_row(
    document: Document, key: str, version: int, source: int, evidence: str | None, now: datetime
) -> DocumentRow:
    from vigil.collect.pages import version_id

    return DocumentRow(
        source_id=source,
        doc_id=version_id(key, version),
        text=document.text,
        title=document.title,
        kind=document.kind,
        platform=document.platform,
        url=document.url,
        lang=document.lang,
        posted_at=document.posted_at,
        captured_at=document.captured_at,
        location=document.location,
        images=list(document.images),
        meta={**document.meta, "version": version, "doc_key": key},
        evidence_sha256=evidence,
        created_at=now,
    )


def versions_of(session: Session, source: int, key: str) -> list[DocumentVersion]:
    return list(
        session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.source_id == source, DocumentVersion.doc_key == key)
            .order_by(DocumentVersion.version)
        )
    )
