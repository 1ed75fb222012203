"""Faster search on large stores: FTS5 prefix indexes, a stored tsvector, an indicator index.

SQLite: the FTS5 table is rebuilt with prefix indexes for 3 to 6 letters, so ``stem*`` reads one
list instead of merging every word with that stem (the triggers of ``search_0001`` keep feeding it).
PostgreSQL: the full-text vector becomes a stored generated column with the GIN index on it, so
re-checking candidate rows reads the vector instead of parsing the text again.
Both: ``(indicator, document_pk)`` lets the indicator filter read document keys off the index.

Revision ID: search_0002
Revises: search_0001
"""

from __future__ import annotations

from alembic import op

revision = "search_0002"
down_revision = "search_0001"
branch_labels = None
depends_on = None

INDICATOR_INDEX = "CREATE INDEX IF NOT EXISTS ix_document_indicators_indicator_doc ON document_indicators (indicator, document_pk)"
DROP_INDICATOR_INDEX = "DROP INDEX IF EXISTS ix_document_indicators_indicator_doc"
FTS_COLUMNS = "title, text, content='documents', content_rowid='pk', tokenize='unicode61 remove_diacritics 0'"

SQLITE_UP = (
    "DROP TABLE IF EXISTS documents_fts",
    f"CREATE VIRTUAL TABLE documents_fts USING fts5({FTS_COLUMNS}, prefix='3 4 5 6')",
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
    INDICATOR_INDEX,
)
SQLITE_DOWN = (
    DROP_INDICATOR_INDEX,
    "DROP TABLE IF EXISTS documents_fts",
    f"CREATE VIRTUAL TABLE documents_fts USING fts5({FTS_COLUMNS})",
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
)
#: ``vigil.search.PG_DOCUMENT_VECTOR`` names the column made here.
POSTGRES_UP = (
    "DROP INDEX IF EXISTS ix_documents_fulltext",
    "ALTER TABLE documents ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_documents_fulltext ON documents USING gin (search_vector)",
    INDICATOR_INDEX,
)
POSTGRES_DOWN = (
    DROP_INDICATOR_INDEX,
    "DROP INDEX IF EXISTS ix_documents_fulltext",
    "ALTER TABLE documents DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS ix_documents_fulltext ON documents USING gin "
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text))",
)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in statements.get(dialect, ()):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
