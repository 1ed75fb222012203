"""Roles, the one permission table, and the dependencies every route declares.

A route says what it needs with ``Depends(require("documents:read"))`` (which hands the
route the :class:`Principal`) or, for the few pages anyone may open, ``Depends(public())``.
A test walks every route of the app and fails when a route declares neither, and checks
every role against every route.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute

from vigil.errors import AuthError, PermissionDenied
from vigil.web.i18n import N_

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    MODERATOR = "moderator"
    PARTNER = "partner"
    VIEWER = "viewer"


#: Role names for the interface (msgids; translated when shown).
ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("admin"),
    Role.ANALYST: N_("analyst"),
    Role.MODERATOR: N_("moderator"),
    Role.PARTNER: N_("partner"),
    Role.VIEWER: N_("viewer"),
}

A, AN, M, P, V = Role.ADMIN, Role.ANALYST, Role.MODERATOR, Role.PARTNER, Role.VIEWER
EVERYONE = frozenset(Role)

#: The one permission table. Contact identifiers of possible victims are personal data:
#: only roles that act on them (admin, analyst) see them in the clear; partners see the cases
#: shared with their organisation (``partners:shared``) and hashed identifiers, not the raw corpus.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard:read": frozenset({A, AN, M, V}),
    "documents:read": frozenset({A, AN, M, V}),
    "documents:contacts": frozenset({A, AN}),
    "documents:annotate": frozenset({A, AN, M}),
    "networks:read": frozenset({A, AN}),
    "trends:read": frozenset({A, AN, M, V}),
    "alerts:read": frozenset({A, AN, M, V}),
    # The platform map holds no contact data: every role that reads documents may see it.
    "platforms:read": frozenset({A, AN, M, V}),
    "reports:read": frozenset({A, AN, M}),
    "reports:manage": frozenset({A, M}),
    # Trusted flaggers (DSA article 22) are organisations reporting through an API key.
    "reports:flag": frozenset({A, P}),
    # Not partners: being named a case member must not bypass the partnership grants, which are
    # a partner's one way to a case (``partners:shared``).
    "cases:read": frozenset({A, AN}),
    "cases:manage": frozenset({A, AN}),
    "identifiers:exchange": frozenset({A, AN, P}),
    # Partner organisations: only admins say who they are and what is shared with them; a
    # partner's members read exactly what was shared with their organisation.
    "partners:manage": frozenset({A}),
    "partners:shared": frozenset({P}),
    "query_check:use": frozenset({A, AN, M, P}),
    "campaigns:read": frozenset({A, AN, M, P, V}),
    "campaigns:manage": frozenset({A, M}),
    "users:manage": frozenset({A}),
    "audit:read": frozenset({A}),
    "account:self": EVERYONE,
    # Watches follow contacts and networks, so they are for the roles that see those.
    "watches:manage": frozenset({A, AN}),
    "notifications:read": frozenset({A, AN}),
    # Reviewing a lead names its contacts and networks, so it is for the roles that see those.
    "reviews:manage": frozenset({A, AN}),
}


def allowed(role: Role | str, permission: str) -> bool:
    """Whether ``role`` holds ``permission``; an unknown permission is a programming error."""
    try:
        roles = PERMISSIONS[permission]
    except KeyError as exc:
        raise KeyError(f"unknown permission {permission!r}: add it to PERMISSIONS") from exc
    return Role(role) in roles


@dataclass(frozen=True)
class Principal:
    """Who is asking: a logged-in user (``via="session"``) or a machine client (``via="api_key"``)."""

    user_id: int
    name: str
    role: Role
    via: Literal["session", "api_key"]
    api_key_id: int | None = None
    csrf_token: str | None = None

    @property
    def actor_type(self) -> str:
        return "api_key" if self.via == "api_key" else "user"

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)


#: How the app finds the principal of a request; installed by :mod:`vigil.web.auth` so that
#: this module stays free of storage.
Authenticator = Callable[[Request], Awaitable[Principal | None]]


async def _no_authenticator(_request: Request) -> Principal | None:
    return None


def current_principal(request: Request) -> Principal | None:
    """The principal already resolved for this request, if any (for templates and error pages)."""
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else None


async def resolve_principal(request: Request) -> Principal | None:
    """Authenticate once per request and remember the answer on ``request.state``."""
    if getattr(request.state, "principal_resolved", False):
        return current_principal(request)
    authenticate: Authenticator = getattr(request.app.state, "authenticate", _no_authenticator)
    principal = await authenticate(request)
    request.state.principal = principal
    request.state.principal_resolved = True
    return principal


async def check_csrf(request: Request, expected: str | None) -> None:
    """Refuse an unsafe request whose form field or header does not carry ``expected``."""
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(given, expected):
        raise PermissionDenied("the form has expired or did not come from this site; reload the page and try again")


class Requirement:
    """Dependency that admits a principal holding ``permission`` and returns it."""

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}: add it to PERMISSIONS")
        self.permission = permission

    async def __call__(self, request: Request) -> Principal:
        principal = await resolve_principal(request)
        if principal is None:
            raise AuthError("log in to continue")
        if principal.via == "session":
            # Cookies ride along on cross-site requests; API keys do not, so only sessions need the token.
            await check_csrf(request, principal.csrf_token)
        if not principal.can(self.permission):
            raise PermissionDenied(f"your role ({principal.role}) may not do this ({self.permission})")
        return principal

    def __repr__(self) -> str:
        return f"require({self.permission!r})"


class Public:
    """Dependency marking a route anyone may call; it still resolves the principal for the page."""

    async def __call__(self, request: Request) -> Principal | None:
        try:
            return await resolve_principal(request)
        except AuthError:
            # A stale or wrong key must not lock anyone out of a page meant for everyone.
            request.state.principal = None
            request.state.principal_resolved = True
            return None

    def __repr__(self) -> str:
        return "public()"


@cache
def require(permission: str) -> Requirement:
    """``Depends(require("documents:read"))``: the route needs ``permission``; returns the :class:`Principal`."""
    return Requirement(permission)


_PUBLIC = Public()


def public() -> Public:
    """``Depends(public())``: the route is open to anyone (login page, help pages, health check)."""
    return _PUBLIC


def _declared(dependant: Any) -> tuple[list[str], bool]:
    """Permissions required anywhere in a dependency tree, and whether ``public()`` appears."""
    permissions: list[str] = []
    is_public = False
    stack = [dependant]
    while stack:
        node = stack.pop()
        call = getattr(node, "call", None)
        if isinstance(call, Requirement) and call.permission not in permissions:
            permissions.append(call.permission)
        elif isinstance(call, Public):
            is_public = True
        stack.extend(getattr(node, "dependencies", ()))
    return permissions, is_public


@dataclass(frozen=True)
class DeclaredRoute:
    """One method of one API route as the app serves it, with what it declares."""

    method: str
    path: str
    permissions: tuple[str, ...]
    public: bool

    @property
    def declared(self) -> bool:
        return bool(self.permissions) or self.public

    def allows(self, role: Role) -> bool:
        """Whether ``role`` passes every requirement (a public route admits anyone)."""
        return all(allowed(role, p) for p in self.permissions)


def declared_routes(app: FastAPI) -> Iterator[DeclaredRoute]:
    """Every API route of ``app`` (through included routers), one entry per method."""
    for context in _route_contexts(app):
        route = getattr(context, "original_route", context)
        if not isinstance(route, APIRoute):
            continue
        dependant = getattr(context, "dependant", None) or route.dependant
        path = getattr(context, "path_format", None) or route.path_format
        permissions, is_public = _declared(dependant)
        methods: set[str] = getattr(context, "methods", None) or route.methods or set()
        for method in sorted(methods):
            yield DeclaredRoute(method, path, tuple(permissions), is_public)


def undeclared_mounts(app: FastAPI) -> list[str]:
    """Paths of non-API routes (mounts, plain Starlette routes), which the permission walk cannot see into."""
    out = []
    for context in _route_contexts(app):
        route = getattr(context, "original_route", context)
        if not isinstance(route, APIRoute):
            out.append(str(getattr(route, "path", route)))
    return out


def _route_contexts(app: FastAPI) -> Iterator[Any]:
    # FastAPI 0.12x+ keeps included routers as branches; older versions flatten them into app.routes.
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI
        yield from app.routes
        return
    yield from iter_route_contexts(app.routes)
