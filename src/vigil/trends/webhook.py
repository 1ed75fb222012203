"""Webhook delivery of new trend alerts: one JSON POST per alert, with a timeout and retries.

Each alert row records the outcome (``delivered`` or ``failed``, attempts, last error), so
a monitor can see what was sent, and :func:`deliver_pending` can retry failures later.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx
import sqlalchemy as sa

from vigil.store import Store
from vigil.store.models import utcnow
from vigil.trends.models import DELIVERED, FAILED, PENDING, TrendAlertRow

TIMEOUT_SECONDS: Final = 10.0
ATTEMPTS: Final = 3
#: Seconds to wait before the 2nd, 3rd, … attempt.
BACKOFF_SECONDS: Final = (0.5, 2.0)
USER_AGENT: Final = "vigil-trends-webhook/1"


@dataclass(frozen=True, slots=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None


def post_json(
    client: httpx.Client, url: str, payload: dict[str, Any], *, attempts: int = ATTEMPTS, backoff: Sequence[float] = BACKOFF_SECONDS
) -> Delivery:
    """POST ``payload``; a 2xx answer is success, anything else is retried up to ``attempts`` times."""
    error: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            response = client.post(url, json=payload)
        except httpx.HTTPError as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:500]
        else:
            if 200 <= response.status_code < 300:
                return Delivery(True, attempt, None)
            error = f"HTTP {response.status_code}"
        if attempt < attempts:
            time.sleep(backoff[min(attempt - 1, len(backoff) - 1)] if backoff else 0.0)
    return Delivery(False, attempts, error)


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
) -> list[Delivery]:
    """Send alerts not yet delivered (only ``ids`` when given) and record each outcome."""
    query = sa.select(TrendAlertRow).where(TrendAlertRow.delivery_status.in_((PENDING, FAILED)))
    if ids is not None:
        if not ids:
            return []
        query = query.where(TrendAlertRow.id.in_(list(ids)))
    results: list[Delivery] = []
    with store.session() as session, httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}) as client:
        for row in session.scalars(query.order_by(TrendAlertRow.id)):
            delivery = post_json(client, url, alert_message(row), attempts=attempts, backoff=backoff)
            row.delivery_attempts += delivery.attempts
            row.delivery_status = DELIVERED if delivery.ok else FAILED
            row.delivery_error = delivery.error
            if delivery.ok:
                row.delivered_at = utcnow()
            results.append(delivery)
    return results
