"""The identifier page and API for each role, the search box hand-over, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import TestClient

from vigil.store import Store
from vigil.web.models import AuditEntry
from vigil.web.permissions import PERMISSIONS, Role, declared_routes

CONTACT_ROLES = {Role.ADMIN, Role.ANALYST}
LOOKUP_ROUTES = {("GET", "/identifiers/{value}"), ("GET", "/api/v1/identifiers/{value}")}


def test_lookups_are_limited_to_roles_that_see_contacts(loaded_app: FastAPI) -> None:
    routes = {(r.method, r.path): r for r in declared_routes(loaded_app)}
    for key in LOOKUP_ROUTES:
        assert {role for role in Role if routes[key].allows(role)} == CONTACT_ROLES, key
    assert PERMISSIONS["documents:contacts"] == CONTACT_ROLES


@pytest.mark.parametrize("role", list(Role))
def test_api_answers_each_role(client_as: Callable[[Role], TestClient], role: Role) -> None:
    response = client_as(role).get("/api/v1/identifiers/" + quote("07400 123456", safe=""))
    if role not in CONTACT_ROLES:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["kind"], body["exact"], body["total"], body["truncated"]) == ("phone", False, 3, False)
    assert [item["id"] for item in body["items"]] == ["uk-1", "uk-2", "uk-3"]
    assert {item["identifier"] for item in body["items"]} == {"+447400123456"}
    timeline = body["timeline"]
    assert [stop["place"] for stop in timeline["movement"]] == ["Leeds", "York", "Manchester"]
    assert [p["platform"] for p in timeline["platforms"]] == ["ads.example", "escorts.example"]
    assert len(timeline["networks"]) == 1 and timeline["networks"][0]["ads"] == 3
    assert 21 in timeline["ages"]
    assert "Anna" in [n["name"] for n in timeline["names"]]


@pytest.mark.parametrize("role", list(Role))
def test_page_answers_each_role(client_as: Callable[[Role], TestClient], role: Role) -> None:
    response = client_as(role).get("/identifiers/t.me/anna_vip", follow_redirects=False)
    if role not in CONTACT_ROLES:
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.text
    assert "telegram:anna_vip" in response.text
    assert "Leeds" in response.text and "Manchester" in response.text
    assert "/documents/" in response.text


@pytest.mark.parametrize(
    ("value", "status"),
    [("hello world", 422), ("+44 7400 123 455", 200), ("anna.k at gmail dot com", 200)],
)
def test_api_refuses_what_is_not_an_identifier(client_as: Callable[[Role], TestClient], value: str, status: int) -> None:
    response = client_as(Role.ANALYST).get("/api/v1/identifiers/" + quote(value, safe=""))
    assert response.status_code == status
    if status == 422:
        assert response.json()["error"]["code"] == "invalid_input"


def test_limit_truncates(client_as: Callable[[Role], TestClient]) -> None:
    body = client_as(Role.ADMIN).get("/api/v1/identifiers/%2B447400123456", params={"limit": 2}).json()
    assert (body["total"], body["truncated"]) == (2, True)


def test_search_box_sends_identifiers_to_their_page(client_as: Callable[[Role], TestClient]) -> None:
    analyst = client_as(Role.ANALYST)
    response = analyst.get("/documents", params={"q": "+44 740 012 345 6"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/identifiers/" + quote("+44 740 012 345 6", safe="")
    assert analyst.get("/documents", params={"q": "Leeds"}, follow_redirects=False).status_code == 200
    assert analyst.get("/documents", params={"q": "+447400123456", "kind": "sex_ad"}, follow_redirects=False).status_code == 200
    htmx = analyst.get("/documents", params={"q": "@anna_vip"}, headers={"HX-Request": "true", "HX-Target": "results"})
    assert htmx.headers["HX-Redirect"] == "/identifiers/%40anna_vip"
    viewer = client_as(Role.VIEWER)
    assert viewer.get("/documents", params={"q": "+447400123456"}, follow_redirects=False).status_code == 200


def test_every_lookup_is_audited_with_who_and_what(loaded_app: FastAPI, client_as: Callable[[Role], TestClient]) -> None:
    client = client_as(Role.ANALYST)
    client.get("/api/v1/identifiers/%40anna_vip")
    client.get("/identifiers/anna.k%40gmail.com")
    client_as(Role.VIEWER).get("/api/v1/identifiers/%40anna_vip")
    store: Store = loaded_app.state.store
    with store.session() as session:
        entries = session.execute(
            sa.select(AuditEntry.actor_role, AuditEntry.target_id, AuditEntry.details).where(AuditEntry.action == "identifier.lookup")
        ).all()
    assert [(e.actor_role, e.target_id, e.details["via"], e.details["documents"]) for e in entries] == [
        ("analyst", "anna_vip", "api", 2),
        ("analyst", "anna.k@gmail.com", "page", 1),
    ]
