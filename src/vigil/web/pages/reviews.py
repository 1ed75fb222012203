"""Review of leads in the app: the review panel on document and network pages, bulk actions from
search results and the network list, and ``/api/v1/reviews``.

Every change is written to the audit log in the same transaction (``review.set``, one entry per lead).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vigil.casework.models import LEAD_KINDS, REVIEW_STATES
from vigil.casework.reviews import (
    MAX_BULK,
    AuditHook,
    ReviewChange,
    get_review,
    lead_target,
    notes_of,
    review_json,
    reviews_of,
    set_reviews,
)
from vigil.errors import InputError, StoreError
from vigil.store import Store
from vigil.web import audit
from vigil.web.app import templates
from vigil.web.i18n import N_
from vigil.web.permissions import Principal, current_principal, require

router = APIRouter()

MANAGE = "reviews:manage"
LeadKind = Literal["document", "network", "identifier"]
StateName = Literal["new", "in_review", "escalated", "dismissed", "actioned"]
#: Review states as the pages show them (msgids, translated when shown).
STATE_LABELS = {"new": N_("new"), "in_review": N_("in review"), "escalated": N_("escalated"), "dismissed": N_("dismissed"),
                "actioned": N_("actioned")}
#: Kinds of case items as the pages show them.
ITEM_LABELS = (N_("document"), N_("network"), N_("identifier"), N_("note"), N_("capture"))
assert (LEAD_KINDS, REVIEW_STATES) == (("document", "network", "identifier"), ("new", "in_review", "escalated", "dismissed", "actioned"))


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def audit_hook(request: Request, principal: Principal) -> AuditHook:
    """Casework's audit hook for this request: entries carry the principal and the client address."""

    def hook(session: Session, action: str, target_type: str, target_id: str, details: dict[str, Any]) -> None:
        audit.record(session, principal, action, target_type, target_id, request, details)

    return hook


def back(next_path: str | None, default: str) -> str:
    # Only a path on this site: a form must not send the analyst elsewhere.
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return default


def _labels(text: str | None) -> list[str] | None:
    return None if text is None else [part for part in text.split(",") if part.strip()]


def apply_review(
    request: Request, principal: Principal, kind: str, values: Iterable[str], change: ReviewChange
) -> list[dict[str, Any]]:
    """Set the review of each lead (as the analyst names it) and audit each; one transaction."""
    with _store(request).session() as session:
        targets = [lead_target(session, kind, v) for v in values]
        reviews = set_reviews(session, kind, targets, change, principal.name, audit_hook(request, principal))
        return [review_json(kind, r.target, r, notes_of(session, kind, r.target)) for r in reviews]


@router.post("/reviews", include_in_schema=False)
def review_form(
    request: Request,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    kind: Annotated[str, Form(max_length=16)],
    target: Annotated[list[str], Form(max_length=MAX_BULK)],
    state: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
    assignee: Annotated[str | None, Form(max_length=100)] = None,
    labels: Annotated[str | None, Form(max_length=2000)] = None,
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "",
) -> Response:
    """The review panel and the bulk actions: one change applied to every ticked lead."""
    change = ReviewChange(state=state or None, reason=reason or None, assignee=assignee, labels=_labels(labels), note=note or None)
    apply_review(request, principal, kind, target, change)
    return RedirectResponse(back(next_path, "/documents"), status_code=303)


# ---- JSON API ---------------------------------------------------------------------------------


class NoteOut(BaseModel):
    author: str
    at: str | None
    text: str


class ReviewOut(BaseModel):
    kind: str
    target: str = Field(description="A document's key, a network id, or an identifier key (phone:+48…).")
    state: str
    reason: str | None
    assignee: str | None
    labels: list[str]
    updated_by: str | None
    updated_at: str | None
    notes: list[NoteOut]


class ReviewIn(BaseModel):
    kind: LeadKind
    targets: list[str] = Field(min_length=1, max_length=MAX_BULK, description="Documents (key or id), networks, or identifiers as written.")
    state: StateName | None = None
    reason: str | None = Field(None, max_length=2000, description="Why; required to dismiss.")
    note: str | None = Field(None, max_length=10_000)
    assignee: str | None = Field(None, max_length=100, description="A user name; empty to unassign.")
    labels: list[str] | None = Field(None, max_length=20, description="Replaces the lead's labels.")


@router.get("/api/v1/reviews", response_model=ReviewOut, tags=["reviews"])
def api_review(
    request: Request,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    kind: Annotated[LeadKind, Query()],
    target: Annotated[str, Query(min_length=1, max_length=600)],
) -> dict[str, Any]:
    """One lead's review with its notes (a lead never reviewed is ``new``)."""
    with _store(request).session() as session:
        stored = lead_target(session, kind, target)
        return review_json(kind, stored, get_review(session, kind, stored), notes_of(session, kind, stored))


@router.post("/api/v1/reviews", response_model=list[ReviewOut], tags=["reviews"])
def api_set_reviews(
    request: Request, body: ReviewIn, principal: Annotated[Principal, Depends(require(MANAGE))]
) -> list[dict[str, Any]]:
    """Set the review of one or many leads (state, reason, note, assignee, labels); each change is audited."""
    change = ReviewChange(state=body.state, reason=body.reason, assignee=body.assignee, labels=body.labels, note=body.note)
    return apply_review(request, principal, body.kind, body.targets, change)


# ---- template helpers -------------------------------------------------------------------------


def lead_review(request: Request, kind: str, target: object) -> dict[str, Any] | None:
    """The review panel's data for a lead on this page (None: the viewer may not review)."""
    principal = current_principal(request)
    if principal is None or not principal.can(MANAGE):
        return None
    key = str(target)
    try:
        with _store(request).session() as session:
            return review_json(kind, key, get_review(session, kind, key), notes_of(session, kind, key))
    except StoreError:
        return None  # the page still renders when the store is what failed


def review_states(request: Request, kind: str, targets: Iterable[object]) -> dict[str, str]:
    """Review state by target for a list of leads (results, networks); absent means ``new``."""
    principal = current_principal(request)
    if principal is None or not principal.can(MANAGE):
        return {}
    try:
        with _store(request).session() as session:
            return {t: r.state for t, r in reviews_of(session, kind, [str(t) for t in targets]).items()}
    except (StoreError, InputError):
        return {}


def configure_app(app: FastAPI) -> None:
    templates.env.globals["lead_review"] = lead_review
    templates.env.globals["review_states"] = review_states
    templates.env.globals["review_state_names"] = REVIEW_STATES
    templates.env.globals["review_state_labels"] = STATE_LABELS
