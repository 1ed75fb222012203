from __future__ import annotations

import sqlalchemy as sa

from vigil.store import Store
from vigil.store.models import DocumentRow, Source


def test_migrations_create_foundation_tables(store: Store) -> None:
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"sources", "ingest_runs", "documents", "evidence", "analyses", "document_indicators"} <= tables


def test_reopen_is_idempotent(store: Store) -> None:
    again = Store.open(store.settings)
    try:
        with again.session() as session:
            session.add(Source(name="s"))
        with again.session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Source)) == 1
    finally:
        again.close()


def test_unique_document_per_source(store: Store) -> None:
    import pytest

    from vigil.errors import StoreError

    with store.session() as session:
        session.add(Source(name="s"))
        session.flush()
        source_id = session.scalar(sa.select(Source.id))
        session.add(DocumentRow(source_id=source_id, doc_id="a", text="t", images=[], meta={}))
    with pytest.raises(StoreError), store.session() as session:
        session.add(DocumentRow(source_id=source_id, doc_id="a", text="t2", images=[], meta={}))
