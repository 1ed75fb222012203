"""Sending what is due: watch notifications to their watches' webhooks, and trend alerts to ``webhook_url``.

One run makes one attempt per due notice; a failure is tried again after a wait that doubles
each time (``webhook_retry_seconds`` up to ``webhook_retry_max_seconds``), and a notice not
delivered within ``webhook_expiry_hours`` is marked expired. The message names the document
and the watch, never the document's text: the receiver opens Vigil to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, utcnow
from vigil.trends.webhook import deliver_pending
from vigil.watch.models import WatchNotification
from vigil.webhooks import (
    CANCELLED,
    DELIVERED,
    EXPIRED,
    FAILED,
    OPEN_STATES,
    TIMEOUT_SECONDS,
    RetrySchedule,
    expired,
    post_json,
    record_attempt,
)
from vigil.webhooks import (
    borrowed_client as _client,
)

#: Notices read and sent per transaction.
BATCH: Final = 100


@dataclass
class DeliveryCounts:
    delivered: int = 0
    failed: int = 0
    expired: int = 0

    def to_json(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "expired": self.expired}


@dataclass
class DeliveryReport:
    """What one run sent: watch notifications, and trend alerts (when ``webhook_url`` is set)."""

    notifications: DeliveryCounts = field(default_factory=DeliveryCounts)
    trend_alerts: DeliveryCounts = field(default_factory=DeliveryCounts)

    def to_json(self) -> dict[str, Any]:
        return {"notifications": self.notifications.to_json(), "trend_alerts": self.trend_alerts.to_json()}


def notification_message(notification: WatchNotification, document: DocumentRow, analysis: AnalysisRow | None) -> dict[str, Any]:
    """The JSON body sent for one notification."""
    return {
        "type": "watch_match",
        "notification": notification.id,
        "raised_at": notification.created_at.isoformat(),
        "watch": {"id": notification.watch_id, "kind": notification.watch_kind, "label": notification.watch_label},
        "document": {
            "pk": document.pk,
            "id": document.doc_id,
            "kind": document.kind,
            "platform": document.platform,
            "posted_at": document.posted_at.isoformat() if document.posted_at else None,
            "risk_level": analysis.risk_level if analysis is not None else None,
            "risk_score": analysis.risk_score if analysis is not None else None,
        },
    }


def _due(session: Session, moment: datetime, after: int) -> Sequence[WatchNotification]:
    return session.scalars(
        sa.select(WatchNotification)
        .where(
            WatchNotification.id > after,
            WatchNotification.webhook_url.is_not(None),
            WatchNotification.delivery_status.in_(OPEN_STATES),
            sa.or_(WatchNotification.next_attempt_at.is_(None), WatchNotification.next_attempt_at <= moment),
        )
        .order_by(WatchNotification.id)
        .limit(BATCH)
    ).all()


def deliver_notifications(
    store: Store, http: httpx.Client, *, now: datetime | None = None, schedule: RetrySchedule | None = None
) -> DeliveryCounts:
    """Send every watch notification whose webhook delivery is due; record each outcome."""
    moment = now or utcnow()
    plan = schedule or RetrySchedule.from_settings(store.settings)
    counts = DeliveryCounts()
    last = 0
    while True:
        with store.session() as session:
            batch = _due(session, moment, last)
            for notification in batch:
                last = notification.id
                if expired(notification, plan, moment):
                    notification.delivery_status = EXPIRED
                    notification.next_attempt_at = None
                    counts.expired += 1
                    continue
                document = session.get(DocumentRow, notification.document_pk)
                if document is None or notification.webhook_url is None:  # pragma: no cover - cascades remove these
                    continue
                message = notification_message(notification, document, session.get(AnalysisRow, document.pk))
                record_attempt(notification, post_json(http, notification.webhook_url, message), plan, moment)
                status = notification.delivery_status
                counts.delivered += status == DELIVERED
                counts.failed += status == FAILED
                counts.expired += status == EXPIRED
        if len(batch) < BATCH:
            return counts


def deliver_due(
    store: Store, *, now: datetime | None = None, timeout: float = TIMEOUT_SECONDS, client: httpx.Client | None = None
) -> DeliveryReport:
    """Send everything that is due: watch notifications, then trend alerts to ``webhook_url`` when set."""
    report = DeliveryReport()
    with _client(client, timeout) as http:
        report.notifications = deliver_notifications(store, http, now=now)
        url = store.settings.webhook_url
        if url:
            for delivery in deliver_pending(store, url, attempts=1, now=now, client=http):
                if delivery.ok:
                    report.trend_alerts.delivered += 1
                else:
                    report.trend_alerts.failed += 1
    return report


def cancel_deliveries(session: Session, watch_id: int) -> int:
    """Stop sending a removed watch's notices that are not delivered yet; returns how many."""
    result = session.execute(
        sa.update(WatchNotification)
        .where(WatchNotification.watch_id == watch_id, WatchNotification.delivery_status.in_(OPEN_STATES))
        .values(delivery_status=CANCELLED, next_attempt_at=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
