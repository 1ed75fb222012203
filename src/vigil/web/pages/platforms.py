"""The platform risk map in the app: the ranked, sortable map; one platform's page; and their JSON API.

Every figure on these pages comes from :mod:`vigil.platforms.ranking`, which shows the
evidence behind each rank; the map compares any two platforms factor by factor. The map
holds no contact data, so every role that reads documents may see it.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from vigil.errors import NotFoundError
from vigil.platforms.ranking import Comparison, RankedPlatform, compare, rank_platforms
from vigil.store import Store
from vigil.web.app import MAX_ROW_ID, NavItem, RowId, render
from vigil.web.i18n import N_
from vigil.web.pages.cache import cached, cached_on
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/platforms", N_("Platforms"), "platforms:read", order=450),)

READ: Final = "platforms:read"
#: Seconds a computed rank is reused by every request (it reads the whole store).
RANK_TTL_SECONDS: Final = 30.0
RANK_KEY: Final = "platforms:rank"
#: Sites not yet on the map that the map page lists.
UNMATCHED_SHOWN: Final = 20
SortKey = Literal["rank", "name", "category", "documents", "flagged", "high_risk", "networks", "alerts", "safety", "monitoring"]
SORT_KEYS: Final[dict[str, Any]] = {
    "rank": lambda r: r.rank,
    "name": lambda r: r.row.name.casefold(),
    "category": lambda r: (r.row.category, r.rank),
    "documents": lambda r: (r.observed.totals.documents, -r.rank),
    "flagged": lambda r: (r.observed.totals.flagged, -r.rank),
    "high_risk": lambda r: (r.observed.totals.high_risk, -r.rank),
    "networks": lambda r: (len(r.observed.networks), -r.rank),
    "alerts": lambda r: (r.observed.alerts_up, -r.rank),
    "safety": lambda r: (r.factor("safety_gaps").value, -r.rank),
    "monitoring": lambda r: (r.row.monitoring, r.rank),
}
#: Columns sorted largest first when first clicked.
DESCENDING_FIRST: Final = frozenset({"documents", "flagged", "high_risk", "networks", "alerts", "safety"})


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _rank_now(store: Store) -> tuple[list[RankedPlatform], list[tuple[str, int]]]:
    from vigil.platforms.observed import UNMATCHED_LISTED, observe

    with store.session() as session:
        observed = observe(session)
        ranked = rank_platforms(session, observed)
    return ranked, observed.unmatched.most_common(UNMATCHED_LISTED)


async def _ranked(request: Request) -> tuple[list[RankedPlatform], list[tuple[str, int]]]:
    store = _store(request)
    return await run_in_threadpool(cached, request, RANK_KEY, RANK_TTL_SECONDS, lambda: _rank_now(store))


def warm_up(app: FastAPI) -> None:
    """The map ranked once as the app starts (its category and checklist tables load with it)."""
    store: Store = app.state.store
    cached_on(app, RANK_KEY, RANK_TTL_SECONDS, lambda: _rank_now(store))


def _by_id(ranked: list[RankedPlatform], platform_id: int) -> RankedPlatform:
    for item in ranked:
        if item.row.id == platform_id:
            return item
    raise NotFoundError(f"no platform {platform_id} on the map")


@router.get("/platforms", include_in_schema=False)
async def platforms_page(
    request: Request,
    _principal: Annotated[Principal, Depends(require(READ))],
    sort: Annotated[SortKey, Query()] = "rank",
    direction: Annotated[Literal["asc", "desc"] | None, Query(alias="dir")] = None,
    a: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    b: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> Response:
    ranked, unmatched = await _ranked(request)
    descending = direction == "desc" if direction else sort in DESCENDING_FIRST
    rows = sorted(ranked, key=SORT_KEYS[sort], reverse=descending)
    comparison: Comparison | None = None
    if a is not None and b is not None and a != b:
        comparison = compare(_by_id(ranked, a), _by_id(ranked, b))
    # Why each platform stands above the next one down the rank.
    above_next = {ranked[i].row.id: compare(ranked[i], ranked[i + 1]) for i in range(len(ranked) - 1)}
    context = {
        "rows": rows, "ranked": ranked, "sort": sort, "descending": descending, "comparison": comparison,
        "above_next": above_next, "a": a, "b": b, "unmatched": unmatched[:UNMATCHED_SHOWN],
        "sort_keys": list(SORT_KEYS),
    }
    return render(request, "pages/platforms.html", context)


@router.get("/platforms/{platform_id}", include_in_schema=False)
async def platform_page(
    request: Request, platform_id: RowId, _principal: Annotated[Principal, Depends(require(READ))]
) -> Response:
    ranked, _unmatched = await _ranked(request)
    item = _by_id(ranked, platform_id)
    facts = [(name, value, item.entry.source_of(name)) for name, value in item.entry.facts().items()]
    months = item.observed.to_json()["monthly"]
    most = max((m["documents"] for m in months), default=0)
    neighbours = [compare(item, other) for other in ranked if abs(other.rank - item.rank) == 1]
    context = {"item": item, "facts": facts, "months": months, "most": most, "neighbours": neighbours,
               "audit": item.audit, "total": len(ranked)}
    return render(request, "pages/platform.html", context)


class FactorOut(BaseModel):
    id: str
    label: str
    value: float
    weight: float
    contribution: float
    evidence: str


class RankedOut(BaseModel):
    rank: int
    id: int
    name: str
    category: str
    monitoring: str
    score: float
    factors: list[FactorOut]
    observed: dict[str, Any]
    audit: dict[str, Any] | None


class PlatformOut(RankedOut):
    facts: list[dict[str, Any]]
    checks: list[dict[str, Any]]


@router.get("/api/v1/platforms", response_model=list[RankedOut], tags=["platforms"])
async def api_platforms(request: Request, _principal: Annotated[Principal, Depends(require(READ))]) -> list[dict[str, Any]]:
    """The platform map in rank order, each with the factors (and their evidence) behind its score."""
    ranked, _unmatched = await _ranked(request)
    return [item.to_json() for item in ranked]


@router.get("/api/v1/platforms/{platform_id}", response_model=PlatformOut, tags=["platforms"])
async def api_platform(
    request: Request, platform_id: RowId, _principal: Annotated[Principal, Depends(require(READ))]
) -> dict[str, Any]:
    """One platform: its rank and factors, every fact with its source, and its latest safety-defaults audit."""
    ranked, _unmatched = await _ranked(request)
    item = _by_id(ranked, platform_id)
    facts = [{"fact": k, "value": v, "source": item.entry.source_of(k)} for k, v in item.entry.facts().items()]
    return {**item.to_json(), "facts": facts, "checks": item.audit.checks if item.audit else []}
