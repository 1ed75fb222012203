"""What Vigil observes on each platform of the map, read from the store.

One pass over the stored documents (with their analysis level, indicators and network)
ties each to a registry entry by :class:`~vigil.platforms.registry.PlatformMatcher` and
counts, per platform and per month: documents, documents with at least one indicator, and
high-risk leads. Networks spanning a platform are the linked clusters holding one of its
documents; trend alerts are those of its ``platform:<name>`` segments. Documents tied to no
entry are counted by their platform name or URL host: the sites the map does not know yet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.link.models import LinkDocument
from vigil.platforms.registry import PlatformMatcher, url_host
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow
from vigil.trends.models import TrendAlertRow

#: Risk level of a high-risk lead (the Analysis contract's ``level``).
HIGH: Final = "high"
#: Rows fetched per round trip while streaming the documents.
BATCH: Final = 5000
#: Sites not on the map that are listed, most documents first.
UNMATCHED_LISTED: Final = 30
TOP_INDICATORS: Final = 5
ALERT_DIRECTION_UP: Final = "up"


@dataclass
class Figures:
    """Counts over a set of documents."""

    documents: int = 0
    flagged: int = 0
    high_risk: int = 0

    def add(self, flagged: bool, high_risk: bool) -> None:
        self.documents += 1
        self.flagged += flagged
        self.high_risk += high_risk

    def to_json(self) -> dict[str, int]:
        return {"documents": self.documents, "flagged": self.flagged, "high_risk": self.high_risk}


@dataclass
class Observed:
    """Everything Vigil has seen on one platform."""

    totals: Figures = field(default_factory=Figures)
    monthly: dict[str, Figures] = field(default_factory=dict)
    indicators: Counter[str] = field(default_factory=Counter)
    networks: set[str] = field(default_factory=set)
    #: Of ``networks``, those that also hold documents of another platform on the map.
    shared_networks: set[str] = field(default_factory=set)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @property
    def alerts_up(self) -> int:
        return sum(1 for a in self.alerts if a["direction"] == ALERT_DIRECTION_UP)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.totals.to_json(),
            "networks": len(self.networks),
            "shared_networks": len(self.shared_networks),
            "alerts": len(self.alerts),
            "alerts_up": self.alerts_up,
            "top_indicators": [{"id": i, "documents": n} for i, n in self.indicators.most_common(TOP_INDICATORS)],
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "monthly": [{"month": m, **f.to_json()} for m, f in sorted(self.monthly.items())],
        }


@dataclass
class ObservedMap:
    by_platform: dict[int, Observed]
    unmatched: Counter[str]
    documents: int

    def of(self, platform_id: int) -> Observed:
        return self.by_platform.get(platform_id) or Observed()


def observe(session: Session, matcher: PlatformMatcher | None = None) -> ObservedMap:
    """Observed figures of every platform on the map (one streaming pass over the documents)."""
    matcher = matcher or PlatformMatcher.from_session(session)
    indicators = (
        sa.select(DocumentIndicator.document_pk, sa.func.aggregate_strings(DocumentIndicator.indicator, ",").label("ids"))
        .group_by(DocumentIndicator.document_pk)
        .subquery()
    )
    query = (
        sa.select(
            DocumentRow.platform, DocumentRow.url, DocumentRow.posted_at, DocumentRow.captured_at,
            DocumentRow.created_at, AnalysisRow.risk_level, indicators.c.ids, LinkDocument.cluster,
        )
        .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
        .outerjoin(indicators, indicators.c.document_pk == DocumentRow.pk)
        .outerjoin(LinkDocument, LinkDocument.document_pk == DocumentRow.pk)
        .execution_options(yield_per=BATCH)
    )
    by_platform: dict[int, Observed] = {}
    unmatched: Counter[str] = Counter()
    cluster_platforms: dict[str, set[int]] = {}
    total = 0
    for platform, url, posted_at, captured_at, created_at, level, ids, cluster in session.execute(query).tuples():
        total += 1
        platform_id = matcher.match(platform, url)
        if platform_id is None:
            label = (platform or "").strip()[:80] or url_host(url)
            if label:
                unmatched[label] += 1
            continue
        seen = by_platform.setdefault(platform_id, Observed())
        found = [i for i in (ids or "").split(",") if i]
        high = level == HIGH
        seen.totals.add(bool(found), high)
        seen.indicators.update(set(found))
        moment = posted_at or captured_at or created_at
        if moment is not None:
            seen.monthly.setdefault(moment.strftime("%Y-%m"), Figures()).add(bool(found), high)
            seen.first_seen = moment if seen.first_seen is None else min(seen.first_seen, moment)
            seen.last_seen = moment if seen.last_seen is None else max(seen.last_seen, moment)
        if cluster:
            seen.networks.add(cluster)
            cluster_platforms.setdefault(cluster, set()).add(platform_id)
    for cluster, platforms in cluster_platforms.items():
        if len(platforms) > 1:
            for platform_id in platforms:
                by_platform[platform_id].shared_networks.add(cluster)
    _add_alerts(session, matcher, by_platform)
    return ObservedMap(by_platform, unmatched, total)


def _add_alerts(session: Session, matcher: PlatformMatcher, by_platform: dict[int, Observed]) -> None:
    # Trend segments name a platform as the documents wrote it, case-folded (vigil.trends.segments).
    query = sa.select(TrendAlertRow).where(TrendAlertRow.segment.like("platform:%")).order_by(TrendAlertRow.period_start)
    for alert in session.scalars(query):
        platform_id = matcher.match(alert.segment.removeprefix("platform:"), None)
        if platform_id is None:
            continue
        by_platform.setdefault(platform_id, Observed()).alerts.append({
            "id": alert.id, "segment": alert.segment, "freq": alert.freq,
            "period_start": alert.period_start.isoformat(), "direction": alert.direction,
            "observed": alert.observed, "expected": alert.expected, "q_value": alert.q_value,
        })
