"""A document always names a stored source and, when it has one, a stored ingest run.

SQLite checks this with foreign keys; PostgreSQL with statement-level triggers
(``ingest_0002``), which check all rows of a statement at once (reading them once since
``ingest_0003``). Both must refuse the same statements and accept the same ones: each row
of the tables below runs on both databases.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic import command

from vigil.store import Store
from vigil.store.db import alembic_config

NOW = "2026-01-01 00:00:00"


def _seed(store: Store) -> None:
    """Source 1 with run 10 and documents 'a' (run 10) and 'b' (no run); source 2 holds only 'c'; source 3 nothing."""
    with store.engine.begin() as conn:
        for source in (1, 2, 3):
            conn.execute(
                sa.text("INSERT INTO sources (id, name, created_at) VALUES (:id, :name, :now)"),
                {"id": source, "name": f"s{source}", "now": NOW},
            )
        conn.execute(
            sa.text(
                "INSERT INTO ingest_runs (id, source_id, path, format, started_at, accepted, rejected, duplicates,"
                " errors, status) VALUES (10, 1, 'x.jsonl', 'jsonl', :now, 0, 0, 0, '[]', 'finished')"
            ),
            {"now": NOW},
        )
        for doc_id, source, run in (("a", 1, 10), ("b", 1, None), ("c", 2, None)):
            _insert(conn, [(doc_id, source, run)])


def _insert(conn: sa.Connection, rows: list[tuple[str, int, int | None]]) -> None:
    values = ", ".join(f"(:d{i}, :s{i}, :r{i}, 't', 'other', '[]', '{{}}', :now)" for i in range(len(rows)))
    params: dict[str, object] = {"now": NOW}
    for i, (doc_id, source, run) in enumerate(rows):
        params |= {f"d{i}": doc_id, f"s{i}": source, f"r{i}": run}
    conn.execute(
        sa.text(
            "INSERT INTO documents (doc_id, source_id, ingest_run_id, text, kind, images, meta, created_at) "
            f"VALUES {values}"
        ),
        params,
    )


def _run(store: Store, action: Callable[[sa.Connection], object]) -> None:
    with store.engine.begin() as conn:
        action(conn)


def _sql(statement: str) -> Callable[[sa.Connection], object]:
    return lambda conn: conn.execute(sa.text(statement))


REFUSED = [
    pytest.param(lambda c: _insert(c, [("x", 99, None)]), id="insert-unknown-source"),
    pytest.param(lambda c: _insert(c, [("x", 1, 99)]), id="insert-unknown-run"),
    pytest.param(lambda c: _insert(c, [("x", 1, 10), ("y", 99, 10), ("z", 2, None)]), id="one-bad-row-of-three"),
    pytest.param(_sql("UPDATE documents SET source_id = 99 WHERE doc_id = 'b'"), id="update-to-unknown-source"),
    pytest.param(_sql("UPDATE documents SET ingest_run_id = 99 WHERE doc_id = 'b'"), id="update-to-unknown-run"),
    pytest.param(_sql("DELETE FROM sources WHERE id = 2"), id="delete-source-of-a-document"),
    pytest.param(_sql("UPDATE sources SET id = 20 WHERE id = 2"), id="rekey-source-of-a-document"),
    pytest.param(_sql("DELETE FROM ingest_runs WHERE id = 10"), id="delete-run-of-a-document"),
    pytest.param(_sql("UPDATE ingest_runs SET id = 11 WHERE id = 10"), id="rekey-run-of-a-document"),
]

ACCEPTED = [
    pytest.param(lambda c: _insert(c, [("x", 3, None), ("y", 1, 10), ("z", 2, None)]), 6, id="insert-known"),
    pytest.param(_sql("UPDATE documents SET source_id = 3 WHERE doc_id = 'c'"), 3, id="move-to-known-source"),
    pytest.param(_sql("UPDATE documents SET ingest_run_id = NULL WHERE doc_id = 'a'"), 3, id="drop-run"),
    pytest.param(_sql("DELETE FROM sources WHERE id = 3"), 3, id="delete-unreferenced-source"),
    pytest.param(_sql("UPDATE sources SET name = 'renamed' WHERE id = 2"), 3, id="rename-source"),
    pytest.param(_sql("UPDATE ingest_runs SET status = 'abandoned' WHERE id = 10"), 3, id="update-run-status"),
    pytest.param(_sql("DELETE FROM documents WHERE doc_id = 'c'"), 2, id="delete-document"),
]


@pytest.mark.parametrize("action", REFUSED)
def test_a_dangling_reference_is_refused(store: Store, action: Callable[[sa.Connection], object]) -> None:
    _seed(store)
    with pytest.raises(sa.exc.IntegrityError):
        _run(store, action)
    with store.engine.connect() as conn:  # the statement is undone whole
        rows = conn.execute(sa.text("SELECT doc_id, source_id, ingest_run_id FROM documents ORDER BY doc_id")).all()
        sources = conn.execute(sa.text("SELECT id FROM sources ORDER BY id")).scalars().all()
        runs = conn.execute(sa.text("SELECT id FROM ingest_runs")).scalars().all()
    assert [tuple(row) for row in rows] == [("a", 1, 10), ("b", 1, None), ("c", 2, None)]
    assert (sources, runs) == ([1, 2, 3], [10])


@pytest.mark.parametrize(("action", "documents"), ACCEPTED)
def test_a_sound_change_is_accepted(store: Store, action: Callable[[sa.Connection], object], documents: int) -> None:
    _seed(store)
    _run(store, action)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM documents")).scalar_one() == documents


def _postgres(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("TRUNCATE and the triggers are PostgreSQL's; SQLite has foreign keys")


def test_truncating_a_referred_table_is_refused_unless_documents_go_too(store: Store) -> None:
    _postgres(store)
    _seed(store)
    with pytest.raises(sa.exc.IntegrityError, match="leaves documents pointing at ingest_runs"):
        _run(store, _sql("TRUNCATE ingest_runs"))
    _run(store, _sql("TRUNCATE documents, ingest_runs CASCADE"))
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM documents")).scalar_one() == 0


def test_the_error_names_the_missing_key(store: Store) -> None:
    _postgres(store)
    _seed(store)
    with pytest.raises(sa.exc.IntegrityError, match="names ingest run 77, which does not exist"):
        _run(store, lambda c: _insert(c, [("x", 1, 10), ("y", 1, 77)]))


def _foreign_keys(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(
            conn.execute(
                sa.text("SELECT conname FROM pg_constraint WHERE conrelid = 'documents'::regclass AND contype = 'f'")
            ).scalars()
        )


def test_the_migration_swaps_foreign_keys_and_triggers_both_ways(store: Store) -> None:
    _postgres(store)
    replaced = {"documents_source_id_fkey", "documents_ingest_run_id_fkey"}
    assert not replaced & _foreign_keys(store)
    command.downgrade(alembic_config(store.engine), "ingest_0001")
    assert replaced <= _foreign_keys(store)
    _seed(store)
    with pytest.raises(sa.exc.IntegrityError):  # the foreign key itself, after the downgrade
        _run(store, lambda c: _insert(c, [("x", 99, None)]))
    command.upgrade(alembic_config(store.engine), "heads")
    assert not replaced & _foreign_keys(store)
    with pytest.raises(sa.exc.IntegrityError, match="names source 99"):
        _run(store, lambda c: _insert(c, [("x", 99, None)]))


#: Columns ANALYZE gathers nothing for on PostgreSQL (``ingest_0003``), and some it still does.
UNANALYZED = ("text", "title", "url", "images", "meta")
ANALYZED = ("doc_id", "kind", "lang", "platform", "posted_at", "location", "search_vector")


def _statistics_targets(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return dict(
            conn.execute(
                sa.text(
                    "SELECT attname, attstattarget FROM pg_attribute "
                    "WHERE attrelid = 'documents'::regclass AND attnum > 0 AND NOT attisdropped"
                )
            ).all()
        )


def test_analyze_skips_the_columns_no_query_filters_by(store: Store) -> None:
    _postgres(store)
    _seed(store)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE documents SET title = 'Praca', url = 'https://jobs.example/1', lang = 'pl'"))
        conn.execute(sa.text("ANALYZE documents"))
        gathered = set(
            conn.execute(sa.text("SELECT attname FROM pg_stats WHERE tablename = 'documents'")).scalars()
        )
    assert not gathered & set(UNANALYZED)
    assert set(ANALYZED) <= gathered


def test_the_one_read_check_downgrades_to_the_per_column_one_and_back(store: Store) -> None:
    _postgres(store)
    assert {c: t for c, t in _statistics_targets(store).items() if c in UNANALYZED} == dict.fromkeys(UNANALYZED, 0)
    command.downgrade(alembic_config(store.engine), "ingest_0002")
    assert all(_statistics_targets(store)[c] == -1 for c in UNANALYZED)
    _seed(store)
    with pytest.raises(sa.exc.IntegrityError, match="names ingest run 77, which does not exist"):
        _run(store, lambda c: _insert(c, [("x", 1, 10), ("y", 1, 77)]))
    _run(store, lambda c: _insert(c, [("x", 1, 10), ("y", 2, None)]))
    command.upgrade(alembic_config(store.engine), "heads")
    assert all(_statistics_targets(store)[c] == 0 for c in UNANALYZED)
    with pytest.raises(sa.exc.IntegrityError, match="names source 99, which does not exist"):
        _run(store, lambda c: _insert(c, [("z", 1, 10), ("w", 99, 10)]))
    _run(store, lambda c: _insert(c, [("z", 1, 10), ("w", 3, None)]))
