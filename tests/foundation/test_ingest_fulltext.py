"""A large ingest batch feeds SQLite's full-text index in one statement, and the index stays whole.

Small batches go through the index's insert trigger row by row; from
:data:`vigil.store.bulk.BULK_INDEX_ROWS` rows the trigger is set aside inside the batch's
transaction and the new rows are indexed after the insert. Either way every stored document
is found, and the trigger is there afterwards, also when the batch fails.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.ingest import ingest_input
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.bulk import BULK_INDEX_ROWS, _sqlite_time, insert_documents


def _file(path: Path, count: int, word: str) -> Path:
    lines = [f'{{"id": "{word}-{n}", "text": "Praca {word}{n} w magazynie", "title": "Oferta {word}"}}' for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _matches(store: Store, query: str) -> int:
    with store.session() as session:
        return int(session.scalar(sa.text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :q"), {"q": query}))


def _trigger(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'documents_fts_ai'")))


@pytest.mark.parametrize("count", [1, BULK_INDEX_ROWS - 1, BULK_INDEX_ROWS, 3 * BULK_INDEX_ROWS + 7])
def test_every_ingested_document_is_in_the_index(settings: Settings, tmp_path: Path, count: int) -> None:
    with Store.open(settings) as store:
        ingest_input(store, _file(tmp_path / "a.jsonl", 5, "alpha"))  # stored before: stays found
        report = ingest_input(store, _file(tmp_path / "b.jsonl", count, "beta"))
        again = ingest_input(store, _file(tmp_path / "b.jsonl", count, "beta"))  # all duplicates: nothing new indexed
        assert (report.accepted, again.duplicates) == (count, count)
        assert _matches(store, "alpha") == 5
        assert _matches(store, "beta") == count
        assert _matches(store, "beta0") == 1
        assert _matches(store, "title:oferta") == count + 5
        assert _trigger(store) == 1
        with store.session() as session:
            session.execute(sa.text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')"))


def _row(n: int, text: str | None) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "source_id": 1, "doc_id": f"x-{n}", "text": text, "title": None, "kind": "other", "platform": None, "url": None,
        "lang": None, "posted_at": None, "captured_at": None, "location": None, "images": [], "meta": {},
        "evidence_sha256": None, "ingest_run_id": None, "created_at": now,
    }


def test_a_failing_batch_keeps_the_trigger(settings: Settings, tmp_path: Path) -> None:
    with Store.open(settings) as store:
        ingest_input(store, _file(tmp_path / "a.jsonl", 2, "alpha"))
        rows = [_row(n, f"gamma {n}") for n in range(BULK_INDEX_ROWS)] + [_row(BULK_INDEX_ROWS, None)]
        with pytest.raises(sqlite3.IntegrityError), store.session() as session:
            insert_documents(session, rows)  # text is required: the batch fails after the trigger was set aside
        assert _trigger(store) == 1
        assert _matches(store, "gamma") == 0
        ingest_input(store, _file(tmp_path / "c.jsonl", 1, "delta"))  # the trigger still feeds the index
        assert _matches(store, "delta") == 1


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 2, 18, 0, 39, tzinfo=UTC),
        datetime(2026, 3, 1, 1, 2, 3, 45, tzinfo=timezone(timedelta(hours=3))),  # the day before in UTC
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        None,
    ],
)
def test_timestamps_are_stored_as_sqlalchemy_stores_them(moment: datetime | None) -> None:
    expected = None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert _sqlite_time(moment) == expected
