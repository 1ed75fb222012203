"""Persistent, incremental linking: the link index kept in the store.

A new batch asks the store only for what it touches (its identifiers, its LSH buckets, the
signatures of those buckets' representatives), links against them with the same
:func:`~vigil.link.core.link_batch` as a one-shot run, and writes back the changes. Cluster
membership is then re-derived by union-find over the stored links, which is linear in the
number of links and needs no text, and only clusters that changed get a new summary.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.errors import ConfigError
from vigil.link.clusters import ClusterInput, cluster_ids, summarize_cluster
from vigil.link.config import PERMUTATIONS, LinkConfig
from vigil.link.core import Edges, IdentifierInfo, LinkDelta, link_batch
from vigil.link.features import LinkFeatures
from vigil.link.graph import union_find
from vigil.link.minhash import empty_sketch
from vigil.link.models import LinkBucket, LinkCluster, LinkDocument, LinkEdge, LinkIdentifier, LinkMeta
from vigil.store import Store

U32 = npt.NDArray[np.uint32]
T = TypeVar("T")
#: Values per SQL ``IN (...)`` list (well under every backend's parameter limit).
IN_CHUNK: Final = 500
#: Longest text kept per document for showing templates.
MAX_TEXT: Final = 5000
META_LAYOUT: Final = "layout"
META_SKETCH: Final = "shingle_sketch"


def _chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _SessionState:
    """:class:`~vigil.link.core.LinkState` answered from the link tables."""

    keeps_state = True

    def __init__(self, session: Session) -> None:
        self.session = session
        count = session.scalar(sa.select(sa.func.max(LinkDocument.idx)))
        self.doc_count = 0 if count is None else int(count) + 1
        self._sketch: U32 | None = None

    def identifiers(self, keys: Sequence[str]) -> Mapping[str, IdentifierInfo]:
        found: dict[str, IdentifierInfo] = {}
        for chunk in _chunks(list(keys)):
            for row in self.session.scalars(sa.select(LinkIdentifier).where(LinkIdentifier.key.in_(chunk))):
                found[row.key] = IdentifierInfo(row.kind, row.docs, row.first, row.common)
        return found

    def buckets(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], list[int]]:
        by_band: dict[int, list[int]] = {}
        for band, key in keys:
            by_band.setdefault(band, []).append(key)
        found: dict[tuple[int, int], list[int]] = {}
        for band, band_keys in by_band.items():
            for chunk in _chunks(band_keys):
                query = sa.select(LinkBucket).where(LinkBucket.band == band, LinkBucket.key.in_(chunk))
                for row in self.session.scalars(query):
                    found.setdefault((band, int(row.key)), []).append(int(row.idx))
        for reps in found.values():
            reps.sort()
        return found

    def signatures(self, docs: Sequence[int]) -> Mapping[int, U32]:
        found: dict[int, U32] = {}
        for chunk in _chunks(list(docs)):
            query = sa.select(LinkDocument.idx, LinkDocument.signature).where(LinkDocument.idx.in_(chunk))
            for idx, blob in self.session.execute(query):
                if blob is not None:
                    found[int(idx)] = np.frombuffer(blob, dtype=np.uint32)
        return found

    def shingle_sketch(self) -> U32 | None:
        if self._sketch is None:
            blob = self.session.get(LinkMeta, META_SKETCH)
            if blob is None:
                return None
            self._sketch = np.frombuffer(zlib.decompress(blob.value), dtype=np.uint32).copy()
        return self._sketch


def _features_from_row(row: LinkDocument) -> LinkFeatures:
    facts = row.facts or {}
    posted = facts.get("posted_at")
    return LinkFeatures(
        id=row.doc_id,
        text=row.text,
        identifiers=tuple(facts.get("identifiers", ())),
        names=tuple(facts.get("names", ())),
        ages=tuple(int(a) for a in facts.get("ages", ())),
        locations=tuple(facts.get("locations", ())),
        posted_at=datetime.fromisoformat(posted) if posted else None,
    )


class StoredLinks:
    """The link index of one store: add documents, read cluster summaries."""

    def __init__(self, store: Store, config: LinkConfig) -> None:
        self.store = store
        self.config = config

    def _check_layout(self, session: Session) -> None:
        layout = self.config.layout.encode()
        row = session.get(LinkMeta, META_LAYOUT)
        if row is None:
            session.add(LinkMeta(name=META_LAYOUT, value=layout))
        elif row.value != layout:
            raise ConfigError(
                f"the stored link index was built with layout {row.value.decode()!r}, not {self.config.layout!r}; "
                "re-link from scratch in a fresh data directory"
            )

    def add(
        self, features: Sequence[LinkFeatures], document_pks: Sequence[int] | None = None
    ) -> list[str | None]:
        """Link ``features`` into the stored index; returns each one's cluster id (None: linked to nothing).

        ``document_pks`` (parallel to ``features``) ties each entry to its stored document.
        """
        pk_of = dict(zip((f.id for f in features), document_pks, strict=True)) if document_pks is not None else {}
        with self.store.session() as session:
            self._check_layout(session)
            known = self._known(session, [f.id for f in features])
            fresh: list[LinkFeatures] = []
            seen: set[str] = set(known)
            for feature in features:
                if feature.id not in seen:
                    seen.add(feature.id)
                    fresh.append(feature)
            if fresh:
                state = _SessionState(session)
                delta = link_batch(state, fresh, self.config)
                self._apply(session, delta, state.shingle_sketch(), pk_of)
                changed = self._recluster(session)
                self._refresh_summaries(session, changed)
            clusters = self._known(session, [f.id for f in features])
        return [clusters.get(f.id) for f in features]

    def reset(self) -> None:
        """Forget every link (documents, identifiers, edges, buckets, clusters), to re-link from scratch."""
        with self.store.session() as session:
            for table in (LinkEdge, LinkBucket, LinkCluster, LinkIdentifier, LinkDocument):
                session.execute(sa.delete(table))
            session.execute(sa.delete(LinkMeta).where(LinkMeta.name == META_SKETCH))

    @staticmethod
    def _known(session: Session, ids: Sequence[str]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            query = sa.select(LinkDocument.doc_id, LinkDocument.cluster).where(LinkDocument.doc_id.in_(chunk))
            for doc_id, cluster in session.execute(query):
                found[doc_id] = cluster
        return found

    def _apply(self, session: Session, delta: LinkDelta, sketch: U32 | None, pk_of: Mapping[str, int]) -> None:
        session.execute(
            sa.insert(LinkDocument),
            [
                {
                    "idx": delta.first_index + i,
                    "doc_id": f.id,
                    "text": f.text[:MAX_TEXT],
                    "facts": f.summary(),
                    "signature": _blob(delta.signatures.get(delta.first_index + i)),
                    "cluster": None,
                    "document_pk": pk_of.get(f.id),
                }
                for i, f in enumerate(delta.features)
            ],
        )
        self._upsert_identifiers(session, delta.identifiers)
        if delta.newly_common:
            for chunk in _chunks(sorted(delta.newly_common)):
                session.execute(sa.delete(LinkEdge).where(LinkEdge.key.in_(chunk)))
        edges = delta.edges
        if len(edges):
            session.execute(
                sa.insert(LinkEdge),
                [
                    {"left": int(a), "right": int(b), "kind": int(k), "score": float(s), "key": key}
                    for a, b, k, s, key in zip(
                        edges.left, edges.right, edges.kind, edges.score, edges.keys, strict=True
                    )
                ],
            )
        self._insert_buckets(session, delta.buckets, delta.known_buckets)
        if delta.sketch_increment is not None:
            total = (sketch if sketch is not None else empty_sketch()) + delta.sketch_increment
            session.merge(LinkMeta(name=META_SKETCH, value=zlib.compress(total.tobytes(), 1)))

    @staticmethod
    def _upsert_identifiers(session: Session, infos: Mapping[str, IdentifierInfo]) -> None:
        keys = list(infos)
        existing: set[str] = set()
        for chunk in _chunks(keys):
            existing.update(session.scalars(sa.select(LinkIdentifier.key).where(LinkIdentifier.key.in_(chunk))))
        rows = [
            {"key": k, "kind": i.kind, "docs": i.docs, "first": i.first, "common": i.common} for k, i in infos.items()
        ]
        inserts = [r for r in rows if r["key"] not in existing]
        updates = [r for r in rows if r["key"] in existing]
        if inserts:
            session.execute(sa.insert(LinkIdentifier), inserts)
        if updates:
            session.execute(sa.update(LinkIdentifier), updates)

    @staticmethod
    def _insert_buckets(
        session: Session, buckets: Mapping[tuple[int, int], list[int]], known: Mapping[tuple[int, int], int]
    ) -> None:
        rows = [
            {"band": band, "key": key, "idx": idx}
            for (band, key), reps in buckets.items()
            for idx in reps[known.get((band, key), 0) :]
        ]
        if rows:
            session.execute(sa.insert(LinkBucket), rows)

    @staticmethod
    def _recluster(session: Session) -> set[str]:
        """Cluster ids from all stored links; returns the ids of clusters whose membership changed."""
        docs = session.execute(
            sa.select(LinkDocument.idx, LinkDocument.doc_id, LinkDocument.cluster).order_by(LinkDocument.idx)
        ).all()
        pairs = session.execute(sa.select(LinkEdge.left, LinkEdge.right)).all()
        left = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        right = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
        roots = union_find(len(docs), left, right)
        new_ids = cluster_ids([d.doc_id for d in docs], roots)
        changed: set[str] = set()
        updates = []
        for doc, cluster in zip(docs, new_ids, strict=True):
            if doc.cluster != cluster:
                updates.append({"idx": doc.idx, "cluster": cluster})
                changed.update(c for c in (doc.cluster, cluster) if c)
        if updates:
            session.execute(sa.update(LinkDocument), updates)
        return changed

    def _refresh_summaries(self, session: Session, changed: Iterable[str]) -> None:
        names = sorted(changed)
        for chunk in _chunks(names):
            session.execute(sa.delete(LinkCluster).where(LinkCluster.cluster.in_(chunk)))
            clusters = self._cluster_inputs(session, chunk)
            common = self._common(session, [m for c in clusters for m in c.members])
            for cluster in clusters:
                session.add(
                    LinkCluster(
                        cluster=cluster.cluster,
                        size=len(cluster.members),
                        summary=summarize_cluster(cluster, self.config, common),
                    )
                )

    @staticmethod
    def _cluster_inputs(session: Session, names: Sequence[str]) -> list[ClusterInput]:
        """Members and links of the named clusters, read in a few queries for all of them."""
        rows = list(
            session.scalars(
                sa.select(LinkDocument).where(LinkDocument.cluster.in_(names)).order_by(LinkDocument.idx)
            )
        )
        members: dict[str, list[LinkDocument]] = {}
        for row in rows:
            members.setdefault(str(row.cluster), []).append(row)
        cluster_of = {row.idx: str(row.cluster) for row in rows}
        edges: dict[str, list[LinkEdge]] = {}
        for chunk in _chunks(list(cluster_of)):
            for edge in session.scalars(sa.select(LinkEdge).where(LinkEdge.left.in_(chunk))):
                edges.setdefault(cluster_of[edge.left], []).append(edge)
        out: list[ClusterInput] = []
        for name, docs in members.items():
            local = {row.idx: i for i, row in enumerate(docs)}
            found = edges.get(name, [])
            out.append(ClusterInput(
                name,
                [_features_from_row(r) for r in docs],
                Edges(
                    np.asarray([local[e.left] for e in found], dtype=np.int64),
                    np.asarray([local[e.right] for e in found], dtype=np.int64),
                    np.asarray([e.kind for e in found], dtype=np.int8),
                    np.asarray([e.score for e in found], dtype=np.float32),
                    [e.key for e in found],
                ),
            ))
        return out

    @staticmethod
    def _common(session: Session, members: Sequence[LinkFeatures]) -> dict[str, int]:
        keys = sorted({k for m in members for k in m.identifiers})
        common: dict[str, int] = {}
        for chunk in _chunks(keys):
            query = sa.select(LinkIdentifier.key, LinkIdentifier.docs).where(
                LinkIdentifier.key.in_(chunk), LinkIdentifier.common.is_(True)
            )
            common.update({k: int(d) for k, d in session.execute(query)})
        return common

    def summaries(self, clusters: Sequence[str]) -> list[dict[str, Any]]:
        """Stored summaries of ``clusters`` (all clusters when empty), ordered by cluster id."""
        with self.store.session() as session:
            query = sa.select(LinkCluster.summary).order_by(LinkCluster.cluster)
            if not clusters:
                return [dict(s) for s in session.scalars(query)]
            found: list[dict[str, Any]] = []
            for chunk in _chunks(list(clusters)):
                found.extend(dict(s) for s in session.scalars(query.where(LinkCluster.cluster.in_(chunk))))
            return sorted(found, key=lambda s: str(s.get("cluster")))


def _blob(signature: U32 | None) -> bytes | None:
    if signature is None:
        return None
    if len(signature) != PERMUTATIONS:
        raise ConfigError("signature length does not match the index layout")
    return np.ascontiguousarray(signature, dtype=np.uint32).tobytes()
