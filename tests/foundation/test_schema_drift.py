"""The store knows all its tables: the migrations and the models describe the same schema.

Alembic's autogenerate compares the migrated database with ``Base.metadata``; a table
missing from ``vigil.store.all_models`` would show as a table to drop, a column added in a
model without a migration as a column to add. Runs on SQLite and, when configured, PostgreSQL.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import vigil
from vigil.store import Store
from vigil.store.all_models import include_object, models

PACKAGE_DIR = Path(vigil.__file__).parent
TABLENAME = re.compile(r"""^\s+__tablename__\s*=\s*["']([a-z0-9_]+)["']""", re.MULTILINE)
#: SQLite cannot reflect expression indexes (``lower(name)``); Alembic says so and skips them.
SQLITE_REFLECTION_LIMITS = (
    r"Skipped unsupported reflection of expression-based index",
    r"autogenerate skipping metadata-specified expression-based index",
)


def declared_tables() -> dict[str, str]:
    """Every ``__tablename__`` in Vigil's source, with the module that declares it."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for name in TABLENAME.findall(path.read_text(encoding="utf-8")):
            found[name] = str(path.relative_to(PACKAGE_DIR))
    return found


def schema_drift(store: Store) -> list[Any]:
    with warnings.catch_warnings():
        for message in SQLITE_REFLECTION_LIMITS:
            warnings.filterwarnings("ignore", message=message)
        with store.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            return list(compare_metadata(context, models.Base.metadata))


def test_every_declared_table_is_registered() -> None:
    declared = declared_tables()
    assert len(declared) >= 21, declared
    missing = {name: module for name, module in declared.items() if name not in models.Base.metadata.tables}
    assert not missing, f"add these modules to vigil.store.all_models: {missing}"


def test_migrations_match_the_models(store: Store) -> None:
    assert schema_drift(store) == []


@pytest.mark.parametrize(
    ("change", "expected_op"),
    [
        ("drop_table", "add_table"),
        ("add_table", "remove_table"),
        ("add_column", "remove_column"),
        ("drop_index", "add_index"),
    ],
)
def test_drift_is_detected(store: Store, change: str, expected_op: str) -> None:
    """Negative cases: a schema that differs from the models is reported, not passed over."""
    with store.engine.begin() as conn:
        if change == "drop_table":
            conn.execute(sa.text("DROP TABLE audit_head"))
        elif change == "add_table":
            conn.execute(sa.text("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)"))
        elif change == "add_column":
            conn.execute(sa.text("ALTER TABLE link_meta ADD COLUMN stray INTEGER"))
        else:
            conn.execute(sa.text("DROP INDEX ix_document_indicators_indicator_doc"))
    ops = [diff[0] for diff in schema_drift(store)]
    assert expected_op in ops, ops


def test_search_objects_stay_out_of_the_comparison() -> None:
    table = sa.Table("documents_fts", sa.MetaData())
    assert not include_object(table, "documents_fts", "table", True, None)
    assert not include_object(None, "ix_documents_newest", "index", True, None)
    assert include_object(None, "documents", "table", True, None)
    assert include_object(None, "ix_analyses_level_score", "index", True, None)
