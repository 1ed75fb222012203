"""Webhook deliveries to a real HTTP server on 127.0.0.1: retried with back-off until delivered or expired."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.store import Store
from vigil.store.models import utcnow
from vigil.trends.alert_store import save_alerts
from vigil.trends.detect import Alert
from vigil.trends.models import TrendAlertRow
from vigil.watch import deliver_due, match_new_documents
from vigil.watch.models import WatchNotification
from vigil.watch.watches import new_watch, remove_watch
from vigil.webhooks import CANCELLED, DELIVERED, EXPIRED, FAILED, PENDING, RetrySchedule

Ingest = Callable[[Sequence[dict[str, Any]]], list[int]]
MakeUser = Callable[[str], int]
PHONE = "+48 501 234 567"
AD = {"id": "ad-1", "text": "Praca od zaraz, zakwaterowanie zapewnione, dzwoń 501 234 567", "lang": "pl"}


def _notifications(store: Store) -> list[WatchNotification]:
    with store.session() as session:
        return list(session.scalars(sa.select(WatchNotification).order_by(WatchNotification.id)))


def _watched(store: Store, make_user: MakeUser, ingest: Ingest, url: str | None) -> WatchNotification:
    with store.session() as session:
        new_watch(session, make_user("ana"), "identifier", PHONE, webhook_url=url)
    assert match_new_documents(store, ingest([AD])) == 1
    (notification,) = _notifications(store)
    return notification


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (500, 3600), (0, 60)],
)
def test_waits_double_up_to_the_longest(failures: int, seconds: int) -> None:
    schedule = RetrySchedule(timedelta(seconds=60), timedelta(hours=1), timedelta(hours=72))
    assert schedule.wait_after(failures) == timedelta(seconds=seconds)


def test_a_notification_is_delivered_with_the_document_but_not_its_text(
    store: Store, make_user: MakeUser, ingest: Ingest, receiver: Any
) -> None:
    raised = _watched(store, make_user, ingest, receiver.url)
    assert (raised.delivery_status, raised.expires_at is not None) == (PENDING, True)
    report = deliver_due(store)
    assert report.to_json()["notifications"] == {"delivered": 1, "failed": 0, "expired": 0}
    (message,) = receiver.received
    assert message["type"] == "watch_match" and message["document"]["id"] == "ad-1"
    assert message["watch"] == {"id": raised.watch_id, "kind": "identifier", "label": "phone:+48501234567"}
    assert "zakwaterowanie" not in str(message)
    (sent,) = _notifications(store)
    assert (sent.delivery_status, sent.delivery_attempts, sent.next_attempt_at) == (DELIVERED, 1, None)
    assert deliver_due(store).notifications.delivered == 0  # nothing is sent twice
    assert receiver.calls == 1


def test_a_failing_receiver_is_retried_after_growing_waits_until_it_answers(
    store: Store, make_user: MakeUser, ingest: Ingest, receiver: Any
) -> None:
    receiver.fail_first = 2
    _watched(store, make_user, ingest, receiver.url)
    start = utcnow()
    assert deliver_due(store, now=start).notifications.failed == 1
    (first,) = _notifications(store)
    assert (first.delivery_status, first.delivery_error) == (FAILED, "HTTP 503")
    assert first.next_attempt_at == start + timedelta(seconds=60)
    assert deliver_due(store, now=start + timedelta(seconds=59)).notifications.failed == 0  # not due yet
    assert receiver.calls == 1
    assert deliver_due(store, now=start + timedelta(seconds=60)).notifications.failed == 1
    (second,) = _notifications(store)
    assert second.next_attempt_at == start + timedelta(seconds=60 + 120)
    assert deliver_due(store, now=start + timedelta(seconds=180)).notifications.delivered == 1
    (done,) = _notifications(store)
    assert (done.delivery_status, done.delivery_attempts, done.delivery_error) == (DELIVERED, 3, None)
    assert len(receiver.received) == 1


def test_a_receiver_that_never_answers_is_given_up_at_expiry(
    store: Store, make_user: MakeUser, ingest: Ingest, receiver: Any
) -> None:
    receiver.fail_first = 10_000
    raised = _watched(store, make_user, ingest, receiver.url)
    assert raised.expires_at is not None
    moment = utcnow()
    while True:
        deliver_due(store, now=moment)
        (row,) = _notifications(store)
        if row.next_attempt_at is None:
            break
        assert row.next_attempt_at - moment <= timedelta(hours=1)
        moment = row.next_attempt_at
    assert row.delivery_status == EXPIRED
    assert moment < raised.expires_at
    calls = receiver.calls
    # 6 doubling waits (60 s .. 1920 s), then hourly until 72 hours have passed
    assert 70 < calls < 80 and row.delivery_attempts == calls
    deliver_due(store, now=raised.expires_at + timedelta(days=1))
    assert receiver.calls == calls and receiver.received == []


def test_an_unreachable_receiver_is_scheduled_again(store: Store, make_user: MakeUser, ingest: Ingest) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _watched(store, make_user, ingest, f"http://127.0.0.1:{port}/hook")
    assert deliver_due(store, timeout=2.0).notifications.failed == 1
    (row,) = _notifications(store)
    assert row.delivery_status == FAILED and row.delivery_error and "ConnectError" in row.delivery_error
    assert row.next_attempt_at is not None


def test_a_removed_watch_sends_nothing_more(store: Store, make_user: MakeUser, ingest: Ingest, receiver: Any) -> None:
    raised = _watched(store, make_user, ingest, receiver.url)
    assert raised.watch_id is not None
    with store.session() as session:
        remove_watch(session, raised.watch_id)
    deliver_due(store)
    (row,) = _notifications(store)
    assert (row.delivery_status, row.watch_id, receiver.calls) == (CANCELLED, None, 0)


def test_a_watch_without_webhook_only_notifies_in_the_app(
    store: Store, make_user: MakeUser, ingest: Ingest, receiver: Any
) -> None:
    raised = _watched(store, make_user, ingest, None)
    assert raised.delivery_status is None
    assert deliver_due(store).to_json()["notifications"] == {"delivered": 0, "failed": 0, "expired": 0}
    assert receiver.calls == 0


def _alert(segment: str = "term:ukrainian") -> Alert:
    return Alert(segment, "W", date(2026, 5, 4), 12.0, 3.0, 4.0, 1e-5, 1e-3, "up", "share", 120.0, 0.1, 0.025)


def _alert_rows(store: Store) -> list[TrendAlertRow]:
    with store.session() as session:
        return list(session.scalars(sa.select(TrendAlertRow).order_by(TrendAlertRow.id)))


def test_trend_alerts_that_failed_are_retried_until_delivered(store: Store, receiver: Any) -> None:
    hooked = Store(store.settings.model_copy(update={"webhook_url": receiver.url}), store.engine)
    receiver.fail_first = 1
    save_alerts(hooked, [_alert()])
    (saved,) = _alert_rows(hooked)
    assert saved.expires_at is not None and saved.expires_at > saved.created_at
    start = utcnow()
    assert deliver_due(hooked, now=start).trend_alerts.failed == 1
    (failed,) = _alert_rows(hooked)
    assert (failed.delivery_status, failed.next_attempt_at) == (FAILED, start + timedelta(seconds=60))
    assert deliver_due(hooked, now=start + timedelta(seconds=30)).trend_alerts.delivered == 0
    assert deliver_due(hooked, now=start + timedelta(seconds=60)).trend_alerts.delivered == 1
    (row,) = _alert_rows(hooked)
    assert row.delivery_status == DELIVERED and [m["segment"] for m in receiver.received] == ["term:ukrainian"]


def test_trend_alerts_expire_instead_of_staying_pending(store: Store, receiver: Any) -> None:
    hooked = Store(store.settings.model_copy(update={"webhook_url": receiver.url}), store.engine)
    save_alerts(hooked, [_alert()])
    (saved,) = _alert_rows(hooked)
    later: datetime = saved.created_at + timedelta(hours=store.settings.webhook_expiry_hours)
    assert deliver_due(hooked, now=later).trend_alerts.delivered == 0
    (row,) = _alert_rows(hooked)
    assert (row.delivery_status, receiver.calls) == (EXPIRED, 0)


def test_trend_alerts_wait_when_no_webhook_is_set(store: Store, receiver: Any) -> None:
    save_alerts(store, [_alert()])
    assert deliver_due(store).trend_alerts.to_json() == {"delivered": 0, "failed": 0, "expired": 0}
    (row,) = _alert_rows(store)
    assert (row.delivery_status, receiver.calls) == (PENDING, 0)
