"""The dashboard: where the risk is now. Volumes, newest alerts, highest-risk leads, largest networks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow
from vigil.web.app import NavItem, render
from vigil.web.i18n import N_
from vigil.web.pages import movement_data, networks_data, trends_data
from vigil.web.pages.cache import cached
from vigil.web.pages.contacts import contact_view
from vigil.web.permissions import Principal, require

router = APIRouter()
nav = (NavItem("/", N_("Dashboard"), "dashboard:read", order=100),)

LEADS_SHOWN = 10
NETWORKS_SHOWN = 8
ALERTS_SHOWN = 8
PLATFORMS_SHOWN = 8
#: Counting a large store takes a moment; counts a minute old are fine on a dashboard.
VOLUMES_TTL = 60.0


@dataclass(frozen=True)
class Lead:
    pk: int
    doc_id: str
    title: str | None
    kind: str
    platform: str | None
    posted_at: datetime | None
    risk_score: float
    risk_level: str | None


def volumes(store: Store) -> dict[str, Any]:
    """Counts of documents by kind, platform and risk level."""
    with store.session() as session:
        by_kind = session.execute(
            sa.select(DocumentRow.kind, sa.func.count()).group_by(DocumentRow.kind).order_by(sa.func.count().desc())
        ).tuples().all()
        by_platform = session.execute(
            sa.select(DocumentRow.platform, sa.func.count())
            .group_by(DocumentRow.platform)
            .order_by(sa.func.count().desc())
            .limit(PLATFORMS_SHOWN)
        ).tuples().all()
        by_level = dict(
            session.execute(sa.select(AnalysisRow.risk_level, sa.func.count()).group_by(AnalysisRow.risk_level)).tuples().all()
        )
        first, last = session.execute(sa.select(sa.func.min(DocumentRow.posted_at), sa.func.max(DocumentRow.posted_at))).one()
    return {
        "total": sum(n for _, n in by_kind),
        "by_kind": by_kind,
        "by_platform": by_platform,
        "by_level": [(level, by_level.get(level, 0)) for level in ("high", "medium", "low")],
        "analysed": sum(by_level.values()),
        "first_posted": first,
        "last_posted": last,
    }


def by_country(store: Store) -> dict[str, Any]:
    """Ads and high-risk leads per country (ISO code) of the ads' stated places; unplaced ads counted apart."""
    with store.session() as session:
        rows = session.execute(
            sa.select(
                DocumentRow.location,
                sa.func.count(),
                sa.func.count(AnalysisRow.document_pk).filter(AnalysisRow.risk_level == "high"),
            )
            .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            .group_by(DocumentRow.location)
        ).tuples().all()
    ads: Counter[str] = Counter()
    high: Counter[str] = Counter()
    unplaced = 0
    for location, count, high_count in rows:
        country = movement_data.country_of(location) if location else None
        if country is None:
            unplaced += count
            continue
        ads[country] += count
        high[country] += high_count
    return {
        "countries": [{"country": c, "ads": n, "high": high[c]} for c, n in sorted(ads.items(), key=lambda kv: (-kv[1], kv[0]))],
        "unplaced": unplaced,
    }


def highest_risk(store: Store, limit: int = LEADS_SHOWN) -> list[Lead]:
    with store.session() as session:
        rows = session.execute(
            sa.select(
                DocumentRow.pk, DocumentRow.doc_id, DocumentRow.title, DocumentRow.kind, DocumentRow.platform,
                DocumentRow.posted_at, AnalysisRow.risk_score, AnalysisRow.risk_level,
            )
            .join(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            .where(AnalysisRow.risk_score.is_not(None))
            .order_by(AnalysisRow.risk_score.desc(), DocumentRow.pk.desc())
            .limit(limit)
        ).all()
    return [Lead(r.pk, r.doc_id, r.title, r.kind, r.platform, r.posted_at, r.risk_score, r.risk_level) for r in rows]


@router.get("/", include_in_schema=False)
def dashboard(request: Request, principal: Annotated[Principal, Depends(require("dashboard:read"))]) -> Response:
    store: Store = request.app.state.store
    contacts = contact_view(request, principal)
    context = {
        "volumes": cached(request, "dashboard_volumes", VOLUMES_TTL, lambda: volumes(store)),
        "countries": cached(request, "dashboard_countries", VOLUMES_TTL, lambda: by_country(store)),
        "leads": [replace(lead, title=contacts.optional(lead.title)) for lead in highest_risk(store)],
        "alerts": trends_data.newest_alerts(store, ALERTS_SHOWN) if principal.can("alerts:read") else None,
        "networks": networks_data.largest_networks(store, NETWORKS_SHOWN) if principal.can("networks:read") else None,
    }
    return render(request, "pages/dashboard.html", context)
