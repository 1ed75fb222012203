"""Moderators' side of notice and action: the triage queue, one reported item with its reports and
the analysis of the content, decisions, referrals and article 18 notifications, complaints, and
the statements-of-reasons export. Every read and every decision is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from vigil.errors import InputError
from vigil.reports.intake import ReportIntake
from vigil.reports.mail import Mailer
from vigil.reports.models import ReportDecision, ReportedItem
from vigil.reports.notice import PRIORITY_NAMES
from vigil.reports.referral import Partner, link_to_case, load_partners, record_referral, suggested_partners
from vigil.reports.sor import analysis_summary, batches, statements
from vigil.reports.triage import (
    ACTIONS,
    GROUNDS,
    ItemView,
    Moderator,
    decide,
    decide_complaint,
    item_view,
    open_complaints,
    queue,
    relink_documents,
)
from vigil.settings import Settings
from vigil.store import Store
from vigil.web import audit, security
from vigil.web.app import MAX_ROW_ID, NavItem, RowId, render
from vigil.web.i18n import N_
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/reports", N_("Reports"), "reports:read", order=450),)

READ = "reports:read"
MANAGE = "reports:manage"


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _now() -> datetime:
    return datetime.now(UTC)


def _moderator(principal: Principal) -> Moderator:
    return Moderator(principal.user_id, principal.name)


def _partners(request: Request) -> dict[str, Partner]:
    partners: dict[str, Partner] = request.app.state.report_partners
    return partners


def item_json(item: ReportedItem) -> dict[str, Any]:
    return {
        "id": item.id, "url": item.url, "status": item.status, "priority": item.priority,
        "priority_name": PRIORITY_NAMES[item.priority], "reports": item.report_count,
        "immediate_danger": item.immediate_danger, "first_reported_at": item.first_reported_at.isoformat(),
        "due_at": item.due_at.isoformat(), "document": item.document_pk, "collection": "ingested" if item.document_pk else "queued",
    }


def decision_json(decision: ReportDecision) -> dict[str, Any]:
    return {
        "id": decision.id, "action": decision.action, "ground": decision.ground, "ground_reference": decision.ground_reference,
        "explanation": decision.explanation, "moderator": decision.moderator_name, "decided_at": decision.decided_at.isoformat(),
        "territorial_scope": decision.territorial_scope, "puid": decision.puid,
        "reversed_at": decision.reversed_at.isoformat() if decision.reversed_at else None,
    }


def view_json(view: ItemView) -> dict[str, Any]:
    return {
        **item_json(view.item),
        "reports": [
            {"receipt": r.receipt, "category": r.category, "source": r.source, "flagger": r.flagger_name,
             "received_at": r.received_at.isoformat(), "explanation": r.explanation, "platform": r.platform,
             "country": r.country, "language": r.content_language, "immediate_danger": r.immediate_danger}
            for r in view.reports
        ],
        "report_count": view.item.report_count,
        "document": None if view.document is None else {"pk": view.document.pk, "id": view.document.doc_id, "url": view.document.url},
        "analysis": analysis_summary(view.analysis),
        "decisions": [decision_json(d) for d in view.decisions],
        "referrals": [{"kind": r.kind, "recipient": r.recipient, "by": r.by_name, "sent_at": r.sent_at.isoformat(), "case": r.case_ref}
                      for r in view.referrals],
        "needs_article_18": view.needs_article_18,
    }


def _load_view(request: Request, principal: Principal, item_id: int) -> ItemView:
    with _store(request).session() as session:
        view = item_view(session, item_id)
        audit.record(session, principal, "report.view", "reported_item", item_id, request, {"reports": view.item.report_count})
    return view


def _notify_reporters(request: Request, tasks: BackgroundTasks, view: ItemView, decision: ReportDecision) -> None:
    mailer: Mailer = request.app.state.report_mailer
    intake: ReportIntake = request.app.state.report_intake
    if not mailer.enabled:
        return
    for report in view.reports:
        contact = intake.contact_of(report)
        if contact is not None and contact.email:
            tasks.add_task(mailer.decision, contact.email, report.reporter_language, report.receipt, decision.action, decision.ground_reference)


def take_decision(request: Request, tasks: BackgroundTasks, principal: Principal, item_id: int, fields: dict[str, Any]) -> ReportDecision:
    with _store(request).session() as session:
        decision = decide(session, item_id, _moderator(principal), now=_now(), **fields)
        audit.record(session, principal, "report.decide", "reported_item", item_id, request,
                     {"action": decision.action, "ground": decision.ground, "puid": decision.puid})
        view = item_view(session, item_id)
    _notify_reporters(request, tasks, view, decision)
    return decision


def make_referral(request: Request, tasks: BackgroundTasks, principal: Principal, item_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    partner_id = fields.pop("partner", None)
    partner = _partners(request).get(partner_id) if partner_id else None
    if partner_id and partner is None:
        raise InputError(f"no partner {partner_id!r} in the routing rules")
    with _store(request).session() as session:
        view = item_view(session, item_id)
        referral = record_referral(session, view, _moderator(principal), partner=partner, now=_now(), **fields)
        audit.record(session, principal, f"report.{referral.kind}", "reported_item", item_id, request,
                     {"recipient": referral.recipient, "partner": referral.partner})
        out = {"id": referral.id, "kind": referral.kind, "recipient": referral.recipient, "sent_at": referral.sent_at.isoformat()}
        package = referral.package
    mailer: Mailer = request.app.state.report_mailer
    if partner is not None and partner.email and mailer.enabled:
        tasks.add_task(mailer.referral, partner.email, package)
    return out


# ---- pages ----------------------------------------------------------------------------------------


@router.get("/reports", include_in_schema=False)
def queue_page(request: Request, principal: Annotated[Principal, Depends(require(READ))], status: str = "open") -> Response:
    with _store(request).session() as session:
        relink_documents(session)
        items = queue(session, None if status == "all" else status[:16])
        complaints = open_complaints(session)
        audit.record(session, principal, "report.queue", "reported_item", None, request, {"items": len(items)})
    return render(request, "pages/reports_queue.html", {
        "items": items, "complaints": complaints, "priority_names": PRIORITY_NAMES, "now": _now(), "status": status,
    })


@router.get("/reports/items/{item_id}", include_in_schema=False)
def item_page(request: Request, item_id: RowId, principal: Annotated[Principal, Depends(require(READ))]) -> Response:
    return _item_page(request, principal, item_id)


def _item_page(request: Request, principal: Principal, item_id: int, error: str | None = None, status: int = 200) -> Response:
    view = _load_view(request, principal, item_id)
    return render(request, "pages/report_item.html", {
        "view": view, "analysis": analysis_summary(view.analysis), "actions": ACTIONS, "grounds": GROUNDS,
        "partners": suggested_partners(_partners(request), view), "priority_names": PRIORITY_NAMES, "error": error,
    }, status_code=status)


@router.post("/reports/items/{item_id}/decision", include_in_schema=False)
def decision_form(
    request: Request,
    tasks: BackgroundTasks,
    item_id: RowId,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    action: Annotated[str, Form(max_length=16)] = "",
    ground: Annotated[str, Form(max_length=16)] = "",
    ground_reference: Annotated[str, Form(max_length=500)] = "",
    explanation: Annotated[str, Form(max_length=2000)] = "",
    territorial_scope: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        take_decision(request, tasks, principal, item_id, {
            "action": action, "ground": ground, "ground_reference": ground_reference, "explanation": explanation,
            "territorial_scope": territorial_scope.replace(",", " ").split(),
        })
    except InputError as exc:
        return _item_page(request, principal, item_id, exc.message, 422)
    response = RedirectResponse(f"/reports/items/{item_id}", status_code=303)
    response.background = tasks
    return response


@router.post("/reports/items/{item_id}/referral", include_in_schema=False)
def referral_form(
    request: Request,
    tasks: BackgroundTasks,
    item_id: RowId,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    kind: Annotated[str, Form(max_length=16)] = "referral",
    partner: Annotated[str, Form(max_length=100)] = "",
    recipient: Annotated[str, Form(max_length=300)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
    case_ref: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        make_referral(request, tasks, principal, item_id,
                      {"kind": kind, "partner": partner or None, "recipient": recipient, "note": note, "case_ref": case_ref})
    except InputError as exc:
        return _item_page(request, principal, item_id, exc.message, 422)
    response = RedirectResponse(f"/reports/items/{item_id}", status_code=303)
    response.background = tasks
    return response


@router.post("/reports/complaints/{complaint_id}", include_in_schema=False)
def complaint_form(
    request: Request,
    complaint_id: RowId,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    outcome: Annotated[str, Form(max_length=16)] = "",
    reasons: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if outcome not in ("upheld", "reversed"):
        raise InputError("outcome must be upheld or reversed")
    with _store(request).session() as session:
        decide_complaint(session, complaint_id, _moderator(principal), reverse=outcome == "reversed", reasons=reasons, now=_now())
        audit.record(session, principal, "report.complaint", "report_complaint", complaint_id, request, {"outcome": outcome})
    return RedirectResponse("/reports", status_code=303)


# ---- API -----------------------------------------------------------------------------------------


class DecisionIn(BaseModel):
    action: str = Field(max_length=16, description=", ".join(ACTIONS))
    ground: str = Field(max_length=16, description="illegal (a law) or terms (terms of service)")
    ground_reference: str = Field(max_length=500, description="The law or the terms-of-service clause relied on.")
    explanation: str = Field(max_length=2000, description="Why the content is illegal or breaks that clause.")
    territorial_scope: list[str] = Field(default_factory=list, max_length=40, description="EU/EEA country codes.")
    ground_url: str | None = Field(None, max_length=500)


class ReferralIn(BaseModel):
    kind: str = Field("referral", max_length=16, description="referral or article_18")
    partner: str | None = Field(None, max_length=100, description="A partner id from the routing rules.")
    recipient: str = Field("", max_length=300, description="Who received it (defaults to the partner's name).")
    note: str | None = Field(None, max_length=5000)
    case_ref: str | None = Field(None, max_length=100, description="The case this referral belongs to, if any.")


@router.get("/api/v1/reports", tags=["reports"])
def api_queue(
    request: Request, principal: Annotated[Principal, Depends(require(READ))], status: str = "open"
) -> list[dict[str, Any]]:
    """The triage queue: reported items by priority, then age, with their report counts."""
    with _store(request).session() as session:
        relink_documents(session)
        items = queue(session, None if status == "all" else status[:16])
        audit.record(session, principal, "report.queue", "reported_item", None, request, {"items": len(items)})
        return [item_json(i) for i in items]


@router.get("/api/v1/reports/items/{item_id}", tags=["reports"])
def api_item(request: Request, item_id: RowId, principal: Annotated[Principal, Depends(require(READ))]) -> dict[str, Any]:
    """One reported item: its reports, the stored document and its analysis, decisions and referrals."""
    return view_json(_load_view(request, principal, item_id))


@router.post("/api/v1/reports/items/{item_id}/decision", status_code=201, tags=["reports"])
def api_decide(
    request: Request, tasks: BackgroundTasks, item_id: RowId, body: DecisionIn,
    principal: Annotated[Principal, Depends(require(MANAGE))],
) -> dict[str, Any]:
    """Decide on an item as the calling moderator; the reporters are told."""
    return decision_json(take_decision(request, tasks, principal, item_id, body.model_dump()))


@router.post("/api/v1/reports/items/{item_id}/referrals", status_code=201, tags=["reports"])
def api_refer(
    request: Request, tasks: BackgroundTasks, item_id: RowId, body: ReferralIn,
    principal: Annotated[Principal, Depends(require(MANAGE))],
) -> dict[str, Any]:
    """Record a referral to a partner, or an article 18 notification to law enforcement."""
    return make_referral(request, tasks, principal, item_id, body.model_dump())


class CaseLinkIn(BaseModel):
    case_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="Join this case; absent: open a new one.")
    title: str | None = Field(None, max_length=300, description="Title of the new case.")


@router.post("/api/v1/reports/items/{item_id}/case", status_code=201, tags=["reports"])
def api_link_case(
    request: Request, item_id: RowId, body: CaseLinkIn, principal: Annotated[Principal, Depends(require("cases:manage"))]
) -> dict[str, int]:
    """Open a case from a reported item, or add it to a case you are a member of (its document and a note)."""
    from vigil.web.pages.reviews import audit_hook

    with _store(request).session() as session:
        view = item_view(session, item_id)
        case_id = link_to_case(session, view, principal.name, audit_hook(request, principal), case_id=body.case_id,
                               title=body.title, viewer_is_admin=principal.role == "admin")
        audit.record(session, principal, "report.case", "reported_item", item_id, request, {"case": case_id})
    return {"case": case_id}


@router.get("/api/v1/reports-statements", tags=["reports"])
def api_statements(request: Request, principal: Annotated[Principal, Depends(require(MANAGE))]) -> list[dict[str, Any]]:
    """Statements of reasons in Transparency Database batches (``{"statements": [...]}``, at most 100 each)."""
    with _store(request).session() as session:
        found = list(statements(session))
        audit.record(session, principal, "report.export_sor", "report_decision", None, request, {"statements": len(found)})
    return batches(found)


def configure_app(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    app.state.report_intake = ReportIntake.from_settings(app.state.store, settings)
    app.state.report_mailer = Mailer(settings)
    app.state.report_partners = load_partners(settings.reports_routing_file)
    key = security.load_secret_key(settings.resolved_secret_key_file)
    app.state.report_form_signer = security.CookieSigner(key, salt="vigil.report-form")

