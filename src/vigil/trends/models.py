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
