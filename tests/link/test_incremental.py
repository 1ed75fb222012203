"""The store-backed index: increments give the batch result, state survives reopening, on each backend."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from vigil.errors import ConfigError
from vigil.link.clusters import cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures
from vigil.link.models import LinkCluster, LinkDocument, LinkEdge, LinkIdentifier
from vigil.link.prepare import Rejected, prepare
from vigil.link.state import StoredLinks
from vigil.link.synthetic import generate_corpus
from vigil.store import Store

# generic-phrase pruning depends on how many documents were seen when a text arrived, so
# the equality of increments and batch is asserted with it out of play
EXACT = LinkConfig(common_min_docs=10**6)


def _planted(size: int, seed: int = 11) -> tuple[list[LinkFeatures], dict[str, str | None]]:
    corpus = generate_corpus(size, seed=seed, with_entities=True)
    prepared = list(prepare(enumerate(corpus.documents, start=1)))
    assert not any(isinstance(p, Rejected) for p in prepared)
    return [p for p in prepared if isinstance(p, LinkFeatures)], corpus.truth


def test_increments_equal_one_batch(store: Store) -> None:
    docs, _ = _planted(500)
    batch = cluster_ids([d.id for d in docs], link_documents(docs, EXACT).roots)
    links = StoredLinks(store, EXACT)
    first = links.add(docs[:150])
    links.add(docs[150:380])
    links.add(docs[380:])
    again = links.add(docs)  # known documents are not added twice; their current clusters come back
    assert again == batch
    assert sum(c is not None for c in batch) > 80
    # an early document's cluster may only have grown (same smallest member, or merged into a smaller one)
    assert any(c is not None for c in first)
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(LinkDocument)) == len(docs)


def test_state_persists_across_reopening(store: Store) -> None:
    docs, _ = _planted(240, seed=12)
    StoredLinks(store, EXACT).add(docs[:120])
    reopened = Store.open(store.settings)
    try:
        result = StoredLinks(reopened, EXACT).add(docs[120:])
    finally:
        reopened.close()
    batch = cluster_ids([d.id for d in docs], link_documents(docs, EXACT).roots)
    assert result == batch[120:]


def test_identifier_turning_common_drops_its_links(store: Store) -> None:
    from link_support import features

    config = LinkConfig(max_identifier_docs=3, common_min_docs=10**6)
    links = StoredLinks(store, config)
    docs = [features(f"h{i}", f"zq{chr(97 + i)} plain words here", phones=["+447400000123"]) for i in range(5)]
    assert links.add(docs[:2]) == [links.add(docs[:1])[0]] * 2  # linked while rare
    assert links.add(docs[2:]) == [None, None, None]  # now in 5 > 3 documents: too common
    assert links.add(docs[:2]) == [None, None]
    with store.session() as session:
        row = session.get(LinkIdentifier, "phone:+447400000123")
        assert row is not None and row.common and row.docs == 5
        assert session.scalar(sa.select(sa.func.count()).select_from(LinkEdge)) == 0


def test_cluster_summaries_are_stored_for_changed_clusters(store: Store) -> None:
    docs, _ = _planted(200, seed=13)
    links = StoredLinks(store, EXACT)
    assigned = links.add(docs)
    clusters = sorted({c for c in assigned if c})
    summaries = links.summaries(clusters)
    assert [s["cluster"] for s in summaries] == clusters
    sizes = {s["cluster"]: s["size"] for s in summaries}
    for cluster in clusters:
        assert sizes[cluster] == assigned.count(cluster)
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(LinkCluster)) == len(clusters)


def test_layout_mismatch_is_refused(store: Store) -> None:
    from link_support import features

    StoredLinks(store, LinkConfig()).add([features("a", "one two three")])
    with pytest.raises(ConfigError):
        StoredLinks(store, LinkConfig(shingle_size=2)).add([features("b", "four five six")])


def _stored_against_full_recluster(store: Store) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Each stored document's cluster, and the one a union-find over every stored link gives."""
    from vigil.link.graph import union_find

    with store.session() as session:
        docs = session.execute(
            sa.select(LinkDocument.idx, LinkDocument.doc_id, LinkDocument.cluster).order_by(LinkDocument.idx)
        ).all()
        edges = session.execute(sa.select(LinkEdge.left, LinkEdge.right)).all()
        sizes = dict(session.execute(sa.select(LinkCluster.cluster, LinkCluster.size)).all())
    roots = union_find(
        len(docs),
        np.asarray([e[0] for e in edges], dtype=np.int64),
        np.asarray([e[1] for e in edges], dtype=np.int64),
    )
    full = dict(zip((d.doc_id for d in docs), cluster_ids([d.doc_id for d in docs], roots), strict=True))
    stored = {d.doc_id: d.cluster for d in docs}
    members: dict[str, int] = {}
    for cluster in stored.values():
        if cluster is not None:
            members[cluster] = members.get(cluster, 0) + 1
    assert sizes == members  # one summary per cluster, none left behind, sizes current
    return stored, full


@pytest.mark.parametrize(
    ("size", "batch", "config"),
    [
        (120, 1, LinkConfig()),
        (400, 7, LinkConfig()),
        (400, 60, LinkConfig()),
        (400, 60, LinkConfig(max_identifier_docs=3)),  # identifiers turn common: links are removed
        (400, 400, EXACT),
    ],
)
def test_batches_recluster_only_what_they_reach_yet_match_a_full_recluster(
    store: Store, size: int, batch: int, config: LinkConfig
) -> None:
    docs, _ = _planted(size, seed=21)
    links = StoredLinks(store, config)
    for start in range(0, len(docs), batch):
        returned = links.add(docs[start : start + batch])
        stored, full = _stored_against_full_recluster(store)
        assert stored == full
        assert returned == [full[d.id] for d in docs[start : start + batch]]
    assert sum(c is not None for c in full.values()) > size // 10


def _cluster_rows(store: Store) -> tuple[list[tuple[str, int, str]], list[tuple[str, str | None]]]:
    import json

    with store.session() as session:
        summaries = [
            (c, n, json.dumps(s, sort_keys=True))
            for c, n, s in session.execute(
                sa.select(LinkCluster.cluster, LinkCluster.size, LinkCluster.summary).order_by(LinkCluster.cluster)
            )
        ]
        members = [
            (d, c) for d, c in session.execute(sa.select(LinkDocument.doc_id, LinkDocument.cluster).order_by(LinkDocument.idx))
        ]
    return summaries, members


@pytest.mark.parametrize("batch", [25, 90])
def test_deferred_summaries_after_flush_equal_immediate_ones(store: Store, batch: int) -> None:
    docs, _ = _planted(360, seed=23)
    deferred = StoredLinks(store, EXACT, defer_summaries=True)
    immediate_store = Store.open(store.settings.model_copy(update={"database_url": "sqlite://"}))
    try:
        immediate = StoredLinks(immediate_store, EXACT)
        for start in range(0, len(docs), batch):
            assert deferred.add(docs[start : start + batch]) == immediate.add(docs[start : start + batch])
        waiting, members = _cluster_rows(store)
        assert members == _cluster_rows(immediate_store)[1]
        assert not waiting  # nothing summarised before the flush
        assert deferred.flush() > 0
        assert _cluster_rows(store) == _cluster_rows(immediate_store)
        assert deferred.flush() == 0
    finally:
        immediate_store.close()


def test_pending_summaries_survive_a_stopped_run(store: Store) -> None:
    docs, _ = _planted(240, seed=24)
    StoredLinks(store, EXACT, defer_summaries=True).add(docs[:120])  # the run stops before its flush
    reopened = Store.open(store.settings)
    try:
        StoredLinks(reopened, EXACT).add(docs[120:])  # an immediate add summarises what was pending too
        summaries, members = _cluster_rows(reopened)
    finally:
        reopened.close()
    clusters = sorted({c for _, c in members if c})
    assert [c for c, _, _ in summaries] == clusters
    assert clusters
