"""Partner organisations in the API: what a partner's member sees (exactly what was shared with
their organisation), the admins' grants, and identifier matching under ``/api/v1/share``.

A partner's request acts for the organisation of its account; an org-scoped API key acts for
that organisation only (:func:`vigil.partners.orgs.org_of`). A case not shared with that
organisation answers "not found", whatever its id. Every read is written to the audit log.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as FastApiPath
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from vigil.casework.cases import case_json, items_of
from vigil.casework.export import export_case
from vigil.errors import InputError, NotFoundError
from vigil.partners import orgs
from vigil.partners.aggregates import monitoring_statistics
from vigil.partners.htcds import case_htcds
from vigil.partners.matching import (
    get_partnership,
    intersect,
    matched_leads,
    our_hashes,
    partnership_secret,
    write_hashes,
)
from vigil.partners.models import GRANT_CASE, PartnerOrg
from vigil.redaction import mask_identifier
from vigil.settings import Settings
from vigil.store import Store
from vigil.web import audit
from vigil.web.app import RowId
from vigil.web.pages.contacts import app_redactor
from vigil.web.pages.reviews import audit_hook
from vigil.web.permissions import Principal, Role, require

router = APIRouter()

SHARED = "partners:shared"
MANAGE = "partners:manage"
EXCHANGE = "identifiers:exchange"
#: Hashes one match request may carry (a bigger set goes in several requests, or through the CLI).
MAX_MATCH_HASHES: Final = 10_000
OrgName = Annotated[str, FastApiPath(max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def partner_org(session: Session, principal: Principal) -> PartnerOrg:
    """The organisation a partner's request acts for; none means nothing is shared with it (404, like an unshared case)."""
    org = orgs.org_of(session, principal.user_id, principal.api_key_id)
    if org is None:
        raise NotFoundError("this account (or key) acts for no partner organisation, so nothing is shared with it")
    return org


def _shared_case_out(case: Any) -> dict[str, Any]:
    return {"id": case.id, "title": case.title, "status": case.status,
            "created_at": case.created_at.isoformat(), "updated_at": case.updated_at.isoformat()}


class SharedCaseOut(BaseModel):
    id: int
    title: str
    status: str = Field(description="HTCDS v2.0 case status.")
    created_at: str
    updated_at: str


class SharedCaseDetailOut(SharedCaseOut):
    items: list[dict[str, Any]] = Field(description="The case's leads and notes; identifiers masked.")


class OrgOut(BaseModel):
    name: str
    kind: str
    title: str
    own: bool
    grants: list[dict[str, Any]] = Field(default_factory=list)


@router.get("/api/v1/partner", response_model=OrgOut, tags=["partners"])
def api_my_org(request: Request, principal: Annotated[Principal, Depends(require(SHARED))]) -> dict[str, Any]:
    """Your organisation and what is shared with it."""
    with _store(request).session() as session:
        org = partner_org(session, principal)
        return orgs.org_json(org, orgs.grants_of(session, org))


@router.get("/api/v1/partner/cases", response_model=list[SharedCaseOut], tags=["partners"])
def api_shared_cases(request: Request, principal: Annotated[Principal, Depends(require(SHARED))]) -> list[dict[str, Any]]:
    """The cases shared with your organisation."""
    with _store(request).session() as session:
        org = partner_org(session, principal)
        ids = orgs.shared_case_ids(session, org)
        out = [_shared_case_out(orgs.shared_case(session, org, i)) for i in ids]
        audit.record(session, principal, "partner.cases_list", "partner_org", org.id, request, {"cases": len(out)})
        return out


@router.get("/api/v1/partner/cases/{case_id}", response_model=SharedCaseDetailOut, tags=["partners"])
def api_shared_case(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(SHARED))]) -> dict[str, Any]:
    """One case shared with your organisation, its identifiers masked; the read is audited."""
    with _store(request).session() as session:
        org = partner_org(session, principal)
        case = orgs.shared_case(session, org, case_id)
        items = case_json(case, items_of(session, case.id), with_items=True)["items"]
        for item in items:
            if item["kind"] == "identifier":
                item["target"] = item["label"] = mask_identifier(item["target"])
        audit.record(session, principal, "case.view", "case", case.id, request, {"org": org.name})
        return {**_shared_case_out(case), "items": items}


@router.get("/api/v1/partner/cases/{case_id}/htcds", tags=["partners"])
def api_shared_case_htcds(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(SHARED))]) -> dict[str, Any]:
    """The case's people and events in HTCDS v2.0 fields (contact fields left out); audited."""
    with _store(request).session() as session:
        org = partner_org(session, principal)
        case = orgs.shared_case(session, org, case_id)
        try:
            ours: PartnerOrg | None = orgs.own_org(session)
        except NotFoundError:
            ours = None  # no organisation of our own recorded: the export names none
        data = case_htcds(session, case, ours, contacts=principal.can("documents:contacts"))
        audit.record(session, principal, "case.htcds_export", "case", case.id, request, {"org": org.name})
        return data


@router.get("/api/v1/partner/cases/{case_id}/export", tags=["partners"], response_class=Response,
            responses={200: {"content": {"application/zip": {}}, "description": "The case file as a zip, contacts masked."}})
def api_shared_case_export(request: Request, case_id: RowId, principal: Annotated[Principal, Depends(require(SHARED))]) -> Response:
    """The case file of a shared case as a zip, contacts masked; audited."""
    with _store(request).session() as session:
        orgs.shared_case(session, partner_org(session, principal), case_id)
    redactor = None if principal.can("documents:contacts") else app_redactor(request.app)
    with tempfile.TemporaryDirectory(prefix="vigil-case-") as tmp:
        folder = Path(tmp) / f"case-{case_id}"
        result = export_case(_store(request), case_id, folder, exported_by=principal.name, redactor=redactor,
                             audit=audit_hook(request, principal))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in result.files:
                archive.write(folder / name, f"case-{case_id}/{name}")
    headers = {"Content-Disposition": f'attachment; filename="case-{case_id}.zip"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


@router.get("/api/v1/partner/stats", tags=["partners"])
def api_shared_stats(request: Request, principal: Annotated[Principal, Depends(require(SHARED))]) -> dict[str, Any]:
    """Monitoring statistics by country, platform category and month, counts below k suppressed (when shared)."""
    with _store(request).session() as session:
        org = partner_org(session, principal)
        if not orgs.may_see_stats(session, org):
            raise NotFoundError("the statistics are not shared with your organisation")
        data = monitoring_statistics(session, _settings(request).partners_min_cell_count)
        audit.record(session, principal, "partner.stats", "partner_org", org.id, request, {"cells": len(data["cells"])})
        return data


# ---- admins: organisations and grants -----------------------------------------------------------


class GrantIn(BaseModel):
    kind: Literal["case", "stats"]
    case: int | None = Field(None, ge=1, le=2**63 - 1, description="The case to share (kind case).")


def _grant_target(body: GrantIn) -> str:
    if body.kind != GRANT_CASE:
        return ""
    if body.case is None:
        raise InputError("say which case (case) to share")
    return str(body.case)


@router.get("/api/v1/partners", response_model=list[OrgOut], tags=["partners"])
def api_orgs(request: Request, principal: Annotated[Principal, Depends(require(MANAGE))]) -> list[dict[str, Any]]:
    """Every organisation with what is shared with it."""
    with _store(request).session() as session:
        return [orgs.org_json(o, orgs.grants_of(session, o)) for o in orgs.list_orgs(session)]


@router.post("/api/v1/partners/{org}/grants", response_model=OrgOut, tags=["partners"])
def api_grant(request: Request, org: OrgName, body: GrantIn, principal: Annotated[Principal, Depends(require(MANAGE))]) -> dict[str, Any]:
    """Share a case, or the statistics, with an organisation; audited."""
    with _store(request).session() as session:
        found = orgs.get_org(session, org)
        orgs.grant(session, found, body.kind, _grant_target(body), principal.name, audit_hook(request, principal))
        return orgs.org_json(found, orgs.grants_of(session, found))


@router.post("/api/v1/partners/{org}/revoke", response_model=OrgOut, tags=["partners"])
def api_revoke(request: Request, org: OrgName, body: GrantIn, principal: Annotated[Principal, Depends(require(MANAGE))]) -> dict[str, Any]:
    """Stop sharing a case, or the statistics, with an organisation; audited."""
    with _store(request).session() as session:
        found = orgs.get_org(session, org)
        orgs.revoke(session, found, body.kind, _grant_target(body), principal.name, audit_hook(request, principal))
        return orgs.org_json(found, orgs.grants_of(session, found))


# ---- identifier matching --------------------------------------------------------------------------


class MatchIn(BaseModel):
    hashes: list[str] = Field(max_length=MAX_MATCH_HASHES,
                              description="The partner's HMAC-SHA256 hashes (64 lower-case hex digits each).")


class MatchOut(BaseModel):
    matched: list[str] = Field(description="The given hashes this instance also holds.")
    leads: list[dict[str, Any]] | None = Field(None, description="Our documents and networks behind each match (our analysts only).")


def _partnership(session: Session, principal: Principal, name: str) -> Any:
    """A partnership this principal may use: a partner's member only their organisation's."""
    if principal.role == Role.PARTNER:
        return get_partnership(session, name, partner_org(session, principal))
    return get_partnership(session, name)


@router.get("/api/v1/share/{partnership}/hashes", tags=["share"], response_class=PlainTextResponse)
def api_share_hashes(request: Request, partnership: OrgName, principal: Annotated[Principal, Depends(require(EXCHANGE))]) -> Response:
    """Our identifiers as keyed hashes under the partnership's secret, in the `vigil share export` format; audited."""
    with _store(request).session() as session:
        row = _partnership(session, principal, partnership)
        hashes = our_hashes(session, partnership_secret(row, _settings(request).resolved_partners_dir))
        out = io.StringIO()
        count = write_hashes(out, row.name, hashes)
        audit.record(session, principal, "share.export", "partnership", row.name, request, {"hashes": count})
    return PlainTextResponse(out.getvalue())


@router.post("/api/v1/share/{partnership}/match", response_model=MatchOut, response_model_exclude_none=True, tags=["share"])
def api_share_match(
    request: Request, partnership: OrgName, body: MatchIn, principal: Annotated[Principal, Depends(require(EXCHANGE))]
) -> dict[str, Any]:
    """Which of the given hashes we hold too. A partner learns only that; our analysts also get our documents and networks."""
    theirs = {h for h in body.hashes if len(h) == 64 and all(c in "0123456789abcdef" for c in h)}
    with _store(request).session() as session:
        row = _partnership(session, principal, partnership)
        ours = our_hashes(session, partnership_secret(row, _settings(request).resolved_partners_dir))
        matched = intersect(ours, theirs)
        out: dict[str, Any] = {"matched": matched}
        if principal.role != Role.PARTNER and principal.can("documents:contacts"):
            out["leads"] = matched_leads(session, ours, matched)
        audit.record(session, principal, "share.match", "partnership", row.name, request,
                     {"theirs": len(theirs), "matched": len(matched)})
        return out
