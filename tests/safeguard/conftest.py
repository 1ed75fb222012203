"""Fixtures for the safeguarding API: the real app, API keys per role."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from web_support import TestClient, new_client

from vigil.settings import Settings
from vigil.store import Store
from vigil.web import auth, security
from vigil.web.app import create_app


@pytest.fixture
def web_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    monkeypatch.setattr(
        security, "PASSWORDS", security.Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    )
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
def api_key(web_app: FastAPI) -> Callable[[str], dict[str, str]]:
    """A factory: ``Authorization`` headers for a fresh account of the given role."""
    made: list[str] = []

    def make(role: str) -> dict[str, str]:
        store: Store = web_app.state.store
        with store.session() as session:
            user = auth.create_user(session, f"{role}-{uuid.uuid4().hex[:12]}", role, "correct-horse-battery")
            _row, key = auth.create_api_key(session, user, "test")
        made.append(key)
        return {"Authorization": f"Bearer {key}"}

    return make
