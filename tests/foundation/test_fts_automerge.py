"""Migration ``search_0006``: SQLite's full-text index merges 8 segments at a time, and no search changes.

A store ingested in many small transactions keeps many segments; the same searches must find
the same documents, in the same order, with the same totals, as after merging the index into
one segment (``optimize``), and after the migration's downgrade. PostgreSQL has no segments
(the migration does nothing there).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from vigil.ingest import ingest_input
from vigil.search import SearchQuery, search_documents
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.db import alembic_config, upgrade

WORDS = ("praca", "pracownik", "magazyn", "робота", "житло", "warehouse", "housing", "telegram", "escort", "nowa")
QUERIES = [
    ("praca", "newest"), ("pracown*", "relevance"), ("робо*", "newest"), ("житло -робота", "relevance"),
    ('"warehouse escort"', "newest"), ("telegram praca", "relevance"), ("nowa -praca", "posted"), ("zzz*", "newest"),
]
DOCUMENTS = 600
BATCH = 20  # one transaction, so one new segment, per 20 documents


def _sqlite(settings: Settings) -> Store:
    return Store.open(settings.model_copy(update={"ingest_batch_size": BATCH}))


def _automerge(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT v FROM documents_fts_config WHERE k = 'automerge'")) or 4)


def _segments(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT count(DISTINCT segid) FROM documents_fts_idx")) or 0)


def _results(store: Store) -> list[tuple[int, tuple[int, ...]]]:
    return [
        (page.total, tuple(hit.pk for hit in page.items))
        for page in (search_documents(store, SearchQuery(text=t, sort=s, per_page=100)) for t, s in QUERIES)
    ]


@pytest.fixture
def many_segments(settings: Settings, tmp_path: Path) -> Store:
    path = tmp_path / "ads.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(DOCUMENTS):
            words = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(1 + n % 4)]
            record = {"id": f"ad-{n}", "text": " ".join(words) + f" {n}", "posted_at": f"2026-03-{1 + n % 28:02d}"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    store = _sqlite(settings)
    assert ingest_input(store, path).accepted == DOCUMENTS
    return store


def test_the_index_merges_eight_segments_at_a_time(many_segments: Store) -> None:
    store = many_segments
    try:
        assert _automerge(store) == 8
        held = _segments(store)
        # 30 transactions, merged 8 at a time: several segments stay, each search reads them all
        assert 1 < held < DOCUMENTS // BATCH, held
        with_segments = _results(store)
        assert [total > 0 for total, _ in with_segments] == [True] * (len(QUERIES) - 1) + [False], with_segments
        with store.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')"))
        assert _segments(store) == 1
        assert _results(store) == with_segments
    finally:
        store.close()


def test_the_downgrade_restores_the_default_and_changes_no_result(many_segments: Store) -> None:
    store = many_segments
    try:
        before = _results(store)
        command.downgrade(alembic_config(store.engine), "search_0005")
        assert _automerge(store) == 4
        assert _results(store) == before
        upgrade(store.engine)
        assert _automerge(store) == 8
        with store.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')"))
    finally:
        store.close()
