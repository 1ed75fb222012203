"""Saving alerts in the store, one row per (segment, frequency, period), and reading them back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from vigil.store import Store
from vigil.store.models import utcnow
from vigil.trends.detect import Alert
from vigil.trends.models import PENDING, TrendAlertRow
from vigil.webhooks import RetrySchedule


def save_alerts(store: Store, alerts: Sequence[Alert]) -> list[int]:
    """Insert new alerts and refresh the figures of known ones; returns the ids of the new rows.

    A known alert keeps its delivery state, so re-running detection never notifies twice. A new
    alert's webhook notice expires after ``webhook_expiry_hours`` when it cannot be delivered.
    """
    if not alerts:
        return []
    new_ids: list[int] = []
    schedule = RetrySchedule.from_settings(store.settings)
    with store.session() as session:
        periods = sorted({a.period_start for a in alerts})
        existing = {
            (row.segment, row.freq, row.period_start): row
            for row in session.scalars(
                sa.select(TrendAlertRow).where(TrendAlertRow.period_start.in_(periods))
            )
        }
        fresh: list[TrendAlertRow] = []
        for alert in alerts:
            key = (alert.segment, alert.freq, alert.period_start)
            row = existing.get(key)
            if row is None:
                now = utcnow()
                row = TrendAlertRow(
                    segment=alert.segment,
                    freq=alert.freq,
                    period_start=alert.period_start,
                    delivery_status=PENDING,
                    delivery_attempts=0,
                    created_at=now,
                    expires_at=schedule.expiry(now),
                )
                session.add(row)
                existing[key] = row
                fresh.append(row)
            row.observed = alert.observed
            row.expected = alert.expected
            row.ratio = alert.ratio
            row.p_value = alert.p_value
            row.q_value = alert.q_value
            row.direction = alert.direction
            row.test = alert.test
            row.payload = alert.to_json()
            row.updated_at = utcnow()
        session.flush()
        new_ids = [row.id for row in fresh]
    return new_ids


def list_alerts(
    store: Store, *, freq: str | None = None, segment: str | None = None, since: date | None = None
) -> list[TrendAlertRow]:
    """Stored alerts, newest period first (for the web app and the CLI)."""
    query = sa.select(TrendAlertRow).order_by(TrendAlertRow.period_start.desc(), TrendAlertRow.q_value)
    if freq is not None:
        query = query.where(TrendAlertRow.freq == freq)
    if segment is not None:
        query = query.where(TrendAlertRow.segment == segment)
    if since is not None:
        query = query.where(TrendAlertRow.period_start >= since)
    with store.session() as session:
        return list(session.scalars(query))
