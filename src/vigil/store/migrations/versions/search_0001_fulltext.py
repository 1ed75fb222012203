"""Full-text search over documents: an FTS5 index on SQLite, a GIN index on PostgreSQL.

SQLite keeps an external-content FTS5 table (the text lives once, in ``documents``) in step
with triggers, so every writer of ``documents`` keeps the index current without knowing of it.
PostgreSQL indexes the ``to_tsvector('simple', ...)`` expression that ``vigil.search`` queries;
the 'simple' configuration does no stemming, so it treats every language alike.

Revision ID: search_0001
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "search_0001"
down_revision = "0001"
branch_labels = ("search",)
depends_on = None

SQLITE_UP = (
    # remove_diacritics 0 keeps matching the same as PostgreSQL's 'simple' configuration.
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "title, text, content='documents', content_rowid='pk', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ai AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ad AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.pk, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.pk, old.title, old.text); "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END",
    # Documents stored before this migration get indexed too.
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
    "CREATE INDEX IF NOT EXISTS ix_analyses_risk_score ON analyses (risk_score)",
)
SQLITE_DOWN = (
    "DROP INDEX IF EXISTS ix_analyses_risk_score",
    "DROP TRIGGER IF EXISTS documents_fts_au",
    "DROP TRIGGER IF EXISTS documents_fts_ad",
    "DROP TRIGGER IF EXISTS documents_fts_ai",
    "DROP TABLE IF EXISTS documents_fts",
)
#: Must stay identical to ``vigil.search.PG_DOCUMENT_VECTOR`` or the planner cannot use the index.
POSTGRES_UP = (
    "CREATE INDEX IF NOT EXISTS ix_documents_fulltext ON documents USING gin "
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text))",
    # The default result order ("newest first, undated last") read straight off an index.
    "CREATE INDEX IF NOT EXISTS ix_documents_newest ON documents (posted_at DESC NULLS LAST, pk DESC)",
    "CREATE INDEX IF NOT EXISTS ix_analyses_risk_score ON analyses (risk_score DESC NULLS LAST)",
)
POSTGRES_DOWN = (
    "DROP INDEX IF EXISTS ix_analyses_risk_score",
    "DROP INDEX IF EXISTS ix_documents_newest",
    "DROP INDEX IF EXISTS ix_documents_fulltext",
)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in statements.get(dialect, ()):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
