"""Watches and notifications in the app: the watches page, small "watch" buttons, the notifications page,
the unread count in every page's header, and their JSON API under ``/api/v1``.

Each analyst sees and changes only their own watches and notifications; every watch change
is written to the audit log in the same transaction as the change.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from vigil.errors import InputError, StoreError
from vigil.store import Store
from vigil.watch.models import WATCH_KINDS, Watch
from vigil.watch.notifications import list_notifications, mark_read, notification_json, unread_count
from vigil.watch.watches import list_watches, new_watch, remove_watch, watch_json
from vigil.web import audit
from vigil.web.app import MAX_ROW_ID, NavItem, RowId, render, templates
from vigil.web.i18n import N_
from vigil.web.permissions import Principal, current_principal, require

router = APIRouter()
nav = (NavItem("/watches", N_("Watches"), "watches:manage", order=600),)

MANAGE = "watches:manage"
READ = "notifications:read"
KindName = Literal["identifier", "network", "template", "search"]
assert WATCH_KINDS == ("identifier", "network", "template", "search")
#: Watch kinds as the pages show them (msgids, translated when shown).
KIND_LABELS = (N_("identifier"), N_("network"), N_("template"), N_("search"))


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _back(next_path: str | None, default: str) -> str:
    # Only a path on this site: a form must not send the analyst elsewhere.
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return default


def add_watch(
    request: Request, principal: Principal, kind: str, value: str | dict[str, str | None], webhook_url: str | None
) -> Watch:
    """Add a watch for ``principal`` and audit it (one transaction)."""
    with _store(request).session() as session:
        watch = new_watch(session, principal.user_id, kind, value, webhook_url)
        audit.record(session, principal, "watch.add", "watch", watch.id, request,
                     {"kind": kind, "label": watch.label[:200], "webhook": watch.webhook_url is not None})
    return watch


def drop_watch(request: Request, principal: Principal, watch_id: int) -> None:
    with _store(request).session() as session:
        watch = remove_watch(session, watch_id, principal.user_id)
        audit.record(session, principal, "watch.remove", "watch", watch_id, request,
                     {"kind": watch.kind, "label": watch.label[:200]})


def _watches_page(request: Request, principal: Principal, status: int = 200, error: str | None = None) -> Response:
    with _store(request).session() as session:
        watches = list_watches(session, principal.user_id)
    return render(request, "pages/watches.html", {"watches": watches, "kinds": WATCH_KINDS, "error": error}, status)


@router.get("/watches", include_in_schema=False)
def watches_page(request: Request, principal: Annotated[Principal, Depends(require(MANAGE))]) -> Response:
    return _watches_page(request, principal)


@router.post("/watches", include_in_schema=False)
def add_watch_form(
    request: Request,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    kind: Annotated[str, Form(max_length=16)],
    value: Annotated[str, Form(max_length=600)] = "",
    webhook_url: Annotated[str, Form(max_length=2000)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "",
    platform: Annotated[str, Form(max_length=200)] = "",
    doc_kind: Annotated[str, Form(max_length=32)] = "",
    lang: Annotated[str, Form(max_length=8)] = "",
    indicator: Annotated[str, Form(max_length=64)] = "",
    risk: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Add a watch from the watches page or a "watch" button; the search page's button sends its filters too."""
    watched: str | dict[str, str | None] = value
    if kind == "search":
        watched = {"q": value, "platform": platform, "kind": doc_kind, "lang": lang, "indicator": indicator, "risk": risk}
    try:
        add_watch(request, principal, kind, watched, webhook_url or None)
    except InputError as exc:
        return _watches_page(request, principal, 422, exc.message)
    return RedirectResponse(_back(next_path, "/watches"), status_code=303)


@router.post("/watches/{watch_id}/remove", include_in_schema=False)
def remove_watch_form(
    request: Request, watch_id: RowId, principal: Annotated[Principal, Depends(require(MANAGE))]
) -> Response:
    drop_watch(request, principal, watch_id)
    return RedirectResponse("/watches", status_code=303)


@router.get("/notifications", include_in_schema=False)
def notifications_page(
    request: Request, principal: Annotated[Principal, Depends(require(READ))], unread: bool = False
) -> Response:
    with _store(request).session() as session:
        items = list_notifications(session, principal.user_id, unread_only=unread)
    return render(request, "pages/notifications.html", {"items": items, "unread_only": unread})


@router.post("/notifications/read", include_in_schema=False)
def read_form(
    request: Request,
    principal: Annotated[Principal, Depends(require(READ))],
    notification_id: Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)] = None,
) -> Response:
    """Mark one notification read (``notification_id``), or all of them."""
    with _store(request).session() as session:
        mark_read(session, principal.user_id, None if notification_id is None else [notification_id])
    return RedirectResponse("/notifications", status_code=303)


# ---- JSON API ---------------------------------------------------------------------------------


class WatchIn(BaseModel):
    kind: KindName
    value: str | None = Field(None, max_length=600, description="Identifier, network id, document id, or search words.")
    filters: dict[str, str] | None = Field(None, description="Search filters (platform, kind, lang, indicator, risk).")
    webhook_url: str | None = Field(None, max_length=2000, description="http(s) URL that also receives each notification.")


class WatchOut(BaseModel):
    id: int
    kind: str
    target: str
    label: str
    search: dict[str, str] | None
    webhook_url: str | None
    created_at: str | None


class NotificationOut(BaseModel):
    id: int
    watch: dict[str, Any]
    document: dict[str, Any]
    created_at: str
    read: bool
    webhook: dict[str, Any] | None


class NotificationsOut(BaseModel):
    unread: int
    items: list[NotificationOut]


class ReadIn(BaseModel):
    # Ids past 64 bits are a 422 here, not a driver error (a 500) on PostgreSQL.
    ids: list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]] | None = Field(
        None, max_length=1000, description="Notifications to mark read; all when absent."
    )


@router.get("/api/v1/watches", response_model=list[WatchOut], tags=["watches"])
def api_watches(request: Request, principal: Annotated[Principal, Depends(require(MANAGE))]) -> list[dict[str, Any]]:
    """Your watches, oldest first."""
    with _store(request).session() as session:
        return [watch_json(w) for w in list_watches(session, principal.user_id)]


@router.post("/api/v1/watches", response_model=WatchOut, status_code=201, tags=["watches"])
def api_add_watch(
    request: Request, body: WatchIn, principal: Annotated[Principal, Depends(require(MANAGE))]
) -> dict[str, Any]:
    """Watch an identifier, a network, a template (by document id) or a search; audited."""
    value: str | dict[str, str | None]
    if body.kind == "search":
        value = {**(body.filters or {}), **({"q": body.value} if body.value else {})}
    elif body.value is None:
        raise InputError(f"a {body.kind} watch needs a value")
    else:
        value = body.value
    return watch_json(add_watch(request, principal, body.kind, value, body.webhook_url))


@router.delete("/api/v1/watches/{watch_id}", status_code=204, tags=["watches"])
def api_remove_watch(
    request: Request, watch_id: RowId, principal: Annotated[Principal, Depends(require(MANAGE))]
) -> Response:
    """Remove one of your watches; its notifications stay. Audited."""
    drop_watch(request, principal, watch_id)
    return Response(status_code=204)


@router.get("/api/v1/notifications", response_model=NotificationsOut, tags=["watches"])
def api_notifications(
    request: Request,
    principal: Annotated[Principal, Depends(require(READ))],
    unread: Annotated[bool, Query(description="Only unread notifications.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Your notifications, newest first, with the unread count."""
    with _store(request).session() as session:
        items = list_notifications(session, principal.user_id, unread_only=unread, limit=limit)
        count = unread_count(session, principal.user_id)
    return {"unread": count, "items": [notification_json(n, doc_id) for n, doc_id in items]}


@router.post("/api/v1/notifications/read", tags=["watches"])
def api_mark_read(
    request: Request, body: ReadIn, principal: Annotated[Principal, Depends(require(READ))]
) -> dict[str, int]:
    """Mark notifications read (the given ids, or all); returns how many changed."""
    with _store(request).session() as session:
        return {"marked": mark_read(session, principal.user_id, body.ids)}


def unread_notifications(request: Request) -> int | None:
    """The header's unread count for this request's analyst (None: not shown)."""
    principal = current_principal(request)
    if principal is None or not principal.can(READ):
        return None
    try:
        with _store(request).session() as session:
            return unread_count(session, principal.user_id)
    except StoreError:
        return None  # an error page must still render when the store is what failed


def configure_app(app: FastAPI) -> None:
    templates.env.globals["unread_notifications"] = unread_notifications
