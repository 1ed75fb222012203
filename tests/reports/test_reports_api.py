"""POST /api/v1/reports and GET /api/v1/reports/{receipt}: tables of valid and invalid notices,
idempotency, the per-client rate limit, trusted flaggers, and what a reporter may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import TestClient, create_account, new_client

from vigil.reports.models import Report, ReportClientHit, ReportedItem
from vigil.store import Store
from vigil.web import auth
from vigil.web.permissions import Role

BASE: dict[str, Any] = {
    "category": "forced_labour",
    "urls": ["https://ads.example.org/job/1"],
    "explanation": "A job offer in Italy asks for a fee and keeps passports.",
    "good_faith": True,
}


def _store(app: FastAPI) -> Store:
    store: Store = app.state.store
    return store


def _count(app: FastAPI, table: Any) -> int:
    with _store(app).session() as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


#: One valid notice per language of the form, each in that language, plus the other categories.
VALID = [
    pytest.param({"language": "uk", "category": "trafficking", "explanation": "Пропонують роботу за кордоном і забирають паспорти."}, id="uk"),
    pytest.param({"language": "ru", "category": "sexual_exploitation", "explanation": "Объявление предлагает девушек из Украины, новеньких."}, id="ru"),
    pytest.param({"language": "en", "category": "other", "explanation": "This post offers free housing to refugees in exchange for work."}, id="en"),
    pytest.param({"language": "pl", "category": "forced_labour", "explanation": "Oferta pracy bez umowy, pracodawca zatrzymuje dokumenty."}, id="pl"),
    pytest.param({"language": "de", "category": "trafficking", "explanation": "Die Anzeige verlangt eine Vermittlungsgebühr und behält Pässe ein."}, id="de"),
    pytest.param({"language": "cs", "category": "forced_labour", "explanation": "Nabídka práce vyžaduje poplatek předem a ubytování zdarma."}, id="cs"),
    pytest.param({"language": "ro", "category": "child_sexual_exploitation", "explanation": "Anunțul oferă fete foarte tinere, sub 18 ani."}, id="ro"),
    pytest.param({"immediate_danger": True, "country": "pl", "platform": "ads", "reporter_name": "A. Tester",
                  "reporter_email": "tester@example.org", "urls": ["https://ads.example.org/a", "https://ads.example.org/b"]},
                 id="danger-two-urls-contact"),
]

INVALID = [
    pytest.param({"category": "spam"}, id="unknown-category"),
    pytest.param({"urls": []}, id="no-url"),
    pytest.param({"urls": ["javascript:alert(1)"]}, id="javascript-url"),
    pytest.param({"urls": ["ftp://example.org/x"]}, id="ftp-url"),
    pytest.param({"urls": ["https://example.org/" + "a" * 2100]}, id="url-too-long"),
    pytest.param({"urls": [f"https://example.org/{i}" for i in range(21)]}, id="too-many-urls"),
    pytest.param({"explanation": "short"}, id="explanation-too-short"),
    pytest.param({"explanation": "x" * 5001}, id="explanation-too-long"),
    pytest.param({"explanation": "has a \x00 null byte in it"}, id="control-characters"),
    pytest.param({"good_faith": False}, id="no-good-faith"),
    pytest.param({"country": "POL"}, id="country-three-letters"),
    pytest.param({"language": "ukr"}, id="language-three-letters"),
    pytest.param({"reporter_email": "not-an-address"}, id="bad-email"),
    pytest.param({"reporter_name": "n" * 201}, id="name-too-long"),
    pytest.param({"image": "data:image/png;base64,AAAA"}, id="no-uploads"),
    pytest.param({"urls": "https://example.org/x"}, id="urls-not-a-list"),
    pytest.param({"immediate_danger": "maybe"}, id="danger-not-boolean"),
]


@pytest.mark.parametrize("change", VALID)
def test_valid_notice_is_stored_once_and_its_receipt_shows_status(client: TestClient, web_app: FastAPI, change: dict[str, Any]) -> None:
    response = client.post("/api/v1/reports", json={**BASE, **change})
    assert response.status_code == 201, response.text
    receipt = response.json()["receipt"]
    assert set(response.json()) == {"receipt"}
    with _store(web_app).session() as session:
        rows = session.scalars(sa.select(Report).where(Report.receipt == receipt)).all()
        assert len(rows) == 1
        assert rows[0].urls == change.get("urls", BASE["urls"])
    status = client.get(f"/api/v1/reports/{receipt}")
    assert status.status_code == 200
    body = status.json()
    assert body["status"] == "in_review" and body["receipt"] == receipt
    text = status.text
    for internal in ("explanation", "reporter", "tester@example.org", "moderator", "priority", "analysis"):
        assert internal not in text


@pytest.mark.parametrize("change", INVALID)
def test_invalid_notice_is_refused_and_nothing_stored(client: TestClient, web_app: FastAPI, change: dict[str, Any]) -> None:
    response = client.post("/api/v1/reports", json={**BASE, **change})
    assert response.status_code == 422, response.text
    assert "error" in response.json()
    assert _count(web_app, Report) == 0


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"null", b'"x"', "{\"category\": \"\u0000\"}".encode()])
def test_malformed_bodies_are_422_not_500(client: TestClient, body: bytes) -> None:
    response = client.post("/api/v1/reports", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize("receipt", ["nope", "AAAA-AAAA-AAAA", "aaaa-bbbb-cccc-dddd-eeee", "'; drop table reports;--"])
def test_malformed_receipts_are_refused(client: TestClient, receipt: str) -> None:
    assert client.get(f"/api/v1/reports/{receipt}").status_code in (404, 422)


def test_unknown_receipt_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/reports/AAAA-BBBB-CCCC-DDDD").status_code == 404


def test_child_exploitation_reports_keep_no_contact(client: TestClient, web_app: FastAPI) -> None:
    body = {**BASE, "category": "child_sexual_exploitation", "reporter_name": "X", "reporter_email": "x@example.org"}
    assert client.post("/api/v1/reports", json=body).status_code == 201
    with _store(web_app).session() as session:
        report = session.scalars(sa.select(Report)).one()
        assert report.contact_sealed is None and report.contact_expires_at is None


def test_idempotency_key_returns_the_same_receipt_and_stores_once(client: TestClient, web_app: FastAPI) -> None:
    headers = {"Idempotency-Key": "retry-123"}
    first = client.post("/api/v1/reports", json=BASE, headers=headers)
    second = client.post("/api/v1/reports", json=BASE, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert _count(web_app, Report) == 1
    other = client.post("/api/v1/reports", json={**BASE, "explanation": "A different report entirely."}, headers=headers)
    assert other.status_code == 422
    assert _count(web_app, Report) == 1
    assert client.post("/api/v1/reports", json=BASE, headers={"Idempotency-Key": "k" * 201}).status_code == 422


def test_rate_limit_per_client_is_kept_in_the_database(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(reports_rate_limit=2)
    client = new_client(app)
    codes = [client.post("/api/v1/reports", json={**BASE, "urls": [f"https://example.org/{i}"]}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    refused = client.post("/api/v1/reports", json=BASE)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert _count(app, Report) == 2
    assert _count(app, ReportClientHit) == 2
    with _store(app).session() as session:
        clients = session.scalars(sa.select(ReportClientHit.client)).all()
    assert all("testclient" not in c and len(c) == 64 for c in clients), "addresses are kept hashed"


def test_trusted_flagger_key_gets_priority_and_no_rate_limit(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(reports_rate_limit=1)
    create_account(app, Role.PARTNER, name="la-strada-test")
    with _store(app).session() as session:
        user = auth.find_user(session, "la-strada-test")
        assert user is not None
        _key, secret = auth.create_api_key(session, user, "flagging")
    client = new_client(app)
    for i in range(3):
        response = client.post("/api/v1/reports", json={**BASE, "urls": [f"https://example.org/{i}"]}, headers={"X-API-Key": secret})
        assert response.status_code == 201
    with _store(app).session() as session:
        reports = session.scalars(sa.select(Report)).all()
        assert {r.source for r in reports} == {"trusted_flagger"}
        assert {r.priority for r in reports} == {0}
        assert {r.flagger_name for r in reports} == {"la-strada-test"}
    # A viewer's key is no trusted flagger: an ordinary, rate-limited public report.
    create_account(app, Role.VIEWER, name="viewer-test")
    with _store(app).session() as session:
        viewer = auth.find_user(session, "viewer-test")
        assert viewer is not None
        _key, viewer_secret = auth.create_api_key(session, viewer, "v")
    response = client.post("/api/v1/reports", json=BASE, headers={"X-API-Key": viewer_secret})
    assert response.status_code == 201
    with _store(app).session() as session:
        assert session.scalars(sa.select(Report).where(Report.source == "article_16")).one().priority == 3  # forced labour: the trafficking tier


def test_same_url_reported_many_times_is_one_item_with_a_count(client: TestClient, web_app: FastAPI) -> None:
    spellings = ["https://ads.example.org/job/9", "http://www.ads.example.org/job/9/", "HTTPS://ADS.example.org/job/9#top"]
    for url in spellings:
        assert client.post("/api/v1/reports", json={**BASE, "urls": [url]}).status_code == 201
    with _store(web_app).session() as session:
        items = session.scalars(sa.select(ReportedItem)).all()
    assert len(items) == 1
    assert items[0].report_count == 3
