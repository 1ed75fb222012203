"""Webhook notices: one JSON POST each, retried with exponential back-off until delivered or expired.

Trend alerts and watch notifications keep the same delivery columns on their rows
(:class:`DeliveryRow`); each run of a sender makes one attempt per notice that is due,
and :func:`record_attempt` writes down the outcome and, after a failure, when to try
again. A notice nobody could take before its expiry is marked ``expired`` and left alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import httpx

from vigil.errors import InputError
from vigil.settings import Settings

#: Delivery states of a notice.
PENDING: Final = "pending"
DELIVERED: Final = "delivered"
#: Failed so far; tried again at ``next_attempt_at``.
FAILED: Final = "failed"
#: Not delivered before ``expires_at``; never tried again.
EXPIRED: Final = "expired"
#: Its watch was removed before it could be delivered.
CANCELLED: Final = "cancelled"
#: States a sender still works on.
OPEN_STATES: Final = (PENDING, FAILED)

TIMEOUT_SECONDS: Final = 10.0
USER_AGENT: Final = "vigil-webhook/1"
MAX_URL_CHARS: Final = 2000
MAX_ERROR_CHARS: Final = 500


@dataclass(frozen=True, slots=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None


class DeliveryRow(Protocol):
    """A stored notice's delivery columns (``TrendAlertRow``, ``WatchNotification``)."""

    created_at: datetime
    delivery_attempts: int
    next_attempt_at: datetime | None
    expires_at: datetime | None
    delivered_at: datetime | None
    delivery_error: str | None

    # Read as optional (a notification without a webhook has no state), always written as a state.
    @property
    def delivery_status(self) -> str | None: ...
    @delivery_status.setter
    def delivery_status(self, value: str) -> None: ...


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """When to try a failed notice again (``first`` doubled per failure, at most ``longest``) and when to give up."""

    first: timedelta
    longest: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> RetrySchedule:
        return cls(
            timedelta(seconds=settings.webhook_retry_seconds),
            timedelta(seconds=settings.webhook_retry_max_seconds),
            timedelta(hours=settings.webhook_expiry_hours),
        )

    def wait_after(self, failures: int) -> timedelta:
        """Wait after the ``failures``-th failed attempt in a row (1-based)."""
        # In float seconds: doubling a timedelta many times would overflow it.
        seconds = self.first.total_seconds() * 2.0 ** min(max(failures, 1) - 1, 64)
        return timedelta(seconds=min(seconds, self.longest.total_seconds()))

    def expiry(self, raised: datetime) -> datetime:
        return raised + self.lifetime


def check_webhook_url(url: str) -> str:
    """``url`` stripped, when it is an absolute http(s) URL with a host; otherwise :class:`InputError`."""
    value = url.strip()
    if len(value) > MAX_URL_CHARS:
        raise InputError(f"a webhook URL has at most {MAX_URL_CHARS} characters")
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError as exc:
        raise InputError(f"webhook URL is not valid: {exc}") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname or not port_ok:
        raise InputError("a webhook URL must be an http:// or https:// address with a host")
    if parts.username or parts.password:
        raise InputError("a webhook URL must not carry a user name or password")
    return value


def webhook_client(timeout: float = TIMEOUT_SECONDS) -> httpx.Client:
    """The HTTP client notices are sent with (redirects are not followed: a notice goes where it was told)."""
    return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def borrowed_client(client: httpx.Client | None, timeout: float = TIMEOUT_SECONDS) -> AbstractContextManager[httpx.Client]:
    """``client`` left open for its owner, or a new client closed after use."""
    return nullcontext(client) if client is not None else webhook_client(timeout)


def post_json(
    client: httpx.Client, url: str, payload: dict[str, Any], *, attempts: int = 1, backoff: Sequence[float] = ()
) -> Delivery:
    """POST ``payload``; a 2xx answer is success, anything else is tried again up to ``attempts`` times."""
    error: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            response = client.post(url, json=payload)
        except httpx.HTTPError as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:MAX_ERROR_CHARS]
        else:
            if 200 <= response.status_code < 300:
                return Delivery(True, attempt, None)
            error = f"HTTP {response.status_code}"
        if attempt < attempts:
            time.sleep(backoff[min(attempt - 1, len(backoff) - 1)] if backoff else 0.0)
    return Delivery(False, attempts, error)


def expired(row: DeliveryRow, schedule: RetrySchedule, now: datetime) -> bool:
    """Whether ``row`` is past its expiry (rows stored before expiries existed expire from when they were raised)."""
    deadline = row.expires_at or schedule.expiry(row.created_at)
    return now >= deadline


def record_attempt(row: DeliveryRow, delivery: Delivery, schedule: RetrySchedule, now: datetime) -> None:
    """Write the outcome of one sending onto ``row``; a failure is retried later, or expires."""
    row.delivery_attempts += delivery.attempts
    row.delivery_error = delivery.error
    if row.expires_at is None:
        row.expires_at = schedule.expiry(row.created_at)
    if delivery.ok:
        row.delivery_status = DELIVERED
        row.delivered_at = now
        row.next_attempt_at = None
        return
    failures = row.delivery_attempts
    retry_at = now + schedule.wait_after(failures)
    if retry_at >= row.expires_at:
        row.delivery_status = EXPIRED
        row.next_attempt_at = None
    else:
        row.delivery_status = FAILED
        row.next_attempt_at = retry_at
