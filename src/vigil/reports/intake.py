"""Receiving a notice: rate limit, idempotency, storage, and merging its URLs into reported items.

A report is acknowledged (``201``) only after the transaction that stores it has committed,
so an accepted report is never lost. The same URL reported many times is one reported item
with a count: items are inserted with "on conflict do nothing" and counted with an atomic
update, so concurrent reports of one URL neither fail nor lose a count.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vigil.errors import InputError, RateLimited, StoreError
from vigil.reports.contact import Contact, ContactBox, delete_expired_contacts
from vigil.reports.models import Report, ReportClientHit, ReportedItem, ReportItemLink
from vigil.reports.notice import (
    SOURCE_PUBLIC,
    SOURCE_TRUSTED_FLAGGER,
    URGENT_PRIORITY,
    NoticeIn,
    new_receipt,
    priority_of,
    url_key,
)
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.models import DocumentRow

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Submitted:
    """What the submitter is told (``receipt``), and what the app does next (``ack_to``: send a receipt e-mail)."""

    receipt: str
    report_id: int
    replayed: bool
    ack_to: str | None


@dataclass(frozen=True)
class Submitter:
    """Who sent a notice: a client address (rate-limited) or a trusted flagger's API key (not)."""

    client: str
    trusted_flagger: str | None = None


def request_hash(notice: NoticeIn) -> str:
    canonical = json.dumps(notice.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def client_key(address: str) -> str:
    """Client addresses are counted by hash: the rate-limit table holds no addresses."""
    return hashlib.sha256(f"vigil-report-client:{address}".encode()).hexdigest()


def document_url_candidates(url: str) -> list[str]:
    """Spellings of a URL a stored document may carry (scheme, ``www.``, trailing slash)."""
    key = url_key(url)
    rest = key.removeprefix("https://")
    host, slash, path = rest.partition("/")
    variants = {url, key}
    for scheme in ("https://", "http://"):
        for prefix in ("", "www."):
            base = f"{scheme}{prefix}{host}{slash}{path}"
            variants.update({base, base + "/" if not base.endswith("/") else base})
    return sorted(variants)


def find_document(session: Session, url: str) -> int | None:
    """The newest stored document at ``url`` (in any of its usual spellings), if any."""
    found = session.execute(
        sa.select(DocumentRow.pk).where(DocumentRow.url.in_(document_url_candidates(url))).order_by(DocumentRow.pk.desc()).limit(1)
    ).scalar_one_or_none()
    return found


class ReportIntake:
    """Stores notices; one per app (or command), sharing the store and the contact key."""

    def __init__(self, store: Store, settings: Settings, box: ContactBox, clock: Clock = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.box = box
        self.clock = clock

    @classmethod
    def from_settings(cls, store: Store, settings: Settings) -> ReportIntake:
        return cls(store, settings, ContactBox.from_file(settings.resolved_reports_contact_key_file))

    def submit(
        self, notice: NoticeIn, submitter: Submitter, *, reporter_language: str, idempotency_key: str | None = None
    ) -> Submitted:
        """Store ``notice`` durably and return its receipt; a retry with the same key returns the same receipt."""
        digest = request_hash(notice)
        if idempotency_key is not None:
            earlier = self._replay(idempotency_key, digest)
            if earlier is not None:
                return earlier
        try:
            return self._store_notice(notice, submitter, reporter_language, idempotency_key, digest)
        except StoreError as exc:
            # A concurrent request with the same key committed first: answer as it was answered.
            if idempotency_key is not None and isinstance(exc.__cause__, IntegrityError):
                earlier = self._replay(idempotency_key, digest)
                if earlier is not None:
                    return earlier
            raise

    def _replay(self, key: str, digest: str) -> Submitted | None:
        with self.store.session() as session:
            row = session.execute(
                sa.select(Report.id, Report.receipt, Report.request_hash).where(Report.idempotency_key == key)
            ).first()
        if row is None:
            return None
        if row.request_hash != digest:
            raise InputError("this Idempotency-Key was already used for a different report")
        return Submitted(receipt=row.receipt, report_id=row.id, replayed=True, ack_to=None)

    def _check_rate(self, session: Session, client: str, now: datetime) -> None:
        window = timedelta(seconds=self.settings.reports_rate_window_seconds)
        session.execute(sa.delete(ReportClientHit).where(ReportClientHit.at <= now - window))
        count, oldest = session.execute(
            sa.select(sa.func.count(), sa.func.min(ReportClientHit.at)).where(
                ReportClientHit.client == client, ReportClientHit.at > now - window
            )
        ).one()
        if count >= self.settings.reports_rate_limit:
            retry_after = int((_aware(oldest) + window - now).total_seconds()) + 1
            raise RateLimited("too many reports from this address; wait and try again", retry_after=max(retry_after, 1))
        session.add(ReportClientHit(client=client, at=now))

    def _store_notice(
        self, notice: NoticeIn, submitter: Submitter, reporter_language: str, key: str | None, digest: str
    ) -> Submitted:
        now = self.clock()
        trusted = submitter.trusted_flagger is not None
        priority = priority_of(notice.category, notice.immediate_danger, trusted)
        contact = Contact(notice.reporter_name, notice.reporter_email)
        sealed = self.box.seal(contact)
        with self.store.session() as session:
            if not trusted:
                self._check_rate(session, client_key(submitter.client), now)
            delete_expired_contacts(session, now)
            report = Report(
                receipt=new_receipt(),
                category=notice.category,
                urls=notice.urls,
                explanation=notice.explanation,
                location_details=notice.location_details,
                platform=notice.platform,
                country=notice.country,
                content_language=notice.language,
                reporter_language=reporter_language,
                immediate_danger=notice.immediate_danger,
                good_faith=notice.good_faith,
                source=SOURCE_TRUSTED_FLAGGER if trusted else SOURCE_PUBLIC,
                flagger_name=submitter.trusted_flagger,
                priority=priority,
                contact_sealed=sealed,
                contact_expires_at=now + timedelta(days=self.settings.reports_contact_retention_days) if sealed else None,
                idempotency_key=key,
                request_hash=digest if key else None,
                received_at=now,
            )
            session.add(report)
            session.flush()
            for url in notice.urls:
                item_id = self._item_for(session, url, priority, notice.immediate_danger, now)
                session.add(ReportItemLink(report_id=report.id, item_id=item_id))
            receipt, report_id = report.receipt, report.id
        return Submitted(receipt=receipt, report_id=report_id, replayed=False, ack_to=notice.reporter_email)

    def _item_for(self, session: Session, url: str, priority: int, danger: bool, now: datetime) -> int:
        """The item of ``url``, created when new; its count, priority and due time updated for one more report."""
        key = url_key(url)
        hours = self.settings.reports_urgent_sla_hours if priority <= URGENT_PRIORITY else self.settings.reports_sla_hours
        due = now + timedelta(hours=hours)
        values: dict[str, Any] = {
            "url": url, "url_key": key, "status": "open", "priority": priority, "report_count": 0,
            "immediate_danger": danger, "first_reported_at": now, "last_reported_at": now, "due_at": due,
            "document_pk": find_document(session, url),
        }
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(insert(ReportedItem).values(values).on_conflict_do_nothing(index_elements=["url_key"]))
        table = ReportedItem
        item_id: int = session.execute(sa.select(table.id).where(table.url_key == key)).scalar_one()
        session.execute(
            sa.update(table)
            .where(table.id == item_id)
            .values(
                report_count=table.report_count + 1,
                priority=sa.case((table.priority > priority, priority), else_=table.priority),
                due_at=sa.case((table.due_at > due, due), else_=table.due_at),
                immediate_danger=sa.or_(table.immediate_danger, sa.true()) if danger else table.immediate_danger,
                last_reported_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return item_id

    def mark_acknowledged(self, report_id: int) -> None:
        with self.store.session() as session:
            session.execute(sa.update(Report).where(Report.id == report_id).values(acknowledged_at=self.clock()))

    def contact_of(self, report: Report) -> Contact | None:
        return self.box.open(report.contact_sealed)
