"""Monitoring statistics for partners: stored ads counted by country, platform category and month,
with every count below k suppressed, in the spirit of the CTDC k-anonymised data.

A cell is one (country, platform category, month); it is shown only when it counts at least
k documents, and its count of high-risk ads only when that too reaches k. No totals are
published beside the cells, since a total minus the shown cells would give back the
suppressed ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.platforms.models import PlatformRow
from vigil.platforms.registry import PlatformMatcher
from vigil.store.models import AnalysisRow, DocumentRow
from vigil.trends.places import gazetteer

UNKNOWN: Final = "unknown"
UNMAPPED: Final = "unmapped"
HIGH: Final = "high"
PAGE: Final = 5_000


@dataclass(frozen=True)
class Cell:
    country: str
    category: str
    month: str


def _month(posted: datetime | None, captured: datetime | None) -> str:
    when = posted or captured
    return when.strftime("%Y-%m") if when is not None else UNKNOWN


def monitoring_statistics(session: Session, k: int) -> dict[str, Any]:
    """Counts per cell, each below ``k`` suppressed; says how many cells were suppressed."""
    matcher = PlatformMatcher.from_session(session)
    categories = dict(session.execute(sa.select(PlatformRow.id, PlatformRow.category)).tuples().all())
    places = gazetteer()
    documents: Counter[Cell] = Counter()
    high: Counter[Cell] = Counter()
    rows = session.execute(
        sa.select(DocumentRow.location, DocumentRow.platform, DocumentRow.url, DocumentRow.posted_at,
                  DocumentRow.captured_at, AnalysisRow.risk_level)
        .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
        .execution_options(yield_per=PAGE)
    ).tuples()
    for location, platform, url, posted, captured, level in rows:
        found = places.resolve_all([location]) if location else []
        country = next((p.country for p in found if p.country), None) or UNKNOWN
        platform_id = matcher.match(platform, url)
        category = categories.get(platform_id, UNMAPPED) if platform_id is not None else UNMAPPED
        cell = Cell(country, category, _month(posted, captured))
        documents[cell] += 1
        if level == HIGH:
            high[cell] += 1
    shown = []
    for cell, count in sorted(documents.items(), key=lambda kv: (kv[0].month, kv[0].country, kv[0].category)):
        if count < k:
            continue
        shown.append({"country": cell.country, "platform_category": cell.category, "month": cell.month,
                      "documents": count, "high_risk": high[cell] if high[cell] >= k else None})
    return {"k": k, "cells": shown, "suppressed_cells": len(documents) - len(shown),
            "note": f"cells counting fewer than {k} documents are left out; high_risk is null when under {k}"}
