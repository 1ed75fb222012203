"""Logging in and out, throttling, CSRF, API keys, cookies, security headers, the secret key."""

from __future__ import annotations

import stat
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import PASSWORD, Account, TestClient, create_account, csrf_of, login, login_form_token, new_client

from vigil.errors import InputError
from vigil.settings import Settings
from vigil.store import Store
from vigil.web import auth, security
from vigil.web.errors import SECURITY_HEADERS
from vigil.web.models import User
from vigil.web.permissions import Role


def test_login_sets_a_hardened_session_cookie(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.ANALYST)
    client = new_client(web_app)
    response = login(client, account.name, account.password, next_path="/api/v1/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/api/v1/me"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(auth.SESSION_COOKIE))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["name"] == account.name
    assert me.json()["role"] == "analyst"
    assert me.json()["via"] == "session"


def test_password_is_stored_as_argon2id(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.VIEWER)
    store: Store = web_app.state.store
    with store.session() as session:
        user = auth.find_user(session, account.name)
        assert isinstance(user, User)
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("analyst-user", "wrong-password-123"),
        ("nobody", PASSWORD),
        ("analyst-user", ""),
        ("", ""),
    ],
)
def test_wrong_credentials_are_refused_alike(
    web_app: FastAPI, make_account: Callable[..., Account], name: str, password: str
) -> None:
    make_account(Role.ANALYST)
    client = new_client(web_app)
    response = login(client, name, password)
    assert response.status_code == 401
    assert "Wrong user name or password" in response.text
    assert not any(c.startswith(auth.SESSION_COOKIE) for c in response.headers.get_list("set-cookie"))
    assert client.get("/api/v1/me").status_code == 401


def test_disabled_account_cannot_log_in_and_loses_its_sessions(
    web_app: FastAPI, make_account: Callable[..., Account]
) -> None:
    account = make_account(Role.ANALYST)
    client = new_client(web_app)
    assert login(client, account.name, account.password).status_code == 303
    store: Store = web_app.state.store
    with store.session() as session:
        user = auth.find_user(session, account.name)
        assert user is not None
        auth.set_active(session, user, False)
    assert client.get("/api/v1/me").status_code == 401
    assert login(new_client(web_app), account.name, account.password).status_code == 401


def test_logout_ends_the_session_server_side(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.VIEWER)
    client = new_client(web_app)
    login(client, account.name, account.password)
    stolen = dict(client.cookies)
    token = csrf_of(client)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    replay = new_client(web_app)
    replay.cookies.update(stolen)
    assert replay.get("/api/v1/me").status_code == 401


def test_html_page_redirects_anonymous_to_login(client: TestClient) -> None:
    response = client.get("/users", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fusers"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/documents?q=a%20b&page=2", "/documents?q=a%20b&page=2"),
    ],
)
def test_login_only_redirects_within_the_site(
    web_app: FastAPI, make_account: Callable[..., Account], target: str, location: str
) -> None:
    account = make_account(Role.VIEWER)
    response = login(new_client(web_app), account.name, account.password, next_path=target)
    assert response.status_code == 303
    assert response.headers["location"] == location


def test_login_form_requires_its_csrf_token(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.VIEWER)
    client = new_client(web_app)
    client.get("/login")
    for token in ("", "forged-token"):
        response = client.post(
            "/login", data={"name": account.name, "password": account.password, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 403
    # A token from another browser's form does not fit this browser's cookie.
    other = new_client(web_app)
    foreign = login_form_token(other)
    fresh = new_client(web_app)
    response = fresh.post(
        "/login", data={"name": account.name, "password": account.password, "csrf_token": foreign}, follow_redirects=False
    )
    assert response.status_code == 403


def test_unsafe_request_with_session_needs_csrf_token(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.VIEWER)
    client = new_client(web_app)
    login(client, account.name, account.password)
    refused = client.post("/logout", follow_redirects=False)
    assert refused.status_code == 403
    wrong = client.post("/logout", headers={"X-CSRF-Token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert client.get("/api/v1/me").status_code == 200, "a refused request must not have logged out"
    accepted = client.post("/logout", headers={"X-CSRF-Token": csrf_of(client)}, follow_redirects=False)
    assert accepted.status_code == 303


def test_login_throttle_locks_out_after_repeated_failures(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.ANALYST)
    client = new_client(web_app)
    for _ in range(web_app.state.settings.login_max_failures):
        assert login(client, account.name, "wrong-password-xyz").status_code == 401
    locked = login(client, account.name, account.password)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert not any(c.startswith(auth.SESSION_COOKIE) for c in locked.headers.get_list("set-cookie"))


def _api_key(app: FastAPI, account: Account) -> tuple[int, str]:
    store: Store = app.state.store
    with store.session() as session:
        user = auth.find_user(session, account.name)
        assert user is not None
        row, key = auth.create_api_key(session, user, "test")
        return row.id, key


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_api_key_authenticates_machine_clients(
    web_app: FastAPI, make_account: Callable[..., Account], header: str
) -> None:
    account = make_account(Role.PARTNER)
    _key_id, key = _api_key(web_app, account)
    headers = {"Authorization": f"Bearer {key}"} if header == "authorization" else {"X-API-Key": key}
    response = new_client(web_app).get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json()["via"] == "api_key"
    assert response.json()["role"] == "partner"
    store: Store = web_app.state.store
    with store.session() as session:
        assert all(key not in str(v) for v in session.execute(sa.text("SELECT * FROM api_keys")).one())


def test_revoked_and_wrong_api_keys_are_refused(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.ADMIN)
    key_id, key = _api_key(web_app, account)
    client = new_client(web_app)
    assert client.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 200
    bad = client.get("/api/v1/me", headers={"X-API-Key": key + "x"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "not_authenticated"
    store: Store = web_app.state.store
    with store.session() as session:
        auth.revoke_api_key(session, key_id)
    assert client.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 401


def test_api_key_needs_no_csrf_token_but_keeps_its_role(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    viewer = make_account(Role.VIEWER)
    _key_id, key = _api_key(web_app, viewer)
    client = new_client(web_app)
    assert client.post("/users", headers={"X-API-Key": key}, data={}).status_code == 403
    admin = make_account(Role.ADMIN, name="root")
    _key_id, admin_key = _api_key(web_app, admin)
    created = client.post(
        "/users",
        headers={"X-API-Key": admin_key},
        data={"name": "made-by-key", "role": "viewer", "password": PASSWORD},
        follow_redirects=False,
    )
    assert created.status_code == 303


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/static/app.css", "/no/such/page", "/api/v1/nothing", "/healthz"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert response.headers["x-correlation-id"]
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_secret_key_file_is_created_private_and_reused(settings: Settings) -> None:
    path = settings.resolved_secret_key_file
    assert not path.exists()
    first = security.load_secret_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert security.load_secret_key(path) == first


def test_forged_session_cookie_is_ignored(web_app: FastAPI) -> None:
    client = new_client(web_app)
    client.cookies.set(auth.SESSION_COOKIE, "forged.value.sig", domain="testserver")
    assert client.get("/api/v1/me").status_code == 401


def test_demo_admin_is_created_once(web_app: FastAPI) -> None:
    store: Store = web_app.state.store
    password = auth.ensure_demo_admin(store)
    assert password is not None and len(password) >= auth.MIN_PASSWORD_LENGTH
    assert auth.ensure_demo_admin(store) is None
    assert login(new_client(web_app), auth.DEMO_ADMIN, password).status_code == 303


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("ok-name", "emperor", PASSWORD, "unknown role"),
        ("bad name", "viewer", PASSWORD, "user name"),
        ("", "viewer", PASSWORD, "user name"),
        ("short-pass", "viewer", "short", "at least"),
    ],
)
def test_create_user_rejects_bad_input(web_app: FastAPI, name: str, role: str, password: str, message: str) -> None:
    store: Store = web_app.state.store
    with pytest.raises(InputError, match=message), store.session() as session:
        auth.create_user(session, name, role, password)


def test_create_user_refuses_a_taken_name(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    make_account(Role.VIEWER, name="taken")
    with pytest.raises(InputError, match="already exists"):
        create_account(web_app, Role.ADMIN, name="taken")


def test_changing_ones_password_ends_sessions_and_needs_the_current_one(
    web_app: FastAPI, make_account: Callable[..., Account]
) -> None:
    account = make_account(Role.VIEWER)
    client = new_client(web_app)
    login(client, account.name, account.password)
    token = csrf_of(client)
    new = "another-long-password"

    def change(current: str, first: str, second: str) -> int:
        form = {"csrf_token": token, "current_password": current, "new_password": first, "confirm_password": second}
        return client.post("/account/password", data=form, follow_redirects=False).status_code

    assert change("not-the-password", new, new) == 403
    assert change(account.password, new, new + "x") == 422
    assert change(account.password, "short", "short") == 422
    assert client.get("/api/v1/me").status_code == 200, "refused changes keep the session"
    assert change(account.password, new, new) == 303
    assert client.get("/api/v1/me").status_code == 401
    assert login(new_client(web_app), account.name, account.password).status_code == 401
    assert login(new_client(web_app), account.name, new).status_code == 303


def test_public_page_ignores_a_wrong_api_key(client: TestClient) -> None:
    assert client.get("/login", headers={"X-API-Key": "vgl_wrong"}).status_code == 200


@pytest.mark.parametrize(("path", "cached"), [("/login", False), ("/api/v1/me", False), ("/static/app.css", True)])
def test_answers_with_personal_data_are_not_cached(client: TestClient, path: str, cached: bool) -> None:
    response = client.get(path)
    assert (response.headers.get("cache-control") == "no-store") is not cached


def test_admin_manages_accounts_and_keys_in_the_browser(
    web_app: FastAPI, logged_in: Callable[[Role | str], TestClient]
) -> None:
    admin = logged_in(Role.ADMIN)
    token = csrf_of(admin)
    created = admin.post(
        "/users", data={"csrf_token": token, "name": "mykola", "role": "analyst", "password": PASSWORD}, follow_redirects=False
    )
    assert created.status_code == 303
    store: Store = web_app.state.store
    with store.session() as session:
        user = auth.find_user(session, "mykola")
        assert user is not None
        user_id = user.id
    shown = admin.post(f"/users/{user_id}/keys", data={"csrf_token": token, "name": "feed"})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    key = shown.text.split('<code class="secret">')[1].split("</code>")[0]
    assert new_client(web_app).get("/api/v1/me", headers={"X-API-Key": key}).json()["name"] == "mykola"
    assert key not in admin.get("/users").text, "a key is shown once only"
    admin.post(f"/users/{user_id}/role", data={"csrf_token": token, "role": "viewer"}, follow_redirects=False)
    assert new_client(web_app).get("/api/v1/me", headers={"X-API-Key": key}).json()["role"] == "viewer"
    admin.post(f"/users/{user_id}/active", data={"csrf_token": token, "active": "false"}, follow_redirects=False)
    assert new_client(web_app).get("/api/v1/me", headers={"X-API-Key": key}).status_code == 401
    own = admin.get("/api/v1/me").json()["user_id"]
    refused = admin.post(f"/users/{own}/active", data={"csrf_token": token, "active": "false"}, follow_redirects=False)
    assert refused.status_code == 422
    actions = [e["action"] for e in admin.get("/api/v1/audit").json()["entries"]]
    for action in ("user.create", "api_key.create", "user.set_role", "user.disable"):
        assert action in actions


def test_htmx_fragment_request_without_session_redirects_the_whole_page(client: TestClient) -> None:
    response = client.get("/users", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=%2Fusers"
