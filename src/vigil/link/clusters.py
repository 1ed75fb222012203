"""Clusters of linked documents: stable ids, shared identifiers, template, network indicators, timeline.

The network-level indicators are the signals OSCE recommendation 2b says only show across
many ads: one contact behind many aliases or ages, frequent movement between cities, and
(as proxies for third-party control) one contact or one text template behind many ads.
They are hypotheses for a person to review, each with the evidence that raised it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from vigil.extract.normalize import normalize
from vigil.link.config import LinkConfig
from vigil.link.core import KIND_TEMPLATE, Edges
from vigil.link.features import CONTACT_KINDS, LinkFeatures, identifier_kind
from vigil.link.graph import union_find
from vigil.link.template import recover_template

I64 = npt.NDArray[np.int64]

#: Used when the indicator catalogue does not name a source for a network indicator.
DEFAULT_SOURCE: Final = "OSCE-2022/linked-ads"
#: Entries listed per cluster line before it says how many were left out.
MAX_LISTED: Final = 1000
MAX_EVIDENCE_ITEMS: Final = 8


def cluster_id(smallest_member: str) -> str:
    """Stable cluster id: a hash of its smallest member id, so it survives re-runs and increments."""
    return "c-" + hashlib.sha256(smallest_member.encode("utf-8")).hexdigest()[:16]


def cluster_ids(ids: Sequence[str], roots: I64) -> list[str | None]:
    """Per document, its cluster id, or None for a document linked to nothing."""
    smallest: dict[int, str] = {}
    sizes = np.bincount(roots, minlength=len(roots))
    for position, root in enumerate(roots.tolist()):
        if sizes[root] < 2:
            continue
        current = smallest.get(root)
        if current is None or ids[position] < current:
            smallest[root] = ids[position]
    return [cluster_id(smallest[r]) if sizes[r] >= 2 else None for r in roots.tolist()]


@dataclass(frozen=True, slots=True)
class Joined:
    """Stored clusters and unclustered documents that new links join into one cluster."""

    clusters: frozenset[str]
    documents: frozenset[int]


def joined_groups(cluster_of: Mapping[int, str | None], links: Iterable[tuple[int, int]]) -> list[Joined]:
    """The groups that ``links`` join, when links are only added (clusters can then only merge).

    ``cluster_of`` gives every link end's stored cluster (None: linked to nothing yet). Each
    stored cluster is one node, however many members it has, and so is each unclustered
    document: the union-find runs over the ends of the new links, never over the members
    of the clusters they reach. Only groups of two nodes or more are returned; a cluster
    that gains no member and a document that gains no link keep what they have.
    """
    node_of: dict[str | int, int] = {}
    nodes: list[str | int] = []

    def node(idx: int) -> int:
        key: str | int = cluster_of[idx] or idx
        found = node_of.get(key)
        if found is None:
            found = node_of[key] = len(nodes)
            nodes.append(key)
        return found

    pairs = [(node(a), node(b)) for a, b in links]
    roots = union_find(
        len(nodes),
        np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs)),
        np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs)),
    )
    members: dict[int, list[str | int]] = defaultdict(list)
    for position, root in enumerate(roots.tolist()):
        members[root].append(nodes[position])
    return [
        Joined(
            frozenset(k for k in group if isinstance(k, str)),
            frozenset(k for k in group if isinstance(k, int)),
        )
        for group in members.values()
        if len(group) >= 2
    ]


@dataclass(frozen=True, slots=True)
class ClusterInput:
    """One cluster: its members and the links among them (indices into ``members``)."""

    cluster: str
    members: list[LinkFeatures]
    edges: Edges


def _fold(value: str) -> str:
    return normalize(value).text.strip()


def _shared_identifiers(members: Sequence[LinkFeatures], common: dict[str, int]) -> dict[str, list[int]]:
    holders: dict[str, list[int]] = defaultdict(list)
    for position, member in enumerate(members):
        for key in member.identifiers:
            holders[key].append(position)
    return {k: v for k, v in holders.items() if len(v) >= 2 and k not in common}


def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@cache
def _sources() -> dict[str, str]:
    """Provenance of each network indicator, from the one indicator catalogue."""
    from vigil.recognizers.catalogue import load_catalogue

    return {ident: info.source for ident, info in load_catalogue().items()}


def _indicator(indicator: str, evidence: str, confidence: float, **details: Any) -> dict[str, Any]:
    return {
        "id": indicator,
        "evidence": evidence,
        "confidence": round(confidence, 2),
        "source": _sources().get(indicator, DEFAULT_SOURCE),
        "details": details,
    }


def _listed(values: Iterable[str]) -> str:
    items = list(values)
    shown = ", ".join(items[:MAX_EVIDENCE_ITEMS])
    return shown + (f" (+{len(items) - MAX_EVIDENCE_ITEMS} more)" if len(items) > MAX_EVIDENCE_ITEMS else "")


def network_indicators(
    members: Sequence[LinkFeatures], shared: dict[str, list[int]], template_links: int, config: LinkConfig
) -> list[dict[str, Any]]:
    """The network-level indicators of one cluster, each with its evidence."""
    found: list[dict[str, Any]] = []
    contacts = {k: v for k, v in shared.items() if identifier_kind(k) in CONTACT_KINDS}
    if contacts:
        top = sorted(contacts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        found.append(_indicator(
            "shared_contact",
            "; ".join(f"{k} in {len(v)} ads" for k, v in top[:MAX_EVIDENCE_ITEMS]),
            0.9,
            contacts={k: len(v) for k, v in top},
        ))
    if template_links:
        found.append(_indicator(
            "template_reuse",
            f"{template_links} ads re-use one text template with substituted names, ages, places or contacts",
            0.8,
            links=template_links,
        ))
    aliases: dict[str, list[str]] = {}
    for key, holders in contacts.items():
        names: dict[str, str] = {}
        for position in holders:
            for name in members[position].names:
                names.setdefault(_fold(name), name)
        if len(names) >= 2:
            aliases[key] = sorted(names.values())
    if aliases:
        worst = max(aliases.items(), key=lambda kv: len(kv[1]))
        found.append(_indicator(
            "alias_inconsistency",
            f"{worst[0]} is used with {len(worst[1])} names: {_listed(worst[1])}",
            min(0.95, 0.5 + 0.1 * len(worst[1])),
            names_per_contact=aliases,
        ))
    ages = sorted({age for member in members for age in member.ages if 0 < age < 100})
    if len(ages) >= 2 and ages[-1] - ages[0] >= config.age_spread_min:
        found.append(_indicator(
            "age_inconsistency",
            f"stated ages range from {ages[0]} to {ages[-1]} across linked ads",
            min(0.9, 0.4 + 0.05 * (ages[-1] - ages[0])),
            ages=ages,
        ))
    route = movement(members)
    cities = {_fold(city) for _, city in route}
    if len(cities) >= config.multi_city_min:
        steps = [f"{city} ({when[:10]})" if when else city for when, city in route]
        found.append(_indicator(
            "multi_city",
            f"ads in {len(cities)} places over time: {' -> '.join(steps[:MAX_EVIDENCE_ITEMS])}"
            + (" ..." if len(steps) > MAX_EVIDENCE_ITEMS else ""),
            min(0.9, 0.4 + 0.1 * len(cities)),
            route=[{"posted_at": when, "location": city} for when, city in route[:MAX_LISTED]],
        ))
    return found


def movement(members: Sequence[LinkFeatures]) -> list[tuple[str | None, str]]:
    """Places in time order, one entry per change of place (a movement circuit)."""
    dated = sorted(
        ((m.posted_at, m.locations[0]) for m in members if m.locations),
        key=lambda pair: (pair[0] is None, pair[0] or datetime.min.replace(tzinfo=UTC)),
    )
    route: list[tuple[str | None, str]] = []
    for when, city in dated:
        if route and _fold(route[-1][1]) == _fold(city):
            continue
        route.append((_ts(when), city))
    return route


def summarize_cluster(
    cluster: ClusterInput, config: LinkConfig, common: dict[str, int] | None = None
) -> dict[str, Any]:
    """One ``vigil link --clusters`` line: members, identifiers, template, indicators, timeline."""
    members = cluster.members
    common = common or {}
    shared = _shared_identifiers(members, common)
    template_mask = cluster.edges.kind == KIND_TEMPLATE
    template_docs = sorted(
        set(cluster.edges.left[template_mask].tolist()) | set(cluster.edges.right[template_mask].tolist())
    )
    template = recover_template([members[i].text for i in template_docs]) if template_docs else None
    timeline = sorted(
        ({"id": m.id, "posted_at": _ts(m.posted_at), "location": m.locations[0] if m.locations else None}
         for m in members),
        key=lambda item: (item["posted_at"] is None, item["posted_at"] or "", item["id"]),
    )
    dates = [t["posted_at"] for t in timeline if t["posted_at"]]
    return {
        "cluster": cluster.cluster,
        "size": len(members),
        "members": sorted(m.id for m in members)[:MAX_LISTED],
        "identifiers": [
            {"identifier": key, "kind": identifier_kind(key), "docs": len(holders)}
            for key, holders in sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ][:MAX_LISTED],
        "links": {
            "identifier": int((~template_mask).sum()),
            "template": int(template_mask.sum()),
        },
        "template": template,
        "indicators": network_indicators(members, shared, len(template_docs), config),
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "timeline": timeline[:MAX_LISTED],
    }


def split_clusters(
    features: Sequence[LinkFeatures], edges: Edges, roots: I64, ids: Sequence[str | None]
) -> list[ClusterInput]:
    """Group documents and links by cluster (singletons left out), ordered by cluster id."""
    members: dict[int, list[int]] = defaultdict(list)
    for position, root in enumerate(roots.tolist()):
        if ids[position] is not None:
            members[root].append(position)
    edge_root = roots[edges.left] if len(edges) else np.zeros(0, np.int64)
    by_root: dict[int, list[int]] = defaultdict(list)
    for at, root in enumerate(edge_root.tolist()):
        by_root[root].append(at)
    out: list[ClusterInput] = []
    for root, positions in members.items():
        local = {p: i for i, p in enumerate(positions)}
        chosen = np.asarray(by_root.get(root, []), dtype=np.int64)
        sub = Edges(
            np.asarray([local[int(p)] for p in edges.left[chosen]], dtype=np.int64),
            np.asarray([local[int(p)] for p in edges.right[chosen]], dtype=np.int64),
            edges.kind[chosen],
            edges.score[chosen],
            [edges.keys[int(i)] for i in chosen],
        )
        name = ids[positions[0]]
        assert name is not None
        out.append(ClusterInput(name, [features[p] for p in positions], sub))
    out.sort(key=lambda c: c.cluster)
    return out
