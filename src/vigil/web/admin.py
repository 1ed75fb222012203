"""Administration: accounts, roles and API keys (``users:manage``), and the audit log (``audit:read``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from vigil.errors import InputError
from vigil.store import Store
from vigil.web import audit, auth
from vigil.web.app import NavItem, RowId, render
from vigil.web.i18n import N_
from vigil.web.models import ApiKey, User
from vigil.web.permissions import Principal, Role, require

router = APIRouter()

nav = (
    NavItem("/users", N_("Users"), "users:manage", order=800),
    NavItem("/audit", N_("Audit log"), "audit:read", order=900),
)

AUDIT_PAGE_SIZE = 50


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class AuditEntryOut(BaseModel):
    seq: int
    at: str
    actor_type: str
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    target_type: str
    target_id: str | None
    ip: str | None
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_before: int | None


class AuditVerifyOut(BaseModel):
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None
    reason: str | None
    missing_triggers: list[str]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _users_context(store: Store) -> dict[str, Any]:
    with store.session() as session:
        users = session.execute(sa.select(User).order_by(User.name)).scalars().all()
        keys = session.execute(sa.select(ApiKey).order_by(ApiKey.created_at.desc())).scalars().all()
        by_user: dict[int, list[ApiKey]] = {}
        for key in keys:
            by_user.setdefault(key.user_id, []).append(key)
        return {"users": list(users), "keys_by_user": by_user, "roles": [r.value for r in Role]}


@router.get("/users", include_in_schema=False)
def users_page(request: Request, principal: Annotated[Principal, Depends(require("users:manage"))]) -> Response:
    return render(request, "users.html", _users_context(_store(request)))


def _users_page_with(request: Request, status: int = 200, **extra: Any) -> Response:
    return render(request, "users.html", {**_users_context(_store(request)), **extra}, status_code=status)


@router.post("/users", include_in_schema=False)
def create_user(
    request: Request,
    principal: Annotated[Principal, Depends(require("users:manage"))],
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=32)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        with _store(request).session() as session:
            auth.create_user(session, name.strip(), role, password, actor=principal)
    except InputError as exc:
        return _users_page_with(request, 422, error=exc.message)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/role", include_in_schema=False)
def change_role(
    request: Request,
    user_id: RowId,
    principal: Annotated[Principal, Depends(require("users:manage"))],
    role: Annotated[str, Form(max_length=32)],
) -> Response:
    with _store(request).session() as session:
        user = auth.get_user(session, user_id)
        if user.id == principal.user_id and role != user.role:
            raise InputError("you cannot change your own role; ask another administrator")
        auth.set_role(session, user, role, actor=principal)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/active", include_in_schema=False)
def change_active(
    request: Request,
    user_id: RowId,
    principal: Annotated[Principal, Depends(require("users:manage"))],
    active: Annotated[bool, Form()],
) -> Response:
    with _store(request).session() as session:
        user = auth.get_user(session, user_id)
        if user.id == principal.user_id and not active:
            raise InputError("you cannot disable your own account")
        auth.set_active(session, user, active, actor=principal)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/keys", include_in_schema=False)
def create_key(
    request: Request,
    user_id: RowId,
    principal: Annotated[Principal, Depends(require("users:manage"))],
    name: Annotated[str, Form(max_length=100)] = "key",
) -> Response:
    with _store(request).session() as session:
        user = auth.get_user(session, user_id)
        row, key = auth.create_api_key(session, user, name, actor=principal)
        shown = {"user": user.name, "name": row.name, "key": key}
    # The key is shown on this one response and never again.
    response = _users_page_with(request, new_key=shown)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/keys/{key_id}/revoke", include_in_schema=False)
def revoke_key(
    request: Request, key_id: RowId, principal: Annotated[Principal, Depends(require("users:manage"))]
) -> Response:
    with _store(request).session() as session:
        auth.revoke_api_key(session, key_id, actor=principal)
    return RedirectResponse("/users", status_code=303)


@router.get("/api/v1/users", response_model=list[UserOut], tags=["administration"])
def list_users(request: Request, principal: Annotated[Principal, Depends(require("users:manage"))]) -> list[UserOut]:
    """Every account with its role and state (never password hashes)."""
    with _store(request).session() as session:
        users = session.execute(sa.select(User).order_by(User.name)).scalars().all()
        return [UserOut.model_validate(u, from_attributes=True) for u in users]


def _audit_page(store: Store, before: int | None, limit: int, action: str | None) -> AuditPage:
    with store.session() as session:
        entries = audit.page(session, before=before, limit=limit, action=action)
        out = [AuditEntryOut(**audit.entry_json(e)) for e in entries]
    next_before = out[-1].seq if len(out) == limit and out[-1].seq > 1 else None
    return AuditPage(entries=out, next_before=next_before)


@router.get("/api/v1/audit", response_model=AuditPage, tags=["administration"])
def audit_entries(
    request: Request,
    principal: Annotated[Principal, Depends(require("audit:read"))],
    before: Annotated[int | None, Query(ge=1, le=2**62, description="Continue below this entry number.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = AUDIT_PAGE_SIZE,
    action: Annotated[str | None, Query(max_length=64, description="Only entries of this action.")] = None,
) -> AuditPage:
    """Audit entries, newest first; follow ``next_before`` for older ones."""
    return _audit_page(_store(request), before, limit, action)


@router.get("/api/v1/audit/verify", response_model=AuditVerifyOut, tags=["administration"])
async def audit_verify(
    request: Request, principal: Annotated[Principal, Depends(require("audit:read"))]
) -> AuditVerifyOut:
    """Check the whole hash chain and the database's append-only guards; names the first bad entry."""
    result = await run_in_threadpool(audit.verify, _store(request))
    return AuditVerifyOut(**result.to_json())


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request,
    principal: Annotated[Principal, Depends(require("audit:read"))],
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    page = _audit_page(_store(request), before, AUDIT_PAGE_SIZE, action or None)
    return render(request, "audit.html", {"page": page, "action": action or ""})
