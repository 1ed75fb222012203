"""Fixtures for notice and action: the app on a fresh SQLite store, moderators, a stored and
analysed document, and a real local SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from fastapi import FastAPI
from reports_support import Mailbox
from web_support import TestClient, new_client

from vigil.settings import Settings, load_settings
from vigil.store import Store
from vigil.web import security
from vigil.web.app import create_app


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("template") / "vigil-data"
    Store.open(load_settings(data_dir=data_dir, database_url="")).close()
    return data_dir / "vigil.db"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def make_app(tmp_path: Path, migrated_sqlite: Path) -> Iterator[Callable[..., FastAPI]]:
    """Build the app on a fresh copy of the migrated store, with extra settings."""
    stores: list[Store] = []

    def make(**overrides: Any) -> FastAPI:
        settings = load_settings(data_dir=tmp_path / "vigil-data", database_url="", **overrides)
        target = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(migrated_sqlite, target)
        store = Store.open(settings)
        stores.append(store)
        return create_app(settings, store=store)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def web_app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
def settings_of() -> Callable[[FastAPI], Settings]:
    def of(app: FastAPI) -> Settings:
        settings: Settings = app.state.settings
        return settings

    return of


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with new_client(web_app) as test_client:
        yield test_client
