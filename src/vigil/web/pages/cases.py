"""Cases in the app: the case list, a case page (items, timeline, evidence, status, notes), adding leads
from the document page, the network page and bulk actions, the case file download, and ``/api/v1/cases``.

Admins see every case; everyone else the cases they own or are a member of. Every read and
change of a case is written to the audit log, and so is every export (with whether contacts
were masked for the exporting role).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from vigil.casework.cases import (
    add_item,
    add_note,
    case_documents,
    case_json,
    create_case,
    evidence_list,
    get_case,
    items_of,
    list_cases,
    require_member,
    timeline,
    update_case,
)
from vigil.casework.export import export_case
from vigil.casework.models import CASE_STATUSES
from vigil.casework.reviews import MAX_BULK
from vigil.errors import InputError, StoreError
from vigil.redaction import mask_identifier
from vigil.store import Store
from vigil.web import audit
from vigil.web.app import NavItem, RowId, render, templates
from vigil.web.i18n import N_
from vigil.web.pages.contacts import app_redactor, contact_view
from vigil.web.pages.reviews import audit_hook, back
from vigil.web.permissions import Principal, Role, current_principal, require

router = APIRouter()
nav = (NavItem("/cases", N_("Cases"), "cases:read", order=350),)

READ = "cases:read"
MANAGE = "cases:manage"
StatusName = Literal["Active", "FollowUp", "Closed", "ClosedReferred"]
assert CASE_STATUSES == ("Active", "FollowUp", "Closed", "ClosedReferred")
#: Case statuses as the pages show them (msgids, translated when shown).
STATUS_LABELS = {"Active": N_("Active"), "FollowUp": N_("Follow-up"), "Closed": N_("Closed"), "ClosedReferred": N_("Closed, referred")}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _viewer(principal: Principal) -> str | None:
    """Whose cases a principal sees: every case for an admin, else their own and shared ones."""
    return None if principal.role == Role.ADMIN else principal.name


def case_page_data(request: Request, principal: Principal, case_id: int) -> dict[str, Any]:
    """A case with its items, documents, timeline and evidence list (identifiers masked for roles without contacts)."""
    contacts = contact_view(request, principal)
    with _store(request).session() as session:
        case = get_case(session, case_id, _viewer(principal))
        items = items_of(session, case.id)
        documents = case_documents(session, items)
        out = {
            **case_json(case, items, with_items=True),
            "documents": [d.pk for d in documents],
            "timeline": timeline(session, case, documents),
            "evidence": evidence_list(session, documents) if contacts.show else [],
        }
        audit.record(session, principal, "case.view", "case", case.id, request, {"documents": len(documents)})
    if not contacts.show:
        for item in out["items"]:
            if item["kind"] == "identifier":
                item["target"] = item["label"] = mask_identifier(item["target"])
        for event in out["timeline"]:
            details = event.get("details") or {}
            if details.get("kind") == "identifier" and isinstance(details.get("target"), str):
                details["target"] = mask_identifier(details["target"])
    return out


@router.get("/cases", include_in_schema=False)
def cases_page(request: Request, principal: Annotated[Principal, Depends(require(READ))]) -> Response:
    with _store(request).session() as session:
        cases = [case_json(c) for c in list_cases(session, _viewer(principal))]
    return render(request, "pages/cases.html", {"cases": cases, "statuses": STATUS_LABELS})


@router.post("/cases/add", include_in_schema=False)
def add_to_case_form(
    request: Request,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    case: Annotated[str, Form(max_length=20, description="A case id, or 'new'.")],
    title: Annotated[str, Form(max_length=300)] = "",
    document: Annotated[list[str] | None, Form(max_length=MAX_BULK)] = None,
    network: Annotated[list[str] | None, Form(max_length=MAX_BULK)] = None,
    identifier: Annotated[list[str] | None, Form(max_length=MAX_BULK)] = None,
    target: Annotated[list[str] | None, Form(max_length=MAX_BULK)] = None,
    kind: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Add leads to a case (or a new one): from a document or network page, or ticked in a list (``kind`` + ``target``)."""
    leads = {"document": list(document or []), "network": list(network or []), "identifier": list(identifier or [])}
    if target:
        if kind not in leads:
            raise InputError("say what the ticked leads are (document, network or identifier)")
        leads[kind].extend(target)
    hook = audit_hook(request, principal)
    with _store(request).session() as session:
        if case == "new":
            chosen = create_case(session, title or "Untitled case", principal.name, hook)
        elif case.isdigit():
            chosen = get_case(session, int(case), _viewer(principal))
        else:
            raise InputError("choose a case, or 'new'")
        for lead_kind, values in leads.items():
            for value in values:
                add_item(session, chosen, lead_kind, value, principal.name, hook)
        if note.strip():
            add_note(session, chosen, note, principal.name, hook)
        case_id = chosen.id
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(READ))]) -> Response:
    data = case_page_data(request, principal, case_id)
    return render(request, "pages/case.html", {"case": data, "statuses": STATUS_LABELS})


@router.post("/cases/{case_id}", include_in_schema=False)
def update_case_form(
    request: Request,
    case_id: RowId,
    principal: Annotated[Principal, Depends(require(MANAGE))],
    status: Annotated[str, Form(max_length=16)] = "",
    members: Annotated[str | None, Form(max_length=5000)] = None,
    note: Annotated[str, Form(max_length=10_000)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "",
) -> Response:
    """Change a case's status or members, or add a note."""
    hook = audit_hook(request, principal)
    with _store(request).session() as session:
        case = get_case(session, case_id, _viewer(principal))
        require_member(case, principal.name, principal.role == Role.ADMIN)
        names = None if members is None else [m for m in members.replace("\n", ",").split(",") if m.strip()]
        update_case(session, case, principal.name, hook, status=status or None, members=names)
        if note.strip():
            add_note(session, case, note, principal.name, hook)
    return RedirectResponse(back(next_path, f"/cases/{case_id}"), status_code=303)


def case_file(request: Request, principal: Principal, case_id: int) -> bytes:
    """The case file as a zip, written for ``principal``'s role (contacts masked unless it may see them)."""
    contacts = contact_view(request, principal)
    redactor = None if contacts.show else app_redactor(request.app)
    with tempfile.TemporaryDirectory(prefix="vigil-case-") as tmp:
        folder = Path(tmp) / f"case-{case_id}"
        result = export_case(_store(request), case_id, folder, exported_by=principal.name, redactor=redactor,
                             audit=audit_hook(request, principal), viewer=_viewer(principal))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in result.files:
                archive.write(folder / name, f"case-{case_id}/{name}")
    return buffer.getvalue()


def _zip_response(data: bytes, case_id: int) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="case-{case_id}.zip"'}
    return Response(data, media_type="application/zip", headers=headers)


@router.get("/cases/{case_id}/export", include_in_schema=False)
def export_page(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(READ))]) -> Response:
    return _zip_response(case_file(request, principal, case_id), case_id)


# ---- JSON API ---------------------------------------------------------------------------------


class CaseItemOut(BaseModel):
    id: int
    kind: str
    target: str
    label: str
    text: str | None
    added_by: str
    added_at: str


class CaseOut(BaseModel):
    id: int
    title: str
    owner: str
    members: list[str]
    status: str = Field(description="HTCDS v2.0 case status: Active, FollowUp, Closed or ClosedReferred.")
    created_at: str
    updated_at: str


class CaseDetailOut(CaseOut):
    items: list[CaseItemOut]
    documents: list[int] = Field(description="Stored document keys of the case (added, in its networks, carrying its identifiers).")
    timeline: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = Field(description="SHA-256 of each stored item; empty for roles that may not see contacts.")


class LeadsIn(BaseModel):
    documents: list[str] = Field(default_factory=list, max_length=MAX_BULK, description="Document keys or ids.")
    networks: list[str] = Field(default_factory=list, max_length=MAX_BULK)
    identifiers: list[str] = Field(default_factory=list, max_length=MAX_BULK, description="Phones, e-mails, handles, URLs as written.")
    note: str | None = Field(None, max_length=10_000)


class CaseIn(LeadsIn):
    title: str = Field(min_length=1, max_length=300)
    members: list[str] = Field(default_factory=list, max_length=50)


class CaseChangeIn(BaseModel):
    status: StatusName | None = None
    title: str | None = Field(None, max_length=300)
    owner: str | None = Field(None, max_length=100)
    members: list[str] | None = Field(None, max_length=50)


def _leads(body: LeadsIn) -> dict[str, list[str]]:
    return {"document": body.documents, "network": body.networks, "identifier": body.identifiers}


@router.get("/api/v1/cases", response_model=list[CaseOut], tags=["cases"])
def api_cases(request: Request, principal: Annotated[Principal, Depends(require(READ))]) -> list[dict[str, Any]]:
    """Your cases (every case, for an admin), most recently changed first."""
    with _store(request).session() as session:
        return [case_json(c) for c in list_cases(session, _viewer(principal))]


@router.post("/api/v1/cases", response_model=CaseOut, status_code=201, tags=["cases"])
def api_create_case(request: Request, body: CaseIn, principal: Annotated[Principal, Depends(require(MANAGE))]) -> dict[str, Any]:
    """Open a case owned by you, with its first leads; audited."""
    hook = audit_hook(request, principal)
    with _store(request).session() as session:
        case = create_case(session, body.title, principal.name, hook, body.members)
        for kind, values in _leads(body).items():
            for value in values:
                add_item(session, case, kind, value, principal.name, hook)
        if body.note:
            add_note(session, case, body.note, principal.name, hook)
        return case_json(case)


@router.get("/api/v1/cases/{case_id}", response_model=CaseDetailOut, tags=["cases"])
def api_case(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(READ))]) -> dict[str, Any]:
    """One case with its items, documents, timeline and evidence list; the read is audited."""
    return case_page_data(request, principal, case_id)


@router.post("/api/v1/cases/{case_id}/items", response_model=CaseOut, tags=["cases"])
def api_add_items(
    request: Request, case_id: RowId, body: LeadsIn, principal: Annotated[Principal, Depends(require(MANAGE))]
) -> dict[str, Any]:
    """Add documents, networks, identifiers and a note to a case you own or are a member of; audited."""
    hook = audit_hook(request, principal)
    with _store(request).session() as session:
        case = get_case(session, case_id, _viewer(principal))
        for kind, values in _leads(body).items():
            for value in values:
                add_item(session, case, kind, value, principal.name, hook)
        if body.note:
            add_note(session, case, body.note, principal.name, hook)
        return case_json(case)


@router.patch("/api/v1/cases/{case_id}", response_model=CaseOut, tags=["cases"])
def api_update_case(
    request: Request, case_id: RowId, body: CaseChangeIn, principal: Annotated[Principal, Depends(require(MANAGE))]
) -> dict[str, Any]:
    """Change a case's status, title, owner or members; audited."""
    with _store(request).session() as session:
        case = get_case(session, case_id, _viewer(principal))
        require_member(case, principal.name, principal.role == Role.ADMIN)
        update_case(session, case, principal.name, audit_hook(request, principal), status=body.status, title=body.title,
                    owner=body.owner, members=body.members)
        return case_json(case)


@router.get("/api/v1/cases/{case_id}/export", tags=["cases"], response_class=Response,
            responses={200: {"content": {"application/zip": {}}, "description": "The case file as a zip."}})
def api_export(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(READ))]) -> Response:
    """The case file (report.html, data.jsonl, evidence, manifest.json) as a zip; contacts masked by role; audited."""
    return _zip_response(case_file(request, principal, case_id), case_id)


# ---- template helpers -------------------------------------------------------------------------


def my_cases(request: Request) -> list[dict[str, Any]]:
    """Open cases the viewer may add leads to (for the "add to case" forms)."""
    principal = current_principal(request)
    if principal is None or not principal.can(MANAGE):
        return []
    try:
        with _store(request).session() as session:
            return [{"id": c.id, "title": c.title} for c in list_cases(session, _viewer(principal)) if not c.status.startswith("Closed")]
    except StoreError:
        return []


def configure_app(app: FastAPI) -> None:
    templates.env.globals["my_cases"] = my_cases
