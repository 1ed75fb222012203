"""Migration link_0003: link documents by cluster, then id; a cluster's smallest member is one lookup.

The upgrade replaces the index on the cluster alone, the downgrade brings it back, and the
smallest-member query reads the first entry of the composite index (EXPLAIN: no sort, no
aggregate over the cluster's members). On PostgreSQL the index orders ids by code point,
whatever the database's collation. SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from vigil.link.models import LinkDocument
from vigil.link.state import smallest_member_query
from vigil.store import Store
from vigil.store.db import alembic_config, upgrade
from vigil.store.rows import insert_rows

COMPOSITE = "ix_link_documents_cluster_doc_id"
SINGLE = "ix_link_documents_cluster"


def _indexes(store: Store) -> set[str]:
    found = sa.inspect(store.engine).get_indexes("link_documents")
    return {index["name"] for index in found if index["name"] and "cluster" in index["column_names"]}


def test_upgrade_replaces_the_cluster_index_and_downgrade_brings_it_back(store: Store) -> None:
    assert _indexes(store) == {COMPOSITE}
    command.downgrade(alembic_config(store.engine), "link_0002")
    assert _indexes(store) == {SINGLE}
    upgrade(store.engine)
    assert _indexes(store) == {COMPOSITE}


def _plan(store: Store) -> str:
    with store.engine.connect() as conn:
        statement = smallest_member_query(conn.dialect.name).params(values=[1, 2])
        sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "sqlite":
            return "\n".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: ask whether an index can serve
        return "\n".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))


def test_the_smallest_member_is_one_index_lookup(store: Store) -> None:
    plan = _plan(store)
    assert COMPOSITE in plan, plan
    for whole_cluster in ("Sort", "TEMP B-TREE", "Aggregate"):
        assert whole_cluster not in plan, plan


def test_the_smallest_member_compares_ids_by_code_point(store: Store) -> None:
    # "Z9" comes first by code point; a linguistic collation puts "a-2" or "a1" first
    ids = ["a-2", "é1", "Z9", "a1"]
    with store.session() as session:
        if store.engine.dialect.name == "postgresql":  # ids ordered as in a database made for one language
            session.execute(sa.text('ALTER TABLE link_documents ALTER COLUMN doc_id TYPE VARCHAR(512) COLLATE "und-x-icu"'))
        insert_rows(
            session.connection(),
            "link_documents",
            ("idx", "doc_id", "text", "facts", "cluster", "linked_at"),
            [(i, doc_id, "", "{}", "c-one", "2026-01-01T00:00:00") for i, doc_id in enumerate(ids)],
        )
    with store.session() as session:
        rows = session.execute(smallest_member_query(store.engine.dialect.name), {"values": [3]}).all()
        by_database = session.scalar(sa.select(sa.func.min(LinkDocument.doc_id)))
    if store.engine.dialect.name == "postgresql":
        assert by_database != min(ids)  # the column's own order is not Python's
    assert [tuple(row) for row in rows] == [("c-one", min(ids))]
