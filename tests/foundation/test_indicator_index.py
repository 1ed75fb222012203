"""One index on document indicators: migration foundation_0002 drops the single-column one.

``ix_document_indicators_indicator_doc`` (indicator, document_pk) serves every lookup by
indicator; the upgrade leaves it alone, the downgrade brings the dropped index back, and
the indicator queries read the composite index (EXPLAIN). SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic import command
from test_schema_drift import schema_drift

from vigil.store import Store
from vigil.store.db import alembic_config, upgrade
from vigil.store.models import DocumentIndicator, DocumentRow

COMPOSITE = "ix_document_indicators_indicator_doc"
SINGLE = "ix_document_indicators_indicator"


def _indexes(store: Store) -> set[str]:
    return {index["name"] for index in sa.inspect(store.engine).get_indexes("document_indicators") if index["name"]}


def test_upgrade_drops_the_single_column_index_and_downgrade_brings_it_back(store: Store) -> None:
    assert _indexes(store) == {COMPOSITE}
    command.downgrade(alembic_config(store.engine), "foundation_0002@-1")
    assert _indexes(store) == {COMPOSITE, SINGLE}
    upgrade(store.engine)
    assert _indexes(store) == {COMPOSITE}
    assert schema_drift(store) == []


def test_downgrading_the_composite_index_brings_the_single_one_back_first(store: Store) -> None:
    command.downgrade(alembic_config(store.engine), "search_0001")
    assert _indexes(store) == {SINGLE}  # never without an index on the indicator
    upgrade(store.engine)
    assert _indexes(store) == {COMPOSITE}


#: The indicator lookups of search (the filter) and of its filter options (distinct indicators).
QUERIES: dict[str, Callable[[], sa.Select[tuple[int]] | sa.Select[tuple[str]]]] = {
    "search filter": lambda: sa.select(DocumentRow.pk).where(
        DocumentRow.pk.in_(sa.select(DocumentIndicator.document_pk).where(DocumentIndicator.indicator == "upfront_fee"))
    ),
    "filter options": lambda: sa.select(DocumentIndicator.indicator)
    .where(DocumentIndicator.indicator.is_not(None))
    .distinct()
    .order_by(DocumentIndicator.indicator)
    .limit(200),
}


def _plan(store: Store, statement: sa.Select[tuple[int]] | sa.Select[tuple[str]]) -> str:
    with store.engine.connect() as conn:
        compiled = statement.compile(conn, compile_kwargs={"literal_binds": True})
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
            return "\n".join(str(row[-1]) for row in rows)
        conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: ask whether an index can serve
        return "\n".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {compiled}"))


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_indicator_queries_read_the_composite_index(store: Store, query: str) -> None:
    plan = _plan(store, QUERIES[query]())
    assert COMPOSITE in plan, plan
