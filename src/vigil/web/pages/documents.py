"""Document search and the document page, as HTML (with HTMX partial updates) and as JSON under ``/api/v1``.

Every view of a document, every search, and every showing of a document's contacts in the
clear is written to the audit log. Contact identifiers (in the text, the title, the URL, the
snippets, the evidence and the entities) are shown only to roles holding ``documents:contacts``;
:mod:`vigil.web.pages.contacts` masks them for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Annotated, Any, Final, Literal, get_args

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from vigil.casework.models import REVIEW_STATES
from vigil.errors import ConfigError, InputError, NotFoundError, PermissionDenied
from vigil.recognizers.catalogue import IndicatorInfo, load_catalogue
from vigil.redaction import document_context
from vigil.search import (
    KINDS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    RISK_LEVELS,
    SORT_ORDERS,
    FilterOptions,
    SearchPage,
    SearchQuery,
    filter_options,
    search_documents,
)
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, Evidence
from vigil.web import audit
from vigil.web.app import NavItem, RowId, render
from vigil.web.i18n import N_
from vigil.web.pages import identifiers, networks_data
from vigil.web.pages.cache import cached
from vigil.web.pages.contacts import CONTACTS_PERMISSION, ContactView, app_redactor, contact_counts, contact_view
from vigil.web.pages.evidence import contributions, entity_groups, highlight, hits_of, redact_hits
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/documents", N_("Documents"), "documents:read", order=200),)

__all__ = ["CONTACTS_PERMISSION", "router"]
KindName = Literal["sex_ad", "job_ad", "forum_post", "social_post", "classified", "other"]
RiskName = Literal["high", "medium", "low"]
SortName = Literal["newest", "posted", "risk", "relevance", "reviewed"]
ReviewStateName = Literal["new", "in_review", "escalated", "dismissed", "actioned"]
# The API's enumerations are the search module's, spelled as types for the OpenAPI document.
assert get_args(KindName) == KINDS and get_args(RiskName) == RISK_LEVELS and get_args(SortName) == SORT_ORDERS
assert get_args(ReviewStateName) == REVIEW_STATES
#: The assignee filter's word for the reader themself.
ME = "me"
REVIEW_PERMISSION = "reviews:manage"
#: Filter choices change only when documents arrive; a minute-old list is good enough for a form.
FILTER_OPTIONS_TTL = 60.0


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def cached_filter_options(request: Request) -> FilterOptions:
    return cached(request, "search_filter_options", FILTER_OPTIONS_TTL, lambda: filter_options(_store(request)))


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _date(value: str | None, name: str) -> date | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{name} must be a date (YYYY-MM-DD)") from exc


def _int(value: str | None, default: int) -> int:
    value = _blank(value)
    if value is None:
        return default
    if not value.isdigit() or len(value) > 6:
        raise InputError("page numbers are whole numbers")
    return int(value)


def assignee_name(value: str | None, principal: Principal) -> str | None:
    """The assignee filter's user: ``me`` is the reader (any case), blank is anyone."""
    value = _blank(value)
    return principal.name if value is not None and value.casefold() == ME else value


def query_from_form(params: dict[str, str], review_states: tuple[str, ...] = (), assignee: str | None = None) -> SearchQuery:
    """A :class:`SearchQuery` from the search form's fields (all strings, any may be blank); ``review``
    is several fields (ticked states), passed as ``review_states``, and ``assignee`` is already resolved."""
    return SearchQuery(
        text=params.get("q", ""),
        platform=_blank(params.get("platform")),
        kind=_blank(params.get("kind")),
        lang=_blank(params.get(DOCUMENT_LANGUAGE_FIELD)),
        indicator=_blank(params.get("indicator")),
        risk_level=_blank(params.get("risk")),
        posted_from=_date(params.get("from"), "from"),
        posted_to=_date(params.get("to"), "to"),
        review_states=review_states,
        assignee=assignee,
        label=_blank(params.get("label")),
        sort=_blank(params.get("sort")) or "newest",
        page=_int(params.get("page"), 1),
        per_page=_int(params.get("per_page"), 20),
    )


#: Stored primary keys are 64-bit; anything larger is not a document (and would overflow the driver).
DocumentPk = RowId

#: The documents' language filter; ``lang`` is the interface's language (i18n.LANGUAGE_PARAM), a separate choice.
DOCUMENT_LANGUAGE_FIELD = "doc_lang"
#: The review filters (``review`` may be given several times: any of the ticked states).
REVIEW_FIELDS = ("review", "assignee", "label")
FORM_FIELDS = (
    "q", "platform", "kind", DOCUMENT_LANGUAGE_FIELD, "indicator", "risk", "from", "to", *REVIEW_FIELDS, "sort", "per_page",
)


def audited_search(request: Request, principal: Principal, query: SearchQuery) -> SearchPage:
    """One page of results, titles and snippets redacted for ``principal``; the search is written to the audit log.

    Review filters and the review order are for roles that review leads (others may not learn a lead's review).
    """
    may_review = principal.can(REVIEW_PERMISSION)
    if query.uses_review and not may_review:
        raise PermissionDenied("filtering or sorting by review needs the reviews:manage permission")
    view = contact_view(request, principal)
    page = search_documents(_store(request), query, redactor=None if view.show else view.redactor, reviews=may_review)
    filters: dict[str, Any] = {
        name: value
        for name, value in (
            ("platform", query.platform), ("kind", query.kind), ("lang", query.lang), ("indicator", query.indicator),
            ("risk", query.risk_level), ("from", query.posted_from.isoformat() if query.posted_from else None),
            ("to", query.posted_to.isoformat() if query.posted_to else None),
            ("review", list(query.review_states)), ("assignee", query.assignee), ("label", query.label),
        )
        if value
    }
    details = {"q": query.text, "filters": filters, "page": query.page, "results": page.total, "contacts_shown": view.show}
    with _store(request).session() as session:
        audit.record(session, principal, "document.search", "documents", None, request, details)
    return page


@router.get("/documents", include_in_schema=False)
def search_page(request: Request, principal: Annotated[Principal, Depends(require("documents:read"))]) -> Response:
    """The search page; an HTMX request gets only the result list."""
    params = {k: v[:MAX_QUERY_CHARS] for k, v in request.query_params.items() if k in (*FORM_FIELDS, "page")}
    if (to_identifier := identifiers.search_redirect(request, params)) is not None:
        return to_identifier
    ticked = tuple(dict.fromkeys(v for v in request.query_params.getlist("review")[: len(REVIEW_STATES) + 1] if v))
    error: str | None = None
    page = None
    try:
        query = query_from_form(params, ticked, assignee_name(params.get("assignee"), principal))
        page = audited_search(request, principal, query)
    except InputError as exc:
        error = exc.message
    # Pairs, not a dict: the pager keeps every ticked review state.
    keep = [(k, v) for k, v in params.items() if k in FORM_FIELDS and k != "review" and v] + [("review", s) for s in ticked]
    context: dict[str, Any] = {
        "params": params,
        "ticked": ticked,
        "keep": keep,
        "page": page,
        "error": error,
        "options": cached_filter_options(request),
        "sort_orders": SORT_ORDERS if principal.can(REVIEW_PERMISSION) else tuple(s for s in SORT_ORDERS if s != "reviewed"),
        "catalogue": indicator_catalogue(),
    }
    partial = request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "results"
    return render(request, "pages/_results.html" if partial else "pages/search.html", context, 422 if error and not partial else 200)


#: Synthetic text the start-up masks once, so the first masked page finds the redactor's tables loaded.
WARM_UP_TEXT: Final = "Praca w Berlinie od zaraz, tel. +49 30 0000000, kontakt@example.org"


def warm_up(app: FastAPI) -> None:
    """The contact redactor built and run once, and the indicator catalogue read, as the app starts."""
    app_redactor(app).redact(WARM_UP_TEXT)
    indicator_catalogue()


def indicator_catalogue() -> dict[str, IndicatorInfo]:
    """The indicator catalogue, loaded once; empty when it cannot be read (hits still show, unexplained)."""
    try:
        return _catalogue()
    except ConfigError:
        return {}


@cache
def _catalogue() -> dict[str, IndicatorInfo]:
    return load_catalogue()


def document_view(store: Store, pk: int, principal: Principal, request: Request) -> dict[str, Any]:
    """Everything the document page and API show, redacted for ``principal``, with the view written to the audit log.

    A role that may see contacts is shown them in the clear, and that is written down too
    (``document.contacts.view``, with how many of each kind, never the values).
    """
    view = contact_view(request, principal)
    show_contacts = view.show
    with store.session() as session:
        doc = session.get(DocumentRow, pk)
        if doc is None:
            raise NotFoundError(f"no document {pk}")
        analysis = session.get(AnalysisRow, pk)
        evidence = session.get(Evidence, doc.evidence_sha256) if doc.evidence_sha256 else None
        source_name = doc.source.name
        result: dict[str, Any] = analysis.result if analysis is not None and isinstance(analysis.result, dict) else {}
        audit.record(session, principal, "document.view", "document", pk, request, {"doc_id": doc.doc_id[:200]})
        counts = contact_counts(result.get("entities"))
        if show_contacts and (counts or analysis is None):
            details = {"doc_id": doc.doc_id[:200], "contacts": counts, "analysed": analysis is not None}
            audit.record(session, principal, "document.contacts.view", "document", pk, request, details)
    network = networks_data.network_of(store, pk)
    stored_lang = result.get("lang")
    context = document_context(doc.lang or (stored_lang if isinstance(stored_lang, str) else None), doc.location, doc.platform, doc.url)
    text = view.text(doc.text, context)
    title = view.text(doc.title or "", context)
    fields = {"text": (doc.text, text), "title": (doc.title or "", title)}
    hits = hits_of(result)
    if not show_contacts:
        hits = redact_hits(hits, fields, lambda evidence: view.text(evidence, context))
    return {
        "doc": doc,
        "source_name": source_name,
        "text": text,
        "title": title,
        "text_segments": highlight(text, hits, "text"),
        "title_segments": highlight(title, hits, "title"),
        "hits": hits,
        "analysis": analysis,
        "result": result,
        "contributions": contributions(result, hits),
        "entities": entity_groups(result, show_contacts=show_contacts),
        "show_contacts": show_contacts,
        "contact_view": view,
        "fields": fields,
        "context": context,
        "url": view.url(doc.url),
        "evidence": evidence,
        "network": network,
        "images": doc.images if isinstance(doc.images, list) else [],
    }


@router.get("/documents/{pk}", include_in_schema=False)
def document_page(
    request: Request, pk: DocumentPk, principal: Annotated[Principal, Depends(require("documents:read"))]
) -> Response:
    view = document_view(_store(request), pk, principal, request)
    catalogue = indicator_catalogue()
    explained = [(ind, catalogue.get(ind)) for ind in dict.fromkeys(h.indicator for h in view["hits"])]
    context = {**view, "explained": explained, "hit_ids": {ind for ind, _ in explained}}
    return render(request, "pages/document.html", context)


# ---- JSON API ---------------------------------------------------------------------------------


class RiskOut(BaseModel):
    score: float | None
    level: str | None


class HitReviewOut(BaseModel):
    state: str = Field(description="new (never reviewed), in_review, escalated, dismissed or actioned.")
    assignee: str | None
    labels: list[str]
    updated_at: str | None = Field(description="When the review last changed (state, assignee, labels or a note).")


class SearchHitOut(BaseModel):
    pk: int
    id: str
    title: str | None
    kind: str
    platform: str | None
    lang: str | None
    location: str | None
    posted_at: str | None
    risk: RiskOut
    indicators: list[str]
    snippet: str
    highlights: list[tuple[str, bool]] = Field(description="The snippet in pieces; true where a query word matched.")
    review: HitReviewOut | None = Field(description="The document's review; null when the caller may not review leads.")


class SearchPageOut(BaseModel):
    items: list[SearchHitOut]
    total: int
    total_capped: bool = Field(description="True when more documents match than were counted; total is then a lower bound.")
    page: int
    per_page: int
    pages: int


class DocumentOut(BaseModel):
    pk: int
    id: str
    source: str
    title: str | None
    text: str
    kind: str
    platform: str | None
    url: str | None
    lang: str | None
    posted_at: str | None
    captured_at: str | None
    location: str | None
    images: list[str] = Field(description="Perceptual hashes or URLs; Vigil never stores or serves images.")
    evidence_sha256: str | None
    contacts_masked: bool
    analysis: dict[str, Any] | None = Field(description="The stored analysis (Analysis contract), contacts masked as for the page.")
    network: str | None = Field(description="Id of the network (cluster) the document belongs to, if any.")


@router.get("/api/v1/documents", response_model=SearchPageOut, tags=["documents"])
def api_search(
    request: Request,
    principal: Annotated[Principal, Depends(require("documents:read"))],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Words, \"phrases\", -excluded, prefix*")] = "",
    platform: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[KindName | None, Query()] = None,
    lang: Annotated[str | None, Query(max_length=8)] = None,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    risk: Annotated[RiskName | None, Query()] = None,
    posted_from: Annotated[date | None, Query(alias="from")] = None,
    posted_to: Annotated[date | None, Query(alias="to")] = None,
    review: Annotated[
        list[ReviewStateName] | None, Query(max_length=len(REVIEW_STATES), description="Review states, any of them (repeat the field); new means never reviewed.")
    ] = None,
    assignee: Annotated[str | None, Query(max_length=100, description="Assigned to this user; me for the caller.")] = None,
    label: Annotated[str | None, Query(max_length=64, description="The review carries this label.")] = None,
    sort: Annotated[SortName, Query(description="reviewed: last review change first.")] = "newest",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
) -> dict[str, Any]:
    """Full-text search over documents with filters; newest first unless ``sort`` says otherwise.

    Titles and snippets carry contacts masked for roles without contact access; searches are audited.
    Filters and the order on review fields (``review``, ``assignee``, ``label``, ``sort=reviewed``) need
    ``reviews:manage``.
    """
    query = SearchQuery(
        text=q, platform=platform, kind=kind, lang=lang, indicator=indicator, risk_level=risk,
        posted_from=posted_from, posted_to=posted_to, review_states=tuple(dict.fromkeys(review or ())),
        assignee=assignee_name(assignee, principal), label=_blank(label), sort=sort, page=page, per_page=per_page,
    )
    return audited_search(request, principal, query).to_json()


Redact = Callable[[str], str]


def _masked_analysis(result: dict[str, Any], view: ContactView, fields: dict[str, tuple[str, str]], redact: Redact) -> dict[str, Any]:
    """The stored analysis as a role without contact access may read it: entities and evidence masked."""
    if view.show or not result:
        return result
    masked = dict(result)
    if isinstance(result.get("entities"), dict):
        masked["entities"] = view.entities(result["entities"])
    indicators = result.get("indicators")
    masked["indicators"] = [_masked_indicator(i, fields, redact) for i in indicators] if isinstance(indicators, list) else []
    return masked


def _masked_indicator(raw: Any, fields: dict[str, tuple[str, str]], redact: Redact) -> Any:
    if not isinstance(raw, dict) or "evidence" not in raw:
        return raw
    hit = hits_of({"indicators": [raw]})
    if not hit:
        return {**raw, "evidence": redact(str(raw["evidence"]))}
    return {**raw, "evidence": redact_hits(hit, fields, redact)[0].evidence}


@router.get("/api/v1/documents/{pk}", response_model=DocumentOut, tags=["documents"])
def api_document(
    request: Request, pk: DocumentPk, principal: Annotated[Principal, Depends(require("documents:read"))]
) -> dict[str, Any]:
    """One stored document with its analysis; the view is written to the audit log."""
    view = document_view(_store(request), pk, principal, request)
    contacts: ContactView = view["contact_view"]
    doc: DocumentRow = view["doc"]
    network = view["network"]
    return {
        "pk": doc.pk,
        "id": doc.doc_id,
        "source": view["source_name"],
        "title": view["title"] or None,
        "text": view["text"],
        "kind": doc.kind,
        "platform": doc.platform,
        "url": view["url"],
        "lang": doc.lang,
        "posted_at": doc.posted_at.isoformat() if doc.posted_at else None,
        "captured_at": doc.captured_at.isoformat() if doc.captured_at else None,
        "location": doc.location,
        "images": [str(i) for i in view["images"]],
        "evidence_sha256": doc.evidence_sha256,
        "contacts_masked": not view["show_contacts"],
        "analysis": _masked_analysis(view["result"], contacts, view["fields"], lambda e: contacts.text(e, view["context"]))
        if view["analysis"] is not None
        else None,
        "network": network.cluster_id if network is not None else None,
    }
