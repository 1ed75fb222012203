"""Webhook delivery of trend alerts: one JSON POST per alert, retried with back-off until delivered or expired.

Each alert row records the outcome (``delivered``, ``failed`` with the time of the next
attempt, or ``expired``; attempts; last error), so a monitor can see what was sent, and
every later run of :func:`deliver_pending` (``vigil watch deliver``, the end of ``vigil
process``) sends again what is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import httpx
import sqlalchemy as sa

from vigil.store import Store
from vigil.store.models import utcnow
from vigil.trends.models import TrendAlertRow
from vigil.webhooks import (
    EXPIRED,
    OPEN_STATES,
    TIMEOUT_SECONDS,
    Delivery,
    RetrySchedule,
    expired,
    post_json,
    record_attempt,
)
from vigil.webhooks import (
    borrowed_client as _client,
)

__all__ = ["ATTEMPTS", "BACKOFF_SECONDS", "Delivery", "alert_message", "deliver_pending", "post_json"]

#: Quick tries within one run (a blip of the receiver); longer outages wait for the retry schedule.
ATTEMPTS: Final = 3
#: Seconds to wait before the 2nd, 3rd, … quick try.
BACKOFF_SECONDS: Final = (0.5, 2.0)


def alert_message(row: TrendAlertRow) -> dict[str, Any]:
    """The JSON body sent for one alert."""
    return {"type": "trend_alert", "id": row.id, **(row.payload or {})}


def deliver_pending(
    store: Store,
    url: str,
    *,
    ids: Sequence[int] | None = None,
    timeout: float = TIMEOUT_SECONDS,
    attempts: int = ATTEMPTS,
    backoff: Sequence[float] = BACKOFF_SECONDS,
    now: datetime | None = None,
    client: httpx.Client | None = None,
) -> list[Delivery]:
    """Send the alerts that are due (only ``ids`` when given) and record each outcome.

    Due means not yet delivered and, after a failure, past its next attempt time; an alert
    past its expiry is marked ``expired`` instead of being sent.
    """
    moment = now or utcnow()
    schedule = RetrySchedule.from_settings(store.settings)
    query = sa.select(TrendAlertRow).where(
        TrendAlertRow.delivery_status.in_(OPEN_STATES),
        sa.or_(TrendAlertRow.next_attempt_at.is_(None), TrendAlertRow.next_attempt_at <= moment),
    )
    if ids is not None:
        if not ids:
            return []
        query = query.where(TrendAlertRow.id.in_(list(ids)))
    results: list[Delivery] = []
    with store.session() as session, _client(client, timeout) as http:
        for row in session.scalars(query.order_by(TrendAlertRow.id)):
            if expired(row, schedule, moment):
                row.delivery_status = EXPIRED
                row.next_attempt_at = None
                continue
            delivery = post_json(http, url, alert_message(row), attempts=attempts, backoff=backoff)
            record_attempt(row, delivery, schedule, moment)
            results.append(delivery)
    return results
