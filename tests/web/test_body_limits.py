"""Request bodies are limited per route, refused with 413 before authentication and before being read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from web_support import Account, TestClient, login, login_form_token, new_client

from vigil.web import auth
from vigil.web.app import QUERY_CHECK_PATH, create_app
from vigil.web.permissions import Role

CHUNK = 65_536


class Upload:
    """A client sending a body in chunks straight to the ASGI app, counting what the app pulls."""

    def __init__(self, total: int, declared: bool) -> None:
        self.total = total
        self.declared = declared
        self.pulled = 0
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        size = min(CHUNK, self.total - self.pulled)
        self.pulled += size
        return {"type": "http.request", "body": b"x" * size, "more_body": self.pulled < self.total}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def run(self, app: FastAPI, path: str, content_type: str = "application/json") -> Upload:
        headers = [(b"host", b"testserver"), (b"content-type", content_type.encode())]
        if self.declared:
            headers.append((b"content-length", str(self.total).encode()))
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "https", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": headers, "client": ("203.0.113.7", 40000), "server": ("testserver", 443),
        }  # fmt: skip
        # In a thread of its own: the browser tests' Playwright may hold this thread's event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(anyio.run, app, scope, self.receive, self.send).result()
        return self


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    ("path", "content_type", "json_shape"),
    [
        (QUERY_CHECK_PATH, "application/json", True),
        ("/api/v1/campaigns", "application/json", True),
        ("/login", "application/x-www-form-urlencoded", False),
    ],
)
def test_anonymous_huge_body_is_refused_unread(
    web_app: FastAPI, declared: bool, path: str, content_type: str, json_shape: bool
) -> None:
    settings = web_app.state.settings
    upload = Upload(200 * 1024 * 1024, declared).run(web_app, path, content_type)
    assert upload.status == 413
    limit = settings.max_query_check_body_bytes if path == QUERY_CHECK_PATH else settings.max_body_bytes
    # With a declared length nothing is read; a chunked body is cut off at the limit.
    assert upload.pulled == (0 if declared else (limit // CHUNK + 1) * CHUNK)
    assert "x-correlation-id" in upload.headers
    if json_shape:
        error = json.loads(upload.body)["error"]
        assert error["code"] == "too_large" and str(limit) in error["message"]
        assert error["correlation_id"] == upload.headers["x-correlation-id"]
    else:
        assert upload.headers["content-type"].startswith("text/html")


@pytest.fixture
def partner_key(web_app: FastAPI) -> str:
    with web_app.state.store.session() as session:
        user = auth.create_user(session, "ngo-admin", Role.ADMIN, "correct-horse-battery")
        _row, key = auth.create_api_key(session, user, "test")
    return key


def _batch(size: int) -> bytes:
    query = "робота за кордоном без документів " * 28  # about 1 KB of UTF-8
    body = json.dumps({"queries": [query[:999]] * size}, ensure_ascii=False).encode()
    return body


@pytest.mark.parametrize(("path", "body", "status"), [
    (QUERY_CHECK_PATH, _batch(1000), 200),  # a full batch (about 1.7 MB) fits its own limit
    ("/api/v1/campaigns", _batch(200), 413),  # the same bytes anywhere else do not
    ("/api/v1/campaigns", b'{"name": "x"}', 422),  # small bodies go on to validation
])  # fmt: skip
def test_limits_are_per_route(web_app: FastAPI, partner_key: str, path: str, body: bytes, status: int) -> None:
    with new_client(web_app) as client:
        response = client.post(
            path, content=body, headers={"Authorization": f"Bearer {partner_key}", "Content-Type": "application/json"}
        )
    assert response.status_code == status, response.text[:300]


def test_form_posts_within_the_limit_still_work(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.VIEWER)
    client = new_client(web_app)
    assert login(client, account.name, account.password).status_code == 303
    padded = new_client(web_app)
    token = login_form_token(padded)
    oversized = padded.post(
        "/login",
        data={"name": account.name, "password": account.password, "csrf_token": token, "next": "/" + "a" * 300_000},
        follow_redirects=False,
    )
    assert oversized.status_code == 413


def test_settings_change_the_limit(web_app: FastAPI) -> None:
    small = web_app.state.settings.model_copy(update={"max_body_bytes": 2048})
    with new_client(create_app(small, store=web_app.state.store)) as client:
        response = client.post("/api/v1/campaigns", content=b"{" + b" " * 2048 + b"}")
    assert response.status_code == 413
    assert "2048 bytes" in response.json()["error"]["message"]


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * CHUNK
        sent += CHUNK


def test_chunked_body_through_the_test_client(client: TestClient) -> None:
    response = client.post(QUERY_CHECK_PATH, content=_chunks(8 * 1024 * 1024), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
