"""Batches that only add links merge stored clusters by name, with the full re-cluster's results.

Every sequence of batches is linked twice: by :class:`StoredLinks` (merging whole clusters
in SQL when a batch removed no link) and by the full re-cluster it falls back to (reading
every member its links reach). After each batch both give the same returned clusters, the
same changed cluster ids, the same stored clusters and summaries, and the stored clusters
equal a union-find over every stored link. On SQLite and PostgreSQL; the reference store is
an in-memory SQLite one.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from link_support import features
from sqlalchemy.orm import Session

from vigil.link.clusters import cluster_id, cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.features import LinkFeatures
from vigil.link.graph import union_find
from vigil.link.models import LinkCluster, LinkDocument, LinkEdge
from vigil.link.state import Reclustered, StoredLinks
from vigil.store import Store

# generic-phrase pruning is kept out of play, as in test_incremental
EXACT = LinkConfig(common_min_docs=10**6)
#: Identifiers in more than three documents link nothing: a batch can remove links.
STRICT = LinkConfig(max_identifier_docs=3, common_min_docs=10**6)
WORDS = [f"w{n:03d}" for n in range(600)]

#: One ad: its id and the identifier numbers it carries (each number is a phone).
Ad = tuple[str, tuple[int, ...]]


class FullRecluster(StoredLinks):
    """The reference: every batch re-derives what its links reach from the stored links."""

    def _recluster(
        self, session: Session, seeds: set[int], links: Sequence[tuple[int, int]], unlinked: set[int]
    ) -> Reclustered:
        return self._recluster_reached(session, seeds | unlinked)


def _phone(number: int) -> str:
    return f"+447400{number:06d}"


def _ad(doc_id: str, numbers: tuple[int, ...]) -> LinkFeatures:
    words = random.Random(doc_id).sample(WORDS, 14)
    return features(doc_id, " ".join(words), phones=[_phone(n) for n in numbers])


def chain(prefix: str, size: int, first: int) -> list[Ad]:
    """``size`` ads, each sharing a phone with the next: one cluster, no identifier in more than two ads."""
    return [(f"{prefix}{i:03d}", (first + i, first + i + 1)) for i in range(size)]


A = chain("a", 40, 1000)  # phones 1000..1040
B = chain("b", 40, 2000)
C = chain("c", 6, 3000)
D = chain("d", 6, 4000)

#: Name, link limits, then the batches in order.
SEQUENCES: list[tuple[str, LinkConfig, list[list[Ad]]]] = [
    ("two big clusters merge", EXACT, [A + B, [("m", (1005, 2030))]]),
    ("a new ad joins a cluster", EXACT, [A, [("a900", (1017,))]]),
    ("a new ad with a smaller id renames a cluster", EXACT, [A + B, [("0first", (1003,))], [("00zero", (2004,))]]),
    ("the smaller cluster's name survives a merge", EXACT, [B, A, [("z", (1039, 2001))]]),
    (
        "chain merges within one batch",
        EXACT,
        [
            A + C + D + [("s1", (9000,)), ("s2", (9100,))],
            [("x1", (1010, 3002)), ("x2", (3004, 9000)), ("x3", (4001, 9200)), ("x4", (9200, 9300)), ("x5", (9300,))],
        ],
    ),
    (
        "new ads linked only among themselves",
        EXACT,
        [A, [("n1", (7000,)), ("n2", (7000, 7001)), ("n3", (7001,)), ("n4", (7500,))]],
    ),
    ("a stored singleton is linked", EXACT, [[("s1", (9000,)), ("s2", (9100,)), *C], [("s3", (9000,))]]),
    ("ads that link nothing", EXACT, [A, [("q1", (8000,)), ("q2", (8001,))]]),
    (
        "re-adding known ads with new ones",
        EXACT,
        [A + B + C, [*A[:3], ("0new", (1020, 3001)), *B[5:7], *C[:1]], A + B + C],
    ),
    (
        "an identifier turns common and its links are removed",
        STRICT,
        [
            [("h0", (5000,)), ("h1", (5000, 5001)), ("h2", (5001,)), *C],
            [("h3", (5000,)), ("h4", (5000, 3003))],
            [("h5", (5001, 3005)), ("h6", (3000,))],
        ],
    ),
]


def _summaries(store: Store) -> list[tuple[str, int, str]]:
    with store.session() as session:
        return [
            (c, n, json.dumps(s, sort_keys=True))
            for c, n, s in session.execute(
                sa.select(LinkCluster.cluster, LinkCluster.size, LinkCluster.summary).order_by(LinkCluster.cluster)
            )
        ]


def _stored_and_from_scratch(store: Store) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Each stored ad's cluster, and the one a union-find over every stored link gives."""
    with store.session() as session:
        docs = session.execute(
            sa.select(LinkDocument.idx, LinkDocument.doc_id, LinkDocument.cluster).order_by(LinkDocument.idx)
        ).all()
        edges = session.execute(sa.select(LinkEdge.left, LinkEdge.right)).all()
    roots = union_find(
        len(docs),
        np.asarray([e[0] for e in edges], dtype=np.int64),
        np.asarray([e[1] for e in edges], dtype=np.int64),
    )
    ids = [d.doc_id for d in docs]
    return {d.doc_id: d.cluster for d in docs}, dict(zip(ids, cluster_ids(ids, roots), strict=True))


def _add(links: StoredLinks, batch: list[LinkFeatures]) -> tuple[list[str | None], set[str]]:
    """Link one batch; returns each ad's cluster and the cluster ids the batch changed (then summarised)."""
    returned = links.add(batch)
    with links.store.session() as session:
        changed = links._take_pending(session)
        links._refresh_summaries(session, changed)
    return returned, changed


@contextmanager
def _reference_store(store: Store) -> Iterator[Store]:
    opened = Store.open(store.settings.model_copy(update={"database_url": "sqlite://"}))
    try:
        yield opened
    finally:
        opened.close()


@pytest.mark.parametrize(("config", "batches"), [pytest.param(c, b, id=n) for n, c, b in SEQUENCES])
def test_merging_batches_equal_the_full_recluster(store: Store, config: LinkConfig, batches: list[list[Ad]]) -> None:
    merging = StoredLinks(store, config, defer_summaries=True)
    with _reference_store(store) as reference_store:
        reference = FullRecluster(reference_store, config, defer_summaries=True)
        for batch in batches:
            ads = [_ad(doc_id, numbers) for doc_id, numbers in batch]
            returned, changed = _add(merging, ads)
            expected_returned, expected_changed = _add(reference, ads)
            assert returned == expected_returned
            assert changed == expected_changed
            stored, from_scratch = _stored_and_from_scratch(store)
            assert stored == from_scratch
            assert stored == _stored_and_from_scratch(reference_store)[0]
            assert returned == [from_scratch[a.id] for a in ads]
            assert _summaries(store) == _summaries(reference_store)
    assert any(c is not None for c in stored.values())


@pytest.mark.parametrize(
    ("batches", "joined", "name", "last", "clusters"),
    [
        ([A + B, [("m", (1005, 2030))]], {"a000", "b039", "m"}, "a000", "a000", 1),
        ([A + B, [("0first", (1003,))]], {"a039", "0first"}, "0first", "0first", 2),
        ([B, A, [("z", (1039, 2001))]], {"a000", "b000", "z"}, "a000", "a000", 1),  # b's name gives way
        ([A, [("q1", (8000,)), ("q2", (8001,))]], {"a000", "a039"}, "a000", None, 1),  # nothing joins
    ],
)
def test_merged_clusters_are_named_after_their_smallest_ad(
    store: Store, batches: list[list[Ad]], joined: set[str], name: str, last: str | None, clusters: int
) -> None:
    links = StoredLinks(store, EXACT)
    returned: list[str | None] = []
    for batch in batches:
        returned = links.add([_ad(doc_id, numbers) for doc_id, numbers in batch])
    stored, _ = _stored_and_from_scratch(store)
    assert {stored[ad] for ad in joined} == {cluster_id(name)}
    assert returned[-1] == (None if last is None else cluster_id(last))
    assert len({c for c in stored.values() if c}) == clusters


def _statements(store: Store) -> tuple[list[str], Any]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(store.engine, "before_cursor_execute", record)
    return seen, record


@pytest.mark.parametrize(
    ("batch", "reads_members"),
    [
        ([("m", (1005, 2030))], False),  # merges two clusters of 40
        ([("a900", (1017,))], False),  # joins one
        ([("h8", (5000,)), ("h9", (5000, 5001))], True),  # an identifier turns common: links removed, full path
    ],
)
def test_a_merge_reads_no_cluster_members(store: Store, batch: list[Ad], reads_members: bool) -> None:
    links = StoredLinks(store, STRICT if reads_members else EXACT, defer_summaries=True)
    links.add([_ad(d, n) for d, n in A + B + [("h0", (5000,)), ("h1", (5000, 5001)), ("h2", (5001,))]])
    seen, record = _statements(store)
    try:
        links.add([_ad(d, n) for d, n in batch])
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    by_cluster = [s for s in seen if s.startswith("SELECT") and "link_documents.cluster IN" in s]
    assert bool(by_cluster) == reads_members, seen
