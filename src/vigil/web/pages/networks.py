"""Network pages: the list of the largest networks, and one network's graph, timeline, cities and template.

Every view of a network is written to the audit log. Identifiers are contact data: roles
without ``documents:contacts`` see them masked (by the one redaction policy, see
:mod:`vigil.web.pages.contacts`) in the graph, the evidence, the template and the ad titles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from vigil.casework.models import NETWORK, NEW, REVIEW_STATES, ReviewState
from vigil.casework.reviews import reviews_of
from vigil.errors import NotFoundError, PermissionDenied
from vigil.scoring.models import LEVELS
from vigil.store import Store
from vigil.web import audit
from vigil.web.app import NavItem, render, templates
from vigil.web.i18n import N_
from vigil.web.pages import movement_data
from vigil.web.pages.cache import cached
from vigil.web.pages.codes import TEMPLATE_GLOBALS
from vigil.web.pages.contacts import ContactView, contact_view
from vigil.web.pages.networks_data import NetworkRow, NetworkView, load_network, network_rows, timeline
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/networks", N_("Networks"), "networks:read", order=300),)

NETWORKS_LISTED = 100
#: How long the triage list's rollups are reused between requests.
TRIAGE_TTL_SECONDS: Final = 30.0
SortKey = Literal["risk", "size", "cities", "platforms", "first_seen", "last_seen", "review", "reviewed"]
StateName = Literal["new", "in_review", "escalated", "dismissed", "actioned"]
_EPOCH: Final = datetime.min.isoformat()
_REVIEW_ORDER: Final = {state: n for n, state in enumerate(REVIEW_STATES)}
ClusterId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[\w.:\-]+$")]
REVIEW_PERMISSION: Final = "reviews:manage"
#: The assignee filter's word for the reader themself.
ME: Final = "me"


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _open(request: Request, cluster_id: str, principal: Principal) -> tuple[NetworkView, ContactView]:
    store = _store(request)
    contacts = contact_view(request, principal)
    view = load_network(store, cluster_id, show_contacts=contacts.show)
    if view is None:
        raise NotFoundError(f"no network {cluster_id}")
    with store.session() as session:
        audit.record(session, principal, "network.view", "network", cluster_id, request, {"size": view.size})
    if not contacts.show:
        view.members = [replace(m, title=contacts.optional(m.title)) for m in view.members]
    return view, contacts


@dataclass(frozen=True)
class TriageRow:
    """A network in the list with its review (``new``, unassigned, unlabelled when nobody has reviewed it)."""

    network: NetworkRow
    review: str
    assignee: str | None = None
    labels: tuple[str, ...] = ()
    reviewed_at: datetime | None = None


SORT_KEYS: Final[dict[str, Callable[[TriageRow], Any]]] = {
    "risk": lambda r: (r.network.risk.score, r.network.size),
    "size": lambda r: (r.network.size, r.network.risk.score),
    "cities": lambda r: (len(r.network.cities), r.network.size),
    "platforms": lambda r: (len(r.network.platforms), r.network.size),
    "first_seen": lambda r: (r.network.first_seen.isoformat() if r.network.first_seen else _EPOCH, r.network.size),
    "last_seen": lambda r: (r.network.last_seen.isoformat() if r.network.last_seen else _EPOCH, r.network.size),
    "review": lambda r: (_REVIEW_ORDER.get(r.review, 0), r.network.risk.score),
    "reviewed": lambda r: (r.reviewed_at.isoformat() if r.reviewed_at else _EPOCH, r.network.risk.score),
}
#: Columns sorted largest (or latest) first when first clicked.
ASCENDING_FIRST: Final = frozenset({"review"})


@dataclass(frozen=True)
class TriageFilter:
    """What the analyst narrows the list to; blank fields do not filter."""

    level: str | None = None
    review: tuple[str, ...] = ()
    city: str | None = None
    platform: str | None = None
    indicator: str | None = None
    assignee: str | None = None
    label: str | None = None

    def keeps(self, row: TriageRow) -> bool:
        network = row.network
        if self.level and LEVELS.index(network.risk.level) > LEVELS.index(self.level):
            return False
        if self.review and row.review not in self.review:
            return False
        if self.assignee and row.assignee != self.assignee:
            return False
        if self.label and self.label not in row.labels:
            return False
        if self.city and not any(self.city.casefold() in c.casefold() for c in network.cities):
            return False
        if self.platform and not any(self.platform.casefold() in p.casefold() for p in network.platforms):
            return False
        return not self.indicator or self.indicator in network.indicators


def triage(
    rows: list[NetworkRow], states: dict[str, ReviewState | str], wanted: TriageFilter, sort: str, descending: bool
) -> list[TriageRow]:
    """The networks ``wanted`` keeps, with their review (a stored review or just its state), in the asked order (pure)."""
    listed = [_triage_row(r, states.get(r.cluster_id)) for r in rows]
    kept = [r for r in listed if wanted.keeps(r)]
    kept.sort(key=lambda r: r.network.cluster_id)
    kept.sort(key=SORT_KEYS[sort], reverse=descending)
    return kept


def _triage_row(row: NetworkRow, review: ReviewState | str | None) -> TriageRow:
    if review is None:
        return TriageRow(row, NEW)
    if isinstance(review, str):
        return TriageRow(row, review)
    at = review.updated_at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # SQLite hands datetimes back without their zone; Vigil stores UTC
    return TriageRow(row, review.state, review.assignee, tuple(review.labels or ()), at)


async def _triage_rows(request: Request, principal: Principal, wanted: TriageFilter, sort: str, descending: bool) -> list[TriageRow]:
    store = _store(request)
    rows = await run_in_threadpool(cached, request, "networks:triage", TRIAGE_TTL_SECONDS, lambda: network_rows(store))
    states: dict[str, ReviewState | str] = {}
    if principal.can(REVIEW_PERMISSION):
        # One statement per chunk of networks (reviews_of), never one per network.
        with store.session() as session:
            states = dict(reviews_of(session, NETWORK, [r.cluster_id for r in rows]))
            session.expunge_all()
    elif wanted.review or wanted.assignee or wanted.label or sort == "reviewed":
        raise PermissionDenied("filtering or sorting by review needs the reviews:manage permission")
    return triage(rows, states, wanted, sort, descending)


def _wanted(
    principal: Principal, level: str, review: Sequence[str] | None, city: str | None, platform: str | None,
    indicator: str | None, assignee: str | None, label: str | None,
) -> TriageFilter:
    states = tuple(dict.fromkeys(s for s in review or () if s))
    name = _blank(assignee)
    if name is not None and name.casefold() == ME:
        name = principal.name
    return TriageFilter(level or None, states, _blank(city), _blank(platform), _blank(indicator), name, _blank(label))


Blank = Annotated[str | None, Query(max_length=200)]
ReviewStates = Annotated[
    list[Literal["", "new", "in_review", "escalated", "dismissed", "actioned"]] | None,
    Query(max_length=len(REVIEW_STATES) + 1, description="Review states, any of them (repeat the field); new means never reviewed."),
]
Assignee = Annotated[str | None, Query(max_length=100, description="Assigned to this user; me for the caller.")]
Label = Annotated[str | None, Query(max_length=64, description="The review carries this label.")]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _filter_pairs(wanted: TriageFilter, assignee: str | None) -> list[tuple[str, str]]:
    """The filters as query pairs for the sort links (every ticked state; ``me`` kept as written)."""
    pairs: list[tuple[str, str]] = []
    for name, value in asdict(wanted).items():
        if name == "review":
            pairs.extend(("review", s) for s in value)
        elif name == "assignee" and value:
            pairs.append(("assignee", _blank(assignee) or value))
        elif value:
            pairs.append((name, value))
    return pairs


@router.get("/networks", include_in_schema=False)
async def networks_page(
    request: Request,
    principal: Annotated[Principal, Depends(require("networks:read"))],
    sort: Annotated[SortKey, Query()] = "risk",
    direction: Annotated[Literal["asc", "desc"] | None, Query(alias="dir")] = None,
    level: Annotated[Literal["", "high", "medium", "low"], Query()] = "",
    review: ReviewStates = None,
    city: Blank = None,
    platform: Blank = None,
    indicator: Blank = None,
    assignee: Assignee = None,
    label: Label = None,
) -> Response:
    wanted = _wanted(principal, level, review, city, platform, indicator, assignee, label)
    descending = direction == "desc" if direction else sort not in ASCENDING_FIRST
    rows = await _triage_rows(request, principal, wanted, sort, descending)
    context = {
        "networks": rows[:NETWORKS_LISTED], "matched": len(rows), "sort": sort, "descending": descending,
        "wanted": wanted, "levels": LEVELS, "show_review": principal.can("reviews:manage"),
        "indicator_ids": sorted({i for r in rows for i in r.network.indicators}),
        "filter_query": urlencode(_filter_pairs(wanted, assignee)), "assignee_shown": _blank(assignee),
    }
    return render(request, "pages/networks.html", context)


class NetworkRiskOut(BaseModel):
    score: float
    level: str
    baseline: float = Field(description="Log-odds the rollup starts from: the strongest ad's, or the no-evidence score.")
    logit: float
    strongest: str | None = Field(description="Id of the network's highest-scored ad.")
    scored: int = Field(description="Ads of the network scored in this store.")
    high: int = Field(description="Of those, how many are high-risk.")
    contributions: list[dict[str, Any]] = Field(description="Feature, log-odds contribution and source; baseline plus these is the logit.")


class NetworkListItem(BaseModel):
    cluster: str
    size: int
    risk: NetworkRiskOut
    indicators: list[str]
    cities: list[str]
    platforms: list[str]
    first_seen: str | None
    last_seen: str | None
    review: str = Field(description="Review state; 'new' when never reviewed or when the caller may not review.")
    assignee: str | None
    labels: list[str]
    reviewed_at: str | None = Field(description="When the review last changed; null when never reviewed.")


@router.get("/api/v1/networks", response_model=list[NetworkListItem], tags=["networks"])
async def api_networks(
    request: Request,
    principal: Annotated[Principal, Depends(require("networks:read"))],
    sort: Annotated[SortKey, Query()] = "risk",
    direction: Annotated[Literal["asc", "desc"] | None, Query(alias="dir")] = None,
    level: Annotated[Literal["", "high", "medium", "low"], Query(description="At least this risk level.")] = "",
    review: ReviewStates = None,
    city: Blank = None,
    platform: Blank = None,
    indicator: Blank = None,
    assignee: Assignee = None,
    label: Label = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = NETWORKS_LISTED,
) -> list[dict[str, Any]]:
    """Networks with their risk rollup, size, cities, platforms, first and last seen and review.

    Filters and the order on review fields (``review``, ``assignee``, ``label``, ``sort=reviewed``)
    need ``reviews:manage``.
    """
    wanted = _wanted(principal, level, review, city, platform, indicator, assignee, label)
    descending = direction == "desc" if direction else sort not in ASCENDING_FIRST
    rows = await _triage_rows(request, principal, wanted, sort, descending)
    return [
        {"cluster": r.network.cluster_id, "size": r.network.size, "risk": r.network.risk.to_json(),
         "indicators": list(r.network.indicators), "cities": list(r.network.cities), "platforms": list(r.network.platforms),
         "first_seen": r.network.first_seen.isoformat() if r.network.first_seen else None,
         "last_seen": r.network.last_seen.isoformat() if r.network.last_seen else None, "review": r.review,
         "assignee": r.assignee, "labels": list(r.labels), "reviewed_at": r.reviewed_at.isoformat() if r.reviewed_at else None}
        for r in rows[:limit]
    ]


@router.get("/api/v1/networks/{cluster_id}/movement", tags=["networks"])
def api_network_movement(
    request: Request, cluster_id: ClusterId, principal: Annotated[Principal, Depends(require("networks:read"))]
) -> dict[str, Any]:
    """Where the network's ads appeared: cities with coordinates, counts and first/last seen, the route
    of stops in time order, and how many ads could not be placed. The view is audited."""
    view, _ = _open(request, cluster_id, principal)
    return movement_data.movement(movement_data.Sighting(m.location, m.posted_at) for m in view.members)


@router.get("/networks/{cluster_id}", include_in_schema=False)
def network_page(
    request: Request, cluster_id: ClusterId, principal: Annotated[Principal, Depends(require("networks:read"))]
) -> Response:
    view, contacts = _open(request, cluster_id, principal)
    summary = view.summary
    # Linking keys some details by identifier ("phone:+48...": 3), so keys are masked too.
    template = contacts.tree(summary.get("template"))
    context = {
        "view": view,
        "indicators": contacts.tree(summary.get("indicators") or []),
        "template": template,
        "template_pieces": template_pieces(template.get("text") if isinstance(template, dict) else None),
        "route": contacts.tree(movement_route(summary)),
        "timeline": timeline(view),
        "shared": sorted(view.shared.items(), key=lambda kv: (-kv[1], kv[0])),
        "links": summary.get("links") or {},
        "risk": view.risk,
    }
    return render(request, "pages/network.html", context)


_SLOT = re.compile(r"\{(slot\d+)\}")


def template_pieces(text: Any) -> list[tuple[str, bool]]:
    """The template text split into fixed words and ``{slotN}`` markers (``True`` for a slot)."""
    if not isinstance(text, str):
        return []
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _SLOT.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def movement_route(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The multi-city route reported by linking, if any (places in time order)."""
    for indicator in summary.get("indicators") or []:
        if isinstance(indicator, dict) and indicator.get("id") == "multi_city":
            route = (indicator.get("details") or {}).get("route")
            if isinstance(route, list):
                return [r for r in route if isinstance(r, dict)]
    return []


class NetworkMemberOut(BaseModel):
    id: str
    pk: int | None = Field(description="Stored document key (for /api/v1/documents/{pk}); null when not stored here.")
    posted_at: str | None
    location: str | None
    risk_level: str | None
    risk_score: float | None


class NetworkOut(BaseModel):
    cluster: str
    size: int
    truncated: bool = Field(description="True when the network has more ads than are listed here.")
    members: list[NetworkMemberOut]
    shared_identifiers: dict[str, int] = Field(description="Identifier (masked for roles without contact access) -> ads carrying it.")
    summary: dict[str, Any] = Field(description="The linking summary: indicators, template and slots, timeline.")
    graph: dict[str, Any] = Field(description="Cytoscape.js elements: ads, shared identifiers, template links.")
    risk: NetworkRiskOut | None = Field(description="The network's risk rolled up from its ads and network indicators.")


@router.get("/api/v1/networks/{cluster_id}", response_model=NetworkOut, tags=["networks"])
def api_network(
    request: Request, cluster_id: ClusterId, principal: Annotated[Principal, Depends(require("networks:read"))]
) -> dict[str, Any]:
    """One network: its ads, the identifiers they share, its template and indicators. The view is audited."""
    view, contacts = _open(request, cluster_id, principal)
    summary = dict(view.summary)
    if not contacts.show:
        summary["identifiers"] = [
            {**i, "identifier": contacts.identifier(str(i.get("identifier", "")))}
            for i in summary.get("identifiers") or [] if isinstance(i, dict)
        ]
        summary = contacts.tree(summary)
    return {
        "cluster": view.cluster_id,
        "size": view.size,
        "truncated": view.truncated,
        "members": [
            {"id": m.doc_id, "pk": m.pk, "posted_at": m.posted_at.isoformat() if m.posted_at else None,
             "location": m.location, "risk_level": m.risk_level, "risk_score": m.risk_score}
            for m in view.members
        ],
        "shared_identifiers": {view.display_identifier(k): n for k, n in view.shared.items()},
        "summary": summary,
        "graph": view.graph,
        "risk": view.risk.to_json() if view.risk is not None else None,
    }


def configure_app(_app: FastAPI) -> None:
    # Raw codes (indicator ids, segments, audiences) in the reader's language, for every page.
    templates.env.globals.update(TEMPLATE_GLOBALS)
