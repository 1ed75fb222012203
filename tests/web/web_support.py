"""Helpers for web tests: a test client on HTTPS, accounts, logging in, the session's CSRF token."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from vigil.store import Store
from vigil.web import auth
from vigil.web.permissions import Role

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork; the test client works the same with httpx.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]

PASSWORD = "correct-horse-battery"
#: HTTPS, so the Secure session cookie is sent back exactly as a browser would.
BASE_URL = "https://testserver"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


@dataclass(frozen=True)
class Account:
    name: str
    password: str
    role: Role


def new_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)


def create_account(app: FastAPI, role: Role | str, name: str | None = None, password: str | None = None) -> Account:
    store: Store = app.state.store
    account_name = name or f"{Role(role).value}-user"
    secret = password or PASSWORD
    with store.session() as session:
        auth.create_user(session, account_name, role, secret)
    return Account(account_name, secret, Role(role))


def login_form_token(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    found = CSRF_INPUT.search(page.text)
    assert found is not None
    return found.group(1)


def login(client: TestClient, name: str, password: str, next_path: str = "/") -> httpx.Response:
    token = login_form_token(client)
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, as every page embeds it (``<meta name="csrf-token">``)."""
    page = client.get("/login")
    found = CSRF_META.search(page.text)
    assert found is not None and found.group(1)
    return found.group(1)
