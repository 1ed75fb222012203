"""Persistent, incremental linking: the link index kept in the store.

A new batch asks the store only for what it touches (its identifiers, its LSH buckets, the
signatures of those buckets' representatives), links against them with the same
:func:`~vigil.link.core.link_batch` as a one-shot run, and writes back the changes. A batch
that only adds links merges whole stored clusters by their names, in SQL, so its cost does
not grow with the clusters it reaches (a network of tens of thousands of ads is joined by
one ``UPDATE``); a batch that removed links re-derives membership by union-find over the
stored links it reaches. Only clusters that changed get a new summary.

The store process links every partition, so its reads and writes go as plain rows: reads
as column tuples (no ORM objects), writes as one ``executemany`` of tuples per table
(:mod:`vigil.store.rows`), with JSON serialised once.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from vigil.errors import ConfigError
from vigil.link.clusters import ClusterInput, cluster_id, cluster_ids, joined_groups, summarize_cluster
from vigil.link.config import PERMUTATIONS, LinkConfig
from vigil.link.core import Edges, IdentifierInfo, LinkDelta, link_batch
from vigil.link.features import LinkFeatures
from vigil.link.graph import union_find
from vigil.link.minhash import empty_sketch
from vigil.link.models import LinkBucket, LinkCluster, LinkDocument, LinkEdge, LinkIdentifier, LinkMeta
from vigil.store import Store
from vigil.store.models import utcnow
from vigil.store.rows import insert_rows, timestamp, update_rows

U32 = npt.NDArray[np.uint32]
T = TypeVar("T")
#: Values per SQL ``IN (...)`` list (well under every backend's parameter limit).
IN_CHUNK: Final = 500
#: An identifier already stored takes the new counts (the same SQL on SQLite and PostgreSQL).
_IDENTIFIER_UPSERT: Final = (
    'ON CONFLICT ("key") DO UPDATE SET "kind" = excluded."kind", "docs" = excluded."docs", '
    '"first" = excluded."first", "common" = excluded."common"'
)
#: Longest text kept per document for showing templates.
MAX_TEXT: Final = 5000
META_LAYOUT: Final = "layout"
META_SKETCH: Final = "shingle_sketch"
#: Clusters whose stored summary waits for :meth:`StoredLinks.flush` (deferred summaries).
META_PENDING: Final = "pending_summaries"


def _chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _values(name: str = "values") -> sa.BindParameter[Any]:
    """One parameter for a whole ``IN (...)`` list (no per-value expression built)."""
    return sa.bindparam(name, expanding=True)


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
        query = sa.select(
            LinkIdentifier.key, LinkIdentifier.kind, LinkIdentifier.docs, LinkIdentifier.first, LinkIdentifier.common
        ).where(LinkIdentifier.key.in_(_values()))
        for chunk in _chunks(list(keys)):
            for key, kind, docs, first, common in self.session.execute(query, {"values": list(chunk)}):
                found[key] = IdentifierInfo(kind, docs, first, common)
        return found

    def buckets(self, keys: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], list[int]]:
        by_band: dict[int, list[int]] = {}
        for band, key in keys:
            by_band.setdefault(band, []).append(key)
        found: dict[tuple[int, int], list[int]] = {}
        query = sa.select(LinkBucket.key, LinkBucket.idx).where(
            LinkBucket.band == sa.bindparam("band"), LinkBucket.key.in_(_values())
        )
        for band, band_keys in by_band.items():
            for chunk in _chunks(band_keys):
                for key, idx in self.session.execute(query, {"band": band, "values": list(chunk)}):
                    found.setdefault((band, int(key)), []).append(int(idx))
        for reps in found.values():
            reps.sort()
        return found

    def signatures(self, docs: Sequence[int]) -> Mapping[int, U32]:
        found: dict[int, U32] = {}
        query = sa.select(LinkDocument.idx, LinkDocument.signature).where(LinkDocument.idx.in_(_values()))
        for chunk in _chunks(list(docs)):
            for idx, blob in self.session.execute(query, {"values": list(chunk)}):
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


@dataclass(frozen=True, slots=True)
class Reclustered:
    """What a batch changed: cluster ids whose membership changed (old and new), the new
    cluster of the documents looked at, and the stored clusters renamed (old id to new)."""

    changed: set[str]
    clusters: dict[str, str | None]
    renamed: dict[str, str]


def smallest_member_query(dialect: str) -> sa.Select[tuple[str | None, str]]:
    """Each given document's cluster and that cluster's smallest document id (``values``: document idx).

    The smallest id is one index lookup (``link_documents (cluster, doc_id)``), however large
    the cluster. Ids compare by code point, as Python compares them in
    :func:`~vigil.link.clusters.cluster_ids`: SQLite's default collation does; PostgreSQL's
    may not, so there the order and the index use "C" (UTF-8 byte order, which is code point order).
    """
    inner = aliased(LinkDocument)
    doc_id: sa.ColumnElement[str] = inner.doc_id.expression
    if dialect == "postgresql":
        doc_id = sa.collate(doc_id, "C")
    smallest = (
        sa.select(inner.doc_id).where(inner.cluster == LinkDocument.cluster).order_by(doc_id).limit(1).scalar_subquery()
    )
    return sa.select(LinkDocument.cluster, smallest).where(LinkDocument.idx.in_(_values()))


def _smallest_members(session: Session, members: Sequence[int]) -> dict[str, str]:
    """The smallest document id of the cluster of each of ``members`` (documents, one per cluster)."""
    query = smallest_member_query(session.get_bind().dialect.name)
    found: dict[str, str] = {}
    for chunk in _chunks(list(members)):
        for cluster, doc in session.execute(query, {"values": list(chunk)}):
            found[cluster] = doc
    return found


def _features_from_row(doc_id: str, text: str, facts: Mapping[str, Any] | None) -> LinkFeatures:
    facts = facts or {}
    posted = facts.get("posted_at")
    return LinkFeatures(
        id=doc_id,
        text=text,
        identifiers=tuple(facts.get("identifiers", ())),
        names=tuple(facts.get("names", ())),
        ages=tuple(int(a) for a in facts.get("ages", ())),
        locations=tuple(facts.get("locations", ())),
        posted_at=datetime.fromisoformat(posted) if posted else None,
    )


class StoredLinks:
    """The link index of one store: add documents, read cluster summaries."""

    def __init__(self, store: Store, config: LinkConfig, *, defer_summaries: bool = False) -> None:
        """``defer_summaries``: each :meth:`add` records the clusters it changed instead of
        summarising them, and :meth:`flush` summarises them all once (a long run over many
        batches then summarises a growing cluster once, not after every batch). The record
        is kept in the store with the batch, so clusters left pending by a stopped run are
        summarised by the next flush or immediate add."""
        self.store = store
        self.config = config
        self.defer_summaries = defer_summaries

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
                unlinked = self._apply(session, delta, state.shingle_sketch(), pk_of)
                links = list(zip(delta.edges.left.tolist(), delta.edges.right.tolist(), strict=True))
                seeds = set(range(delta.first_index, delta.first_index + len(delta.features)))
                seeds.update(end for link in links for end in link)
                result = self._recluster(session, seeds, links, unlinked)
                if self.defer_summaries:
                    self._set_pending(session, self._pending(session) | result.changed)
                else:
                    self._refresh_summaries(session, result.changed | self._take_pending(session))
                clusters = {
                    doc_id: None if cluster is None else result.renamed.get(cluster, cluster)
                    for doc_id, cluster in known.items()
                }
                clusters.update(result.clusters)
            else:
                clusters = known
        return [clusters.get(f.id) for f in features]

    def flush(self) -> int:
        """Summarise every cluster whose summary is pending; returns how many names were pending."""
        with self.store.session() as session:
            pending = self._take_pending(session)
            self._refresh_summaries(session, pending)
        return len(pending)

    @staticmethod
    def _pending(session: Session) -> set[str]:
        row = session.get(LinkMeta, META_PENDING)
        return set() if row is None else set(json.loads(zlib.decompress(row.value)))

    @staticmethod
    def _set_pending(session: Session, names: set[str]) -> None:
        session.merge(LinkMeta(name=META_PENDING, value=zlib.compress(json.dumps(sorted(names)).encode(), 1)))

    def _take_pending(self, session: Session) -> set[str]:
        pending = self._pending(session)
        if pending:
            session.execute(sa.delete(LinkMeta).where(LinkMeta.name == META_PENDING))
        return pending

    def reset(self) -> None:
        """Forget every link (documents, identifiers, edges, buckets, clusters), to re-link from scratch."""
        with self.store.session() as session:
            for table in (LinkEdge, LinkBucket, LinkCluster, LinkIdentifier, LinkDocument):
                session.execute(sa.delete(table))
            session.execute(sa.delete(LinkMeta).where(LinkMeta.name.in_((META_SKETCH, META_PENDING))))

    @staticmethod
    def _known(session: Session, ids: Sequence[str]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        query = sa.select(LinkDocument.doc_id, LinkDocument.cluster).where(LinkDocument.doc_id.in_(_values()))
        for chunk in _chunks(list(dict.fromkeys(ids))):
            for doc_id, cluster in session.execute(query, {"values": list(chunk)}):
                found[doc_id] = cluster
        return found

    def _apply(
        self, session: Session, delta: LinkDelta, sketch: U32 | None, pk_of: Mapping[str, int]
    ) -> set[int]:
        """Write the batch's documents, identifiers, links and buckets; returns the documents
        that lost a link (their identifier became too common to link on)."""
        connection = session.connection()
        unlinked: set[int] = set()
        linked_at = timestamp(connection, LinkDocument.__table__.c.linked_at, utcnow())
        insert_rows(
            connection,
            "link_documents",
            ("idx", "doc_id", "text", "facts", "signature", "cluster", "document_pk", "linked_at"),
            [
                (
                    delta.first_index + i,
                    f.id,
                    f.text[:MAX_TEXT],
                    json.dumps(f.summary()),  # as the JSON column type serialises it
                    _blob(delta.signatures.get(delta.first_index + i)),
                    None,
                    pk_of.get(f.id),
                    linked_at,
                )
                for i, f in enumerate(delta.features)
            ],
        )
        self._upsert_identifiers(connection, delta.identifiers)
        if delta.newly_common:
            ends = sa.select(LinkEdge.left, LinkEdge.right).where(LinkEdge.key.in_(_values()))
            for chunk in _chunks(sorted(delta.newly_common)):
                for left, right in session.execute(ends, {"values": list(chunk)}):
                    unlinked.update((int(left), int(right)))
                session.execute(sa.delete(LinkEdge).where(LinkEdge.key.in_(_values())), {"values": list(chunk)})
        edges = delta.edges
        insert_rows(
            connection,
            "link_edges",
            ("left", "right", "kind", "score", "key"),
            list(
                zip(
                    edges.left.tolist(),
                    edges.right.tolist(),
                    edges.kind.tolist(),
                    edges.score.tolist(),
                    edges.keys,
                    strict=True,
                )
            ),
        )
        self._insert_buckets(connection, delta.buckets, delta.known_buckets)
        if delta.sketch_increment is not None:
            total = (sketch if sketch is not None else empty_sketch()) + delta.sketch_increment
            session.merge(LinkMeta(name=META_SKETCH, value=zlib.compress(total.tobytes(), 1)))
        return unlinked

    @staticmethod
    def _upsert_identifiers(connection: sa.Connection, infos: Mapping[str, IdentifierInfo]) -> None:
        insert_rows(
            connection,
            "link_identifiers",
            ("key", "kind", "docs", "first", "common"),
            [(k, i.kind, i.docs, i.first, bool(i.common)) for k, i in infos.items()],
            on_conflict=_IDENTIFIER_UPSERT,
        )

    @staticmethod
    def _insert_buckets(
        connection: sa.Connection, buckets: Mapping[tuple[int, int], list[int]], known: Mapping[tuple[int, int], int]
    ) -> None:
        rows = [
            (band, key, idx)
            for (band, key), reps in buckets.items()
            for idx in reps[known.get((band, key), 0) :]
        ]
        insert_rows(connection, "link_buckets", ("band", "key", "idx"), rows)

    def _recluster(
        self, session: Session, seeds: set[int], links: Sequence[tuple[int, int]], unlinked: set[int]
    ) -> Reclustered:
        """New cluster ids after a batch added ``links`` (``seeds``: the batch's documents and
        the ends of its links) and removed the links of ``unlinked`` documents.

        A batch that only adds links can only merge clusters: :meth:`_merge_clusters` joins
        whole stored clusters without reading their members. A batch that removed links
        (an identifier became too common to link on) may split clusters, rarely:
        :meth:`_recluster_reached` re-derives whatever the changed links reach.
        """
        if unlinked:
            return self._recluster_reached(session, seeds | unlinked)
        return self._merge_clusters(session, seeds, links)

    @staticmethod
    def _merge_clusters(session: Session, seeds: Iterable[int], links: Sequence[tuple[int, int]]) -> Reclustered:
        """Join the clusters that ``links`` (all new) connect, in SQL, whatever their size.

        Each stored cluster reached is one node of the union-find (see
        :func:`~vigil.link.clusters.joined_groups`); a joined group is named after its smallest
        document id, the smallest of its clusters' smallest members (one index lookup each)
        and its unclustered documents' ids, as :func:`~vigil.link.clusters.cluster_ids` names
        it. Members of a renamed cluster move with one ``UPDATE ... WHERE cluster IN``. The
        stored clusters must be the components of the stored links, which every batch keeps.
        """
        rows: dict[int, tuple[str, str | None]] = {}
        by_idx = sa.select(LinkDocument.idx, LinkDocument.doc_id, LinkDocument.cluster).where(
            LinkDocument.idx.in_(_values())
        )
        for chunk in _chunks(sorted(set(seeds))):
            for idx, doc_id, cluster in session.execute(by_idx, {"values": list(chunk)}):
                rows[int(idx)] = (doc_id, cluster)
        groups = joined_groups({idx: cluster for idx, (_, cluster) in rows.items()}, links)
        member_of: dict[str, int] = {}
        for idx, (_, cluster) in rows.items():
            if cluster is not None:
                member_of.setdefault(cluster, idx)
        smallest = _smallest_members(session, sorted(member_of[c] for g in groups for c in g.clusters))
        changed: set[str] = set()
        renamed: dict[str, str] = {}
        joined: dict[int, str] = {}
        for group in groups:
            name = cluster_id(min([smallest[c] for c in group.clusters] + [rows[i][0] for i in group.documents]))
            changed.update(group.clusters)
            changed.add(name)
            renamed.update((c, name) for c in group.clusters if c != name)
            joined.update(dict.fromkeys(group.documents, name))
        connection = session.connection()
        into: dict[str, list[str]] = {}
        for old, new in renamed.items():
            into.setdefault(new, []).append(old)
        rename = sa.update(LinkDocument).where(LinkDocument.cluster.in_(_values())).values(cluster=sa.bindparam("new"))
        for new, olds in sorted(into.items()):
            for names in _chunks(sorted(olds)):
                connection.execute(rename, {"new": new, "values": list(names)})
        update_rows(connection, "link_documents", ("cluster",), "idx", sorted((n, i) for i, n in joined.items()))
        clusters = {
            doc_id: joined.get(idx, None if cluster is None else renamed.get(cluster, cluster))
            for idx, (doc_id, cluster) in rows.items()
        }
        return Reclustered(changed, clusters, renamed)

    @staticmethod
    def _recluster_reached(session: Session, seeds: Iterable[int]) -> Reclustered:
        """Cluster ids of the documents whose cluster may have changed; returns the ids of
        clusters whose membership changed, and the new cluster of every document looked at.

        Only links touching ``seeds`` (new documents, ends of new or removed links) can change
        a cluster, so union-find runs over the seeds, the members of their stored clusters and
        whatever their links reach, not over the whole index: the cost of a batch stays the
        same as the index grows. Every cluster id is the one a union-find over all stored links
        would give (a cluster is named after its smallest document id, see
        :func:`~vigil.link.clusters.cluster_ids`).
        """
        rows: dict[int, tuple[str, str | None]] = {}
        seen_clusters: set[str] = set()
        pairs: set[tuple[int, int]] = set()
        doc_query = sa.select(LinkDocument.idx, LinkDocument.doc_id, LinkDocument.cluster)
        by_idx = doc_query.where(LinkDocument.idx.in_(_values()))
        by_cluster = doc_query.where(LinkDocument.cluster.in_(_values()))
        edge_query = sa.select(LinkEdge.left, LinkEdge.right)
        from_left = edge_query.where(LinkEdge.left.in_(_values()))
        from_right = edge_query.where(LinkEdge.right.in_(_values()))
        frontier = sorted(set(seeds))
        while frontier:
            new_docs: list[int] = []
            for chunk in _chunks(frontier):
                for idx, doc_id, cluster in session.execute(by_idx, {"values": list(chunk)}):
                    if idx not in rows:
                        rows[idx] = (doc_id, cluster)
                        new_docs.append(idx)
            names = sorted({c for i in new_docs if (c := rows[i][1]) is not None} - seen_clusters)
            seen_clusters.update(names)
            for group in _chunks(names):
                for idx, doc_id, cluster in session.execute(by_cluster, {"values": list(group)}):
                    if idx not in rows:
                        rows[idx] = (doc_id, cluster)
                        new_docs.append(idx)
            reached: set[int] = set()
            for part in _chunks(sorted(new_docs)):
                for query in (from_left, from_right):
                    for left, right in session.execute(query, {"values": list(part)}):
                        pairs.add((int(left), int(right)))
                        reached.update((int(left), int(right)))
            frontier = sorted(reached - rows.keys())
        order = sorted(rows)
        local = {idx: i for i, idx in enumerate(order)}
        links = [(local[a], local[b]) for a, b in pairs if a in local and b in local]
        left = np.fromiter((a for a, _ in links), dtype=np.int64, count=len(links))
        right = np.fromiter((b for _, b in links), dtype=np.int64, count=len(links))
        roots = union_find(len(order), left, right)
        new_ids = cluster_ids([rows[idx][0] for idx in order], roots)
        changed: set[str] = set()
        updates = []
        for idx, cluster in zip(order, new_ids, strict=True):
            old = rows[idx][1]
            if old != cluster:
                updates.append((cluster, idx))
                changed.update(c for c in (old, cluster) if c)
        update_rows(session.connection(), "link_documents", ("cluster",), "idx", updates)
        return Reclustered(changed, {rows[idx][0]: cluster for idx, cluster in zip(order, new_ids, strict=True)}, {})

    def _refresh_summaries(self, session: Session, changed: Iterable[str]) -> None:
        names = sorted(changed)
        connection = session.connection()
        updated_at = timestamp(connection, LinkCluster.__table__.c.updated_at, utcnow())
        for chunk in _chunks(names):
            session.execute(sa.delete(LinkCluster).where(LinkCluster.cluster.in_(_values())), {"values": list(chunk)})
            clusters = self._cluster_inputs(session, chunk)
            common = self._common(session, [m for c in clusters for m in c.members])
            insert_rows(
                connection,
                "link_clusters",
                ("cluster", "size", "summary", "updated_at"),
                [
                    (c.cluster, len(c.members), json.dumps(summarize_cluster(c, self.config, common)), updated_at)
                    for c in clusters
                ],
            )

    @staticmethod
    def _cluster_inputs(session: Session, names: Sequence[str]) -> list[ClusterInput]:
        """Members and links of the named clusters, read as plain rows in a few queries for all of them."""
        rows = session.execute(
            sa.select(LinkDocument.idx, LinkDocument.doc_id, LinkDocument.text, LinkDocument.facts, LinkDocument.cluster)
            .where(LinkDocument.cluster.in_(_values()))
            .order_by(LinkDocument.idx),
            {"values": list(names)},
        ).all()
        members: dict[str, list[LinkFeatures]] = {}
        local: dict[int, int] = {}
        cluster_of: dict[int, str] = {}
        for idx, doc_id, text, facts, cluster in rows:
            group = members.setdefault(str(cluster), [])
            local[idx] = len(group)
            cluster_of[idx] = str(cluster)
            group.append(_features_from_row(doc_id, text, facts))
        edges: dict[str, list[tuple[int, int, int, float, str | None]]] = {}
        query = sa.select(LinkEdge.left, LinkEdge.right, LinkEdge.kind, LinkEdge.score, LinkEdge.key).where(
            LinkEdge.left.in_(_values())
        ).order_by(LinkEdge.id)
        for chunk in _chunks(list(cluster_of)):
            for left, right, kind, score, key in session.execute(query, {"values": list(chunk)}):
                edges.setdefault(cluster_of[left], []).append((left, right, kind, score, key))
        out: list[ClusterInput] = []
        for name, features in members.items():
            found = edges.get(name, [])
            out.append(ClusterInput(
                name,
                features,
                Edges(
                    np.asarray([local[e[0]] for e in found], dtype=np.int64),
                    np.asarray([local[e[1]] for e in found], dtype=np.int64),
                    np.asarray([e[2] for e in found], dtype=np.int8),
                    np.asarray([e[3] for e in found], dtype=np.float32),
                    [e[4] for e in found],
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
