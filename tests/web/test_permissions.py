"""Every route declares a permission (or is public), and every role gets the answer the table gives."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from web_support import TestClient, create_account, csrf_of, login, new_client

from vigil.web.permissions import (
    PERMISSIONS,
    DeclaredRoute,
    Principal,
    Role,
    declared_routes,
    require,
    undeclared_mounts,
)

#: Routes whose audience is part of the design, written out by hand so that a change to the
#: permission table opening one of them to another role fails here.
EXPECTED: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/users"): frozenset({Role.ADMIN}),
    ("POST", "/users"): frozenset({Role.ADMIN}),
    ("POST", "/users/{user_id}/role"): frozenset({Role.ADMIN}),
    ("POST", "/keys/{key_id}/revoke"): frozenset({Role.ADMIN}),
    ("GET", "/api/v1/users"): frozenset({Role.ADMIN}),
    ("GET", "/audit"): frozenset({Role.ADMIN}),
    ("GET", "/api/v1/audit"): frozenset({Role.ADMIN}),
    ("GET", "/api/v1/audit/verify"): frozenset({Role.ADMIN}),
    ("GET", "/api/v1/me"): frozenset(Role),
    ("GET", "/account"): frozenset(Role),
    ("POST", "/account/password"): frozenset(Role),
    ("POST", "/logout"): frozenset(Role),
    # Casework is ours: a partner reads a case only through what was shared with its organisation.
    ("GET", "/cases"): frozenset({Role.ADMIN, Role.ANALYST}),
    ("GET", "/cases/{case_id}"): frozenset({Role.ADMIN, Role.ANALYST}),
    ("GET", "/cases/{case_id}/export"): frozenset({Role.ADMIN, Role.ANALYST}),
    ("GET", "/api/v1/cases"): frozenset({Role.ADMIN, Role.ANALYST}),
    ("GET", "/api/v1/cases/{case_id}"): frozenset({Role.ADMIN, Role.ANALYST}),
    ("GET", "/api/v1/cases/{case_id}/export"): frozenset({Role.ADMIN, Role.ANALYST}),
    ("GET", "/api/v1/partner/cases/{case_id}"): frozenset({Role.PARTNER}),
}
EXPECTED_PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/healthz"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),  # draws the OpenAPI document, which is public
}

#: Contact identifiers of possible victims: only roles that act on them see them.
CONTACT_ROLES = frozenset({Role.ADMIN, Role.ANALYST})
SAFE = {"GET", "HEAD", "OPTIONS"}


def _sample_path(route: DeclaredRoute) -> str:
    # "1" fits int and str path parameters alike; what matters here is the permission check.
    return re.sub(r"\{[^}]+\}", "1", route.path)


def _guarded(app: FastAPI) -> list[DeclaredRoute]:
    # Logging out last, so a session lives through a whole walk.
    return sorted((r for r in declared_routes(app) if not r.public), key=lambda r: r.path == "/logout")


def test_every_route_declares_a_permission_or_public(web_app: FastAPI) -> None:
    routes = list(declared_routes(web_app))
    assert len(routes) > 10
    undeclared = [f"{r.method} {r.path}" for r in routes if not r.declared]
    assert not undeclared, f"routes without a permission or public(): {undeclared}"
    assert undeclared_mounts(web_app) == ["/static"]


def test_every_declared_permission_is_in_the_table(web_app: FastAPI) -> None:
    for route in declared_routes(web_app):
        assert set(route.permissions) <= set(PERMISSIONS), route


def test_designed_audiences_hold(web_app: FastAPI) -> None:
    by_key = {(r.method, r.path): r for r in declared_routes(web_app)}
    for key, roles in EXPECTED.items():
        route = by_key[key]
        assert not route.public, key
        assert frozenset(role for role in Role if route.allows(role)) == roles, key
    for key in EXPECTED_PUBLIC:
        assert by_key[key].public and not by_key[key].permissions, key


def test_contact_identifiers_are_limited_to_roles_that_act_on_them() -> None:
    assert PERMISSIONS["documents:contacts"] == CONTACT_ROLES
    assert PERMISSIONS["documents:contacts"] <= PERMISSIONS["documents:read"]
    assert Role.PARTNER not in PERMISSIONS["documents:read"], "partners get hashed identifiers, not the corpus"
    assert Role.PARTNER not in PERMISSIONS["cases:read"] | PERMISSIONS["cases:manage"], "partners read shared cases only"
    for permission in ("users:manage", "audit:read"):
        assert PERMISSIONS[permission] == frozenset({Role.ADMIN})


def test_unknown_permission_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        require("documents:delete-everything")


def test_principal_can_follows_the_table() -> None:
    for role in Role:
        principal = Principal(1, "p", role, "api_key", api_key_id=1)
        for permission, roles in PERMISSIONS.items():
            assert principal.can(permission) == (role in roles)


@pytest.mark.parametrize("role", list(Role))
def test_every_route_answers_each_role_as_the_table_says(web_app: FastAPI, role: Role) -> None:
    account = create_account(web_app, role, name=f"matrix-{role.value}")
    client = new_client(web_app)
    assert login(client, account.name, account.password).status_code == 303
    token = csrf_of(client)
    wrong: list[str] = []
    checked = 0
    for route in _guarded(web_app):
        response = client.request(route.method, _sample_path(route), headers={"X-CSRF-Token": token}, follow_redirects=False)
        refused = response.status_code in (401, 403)
        expected_allow = route.allows(role)
        checked += 1
        if refused == expected_allow:
            verdict = "allow" if expected_allow else "deny"
            wrong.append(f"{route.method} {route.path}: {response.status_code} (expected {verdict})")
    assert checked > 10
    assert not wrong, f"{role.value}: " + "; ".join(wrong)


def test_anonymous_is_sent_to_login_or_told_401(web_app: FastAPI) -> None:
    client = new_client(web_app)
    for route in _guarded(web_app):
        response = client.request(route.method, _sample_path(route), follow_redirects=False)
        if route.path.startswith("/api/"):
            assert response.status_code == 401, f"{route.method} {route.path}"
            assert response.json()["error"]["code"] == "not_authenticated"
        else:
            assert response.status_code == 303, f"{route.method} {route.path}"
            assert response.headers["location"].startswith("/login?next=")


def test_session_requests_without_csrf_token_are_refused_on_every_unsafe_route(
    logged_in: Callable[[Role | str], TestClient], web_app: FastAPI
) -> None:
    client = logged_in(Role.ADMIN)
    unsafe = [r for r in _guarded(web_app) if r.method not in SAFE]
    assert unsafe
    for route in unsafe:
        response = client.request(route.method, _sample_path(route), follow_redirects=False)
        assert response.status_code == 403, f"{route.method} {route.path} accepted a session request without CSRF token"
