"""Alert persistence (both backends) and webhook delivery to a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.store import Store
from vigil.trends.alert_store import list_alerts, save_alerts
from vigil.trends.detect import Alert
from vigil.trends.models import DELIVERED, FAILED, PENDING, TrendAlertRow
from vigil.trends.periods import Freq
from vigil.trends.webhook import deliver_pending


def _alert(segment: str = "term:ukrainian", start: date = date(2026, 5, 4), observed: float = 12.0) -> Alert:
    return Alert(segment, "W", start, observed, 3.0, observed / 3.0, 1e-5, 1e-3, "up", "share", 120.0, observed / 120, 0.025)


def test_alerts_are_saved_once_per_segment_and_period(store: Store) -> None:
    first = save_alerts(store, [_alert(), _alert("city:Warsaw")])
    assert len(first) == 2
    again = save_alerts(store, [_alert(observed=14.0), _alert(start=date(2026, 5, 11))])
    assert len(again) == 1  # only the new period is new
    rows = list_alerts(store)
    assert len(rows) == 3
    assert [r.period_start for r in rows] == [date(2026, 5, 11), date(2026, 5, 4), date(2026, 5, 4)]
    updated = list_alerts(store, segment="term:ukrainian")
    assert {r.observed for r in updated} == {14.0, 12.0}
    assert all(r.delivery_status == PENDING for r in rows)
    assert rows[0].payload["segment"] == "term:ukrainian"


def test_unique_constraint_holds_in_the_database(store: Store) -> None:
    from vigil.errors import StoreError

    save_alerts(store, [_alert()])
    with pytest.raises(StoreError), store.session() as session:
        session.add(
            TrendAlertRow(
                segment="term:ukrainian", freq="W", period_start=date(2026, 5, 4), observed=1, expected=1,
                p_value=1, q_value=1, direction="up", test="count", payload={},
                delivery_status=PENDING, delivery_attempts=0,
            )
        )


def test_webhook_delivers_new_alerts_and_records_it(store: Store, receiver: Any) -> None:
    ids = save_alerts(store, [_alert(), _alert("city:Warsaw")])
    results = deliver_pending(store, receiver.url, ids=ids, backoff=(0.0,))
    assert [r.ok for r in results] == [True, True]
    assert sorted(m["segment"] for m in receiver.received) == ["city:Warsaw", "term:ukrainian"]
    assert all(m["type"] == "trend_alert" and m["period_start"] == "2026-05-04" for m in receiver.received)
    rows = list_alerts(store)
    assert {r.delivery_status for r in rows} == {DELIVERED}
    assert all(r.delivered_at is not None and r.delivery_attempts == 1 for r in rows)
    # Saving the same alerts again creates nothing new, so nothing is sent twice.
    assert save_alerts(store, [_alert()]) == []
    assert deliver_pending(store, receiver.url, backoff=(0.0,)) == []
    assert len(receiver.received) == 2


def test_webhook_retries_then_succeeds(store: Store, receiver: Any) -> None:
    receiver.fail_first = 2
    ids = save_alerts(store, [_alert()])
    (result,) = deliver_pending(store, receiver.url, ids=ids, attempts=3, backoff=(0.0,))
    assert result.ok and result.attempts == 3
    assert len(receiver.received) == 1


def test_webhook_failure_is_recorded(store: Store, receiver: Any) -> None:
    receiver.fail_first = 100
    ids = save_alerts(store, [_alert()])
    (result,) = deliver_pending(store, receiver.url, ids=ids, attempts=2, backoff=(0.0,))
    assert not result.ok and result.error == "HTTP 503"
    with store.session() as session:
        row = session.scalars(sa.select(TrendAlertRow)).one()
        assert (row.delivery_status, row.delivery_attempts, row.delivery_error) == (FAILED, 2, "HTTP 503")


def test_webhook_unreachable_is_recorded(store: Store) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The socket is closed: nothing listens on that port now.
    ids = save_alerts(store, [_alert()])
    (result,) = deliver_pending(store, f"http://127.0.0.1:{port}/", ids=ids, attempts=1, timeout=2.0)
    assert not result.ok and result.error and "ConnectError" in result.error


def test_store_pairs_read_documents_with_their_stored_analyses(store: Store) -> None:
    from datetime import UTC, datetime

    from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow, Source
    from vigil.trends.report import collect_pairs, store_pairs
    from vigil.trends.segments import build_segmenter

    with store.session() as session:
        source = Source(name="s")
        session.add(source)
        session.flush()
        docs = [
            DocumentRow(source_id=source.id, doc_id=f"d{i}", text=text, kind="sex_ad", platform="Board", lang="en",
                        posted_at=datetime(2026, 5, 4 + i, tzinfo=UTC), images=[], meta={})
            for i, text in enumerate(["Ukrainian girl", "Slavic girl", "companion"])
        ]
        session.add_all(docs)
        session.flush()
        session.add(AnalysisRow(document_pk=docs[0].pk, lang="en", result={"indicators": [{"id": "nationality"}]}))
        session.add(DocumentIndicator(document_pk=docs[1].pk, indicator="youth"))
    pairs = list(store_pairs(store))
    assert [d.id for d, _ in pairs] == ["d0", "d1", "d2"]
    assert pairs[0][1] == {"indicators": [{"id": "nationality"}], "lang": "en"}
    assert pairs[1][1] == {"indicators": [{"id": "youth"}]}
    assert pairs[2][1] is None
    collected = collect_pairs(pairs, build_segmenter(), analyzer=lambda doc: {"indicators": [{"id": "third_party"}]})
    table = collected.builder.build(Freq.WEEK)
    assert {s for s in table.segments if s.startswith(("indicator:", "term:"))} == {
        "indicator:nationality", "indicator:youth", "indicator:third_party", "term:ukrainian", "term:slavic",
    }
