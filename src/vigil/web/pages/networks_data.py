"""Networks (linked clusters of documents) as the pages show them, read from the link index tables.

A network page needs: the stored cluster summary (shared identifiers, template and slots,
network indicators, timeline), the member documents as stored (to link to them and show
their risk), and a graph of ads and the identifiers they share, built from each member's
stored facts. Graphs are capped at :data:`MAX_GRAPH_ADS` ads so a huge cluster still draws.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, overload

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.link.core import KIND_TEMPLATE
from vigil.link.features import identifier_kind
from vigil.link.models import LinkCluster, LinkDocument, LinkEdge, linked_entry
from vigil.link.risk import MemberRisk, NetworkRisk, network_risk
from vigil.redaction import CONTACT_IDENTIFIER_KINDS, mask_identifier
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow

MAX_GRAPH_ADS: Final = 300
MAX_TEMPLATE_EDGES: Final = 2000
#: Networks read for the triage list, largest first; the list filters and sorts these.
MAX_TRIAGED: Final = 2000
#: Cluster ids per query when reading the members of many networks.
CLUSTER_CHUNK: Final = 500
#: Identifier kinds that point at a person or a contact point; other kinds (image hashes) are not masked.
CONTACT_KINDS: Final = CONTACT_IDENTIFIER_KINDS


@dataclass(frozen=True)
class NetworkRef:
    """A network named on another page: its id and size."""

    cluster_id: str
    size: int


@dataclass(frozen=True)
class Member:
    """One ad of a network, with where it lives in the store (``pk`` is None when not stored here)."""

    doc_id: str
    pk: int | None
    title: str | None
    platform: str | None
    posted_at: datetime | None
    location: str | None
    risk_level: str | None
    risk_score: float | None
    identifiers: tuple[str, ...]


@dataclass
class NetworkView:
    """Everything the network page and API show."""

    cluster_id: str
    size: int
    summary: dict[str, Any]
    members: list[Member]
    shared: dict[str, int]  # identifier -> how many members carry it (two or more)
    template_links: list[tuple[str, str, float]]
    show_contacts: bool
    truncated: bool = False
    graph: dict[str, Any] = field(default_factory=dict)
    risk: NetworkRisk | None = None

    def display_identifier(self, key: str) -> str:
        return key if self.show_contacts else mask_identifier(key)


def network_of(store: Store, document_pk: int) -> NetworkRef | None:
    """The network a stored document belongs to, or None (a singleton, or linking has not run)."""
    with store.session() as session:
        row = session.execute(
            sa.select(LinkCluster.cluster, LinkCluster.size)
            .join(LinkDocument, LinkDocument.cluster == LinkCluster.cluster)
            .join(DocumentRow, linked_entry(DocumentRow.pk, DocumentRow.doc_id))
            .where(DocumentRow.pk == document_pk)
            .limit(1)
        ).first()
    return NetworkRef(row.cluster, row.size) if row is not None else None


def largest_networks(store: Store, limit: int) -> list[dict[str, Any]]:
    """The biggest networks, largest first, with their indicator ids and last sighting."""
    with store.session() as session:
        rows = session.execute(
            sa.select(LinkCluster.cluster, LinkCluster.size, LinkCluster.summary)
            .order_by(LinkCluster.size.desc(), LinkCluster.cluster)
            .limit(limit)
        ).all()
    out = []
    for row in rows:
        summary = row.summary if isinstance(row.summary, dict) else {}
        indicators = [str(i["id"]) for i in summary.get("indicators", []) if isinstance(i, dict) and i.get("id")]
        out.append({
            "cluster_id": row.cluster,
            "size": row.size,
            "indicators": sorted(set(indicators)),
            "first_seen": _parse_time(summary.get("first_seen")),
            "last_seen": _parse_time(summary.get("last_seen")),
        })
    return out


@dataclass(frozen=True)
class NetworkRow:
    """One network in the triage list: its risk rollup and where and when its ads appeared."""

    cluster_id: str
    size: int
    risk: NetworkRisk
    indicators: tuple[str, ...]
    cities: tuple[str, ...]
    platforms: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass
class _Gathered:
    members: list[MemberRisk] = field(default_factory=list)
    cities: set[str] = field(default_factory=set)
    platforms: set[str] = field(default_factory=set)
    seen: list[datetime] = field(default_factory=list)


def _timeline_places(summary: dict[str, Any]) -> dict[str, str]:
    return {
        str(t["id"]): str(t["location"])
        for t in summary.get("timeline") or []
        if isinstance(t, dict) and t.get("id") is not None and t.get("location")
    }


def network_rows(store: Store, limit: int = MAX_TRIAGED) -> list[NetworkRow]:
    """The largest ``limit`` networks with their risk rollup, cities, platforms and dates."""
    with store.session() as session:
        clusters = session.execute(
            sa.select(LinkCluster.cluster, LinkCluster.size, LinkCluster.summary)
            .order_by(LinkCluster.size.desc(), LinkCluster.cluster)
            .limit(limit)
        ).all()
        gathered: dict[str, _Gathered] = defaultdict(_Gathered)
        names = [c.cluster for c in clusters]
        for start in range(0, len(names), CLUSTER_CHUNK):
            found = session.execute(
                sa.select(
                    LinkDocument.cluster, LinkDocument.doc_id, DocumentRow.location, DocumentRow.platform,
                    DocumentRow.posted_at, AnalysisRow.risk_score, AnalysisRow.risk_level,
                )
                .outerjoin(DocumentRow, linked_entry(DocumentRow.pk, DocumentRow.doc_id))
                .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
                .where(LinkDocument.cluster.in_(names[start : start + CLUSTER_CHUNK]))
            ).all()
            for row in found:
                into = gathered[row.cluster]
                into.members.append(MemberRisk(row.doc_id, row.risk_score, row.risk_level))
                if row.location:
                    into.cities.add(row.location)
                if row.platform:
                    into.platforms.add(row.platform)
                if row.posted_at is not None:
                    into.seen.append(row.posted_at)
    out = []
    for cluster in clusters:
        summary = cluster.summary if isinstance(cluster.summary, dict) else {}
        into = gathered[cluster.cluster]
        indicators = [i for i in summary.get("indicators") or [] if isinstance(i, dict) and i.get("id")]
        # Ads linked but not stored here still have the place linking read for them.
        cities = into.cities or set(_timeline_places(summary).values())
        seen = sorted(_aware(t) for t in into.seen)
        first = _aware(_parse_time(summary.get("first_seen"))) or (seen[0] if seen else None)
        last = _aware(_parse_time(summary.get("last_seen"))) or (seen[-1] if seen else None)
        out.append(NetworkRow(
            cluster_id=cluster.cluster,
            size=cluster.size,
            risk=network_risk(into.members, indicators),
            indicators=tuple(sorted({str(i["id"]) for i in indicators})),
            cities=tuple(sorted(cities)),
            platforms=tuple(sorted(into.platforms)),
            first_seen=first,
            last_seen=last,
        ))
    return out


@overload
def _aware(value: datetime) -> datetime: ...
@overload
def _aware(value: None) -> None: ...
def _aware(value: datetime | None) -> datetime | None:
    """Times from SQLite come back naive; they are stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _members(session: Session, rows: Sequence[LinkDocument]) -> list[Member]:
    # Entries tied to their stored document by pk; older ones by id.
    pks = [r.document_pk for r in rows if r.document_pk is not None]
    ids = [r.doc_id for r in rows if r.document_pk is None]
    by_pk: dict[int, Any] = {}
    by_id: dict[str, Any] = {}
    columns = (
        DocumentRow.doc_id, DocumentRow.pk, DocumentRow.title, DocumentRow.platform, DocumentRow.posted_at,
        DocumentRow.location, AnalysisRow.risk_level, AnalysisRow.risk_score,
    )
    for wanted, column in ((pks, DocumentRow.pk), (ids, DocumentRow.doc_id)):
        if not wanted:
            continue
        found = session.execute(
            sa.select(*columns)
            .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
            .where(column.in_(wanted))
            .order_by(DocumentRow.pk)
        ).all()
        for found_row in found:
            by_pk.setdefault(found_row.pk, found_row)
            by_id.setdefault(found_row.doc_id, found_row)
    members = []
    for row in rows:
        facts = row.facts if isinstance(row.facts, dict) else {}
        doc: Any = by_pk.get(row.document_pk) if row.document_pk is not None else by_id.get(row.doc_id)
        locations = facts.get("locations") or []
        members.append(Member(
            doc_id=row.doc_id,
            pk=doc.pk if doc is not None else None,
            title=doc.title if doc is not None else None,
            platform=doc.platform if doc is not None else None,
            posted_at=(doc.posted_at if doc is not None else None) or _parse_time(facts.get("posted_at")),
            # The ad's own stated place first: places named in its text may be where someone comes from.
            location=(doc.location if doc is not None else None) or (str(locations[0]) if locations else None),
            risk_level=doc.risk_level if doc is not None else None,
            risk_score=doc.risk_score if doc is not None else None,
            identifiers=tuple(str(k) for k in facts.get("identifiers", [])),
        ))
    return members


def load_network(store: Store, cluster_id: str, *, show_contacts: bool) -> NetworkView | None:
    """The network ``cluster_id``, or None when there is no such network."""
    with store.session() as session:
        cluster = session.get(LinkCluster, cluster_id)
        if cluster is None:
            return None
        rows = list(session.scalars(
            sa.select(LinkDocument).where(LinkDocument.cluster == cluster_id).order_by(LinkDocument.idx).limit(MAX_GRAPH_ADS + 1)
        ))
        truncated = len(rows) > MAX_GRAPH_ADS
        rows = rows[:MAX_GRAPH_ADS]
        by_idx = {r.idx: r.doc_id for r in rows}
        edges = session.execute(
            sa.select(LinkEdge.left, LinkEdge.right, LinkEdge.score)
            .where(LinkEdge.kind == KIND_TEMPLATE, LinkEdge.left.in_(list(by_idx)), LinkEdge.right.in_(list(by_idx)))
            .limit(MAX_TEMPLATE_EDGES)
        ).all()
        members = _members(session, rows)
        summary = dict(cluster.summary) if isinstance(cluster.summary, dict) else {}
        size = cluster.size
    holders = Counter(key for m in members for key in set(m.identifiers))
    shared = {key: n for key, n in holders.items() if n >= 2}
    view = NetworkView(
        cluster_id=cluster_id,
        size=size,
        summary=summary,
        members=members,
        shared=shared,
        template_links=[(by_idx[e.left], by_idx[e.right], float(e.score)) for e in edges],
        show_contacts=show_contacts,
        truncated=truncated,
    )
    view.graph = graph_elements(view)
    indicators = [i for i in summary.get("indicators") or [] if isinstance(i, dict)]
    view.risk = network_risk((MemberRisk(m.doc_id, m.risk_score, m.risk_level) for m in members), indicators)
    return view


def graph_elements(view: NetworkView) -> dict[str, Any]:
    """Cytoscape elements: an ad node per member, an identifier node per shared identifier, and their edges."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for m in view.members:
        nodes.append({"data": {
            "id": f"d:{m.doc_id}", "label": m.doc_id, "type": "ad", "level": m.risk_level or "none",
            "href": f"/documents/{m.pk}" if m.pk is not None else "",
        }})
    ids: dict[str, str] = {}
    for n, key in enumerate(sorted(view.shared)):
        ids[key] = f"i:{n}"
        nodes.append({"data": {
            "id": ids[key], "label": view.display_identifier(key), "type": "identifier",
            "kind": identifier_kind(key), "count": view.shared[key],
        }})
    for m in view.members:
        for key in m.identifiers:
            if key in ids:
                edges.append({"data": {"id": f"e:{m.doc_id}:{ids[key]}", "source": f"d:{m.doc_id}", "target": ids[key], "type": "shares"}})
    for left, right, score in view.template_links:
        edges.append({"data": {"id": f"t:{left}:{right}", "source": f"d:{left}", "target": f"d:{right}", "type": "template", "score": round(score, 3)}})
    return {"nodes": nodes, "edges": edges}


def timeline(view: NetworkView) -> dict[str, Any]:
    """Ads per day and (day, city) sightings, for the timeline and cities-over-time charts."""
    per_day: Counter[str] = Counter()
    cities: dict[str, set[str]] = defaultdict(set)
    for m in view.members:
        if m.posted_at is None:
            continue
        day = m.posted_at.date().isoformat()
        per_day[day] += 1
        if m.location:
            cities[m.location].add(day)
    days = sorted(per_day)
    return {
        "days": days,
        "ads": [per_day[d] for d in days],
        "cities": sorted(cities),
        "sightings": sorted([day, city] for city, seen in cities.items() for day in seen),
    }
