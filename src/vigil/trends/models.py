"""Stored trend alerts: one row per (segment, frequency, period), with its webhook delivery state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow
from vigil.webhooks import DELIVERED, EXPIRED, FAILED, PENDING

__all__ = ["DELIVERED", "EXPIRED", "FAILED", "PENDING", "TrendAlertRow"]


class TrendAlertRow(Base):
    """A trend alert; re-running detection over the same data updates it rather than adding a copy."""

    __tablename__ = "trend_alerts"
    __table_args__ = (
        sa.UniqueConstraint("segment", "freq", "period_start", name="uq_trend_alerts_segment_period"),
        sa.Index("ix_trend_alerts_period", "period_start"),
        sa.Index("ix_trend_alerts_delivery", "delivery_status"),
        sa.Index("ix_trend_alerts_next_attempt", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    segment: Mapped[str] = mapped_column(sa.String(200))
    freq: Mapped[str] = mapped_column(sa.String(1))
    period_start: Mapped[date] = mapped_column(sa.Date)
    observed: Mapped[float] = mapped_column(sa.Float)
    expected: Mapped[float] = mapped_column(sa.Float)
    ratio: Mapped[float | None] = mapped_column(sa.Float)
    p_value: Mapped[float] = mapped_column(sa.Float)
    q_value: Mapped[float] = mapped_column(sa.Float)
    direction: Mapped[str] = mapped_column(sa.String(8))
    test: Mapped[str] = mapped_column(sa.String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivery_status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    delivery_attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None] = mapped_column()
    delivery_error: Mapped[str | None] = mapped_column(sa.Text)
    #: After a failure, the earliest time to try again; None while pending or when done.
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    #: Given up (``expired``) when not delivered by then.
    expires_at: Mapped[datetime | None] = mapped_column()


class TrendDocument(Base):
    """The trend segments of one stored document, as counted in :class:`TrendSegmentCount`.

    Written with the document's analysis; kept so a re-analysis can take the old segments
    out of the counts before adding the new ones. ``day`` is the day number of
    ``posted_at`` (else ``captured_at``), None for an undated document (counted nowhere).
    ``segments`` is the sorted segment names as a JSON list.
    """

    __tablename__ = "trend_documents"

    document_pk: Mapped[int] = mapped_column(sa.ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True)
    day: Mapped[int | None] = mapped_column(sa.Integer)
    segments: Mapped[str] = mapped_column(sa.Text)


class TrendSegmentCount(Base):
    """How many stored documents of one day belong to one segment (``*``: every dated document).

    Kept up to date as analyses are saved, so detection reads days × segments rows instead
    of every stored analysis.
    """

    __tablename__ = "trend_segment_counts"

    day: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    segment: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    documents: Mapped[int] = mapped_column(sa.Integer)
