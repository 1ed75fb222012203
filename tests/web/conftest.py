"""Fixtures for the web app: an app on a temporary store, clients, accounts per role."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from web_support import Account, TestClient, create_account, login, new_client

from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.web import security
from vigil.web.app import create_app
from vigil.web.permissions import Role


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small parameters: the same code path, milliseconds instead of a second per hash."""
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated SQLite database, made once and copied for each test (migrating is the slow part)."""
    data_dir = tmp_path_factory.mktemp("template") / "vigil-data"
    Store.open(load_settings(data_dir=data_dir, database_url="")).close()
    return data_dir / "vigil.db"


@pytest.fixture
def web_app(settings: Settings, migrated_sqlite: Path) -> Iterator[FastAPI]:
    """The app on a fresh SQLite store (cookies marked Secure, as in production)."""
    target = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite, target)
    store = Store.open(settings)
    try:
        yield create_app(settings, store=store)
    finally:
        store.close()


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with new_client(web_app) as test_client:
        yield test_client


@pytest.fixture
def make_account(web_app: FastAPI) -> Callable[..., Account]:
    def make(role: Role | str, name: str | None = None, password: str | None = None) -> Account:
        return create_account(web_app, role, name, password)

    return make


@pytest.fixture
def logged_in(web_app: FastAPI) -> Iterator[Callable[[Role | str], TestClient]]:
    """A factory: a client logged in as a fresh account of the given role."""
    clients: list[TestClient] = []

    def make(role: Role | str) -> TestClient:
        account = create_account(web_app, role, name=f"{Role(role).value}-{len(clients)}")
        test_client = new_client(web_app)
        response = login(test_client, account.name, account.password)
        assert response.status_code == 303, response.text
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.close()
