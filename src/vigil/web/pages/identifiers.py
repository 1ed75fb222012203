"""Identifier pages: every stored ad carrying a phone, e-mail, handle or URL, and its timeline.

An identifier is a way to reach a person, so only roles holding ``documents:contacts`` may
look one up at all (others get 403, in the page and in the API), and every lookup is
written to the audit log. The search box sends a query that reads as an identifier here.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as FastApiPath
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vigil.errors import InputError
from vigil.identifiers.lookup import find_documents
from vigil.identifiers.query import MAX_QUERY_CHARS, IdentifierQuery, read_identifier
from vigil.identifiers.timeline import Timeline, build_timeline
from vigil.store import Store
from vigil.web import audit
from vigil.web.app import render
from vigil.web.pages import movement_data
from vigil.web.permissions import Principal, current_principal, require

router = APIRouter()

LOOKUP_PERMISSION = "documents:contacts"
#: Ads shown on one identifier page (the API takes up to MAX_LIMIT).
PAGE_LIMIT = 500
MAX_LIMIT = 5000
IdentifierValue = Annotated[str, FastApiPath(min_length=1, max_length=MAX_QUERY_CHARS)]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _lookup(request: Request, principal: Principal, value: str, limit: int, via: str) -> tuple[IdentifierQuery, Timeline, bool]:
    """Read ``value``, find its documents (one more than ``limit`` to tell truncation) and audit the lookup."""
    query = read_identifier(value)
    store = _store(request)
    matches = find_documents(store, query, limit=limit + 1)
    truncated = len(matches) > limit
    matches = matches[:limit]
    with store.session() as session:
        details = {"kind": query.kind, "exact": query.exact, "documents": len(matches), "via": via}
        audit.record(session, principal, "identifier.lookup", "identifier", query.label, request, details)
    return query, build_timeline(store, matches), truncated


def search_redirect(request: Request, params: dict[str, str]) -> Response | None:
    """Where the document search sends a query that is one identifier (for roles that may look it up)."""
    principal = current_principal(request)
    text = (params.get("q") or "").strip()
    if principal is None or not principal.can(LOOKUP_PERMISSION) or not text or len(text) > MAX_QUERY_CHARS:
        return None
    if any(v for k, v in params.items() if k not in ("q", "sort", "per_page")):
        return None  # filters or a later page: the person is searching documents, not an identifier
    try:
        read_identifier(text)
    except InputError:
        return None
    target = f"/identifiers/{quote(text, safe='')}"
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": target})  # the whole page goes, not the result list
    return RedirectResponse(target, status_code=303)


@router.get("/identifiers/{value:path}", include_in_schema=False)
async def identifier_page(
    request: Request, value: IdentifierValue, principal: Annotated[Principal, Depends(require(LOOKUP_PERMISSION))]
) -> Response:
    """The identifier's ads in date order, platforms, movement between cities, names, ages and networks."""
    query, timeline, truncated = await run_in_threadpool(_lookup, request, principal, value, PAGE_LIMIT, "page")
    context: dict[str, Any] = {"query": query, "timeline": timeline, "truncated": truncated, "limit": PAGE_LIMIT}
    return render(request, "pages/identifier.html", context)


# ---- JSON API ---------------------------------------------------------------------------------


class IdentifierDocumentOut(BaseModel):
    pk: int
    id: str
    source: str
    identifier: str = Field(description="The identifier as stored (E.164 phone, lower-case e-mail, platform:name, host/path).")
    cluster: str | None = Field(description="The network the document belongs to; null when it is linked to none.")
    posted_at: str | None
    platform: str | None
    places: list[str]
    names: list[str]
    ages: list[int]


class IdentifierLookupOut(BaseModel):
    query: str = Field(description="The value as written.")
    kind: str = Field(description="phone, email, handle or url.")
    identifier: str = Field(description="The normalized identifier, or its bare forms when the query left part out.")
    exact: bool = Field(description="False when the query matched on a bare form: a phone without country code "
                        "(same national number, any country), a handle without platform, a domain without path.")
    total: int
    truncated: bool = Field(description="True when more documents carry the identifier than were returned.")
    items: list[IdentifierDocumentOut]
    timeline: dict[str, Any] = Field(description="Platforms, movement between places, names, ages and networks.")


@router.get("/api/v1/identifiers/{value:path}", response_model=IdentifierLookupOut, tags=["identifiers"])
async def api_identifier(
    request: Request,
    value: IdentifierValue,
    principal: Annotated[Principal, Depends(require(LOOKUP_PERMISSION))],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_LIMIT,
) -> dict[str, Any]:
    """Stored documents carrying a phone, e-mail, handle or URL written in any form; the lookup is audited.

    A value that is not an identifier is a 422.
    """
    query, timeline, truncated = await run_in_threadpool(_lookup, request, principal, value, limit, "api")
    items = [
        {
            "pk": ad.pk,
            "id": ad.id,
            "source": ad.source,
            "identifier": ad.identifier,
            "cluster": ad.cluster,
            "posted_at": ad.posted_at.isoformat() if ad.posted_at else None,
            "platform": ad.platform,
            "places": list(ad.places),
            "names": list(ad.names),
            "ages": list(ad.ages),
        }
        for ad in timeline.ads
    ]
    return {
        "query": query.written,
        "kind": query.kind,
        "identifier": query.label,
        "exact": query.exact,
        "total": len(items),
        "truncated": truncated,
        "items": items,
        "timeline": timeline.to_json(),
    }


@router.get("/api/v1/movement/identifiers/{value:path}", tags=["identifiers"])
async def api_identifier_movement(
    request: Request, value: IdentifierValue, principal: Annotated[Principal, Depends(require(LOOKUP_PERMISSION))]
) -> dict[str, Any]:
    """Where the identifier's ads appeared, for the movement map (cities, route, unplaced); the lookup is audited."""
    _, timeline, truncated = await run_in_threadpool(_lookup, request, principal, value, MAX_LIMIT, "movement")
    sightings = [movement_data.Sighting(ad.places[0] if ad.places else None, ad.posted_at) for ad in timeline.ads]
    return {**movement_data.movement(sightings), "truncated": truncated}
