"""Batches written at once (PostgreSQL) keep the serial writer's results, and a direct COPY its counts.

On PostgreSQL a JSONL input is inserted by several threads, each batch committing only after
the one before it; a batch of new rows is copied into ``documents`` itself, falling back to
the staging table once it meets a stored row. Each test runs on both databases: SQLite (one
writer) is the reference the PostgreSQL results must equal.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import vigil.ingest as ingest_module
from vigil.documents import parse_document
from vigil.errors import StoreError
from vigil.ingest import POSTGRES_WRITERS, ingest_input
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.bulk import CopyState, document_values, insert_document_values
from vigil.store.models import DocumentRow, IngestRun

BATCH = 2


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _records(n: int, prefix: str = "d") -> list[dict[str, Any]]:
    return [{"id": f"{prefix}-{i}", "text": f"Praca w Niemczech, oferta {i}", "lang": "pl"} for i in range(n)]


def _stored(store: Store) -> dict[str, str]:
    with store.session() as session:
        return dict(session.execute(sa.select(DocumentRow.doc_id, DocumentRow.text)).all())


@pytest.fixture
def small_batches(backend_settings: Settings) -> Settings:
    return backend_settings.model_copy(update={"ingest_batch_size": BATCH})


def test_an_id_repeated_in_a_later_batch_keeps_the_first(small_batches: Settings, tmp_path: Path) -> None:
    records = _records(7)
    # "d-0" again three batches later with another text, "d-3" again in the next batch
    records[6] = {"id": "d-0", "text": "the second d-0", "lang": "en"}
    records.insert(5, {"id": "d-3", "text": "the second d-3", "lang": "en"})
    with Store.open(small_batches) as store:
        report = ingest_input(store, _write(tmp_path / "in.jsonl", records))
        stored = _stored(store)
    assert (report.accepted, report.duplicates, report.rejected) == (6, 2, 0)
    assert stored["d-0"] == "Praca w Niemczech, oferta 0"
    assert stored["d-3"] == "Praca w Niemczech, oferta 3"
    assert sorted(stored) == [f"d-{i}" for i in range(6)]


@pytest.mark.parametrize("stored_first", [0, 3, 4, 9, 10])
def test_an_input_partly_stored_counts_every_row_once(
    small_batches: Settings, tmp_path: Path, stored_first: int
) -> None:
    records = _records(10)
    with Store.open(small_batches) as store:
        if stored_first:
            ingest_input(store, _write(tmp_path / "head.jsonl", records[:stored_first]), source="in.jsonl")
        report = ingest_input(store, _write(tmp_path / "in.jsonl", records))
        again = ingest_input(store, tmp_path / "in.jsonl")
        stored = _stored(store)
    assert (report.accepted, report.duplicates) == (10 - stored_first, stored_first)
    assert (again.accepted, again.duplicates) == (0, 10)
    assert sorted(stored) == sorted(r["id"] for r in records)


def test_a_failed_batch_leaves_a_prefix_of_the_input(
    small_batches: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest_module.insert_document_values

    def failing(session: Any, values: Any, **kwargs: Any) -> int:
        # the id leads a row (PostgreSQL: a COPY line in bytes)
        ids = {row.split(b"\t", 1)[0].decode() if isinstance(row, bytes) else row[0] for row in values}
        if "d-4" in ids:  # the third batch: slow, so the batches after it are inserted first, then it fails
            time.sleep(0.5)
            raise StoreError("disk full")
        return real(session, values, **kwargs)

    monkeypatch.setattr(ingest_module, "insert_document_values", failing)
    with Store.open(small_batches) as store:
        with pytest.raises(StoreError, match="disk full"):
            ingest_input(store, _write(tmp_path / "in.jsonl", _records(12)))
        stored = _stored(store)
        with store.session() as session:
            run = session.scalars(sa.select(IngestRun)).one()
    assert sorted(stored) == ["d-0", "d-1", "d-2", "d-3"]
    assert (run.status, run.accepted) == ("failed", 4)


def test_postgresql_writes_batches_on_several_threads_sqlite_on_one(
    small_batches: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest_module.insert_document_values
    threads: set[str] = set()

    def recording(session: Any, values: Any, **kwargs: Any) -> int:
        threads.add(threading.current_thread().name)
        time.sleep(0.05)  # long enough for the next batch to reach another thread
        return real(session, values, **kwargs)

    monkeypatch.setattr(ingest_module, "insert_document_values", recording)
    with Store.open(small_batches) as store:
        report = ingest_input(store, _write(tmp_path / "in.jsonl", _records(20)))
        expected = POSTGRES_WRITERS if store.dialect == "postgresql" else 1
    assert report.accepted == 20
    assert len(threads) == expected, threads


def test_a_direct_copy_counts_its_rows_and_falls_back_on_a_stored_one(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("the direct COPY is PostgreSQL's")
    documents = [parse_document(r) for r in _records(5)]
    values = [document_values(d, store.dialect) for d in documents]
    with store.session() as session:
        source_id = session.execute(
            sa.text("INSERT INTO sources (name, created_at) VALUES ('s', now()) RETURNING id")
        ).scalar_one()
    state = CopyState()
    now = datetime.now(UTC)
    with store.session() as session:
        assert (
            insert_document_values(session, values[:3], source_id=source_id, run_id=None, created_at=now, state=state)
            == 3
        )
    assert not state.conflicts_seen
    with store.session() as session:
        # two stored, two new: the COPY meets a stored row, the staging table inserts the new ones
        assert (
            insert_document_values(session, values[1:], source_id=source_id, run_id=None, created_at=now, state=state)
            == 2
        )
    assert state.conflicts_seen
    assert sorted(_stored(store)) == [f"d-{i}" for i in range(5)]
