"""The platform map in the app, per role, on SQLite: sortable ranked map, comparison, platform page, API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from platforms_support import Doc, put_alert, put_documents
from web_support import TestClient, create_account, login, new_client

from vigil.platforms.audit import parse_settings, run_checks, store_audit
from vigil.platforms.catalogue import parse_yaml
from vigil.platforms.registry import find_platform, save_entries
from vigil.settings import Settings
from vigil.store import Store
from vigil.web import security
from vigil.web.app import create_app
from vigil.web.permissions import Role

MAP = """\
platforms:
  - name: Example Jobs
    category: job_classified
    domains: [example-jobs.test]
    source: synthetic jobs source
  - name: Example Chat
    category: messaging
    source: synthetic chat source
"""
READERS = {Role.ADMIN, Role.ANALYST, Role.MODERATOR, Role.VIEWER}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    store = Store.open(settings)
    with store.session() as session:
        save_entries(session, parse_yaml(MAP), "map.yaml")
        audit = parse_settings("source: synthetic test account\nminor_account_defaults:\n  geolocation_sharing: true\n")
        store_audit(session, find_platform(session, "Example Chat"), audit, run_checks(audit))
    put_documents(store, [Doc(f"j{i}", url=f"https://example-jobs.test/{i}", level="high", indicators=("urgency",))
                          for i in range(5)])
    put_documents(store, [Doc("elsewhere", platform="Unlisted Forum")])
    put_alert(store, "platform:example jobs")
    try:
        yield create_app(settings, store=store)
    finally:
        store.close()


def _client(app: FastAPI, role: Role) -> TestClient:
    account = create_account(app, role, name=f"p-{role.value}")
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def _ids(app: FastAPI) -> dict[str, int]:
    with app.state.store.session() as session:
        return {name: find_platform(session, name).id for name in ("Example Jobs", "Example Chat")}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_map_as_the_table_says(web_app: FastAPI, role: Role) -> None:
    client = _client(web_app, role)
    ids = _ids(web_app)
    paths = ["/platforms", f"/platforms/{ids['Example Chat']}", "/api/v1/platforms", f"/api/v1/platforms/{ids['Example Jobs']}"]
    for path in paths:
        status = client.get(path).status_code
        assert status == (200 if role in READERS else 403), (path, status)


def test_map_ranks_sorts_and_compares(web_app: FastAPI) -> None:
    client = _client(web_app, Role.ANALYST)
    ids = _ids(web_app)
    page = client.get("/platforms")
    assert page.text.index('data-platform="Example Jobs"') < page.text.index('data-platform="Example Chat"')
    assert "Unlisted Forum" in page.text  # a site the map does not know yet
    by_name = client.get("/platforms", params={"sort": "name"})
    assert by_name.text.index('data-platform="Example Chat"') < by_name.text.index('data-platform="Example Jobs"')
    compared = client.get("/platforms", params={"a": ids["Example Chat"], "b": ids["Example Jobs"]})
    assert "Example Jobs ranks above Example Chat by" in compared.text
    assert "5 high-risk leads of 5 documents" in compared.text
    assert client.get("/platforms", params={"sort": "volume"}).status_code == 422
    assert client.get("/platforms", params={"a": 999999, "b": ids["Example Jobs"]}).status_code == 404


def test_platform_page_shows_sources_figures_over_time_and_audit(web_app: FastAPI) -> None:
    client = _client(web_app, Role.VIEWER)
    ids = _ids(web_app)
    jobs = client.get(f"/platforms/{ids['Example Jobs']}").text
    assert "synthetic jobs source" in jobs and "2026-04" in jobs and "Not audited yet" in jobs
    chat = client.get(f"/platforms/{ids['Example Chat']}").text
    assert "geolocation_off" in chat and "result-fail" in chat and "ICO Children&#39;s code standard 10" in chat
    api = client.get(f"/api/v1/platforms/{ids['Example Chat']}").json()
    assert {c["result"] for c in api["checks"]} == {"fail", "unknown"}
    assert api["facts"][0]["source"] == "synthetic chat source"
    ranked = client.get("/api/v1/platforms").json()
    assert [r["name"] for r in ranked] == ["Example Jobs", "Example Chat"]
    assert client.get("/platforms/999999").status_code == 404


def test_anonymous_is_refused(web_app: FastAPI) -> None:
    client = new_client(web_app)
    assert client.get("/api/v1/platforms").status_code == 401
    assert client.get("/platforms", follow_redirects=False).status_code in (303, 401)
