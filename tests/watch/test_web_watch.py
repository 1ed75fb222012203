"""Watches and notifications in the app and the API, per role, with every watch change audited."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from web_support import TestClient, create_account, csrf_of, login, new_client

from vigil.settings import Settings
from vigil.store import Store
from vigil.watch import match_new_documents
from vigil.web import security
from vigil.web.app import create_app
from vigil.web.models import AuditEntry
from vigil.web.permissions import Role

Ingest = Callable[[Sequence[dict[str, Any]]], list[int]]
AD = {"id": "ad-7", "text": "Praca od zaraz, zakwaterowanie zapewnione, dzwoń 501 234 567", "lang": "pl"}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    store = Store.open(settings)
    try:
        yield create_app(settings, store=store)
    finally:
        store.close()


@pytest.fixture
def ingest_here(web_app: FastAPI, ingest_into: Callable[[Store, Sequence[dict[str, Any]]], list[int]]) -> Ingest:
    def run(documents: Sequence[dict[str, Any]]) -> list[int]:
        return ingest_into(web_app.state.store, documents)

    return run


def _client(app: FastAPI, role: Role, name: str) -> TestClient:
    account = create_account(app, role, name=name)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def _actions(app: FastAPI) -> list[str]:
    with app.state.store.session() as session:
        return [a for a in session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)) if a.startswith("watch.")]


def test_an_analyst_watches_reads_notifications_and_stops_watching(web_app: FastAPI, ingest_here: Ingest) -> None:
    client = _client(web_app, Role.ANALYST, "ana")
    token = csrf_of(client)
    created = client.post("/api/v1/watches", json={"kind": "identifier", "value": "+48 501 234 567"}, headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.text
    watch = created.json()
    assert watch["target"] == "phone:+48501234567"
    assert [w["id"] for w in client.get("/api/v1/watches").json()] == [watch["id"]]
    pks = ingest_here([AD])
    assert match_new_documents(web_app.state.store, pks) == 1
    listed = client.get("/api/v1/notifications").json()
    assert listed["unread"] == 1 and listed["items"][0]["document"] == {"pk": pks[0], "id": "ad-7"}
    page = client.get("/notifications")
    assert page.status_code == 200 and 'class="count">1<' in page.text and f"/documents/{pks[0]}" in page.text
    marked = client.post("/notifications/read", data={"csrf_token": token}, follow_redirects=False)
    assert marked.status_code == 303
    assert client.get("/api/v1/notifications?unread=true").json() == {"unread": 0, "items": []}
    assert 'class="count"' not in client.get("/watches").text
    assert client.delete(f"/api/v1/watches/{watch['id']}", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/v1/watches").json() == []
    assert _actions(web_app) == ["watch.add", "watch.remove"]


def test_watch_buttons_and_the_watches_page(web_app: FastAPI) -> None:
    client = _client(web_app, Role.ANALYST, "ana")
    token = csrf_of(client)
    added = client.post("/watches", data={"csrf_token": token, "kind": "search", "value": "zakwaterowanie",
                                          "doc_kind": "job_ad", "next": "/documents"}, follow_redirects=False)
    assert (added.status_code, added.headers["location"]) == (303, "/documents")
    page = client.get("/watches")
    assert "zakwaterowanie kind:job_ad" in page.text and "Stop watching" in page.text
    refused = client.post("/watches", data={"csrf_token": token, "kind": "identifier", "value": "+48501234567",
                                            "webhook_url": "ftp://example.org/", "next": "https://elsewhere.example/"})
    assert refused.status_code == 422 and "http:// or https://" in refused.text
    offsite = client.post("/watches", data={"csrf_token": token, "kind": "identifier", "value": "+48501234567",
                                            "next": "//elsewhere.example/"}, follow_redirects=False)
    assert offsite.headers["location"] == "/watches"
    assert _actions(web_app) == ["watch.add", "watch.add"]


def test_one_analyst_cannot_see_or_remove_anothers_watch(web_app: FastAPI) -> None:
    ana, bo = _client(web_app, Role.ANALYST, "ana"), _client(web_app, Role.ADMIN, "bo")
    made = ana.post("/api/v1/watches", json={"kind": "search", "value": "praca"}, headers={"X-CSRF-Token": csrf_of(ana)})
    assert made.status_code == 201
    assert bo.get("/api/v1/watches").json() == []
    gone = bo.delete(f"/api/v1/watches/{made.json()['id']}", headers={"X-CSRF-Token": csrf_of(bo)})
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    removed = bo.post(f"/watches/{made.json()['id']}/remove", data={"csrf_token": csrf_of(bo)}, follow_redirects=False)
    assert removed.status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.ADMIN, True), (Role.ANALYST, True), (Role.MODERATOR, False), (Role.VIEWER, False), (Role.PARTNER, False)],
)
def test_watches_are_for_roles_that_see_contacts(web_app: FastAPI, role: Role, allowed: bool) -> None:
    client = _client(web_app, role, f"user-{role.value}")
    assert (client.get("/api/v1/watches").status_code == 200) == allowed
    assert (client.get("/notifications").status_code == 200) == allowed
    assert ('href="/notifications"' in client.get("/account").text) == allowed


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "identifier", "value": "no identifier here"}, 422),
        ({"kind": "identifier"}, 422),
        ({"kind": "network", "value": "c-0000"}, 404),
        ({"kind": "search", "filters": {"sort": "risk"}}, 422),
        ({"kind": "colour", "value": "red"}, 422),
        ({"kind": "search", "value": "praca", "webhook_url": "https://hooks.example.org/x"}, 201),
    ],
)
def test_api_refuses_watches_that_cannot_match(web_app: FastAPI, body: dict[str, Any], status: int) -> None:
    client = _client(web_app, Role.ANALYST, "ana")
    response = client.post("/api/v1/watches", json=body, headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == status, response.text
