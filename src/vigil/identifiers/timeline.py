"""An identifier's timeline: its ads in date order, the platforms, the cities in order of
appearance (movement), the names and ages used with it, and the networks it belongs to."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from vigil.identifiers.lookup import Match
from vigil.link.models import LinkCluster
from vigil.store.db import Store
from vigil.store.models import AnalysisRow, DocumentRow


@dataclass(frozen=True, slots=True)
class TimelineAd:
    """One ad carrying the identifier, with what it says about who is behind it."""

    pk: int
    id: str
    source: str
    identifier: str
    title: str | None
    kind: str
    platform: str | None
    posted_at: datetime | None
    places: tuple[str, ...]
    names: tuple[str, ...]
    ages: tuple[int, ...]
    cluster: str | None
    risk_level: str | None
    risk_score: float | None


@dataclass(frozen=True, slots=True)
class Stop:
    """A city the identifier appears in, from the first ad there until it moves on."""

    place: str
    first: datetime | None
    last: datetime | None
    ads: int


@dataclass(frozen=True)
class Timeline:
    ads: list[TimelineAd]
    platforms: list[tuple[str, int]] = field(default_factory=list)
    movement: list[Stop] = field(default_factory=list)
    names: list[tuple[str, int]] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    networks: list[tuple[str, int, int]] = field(default_factory=list)  # cluster, size, ads here

    def to_json(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "platforms": [{"platform": p, "ads": n} for p, n in self.platforms],
            "movement": [{"place": s.place, "first": when(s.first), "last": when(s.last), "ads": s.ads} for s in self.movement],
            "names": [{"name": name, "ads": n} for name, n in self.names],
            "ages": self.ages,
            "networks": [{"cluster": c, "size": size, "ads": n} for c, size, n in self.networks],
        }


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(str(v) for v in value if isinstance(v, str) and v))


def _ints(value: object) -> tuple[int, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, int) and not isinstance(v, bool)))


def _movement(ads: list[TimelineAd]) -> list[Stop]:
    """Consecutive ads in one place make one stop; a return to a city is a new stop."""
    stops: list[Stop] = []
    for ad in ads:
        if not ad.places:
            continue
        place = ad.places[0]
        if stops and stops[-1].place == place:
            last = stops[-1]
            stops[-1] = Stop(place, last.first, ad.posted_at or last.last, last.ads + 1)
        else:
            stops.append(Stop(place, ad.posted_at, ad.posted_at, 1))
    return stops


def build_timeline(store: Store, matches: list[Match]) -> Timeline:
    """The timeline of the documents ``matches`` found (already in date order)."""
    pks = [m.pk for m in matches]
    rows: dict[int, tuple[DocumentRow, AnalysisRow | None]] = {}
    sizes: dict[str, int] = {}
    with store.session() as session:
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            query = (
                sa.select(DocumentRow, AnalysisRow)
                .outerjoin(AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
                .where(DocumentRow.pk.in_(chunk))
            )
            for doc, stored in session.execute(query).tuples():
                rows[doc.pk] = (doc, stored)
        clusters = sorted({m.cluster for m in matches if m.cluster})
        if clusters:
            query_sizes = sa.select(LinkCluster.cluster, LinkCluster.size).where(LinkCluster.cluster.in_(clusters))
            sizes = {str(row.cluster): int(row.size) for row in session.execute(query_sizes)}
    ads: list[TimelineAd] = []
    for match in matches:
        if match.pk not in rows:
            continue
        doc, analysis = rows[match.pk]
        result = analysis.result if analysis is not None and isinstance(analysis.result, dict) else {}
        entities = result.get("entities") if isinstance(result.get("entities"), dict) else {}
        places = _strings(entities.get("locations")) if entities else ()
        if doc.location:
            places = tuple(dict.fromkeys((doc.location, *places)))
        ads.append(
            TimelineAd(
                pk=doc.pk,
                id=doc.doc_id,
                source=match.source,
                identifier=match.identifier,
                title=doc.title,
                kind=doc.kind,
                platform=doc.platform,
                posted_at=doc.posted_at,
                places=places,
                names=_strings(entities.get("names")) if entities else (),
                ages=_ints(entities.get("ages")) if entities else (),
                cluster=match.cluster,
                risk_level=analysis.risk_level if analysis is not None else None,
                risk_score=analysis.risk_score if analysis is not None else None,
            )
        )
    platforms = Counter(ad.platform for ad in ads if ad.platform)
    names = Counter(name for ad in ads for name in ad.names)
    in_network = Counter(ad.cluster for ad in ads if ad.cluster)
    return Timeline(
        ads=ads,
        platforms=[(p, platforms[p]) for p in dict.fromkeys(ad.platform for ad in ads if ad.platform)],
        movement=_movement(ads),
        names=names.most_common(),
        ages=sorted({age for ad in ads for age in ad.ages}),
        networks=[(c, sizes.get(c, n), n) for c, n in in_network.most_common()],
    )
