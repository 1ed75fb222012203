"""Tables of notice and action: public reports, the reported items they point at, moderators'
decisions with their statements of reasons, complaints, referrals, and the per-client counts
that rate-limit the public form.

A *report* is one notice as a member of the public (or a trusted flagger) sent it. Each URL
in it is a *reported item*, kept once however many reports name it (``url_key`` is the URL
in a canonical form), so moderators triage items, each with the number of reports behind it.
A decision is taken on an item by a named moderator; every report naming the item shares it.

Reporters' names and e-mail addresses are never stored in clear: ``contact_sealed`` holds
them encrypted (see :mod:`vigil.reports.contact`), and is cleared at ``contact_expires_at``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow


class Report(Base):
    """One notice (DSA article 16) as received; ``receipt`` is the reporter's code to follow it."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.UniqueConstraint("receipt", name="uq_reports_receipt"),
        sa.UniqueConstraint("idempotency_key", name="uq_reports_idempotency_key"),
        sa.Index("ix_reports_contact_expires_at", "contact_expires_at"),
        sa.Index("ix_reports_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt: Mapped[str] = mapped_column(sa.String(32))
    category: Mapped[str] = mapped_column(sa.String(32))
    urls: Mapped[list[str]] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text)
    location_details: Mapped[str | None] = mapped_column(sa.Text)
    platform: Mapped[str | None] = mapped_column(sa.String(200))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    content_language: Mapped[str | None] = mapped_column(sa.String(8))
    #: Language the reporter used (the form's, or the API's ``language`` when none other): e-mails speak it.
    reporter_language: Mapped[str] = mapped_column(sa.String(8))
    immediate_danger: Mapped[bool] = mapped_column(default=False)
    good_faith: Mapped[bool] = mapped_column(default=False)
    #: ``article_16`` (anyone) or ``trusted_flagger`` (an organisation's API key).
    source: Mapped[str] = mapped_column(sa.String(16))
    flagger_name: Mapped[str | None] = mapped_column(sa.String(200))
    priority: Mapped[int] = mapped_column(sa.SmallInteger)
    contact_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    contact_expires_at: Mapped[datetime | None] = mapped_column()
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: SHA-256 of the request body an idempotency key was first used with: a reuse with another body is refused.
    request_hash: Mapped[str | None] = mapped_column(sa.String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column()


class ReportedItem(Base):
    """One reported location (URL), triaged and decided once however many reports name it."""

    __tablename__ = "reported_items"
    __table_args__ = (
        sa.UniqueConstraint("url_key", name="uq_reported_items_url_key"),
        sa.Index("ix_reported_items_queue", "status", "priority", "first_reported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.Text)
    url_key: Mapped[str] = mapped_column(sa.String(512))
    #: ``open`` until decided, then ``decided``; a complaint that reverses the decision reopens it.
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    priority: Mapped[int] = mapped_column(sa.SmallInteger)
    report_count: Mapped[int] = mapped_column(default=0)
    immediate_danger: Mapped[bool] = mapped_column(default=False)
    first_reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column()
    #: The stored document at this URL, once Vigil has ingested it; until then the URL waits for collection.
    document_pk: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.pk", ondelete="SET NULL"))


class ReportItemLink(Base):
    """Which report named which item."""

    __tablename__ = "report_item_links"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("reported_items.id", ondelete="CASCADE"), primary_key=True, index=True)


class ReportDecision(Base):
    """A moderator's decision on an item, with its ground; the source of a statement of reasons."""

    __tablename__ = "report_decisions"
    __table_args__ = (sa.UniqueConstraint("puid", name="uq_report_decisions_puid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("reported_items.id", ondelete="CASCADE"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    moderator_name: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(16))
    #: ``illegal`` (a law) or ``terms`` (the platform's terms of service).
    ground: Mapped[str] = mapped_column(sa.String(16))
    ground_reference: Mapped[str] = mapped_column(sa.String(500))
    ground_url: Mapped[str | None] = mapped_column(sa.String(500))
    explanation: Mapped[str] = mapped_column(sa.Text)
    territorial_scope: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Stable, never reused id of the statement of reasons (the Transparency Database's ``puid``).
    puid: Mapped[str] = mapped_column(sa.String(64))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when a complaint reversed this decision; the item is open again.
    reversed_at: Mapped[datetime | None] = mapped_column()


class ReportComplaint(Base):
    """A complaint (DSA article 20) against a decision, decided by a moderator other than the decision's."""

    __tablename__ = "report_complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("report_decisions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    lodged_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: ``open``, ``upheld`` (the decision stands) or ``reversed``.
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    handler_name: Mapped[str | None] = mapped_column(sa.String(100))
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None] = mapped_column()


class ReportReferral(Base):
    """An item referred to a partner organisation, or an article 18 notification to law enforcement."""

    __tablename__ = "report_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("reported_items.id", ondelete="CASCADE"), index=True)
    #: ``referral`` or ``article_18``.
    kind: Mapped[str] = mapped_column(sa.String(16))
    partner: Mapped[str | None] = mapped_column(sa.String(100))
    recipient: Mapped[str] = mapped_column(sa.String(300))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(sa.String(100))
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: What was handed over: the report facts, the document and evidence hashes, the analysis summary.
    package: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    case_ref: Mapped[str | None] = mapped_column(sa.String(100))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    mailed: Mapped[bool] = mapped_column(default=False)


class ReportClientHit(Base):
    """One public report from a client address (hashed), counted by the rate limit and pruned after its window."""

    __tablename__ = "report_client_hits"
    __table_args__ = (sa.Index("ix_report_client_hits_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
